# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Client behaviour against the running sandbox over loopback HTTP."""
import json
import socket

import pytest
import requests

from top_client import (AuthenticationError, InvalidParameterError, OAuthClient,
                        OAuthError, PermissionDeniedError, RateLimitError,
                        RemoteError, SessionError, TopClient, TransportError,
                        MalformedResponseError)

from .conftest import APP_KEY, APP_SECRET, SESSION

TRADE_FIELDS = 'tid,status,created,modified,payment,buyer_message,orders.oid,orders.is_free_gift'


def make(box, **kw):
    opts = dict(session=SESSION, backoff=0.01, max_backoff=0.05, timeout=(2, 5))
    opts.update(kw)
    return TopClient('127.0.0.1:%d' % box.port, kw.pop('app_key', APP_KEY),
                     kw.pop('app_secret', APP_SECRET),
                     **{k: v for k, v in opts.items() if k not in ('app_key', 'app_secret')})


def first_item_with_skus(client):
    state = requests.get('http://127.0.0.1:%d/_sandbox/state' % client_port(client),
                         timeout=30).json()
    return next(i for i in state['items'] if i['skus']['sku'])


def client_port(client):
    return int(client.gateway_url.split(':')[2].split('/')[0])


@pytest.mark.parametrize('method', ['md5', 'hmac', 'hmac-sha256'])
def test_time_get_all_sign_methods(fresh, method):
    assert make(fresh, sign_method=method).time_get().year >= 2024


@pytest.mark.parametrize('kw,cls,code', [
    ({'app_secret': 'wrong'}, AuthenticationError, 25),
    ({'app_key': '999'}, AuthenticationError, 29),
    ({'session': None}, SessionError, 26),
    ({'session': 'bogus'}, SessionError, 27),
])
def test_credential_errors(fresh, kw, cls, code):
    client = make(fresh, **kw)
    with pytest.raises(cls) as info:
        client.call('taobao.items.onsale.get', {'fields': 'num_iid'})
    assert info.value.code == code and info.value.request_id
    assert client.stats['calls'] == 1  # never retried
    text = str(info.value)
    for secret in (APP_SECRET, SESSION, 'wrong', 'bogus'):
        assert secret not in text


def test_invalid_parameters(client):
    with pytest.raises(InvalidParameterError) as info:
        client.call('taobao.items.onsale.get', {})
    assert info.value.code == 40 and info.value.sub_code == 'isv.missing-parameter:fields'
    with pytest.raises(InvalidParameterError) as info:
        client.call('taobao.trades.sold.get', {'fields': 'tid', 'page_size': 101})
    assert info.value.code == 41
    with pytest.raises(InvalidParameterError):
        client.call('taobao.items.seller.list.get',
                    {'fields': 'num_iid', 'num_iids': list(range(1, 22))})
    with pytest.raises(InvalidParameterError):
        client.call('taobao.trades.sold.increment.get', {
            'fields': 'tid', 'start_modified': '2024-06-01 00:00:00',
            'end_modified': '2024-06-02 00:00:01'})
    with pytest.raises(InvalidParameterError) as info:
        client.call('taobao.no.such.api')
    assert info.value.code == 22
    assert client.stats['retries'] == 0


def test_permission_denied(fresh, client):
    fresh.control('faults', {'faults': [], 'deny_methods': ['taobao.trades.sold.get']})
    with pytest.raises(PermissionDeniedError) as info:
        client.call('taobao.trades.sold.get', {'fields': 'tid'})
    assert info.value.code == 11 and client.stats['calls'] == 1


def test_session_expiry_control_and_fault(fresh, client):
    fresh.control('session', {'expired': True})
    with pytest.raises(SessionError) as info:
        client.call('taobao.items.onsale.get', {'fields': 'num_iid'})
    assert info.value.sub_code == 'session-expired'
    fresh.control('session', {'expired': False})
    fresh.control('faults', {'faults': ['session_expiry@2']})
    client.call('taobao.items.onsale.get', {'fields': 'num_iid'})
    for _ in range(2):
        with pytest.raises(SessionError):
            client.call('taobao.items.onsale.get', {'fields': 'num_iid'})


def test_transient_retried_then_succeeds(fresh, client):
    fresh.control('faults', {'faults': ['transient@1', 'transient@2']})
    events = []
    client.on_call = events.append
    assert client.call('taobao.time.get')['time']
    assert client.stats['calls'] == 3 and client.stats['retries'] == 2
    assert [e['error'] for e in events] == ['RemoteError', 'TransportError', None]
    assert events[0]['sub_code'] == 'isp.top-remote-connection-timeout'
    assert events[0]['retrying'] and not events[2]['retrying']


def test_retries_are_bounded(fresh):
    client = make(fresh, max_retries=2)
    fresh.control('faults', {'faults': ['transient:1.0'], 'seed': 1})
    with pytest.raises((RemoteError, TransportError)):
        client.call('taobao.time.get')
    assert client.stats['calls'] == 3 and client.stats['retries'] == 2


def test_retry_false_disables_retries(fresh, client):
    fresh.control('faults', {'faults': ['transient@1']})
    with pytest.raises(RemoteError):
        client.call('taobao.time.get', retry=False)
    assert client.stats['calls'] == 1


def test_rate_limit_honours_ban(fresh, client):
    fresh.control('faults', {'faults': ['rate_limit@1']})
    events = []
    client.on_call = events.append
    client.call('taobao.time.get')
    assert events[0]['error'] == 'RateLimitError' and events[0]['code'] == 7
    fresh.control('faults', {'faults': ['rate_limit@1']})
    with pytest.raises(RateLimitError) as info:
        client.call('taobao.time.get', retry=False)
    assert info.value.retry_after == 1.0


def test_malformed_retried_for_reads_only(fresh, client):
    fresh.control('faults', {'faults': ['malformed@1']})
    client.call('taobao.time.get')
    assert client.stats['retries'] == 1
    item = first_item_with_skus(client)
    sku = item['skus']['sku'][0]
    fresh.control('faults', {'faults': ['malformed@1']})
    with pytest.raises(MalformedResponseError):
        client.call('taobao.item.quantity.update', {
            'num_iid': item['num_iid'], 'sku_id': sku['sku_id'], 'quantity': 7})


def test_slow_answer_times_out(fresh):
    client = make(fresh, timeout=(2, 0.3), max_retries=0)
    fresh.control('faults', {'faults': ['slow@1'], 'slow_seconds': 1.0})
    with pytest.raises(TransportError) as info:
        client.call('taobao.time.get')
    assert 'timed out' in str(info.value)
    fresh.control('faults', {'faults': ['slow@1'], 'slow_seconds': 0.2})
    assert make(fresh).call('taobao.time.get')['time']


def test_connection_refused_is_transport_error():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    client = TopClient('127.0.0.1:%d' % port, APP_KEY, APP_SECRET, session=SESSION,
                       max_retries=1, backoff=0.01)
    with pytest.raises(TransportError) as info:
        client.call('taobao.time.get')
    assert client.stats['calls'] == 2
    # Nothing chained: the requests error names the URL and the form (session, sign).
    err = info.value
    assert err.__cause__ is None and err.__context__ is None
    oauth = OAuthClient('http://127.0.0.1:%d/token' % port, APP_KEY, APP_SECRET)
    with pytest.raises(TransportError) as info:
        oauth.refresh('a-refresh-token-123')
    assert info.value.__cause__ is None and info.value.__context__ is None


def test_malformed_wrapper(fresh, client, monkeypatch):
    with pytest.raises(MalformedResponseError):
        client._unwrap('taobao.time.get', b'{"other_response": {}}')
    with pytest.raises(MalformedResponseError):
        client._unwrap('taobao.time.get', b'[1, 2]')


@pytest.mark.parametrize('use_has_next', [True, False])
def test_paging_trades(fresh, client, use_has_next):
    everything = client.call('taobao.trades.sold.get', {'fields': 'tid', 'page_size': 100})
    total = everything['total_results']
    pages = list(client.iter_pages('taobao.trades.sold.get', {'fields': 'tid,created'},
                                   'trades', page_size=7, use_has_next=use_has_next))
    assert [len(p) for p in pages][:-1] == [7] * (len(pages) - 1)
    tids = [t['tid'] for p in pages for t in p]
    assert len(tids) == total == len(set(tids))
    created = [t['created'] for p in pages for t in p]
    assert created == sorted(created, reverse=True)
    assert len(list(client.iter_items('taobao.trades.sold.get', {'fields': 'tid'}, 'trades',
                                      page_size=5, max_pages=2))) == 10


def test_paging_backwards_reads_oldest_first_then_page_one_again(fresh, client):
    total = client.call('taobao.trades.sold.get', {'fields': 'tid'})['total_results']
    before = client.stats['calls']
    pages = list(client.iter_pages_backwards('taobao.trades.sold.get',
                                             {'fields': 'tid,created'}, 'trades', page_size=7))
    pages_count = -(-total // 7)
    assert client.stats['calls'] - before == pages_count + 1
    newest = client.call('taobao.trades.sold.get',
                         {'fields': 'tid', 'page_no': 1, 'page_size': 7})['trades']
    assert [t['tid'] for t in pages[-1]] == [t['tid'] for t in newest]
    assert len(pages[0]) == total - 7 * (pages_count - 1)
    created = [t['created'] for p in pages[:-1] for t in reversed(p)]
    assert created == sorted(created)
    assert len({t['tid'] for p in pages for t in p}) == total


def test_use_has_next_envelope(client):
    page = client.call('taobao.trades.sold.get', {'fields': 'tid', 'page_size': 5,
                                                  'use_has_next': True})
    assert page['has_next'] is True and 'total_results' not in page


def test_items_paging_and_status_filter(client):
    onsale = list(client.iter_items('taobao.items.onsale.get', {'fields': 'num_iid,approve_status'},
                                    'items', page_size=2, use_has_next=False))
    instock = client.call('taobao.items.inventory.get', {'fields': 'num_iid,approve_status'})
    assert all(i['approve_status'] == 'onsale' for i in onsale)
    assert len(onsale) + instock['total_results'] == 7
    with pytest.raises(InvalidParameterError):
        client.call('taobao.items.inventory.get', {'fields': 'num_iid', 'page_no': 102})


def test_fields_selection(client):
    page = client.call('taobao.trades.sold.get', {'fields': TRADE_FIELDS, 'page_size': 40})
    for trade in page['trades']:
        assert set(trade) <= {'tid', 'status', 'created', 'modified', 'payment', 'orders'}
        assert all(set(o) == {'oid'} for o in trade['orders'])
    tid = page['trades'][0]['tid']
    full = client.call('taobao.trade.fullinfo.get', {'fields': 'tid,orders.oid,orders.payment',
                                                     'tid': tid})['trade']
    assert set(full) == {'tid', 'orders'} and set(full['orders'][0]) == {'oid', 'payment'}
    item = first_item_with_skus(client)
    got = client.call('taobao.item.seller.get', {'fields': 'num_iid,title,sku',
                                                 'num_iid': item['num_iid']})['item']
    assert set(got) == {'num_iid', 'title', 'skus'} and len(got['skus']) == len(item['skus']['sku'])
    got = client.call('taobao.item.seller.get', {'fields': 'num_iid,sku.sku_id',
                                                 'num_iid': item['num_iid']})['item']
    assert all(set(s) == {'sku_id'} for s in got['skus'])
    onsale = client.call('taobao.items.onsale.get', {'fields': 'num_iid,skus,title'})
    assert all('skus' not in i for i in onsale['items'])


def test_trade_list_hides_fullinfo_fields(client):
    state = requests.get('http://127.0.0.1:%d/_sandbox/state' % client_port(client),
                         timeout=30).json()
    with_msg = [t for t in state['trades'] if t.get('buyer_message')]
    fields = 'tid,buyer_message,seller_memo,promotion_details,orders'
    for trade in client.iter_items('taobao.trades.sold.get', {'fields': fields}, 'trades'):
        assert not {'buyer_message', 'seller_memo', 'promotion_details'} & set(trade)
        assert all('is_free_gift' not in o for o in trade['orders'])
    if with_msg:
        full = client.call('taobao.trade.fullinfo.get',
                           {'fields': fields, 'tid': with_msg[0]['tid']})['trade']
        assert full['buyer_message'] == with_msg[0]['buyer_message']


def test_quantity_updates_change_item_apis(client):
    item = first_item_with_skus(client)
    sku_a, sku_b = item['skus']['sku'][:2]
    answer = client.call('taobao.item.quantity.update', {
        'num_iid': item['num_iid'], 'sku_id': sku_a['sku_id'], 'quantity': 11})
    assert answer['item']['skus'][0]['quantity'] == 11
    client.call('taobao.item.quantity.update', {
        'num_iid': item['num_iid'], 'sku_id': sku_a['sku_id'], 'quantity': -3, 'type': 2})
    client.call('taobao.skus.quantity.update', {
        'num_iid': item['num_iid'], 'skuid_quantities': '%s:5' % sku_b['sku_id']})
    skus = client.call('taobao.item.skus.get', {'fields': 'sku_id,quantity',
                                                'num_iids': item['num_iid']})['skus']
    qty = dict((s['sku_id'], s['quantity']) for s in skus)
    assert qty[sku_a['sku_id']] == 8 and qty[sku_b['sku_id']] == 5
    got = client.call('taobao.items.seller.list.get', {'fields': 'num_iid,num',
                                                       'num_iids': [item['num_iid']]})
    assert got['items'][0]['num'] == sum(qty.values())
    with pytest.raises(InvalidParameterError):
        client.call('taobao.item.quantity.update', {
            'num_iid': item['num_iid'], 'sku_id': sku_a['sku_id'], 'quantity': -1})
    with pytest.raises(InvalidParameterError):
        client.call('taobao.item.quantity.update', {'num_iid': 1, 'quantity': 1})


def test_logistics_send_moves_trade(client):
    waiting = client.call('taobao.trades.sold.get', {
        'fields': 'tid,modified,status', 'status': 'WAIT_SELLER_SEND_GOODS'})['trades'][0]
    codes = [c['code'] for c in client.call('taobao.logistics.companies.get',
                                            {'fields': 'code,name'})['logistics_companies']]
    assert 'SF' in codes
    shipped = client.call('taobao.logistics.offline.send', {
        'tid': waiting['tid'], 'out_sid': 'SF1234567890', 'company_code': 'SF'})
    assert shipped['shipping']['is_success'] is True
    trade = client.call('taobao.trade.fullinfo.get', {'fields': 'status,modified,orders',
                                                      'tid': waiting['tid']})['trade']
    assert trade['status'] == 'WAIT_BUYER_CONFIRM_GOODS' and trade['modified'] > waiting['modified']
    assert all(o['invoice_no'] == 'SF1234567890' for o in trade['orders'])
    with pytest.raises(InvalidParameterError):
        client.call('taobao.logistics.offline.send', {
            'tid': waiting['tid'], 'out_sid': 'SF1234567890', 'company_code': 'SF'})
    window = client.call('taobao.trades.sold.increment.get', {
        'fields': 'tid', 'start_modified': trade['modified'],
        'end_modified': trade['modified'], 'use_has_next': True})
    assert waiting['tid'] in [t['tid'] for t in window['trades']]


def test_status_aggregates(client):
    closed = list(client.iter_items('taobao.trades.sold.get',
                                    {'fields': 'status', 'status': 'ALL_CLOSED'}, 'trades'))
    assert {t['status'] for t in closed} <= {'TRADE_CLOSED', 'TRADE_CLOSED_BY_TAOBAO'}


def test_oauth_code_exchange_and_refresh(fresh):
    base = 'http://127.0.0.1:%d' % fresh.port
    oauth = OAuthClient(base + '/oauth/token', APP_KEY, APP_SECRET)
    url = oauth.authorize_url(base + '/oauth/authorize', 'http://localhost/cb', 'st8')
    assert 'response_type=code' in url and 'view=web' in url
    resp = requests.get(url, allow_redirects=False, timeout=30)
    assert resp.status_code == 302
    location = resp.headers['Location']
    assert location.startswith('http://localhost/cb?code=') and 'state=st8' in location
    code = location.split('code=')[1].split('&')[0]
    token = oauth.exchange_code(code, 'http://localhost/cb')
    assert token['token_type'] == 'Bearer' and token['taobao_user_nick'] == '悦享生活旗舰店'
    with pytest.raises(OAuthError) as info:
        oauth.exchange_code(code, 'http://localhost/cb')  # single use
    assert info.value.code == 'invalid_grant'
    client = make(fresh, session=token['access_token'])
    assert client.call('taobao.items.onsale.get', {'fields': 'num_iid'})['items']
    renewed = oauth.refresh(token['refresh_token'])
    assert renewed['access_token'] != token['access_token']
    with pytest.raises(SessionError):
        client.call('taobao.items.onsale.get', {'fields': 'num_iid'})
    client.session = renewed['access_token']
    assert client.call('taobao.items.onsale.get', {'fields': 'num_iid'})['items']
    bad = OAuthClient(base + '/oauth/token', APP_KEY, 'nope')
    with pytest.raises(OAuthError) as info:
        bad.refresh(renewed['refresh_token'])
    assert info.value.code == 'invalid_client' and 'nope' not in str(info.value)


def test_oauth_deny_and_bad_client(fresh):
    base = 'http://127.0.0.1:%d/oauth/authorize' % fresh.port
    resp = requests.get(base, params={'response_type': 'code', 'client_id': APP_KEY,
                                      'redirect_uri': 'http://h/cb', 'deny': '1'},
                        allow_redirects=False, timeout=30)
    assert 'error=access_denied' in resp.headers['Location']
    resp = requests.get(base, params={'response_type': 'code', 'client_id': 'x',
                                      'redirect_uri': 'http://h/cb'},
                        allow_redirects=False, timeout=30)
    assert resp.status_code == 400


def test_oauth_token_revives_expired_session(fresh, client):
    fresh.control('faults', {'faults': ['session_expiry@1']})
    with pytest.raises(SessionError):
        client.call('taobao.items.onsale.get', {'fields': 'num_iid'})
    base = 'http://127.0.0.1:%d' % fresh.port
    resp = requests.get(base + '/oauth/authorize', allow_redirects=False, timeout=30, params={
        'response_type': 'code', 'client_id': APP_KEY, 'redirect_uri': 'http://h/cb'})
    code = resp.headers['Location'].split('code=')[1].split('&')[0]
    OAuthClient(base + '/oauth/token', APP_KEY, APP_SECRET).exchange_code(code, 'http://h/cb')
    assert client.call('taobao.items.onsale.get', {'fields': 'num_iid'})


def test_call_log_and_stats(fresh, client):
    with open(fresh.call_log, 'w'):
        pass  # start from an empty log
    client.call('taobao.time.get')
    with pytest.raises(SessionError):
        make(fresh, session='bad').call('taobao.items.onsale.get', {'fields': 'num_iid'})
    with open(fresh.call_log, encoding='utf-8') as handle:
        lines = [json.loads(line) for line in handle]
    assert [line['method'] for line in lines] == ['taobao.time.get', 'taobao.items.onsale.get']
    assert lines[0]['ok'] and lines[0]['status'] == 200 and lines[0]['duration'] >= 0
    assert lines[1]['code'] == 27 and not lines[1]['ok']
    raw = json.dumps(lines)
    assert 'sign"' not in raw and SESSION not in raw and APP_SECRET not in raw
    assert '"bad"' not in raw
    stats = fresh.control('stats')
    assert stats['calls'] == 2 and stats['by_method']['taobao.time.get'] == 1
