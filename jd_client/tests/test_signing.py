# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Signing vectors computed by hand (md5 / HMAC over the joined string)."""
import datetime
import json

import pytest

from jd_client import (beijing_str, normalize_gateway_url, param_json, parse_beijing, sign,
                       split_window)
from jd_client.signing import signing_string

PARAMS = {
    'method': 'jingdong.pop.order.get', 'app_key': 'APPKEY', 'access_token': 'tok-123',
    'timestamp': '2024-06-01 12:00:00', 'v': '2.0',
    '360buy_param_json': '{"order_id":"2900123","remark":"买家备注"}',
}
JOINED = ('360buy_param_json{"order_id":"2900123","remark":"买家备注"}access_tokentok-123'
          'app_keyAPPKEYmethodjingdong.pop.order.gettimestamp2024-06-01 12:00:00v2.0')


def test_signing_string_sorts_and_concatenates():
    # 360buy_param_json sorts first: digits come before letters in ASCII.
    assert signing_string(PARAMS) == JOINED


@pytest.mark.parametrize('method,expected', [
    ('md5', '036226FC3A4140DA6A996078FFA9B9F4'),
    ('hmacmd5', '356B334DB4520EC1A868903AEFEE2CFB'),
    ('hmacsha256', '615F19D56D1D79BA4F95C062C1241449FFB95815E96809A78C0896239917D57D'),
])
def test_vectors_with_chinese_values(method, expected):
    assert sign(PARAMS, 'secret-xyz', method) == expected


def test_md5_is_the_default_and_secret_matters():
    assert sign(PARAMS, 'secret-xyz') == '036226FC3A4140DA6A996078FFA9B9F4'
    assert sign(PARAMS, 'secret-xyZ') != '036226FC3A4140DA6A996078FFA9B9F4'


def test_sign_and_empty_names_or_values_take_no_part():
    noisy = dict(PARAMS, sign='ABC', format='', partner=None)
    noisy[''] = 'nameless'
    assert signing_string(noisy) == JOINED
    with pytest.raises(ValueError):
        sign(PARAMS, 'x', 'sha1')


def test_param_json_is_compact_utf8_and_braces_when_empty():
    assert param_json(None) == '{}' and param_json({}) == '{}'
    text = param_json({'orderId': '1', 'remark': '备注', 'skip': None,
                       'when': datetime.datetime(2024, 6, 1, 4, 0), 'ids': (1, 2)})
    assert text == '{"ids":[1,2],"orderId":"1","remark":"备注","when":"2024-06-01 12:00:00"}'
    assert json.loads(text)['remark'] == '备注'


def test_beijing_round_trip():
    utc = datetime.datetime(2024, 6, 1, 16, 30, 0)
    assert beijing_str(utc) == '2024-06-02 00:30:00'
    assert parse_beijing('2024-06-02 00:30:00') == utc
    assert parse_beijing('2024-06-02 00:30:00.000+0800') == utc


@pytest.mark.parametrize('value,expected', [
    ('api.jd.com', 'https://api.jd.com/routerjson'),
    ('127.0.0.1:8123', 'http://127.0.0.1:8123/routerjson'),
    ('https://api-dev.jd.com/routerjson', 'https://api-dev.jd.com/routerjson'),
    ('http://gw.api.360buy.com/', 'http://gw.api.360buy.com/routerjson'),
])
def test_normalize_gateway_url(value, expected):
    assert normalize_gateway_url(value) == expected


@pytest.mark.parametrize('value', ['', 'a b', 'ftp://x/', 'http://'])
def test_normalize_gateway_url_rejects(value):
    with pytest.raises(ValueError):
        normalize_gateway_url(value)


def test_split_window_covers_every_second_once():
    start = datetime.datetime(2024, 1, 1)
    end = datetime.datetime(2024, 3, 15, 12, 0, 0)
    windows = list(split_window(start, end))
    assert windows[0] == (start, datetime.datetime(2024, 1, 31))
    assert windows[1][0] == datetime.datetime(2024, 1, 31, 0, 0, 1)
    assert windows[-1][1] == end and len(windows) == 3
    assert all(b - a <= datetime.timedelta(days=30) for a, b in windows)
    assert list(split_window(end, start)) == []
    assert list(split_window(start, start)) == [(start, start)]
