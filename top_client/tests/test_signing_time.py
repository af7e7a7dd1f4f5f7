# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import datetime

import pytest

from top_client import (BEIJING_TZ, beijing_str, normalize_gateway_url,
                        parse_beijing, sign)
from top_client.client import encode_params, flatten

DOC_PARAMS = {'method': 'taobao.user.seller.get', 'timestamp': '2013-05-06 13:52:03',
              'format': 'xml', 'app_key': 'test', 'v': '2.0', 'fields': 'nick',
              'session': 'test'}
JSON_PARAMS = {
    'method': 'taobao.trades.sold.increment.get', 'app_key': '12345678',
    'session': '6100abc', 'timestamp': '2024-05-01 12:00:00', 'format': 'json',
    'v': '2.0', 'simplify': 'false', 'fields': 'tid,status,modified',
    'start_modified': '2024-05-01 11:00:00', 'end_modified': '2024-05-01 11:30:00',
    'page_no': '1', 'page_size': '100', 'use_has_next': 'true'}


@pytest.mark.parametrize('method,expected', [
    ('md5', '72CB4D809B375A54502C09360D879C64'),
    ('hmac', 'FA15A9D5B42AB2D6F3397843851ED09A'),
    ('hmac-sha256', '267B9C1C7A2FE1CE413DBB95E596616D32107AE0992BE2C22143CFCE303E8E34'),
])
def test_doc_vectors(method, expected):
    assert sign(dict(DOC_PARAMS, sign_method=method), 'test', method) == expected


@pytest.mark.parametrize('method,expected', [
    ('md5', '0DECD5588CF057222687477F02C3AC94'),
    ('hmac', '999ADA8937DA59FFBA0E740CAD01474E'),
    ('hmac-sha256', 'DAD785B61A78CB8ABDB483915C1366F97E56E5AA8C6A2CAE03D9654D1B4BA467'),
])
def test_json_vectors(method, expected):
    assert sign(dict(JSON_PARAMS, sign_method=method), 'helloworld', method) == expected


def test_sign_ignores_sign_and_empty_values():
    params = dict(DOC_PARAMS, sign_method='md5')
    noisy = dict(params, sign='XYZ', empty='', none=None)
    assert sign(noisy, 'test', 'md5') == sign(params, 'test', 'md5')
    with pytest.raises(ValueError):
        sign(params, 'test', 'sha1')


def test_beijing_round_trip():
    utc = datetime.datetime(2024, 5, 1, 4, 0, 0)
    assert beijing_str(utc) == '2024-05-01 12:00:00'
    assert parse_beijing('2024-05-01 12:00:00') == utc
    assert parse_beijing('2024-05-01 03:00:00') == datetime.datetime(2024, 4, 30, 19, 0)
    assert BEIJING_TZ.utcoffset(None) == datetime.timedelta(hours=8)


@pytest.mark.parametrize('value,expected', [
    ('gw.api.tbsandbox.com', 'https://gw.api.tbsandbox.com/router/rest'),
    ('127.0.0.1:8123', 'http://127.0.0.1:8123/router/rest'),
    ('http://x/', 'http://x/router/rest'),
    ('http://x', 'http://x/router/rest'),
    ('https://eco.taobao.com/router/rest', 'https://eco.taobao.com/router/rest'),
    ('http://127.0.0.1:9/custom/path', 'http://127.0.0.1:9/custom/path'),
])
def test_normalize_gateway_url(value, expected):
    assert normalize_gateway_url(value) == expected


@pytest.mark.parametrize('value', ['', '   ', 'gw api.com', 'ftp://x/', 'http://', None])
def test_normalize_gateway_url_rejects(value):
    with pytest.raises(ValueError):
        normalize_gateway_url(value)


def test_encode_params():
    out = encode_params({'a': True, 'b': False, 'c': [1, 2], 'd': None, 'e': 5,
                         'f': datetime.datetime(2024, 5, 1, 4, 0)})
    assert out == {'a': 'true', 'b': 'false', 'c': '1,2', 'e': '5',
                   'f': '2024-05-01 12:00:00'}


def test_flatten_wrappers():
    body = {'items': {'item': [{'skus': {'sku': []}, 'x': 1}]},
            'trade': {'orders': {'order': [{'oid': '1'}]}}, 'n': 2}
    assert flatten(body) == {'items': [{'skus': [], 'x': 1}],
                             'trade': {'orders': [{'oid': '1'}]}, 'n': 2}
