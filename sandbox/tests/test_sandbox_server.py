# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Sandbox-specific behaviour: CLI, control API, protocol corners."""
import datetime
import subprocess
import sys
import time

import pytest
import requests

from top_client import SessionError, TopClient, InvalidParameterError, sign
from top_client.tests.conftest import APP_KEY, APP_SECRET, SESSION, SANDBOX, Sandbox


@pytest.fixture(scope='module')
def box(tmp_path_factory):
    server = Sandbox(str(tmp_path_factory.mktemp('sb2')), extra=['--no-refresh'])
    yield server
    server.stop()


def raw_call(box, params, secret=APP_SECRET, method='md5'):
    params = dict(params, app_key=APP_KEY, v='2.0', format='json', sign_method=method)
    params['sign'] = sign(params, secret, method)
    return requests.get('%s/router/rest' % box.base, params=params, timeout=5)


def now_str(offset_minutes=0):
    now = datetime.datetime.utcnow() + datetime.timedelta(hours=8, minutes=offset_minutes)
    return now.strftime('%Y-%m-%d %H:%M:%S')


def test_refuses_non_loopback_host():
    proc = subprocess.run([sys.executable, SANDBOX, '--host', '0.0.0.0', '--app-key', 'k',
                           '--app-secret', 's', '--session', 'x'],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
    assert proc.returncode != 0 and b'loopback' in proc.stderr


def test_get_with_ms_timestamp_and_skew(box):
    ms = str(int(time.time() * 1000))
    body = raw_call(box, {'method': 'taobao.time.get', 'timestamp': ms}).json()
    assert 'time_get_response' in body
    body = raw_call(box, {'method': 'taobao.time.get', 'timestamp': now_str(-11)}).json()
    assert body['error_response']['code'] == 31


def test_simplify_and_envelope(box):
    body = raw_call(box, {'method': 'taobao.items.onsale.get', 'timestamp': now_str(),
                          'session': SESSION, 'fields': 'num_iid', 'simplify': 'true'}).json()
    assert isinstance(body['items'], list)
    body = raw_call(box, {'method': 'taobao.items.onsale.get', 'timestamp': now_str(),
                          'session': SESSION, 'fields': 'num_iid'}).json()
    assert isinstance(body['items_onsale_get_response']['items']['item'], list)


def test_control_upsert_state_reset(box):
    client = TopClient(box.base, APP_KEY, APP_SECRET, session=SESSION)
    state = box.control('state')
    trade = dict(state['trades'][0], tid='99990001', buyer_nick='新买家')
    box.control('upsert', {'trades': [trade]})
    got = client.call('taobao.trade.fullinfo.get', {'fields': 'tid,buyer_nick', 'tid': '99990001'})
    assert got['trade']['buyer_nick'] == '新买家'
    box.control('reset')
    with pytest.raises(InvalidParameterError):
        client.call('taobao.trade.fullinfo.get', {'fields': 'tid', 'tid': '99990001'})
    box.control('reset', {'items': [], 'trades': []})
    assert client.call('taobao.items.onsale.get', {'fields': 'num_iid'})['total_results'] == 0
    box.control('reset')


def test_rebase_makes_data_recent(box):
    state = box.control('state')
    newest = max(t['created'] for t in state['trades'])
    assert newest[:4] >= '2025' and newest <= now_str(1)


def test_no_refresh_mode(box):
    from top_client import OAuthClient, OAuthError
    resp = requests.get(box.base + '/oauth/authorize', allow_redirects=False, timeout=30, params={
        'response_type': 'code', 'client_id': APP_KEY, 'redirect_uri': 'http://h/cb'})
    code = resp.headers['Location'].split('code=')[1].split('&')[0]
    oauth = OAuthClient(box.base + '/oauth/token', APP_KEY, APP_SECRET)
    token = oauth.exchange_code(code, 'http://h/cb')
    assert token['re_expires_in'] == 0
    with pytest.raises(OAuthError) as info:
        oauth.refresh(token['refresh_token'])
    assert info.value.code == 'invalid_grant'


def test_rate_fault_counts(box):
    box.control('faults', {'faults': ['rate_limit:0.5'], 'seed': 3})
    client = TopClient(box.base, APP_KEY, APP_SECRET, backoff=0.01, max_backoff=0.01,
                       max_retries=10)
    for _ in range(5):
        client.call('taobao.time.get')
    stats = box.control('stats')
    assert stats['faults']['rate_limit'] == client.stats['retries'] > 0
    box.control('reset')


def test_cli_fault_option(tmp_path):
    server = Sandbox(str(tmp_path), extra=['--fault', 'session_expiry@1'])
    try:
        client = TopClient(server.base, APP_KEY, APP_SECRET, session=SESSION)
        with pytest.raises(SessionError):
            client.call('taobao.items.onsale.get', {'fields': 'num_iid'})
    finally:
        server.stop()
