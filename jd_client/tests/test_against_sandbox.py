# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The JD client against the running JD sandbox over loopback HTTP."""
import datetime
import json
from decimal import Decimal

import pytest
import requests

from jd_client import (AuthenticationError, BusinessError, InvalidParameterError,
                       JdOAuthClient, MalformedResponseError, OAuthError,
                       PermissionDeniedError, RateLimitError, SessionError, TransientError,
                       TransportError)
from mapping.jd_mapping import ORDER_FIELDS

from .conftest import APP_KEY, APP_SECRET, TOKEN, make_client

ALL_STATES = ['WAIT_SELLER_STOCK_OUT', 'WAIT_GOODS_RECEIVE_CONFIRM', 'FINISHED_L',
              'TRADE_CANCELED', 'LOCKED', 'POP_ORDER_PAUSE', 'PAUSE']


def window(days=40):
    now = datetime.datetime.utcnow()
    return now - datetime.timedelta(days=min(days, 30)), now + datetime.timedelta(minutes=1)


def state_of(box):
    return box.control('state')


def test_order_paging_by_modified_and_created(jd_fresh, jd_client):
    state = state_of(jd_fresh)
    start, end = window()
    by_modified = list(jd_client.iter_order_pages(start, end, ALL_STATES, 'orderId,modified',
                                                  page_size=7))
    assert [len(p) for p in by_modified] == [7] * 5 + [5]
    ids = [o['orderId'] for p in by_modified for o in p]
    assert sorted(ids) == sorted(o['orderId'] for o in state['orders'])
    stamps = [o['modified'] for p in by_modified for o in p]
    assert stamps == sorted(stamps)
    created = list(jd_client.iter_orders(start, end, ['WAIT_SELLER_STOCK_OUT'],
                                         'orderId,orderStartTime', date_type='created',
                                         descending=True))
    assert len(created) == 14
    assert [o['orderStartTime'] for o in created] == sorted(
        (o['orderStartTime'] for o in created), reverse=True)


def test_time_window_narrows_the_search(jd_fresh, jd_client):
    orders = state_of(jd_fresh)['orders']
    newest = max(o['orderStartTime'] for o in orders)
    begin = datetime.datetime.strptime(newest, '%Y-%m-%d %H:%M:%S') - datetime.timedelta(
        hours=8)  # Beijing -> UTC
    found = list(jd_client.iter_orders(begin, begin, ALL_STATES, 'orderId',
                                       date_type='created'))
    assert [o['orderId'] for o in found] == [
        o['orderId'] for o in orders if o['orderStartTime'] == newest]


def test_order_search_refusals_are_business_errors(jd_client):
    start, end = window()
    with pytest.raises(BusinessError) as info:
        list(jd_client.iter_order_pages(start, end, ALL_STATES, 'orderId', page_size=101))
    assert 'page_size' in info.value.english_err_code
    with pytest.raises(BusinessError):
        list(jd_client.iter_orders(end - datetime.timedelta(days=40), end, ALL_STATES,
                                   'orderId'))
    with pytest.raises(BusinessError):
        list(jd_client.iter_orders(start, end, ['NOPE'], 'orderId'))
    assert jd_client.stats['retries'] == 0


def test_seller_remark_only_when_asked(jd_fresh, jd_client):
    start, end = window()
    plain = list(jd_client.iter_orders(start, end, ALL_STATES, 'orderId,orderRemark'))
    assert all(set(o) <= {'orderId', 'orderRemark'} for o in plain)
    full = list(jd_client.iter_orders(start, end, ALL_STATES, ORDER_FIELDS,
                                      method='jingdong.pop.order.enSearch'))
    assert any(o['venderRemark'] for o in full)
    assert any(o['consigneeInfo']['fullname'].startswith('~') for o in full)


def test_order_detail(jd_fresh, jd_client):
    wanted = state_of(jd_fresh)['orders'][3]
    got = jd_client.get_order(wanted['orderId'], ORDER_FIELDS)
    assert got['itemInfoList'] == wanted['itemInfoList']
    assert got['venderRemark'] == wanted['venderRemark']
    with pytest.raises(BusinessError) as info:
        jd_client.get_order('1', 'orderId')
    assert info.value.chinese_err_code == '订单1不存在'


def test_wares_skus_and_stock(jd_fresh, jd_client):
    pages = list(jd_client.iter_ware_pages(page_size=3))
    assert [len(p) for p in pages] == [3, 3, 3, 1]
    on_sale = [w for p in jd_client.iter_ware_pages(status_values=[8]) for w in p]
    assert len(on_sale) == 7 and all(w['wareStatus'] == 8 for w in on_sale)
    ware, skus = jd_client.get_ware_with_skus(on_sale[0]['wareId'])
    assert ware['title'] == '男士纯棉短袖T恤 夏季新款'
    assert len(skus) == 11  # the deleted twelfth SKU is left out
    assert {a['attrValueAlias'][0] for s in skus for a in s['saleAttrs']} >= {'黑色', 'XL'}
    sku = skus[0]
    assert jd_client.update_sku_stock(sku['skuId'], 42) is True
    assert jd_client.get_sku_stock(sku['skuId'])[0]['stockNum'] == 42
    again = jd_client.get_ware(ware['wareId'])
    assert again['stockNum'] == ware['stockNum'] - sku['stockNum'] + 42
    assert again['modified'] > ware['modified']
    with pytest.raises(BusinessError):
        jd_client.update_sku_stock(1, 5)
    with pytest.raises(BusinessError):
        jd_client.update_sku_stock(sku['skuId'], -1)
    with pytest.raises(BusinessError):
        list(jd_client.iter_ware_pages(ware_ids=range(1, 22)))


def test_sale_attribute_names_come_from_the_category(jd_fresh, jd_client):
    """JD's SKUs give sale attributes as ids and values; the category names them."""
    ware, skus = jd_client.get_ware_with_skus(10023450001)
    attrs = [a for s in skus for a in s['saleAttrs']]
    assert attrs and not any('attrName' in a for a in attrs)
    names = {str(a['id']): a['name'] for a in jd_client.category_attrs(ware['categoryId'])}
    assert names == {'1000000041': '颜色', '1000000046': '尺码'}
    assert jd_client.category_attrs(ware['categoryId'], attribute_type=1) == []
    assert jd_client.category_attrs(999999) == []

    from ecommerce_sync.adapters.jd import JdAdapter
    adapter = JdAdapter.from_credentials('127.0.0.1:%d' % jd_fresh.port, APP_KEY, APP_SECRET,
                                         session=TOKEN)
    [[(_ware_id, plan, error)]] = list(adapter.item_plans(['10023450001']))
    assert error is None
    assert [name for name, _values in plan['attributes']] == ['颜色', '尺码']
    calls = adapter.calls
    list(adapter.item_plans(['10023450002']))  # same attribute ids, another category
    list(adapter.item_plans(['10023450001']))  # its category is read once per run
    assert adapter.calls - calls == 2 + 1 + 2


def test_timestamps_with_a_zone_offset_are_converted(jd_fresh):
    """JD's SDK sends its server's local time with the offset (.000+0000 in UTC)."""
    utc = datetime.datetime.utcnow()
    for stamp, accepted in ((utc.strftime('%Y-%m-%d %H:%M:%S.000+0000'), True),
                            ((utc + datetime.timedelta(hours=8)).strftime(
                                '%Y-%m-%d %H:%M:%S.000+0800'), True),
                            ((utc - datetime.timedelta(hours=5)).strftime(
                                '%Y-%m-%d %H:%M:%S-0500'), True),
                            (utc.strftime('%Y-%m-%d %H:%M:%S'), False),
                            (utc.strftime('%Y-%m-%d %H:%M:%S.000+00:00'), False)):
        client = make_client(jd_fresh)
        client._system_params = _with_timestamp(client._system_params, stamp)
        if accepted:
            assert client.carriers(), stamp
        else:
            with pytest.raises(InvalidParameterError, match='code 8'):
                client.carriers()


def _with_timestamp(system_params, stamp):
    def params(method):
        return dict(system_params(method), timestamp=stamp)
    return params


def test_shipment_moves_the_order_and_bumps_modified(jd_fresh, jd_client):
    orders = state_of(jd_fresh)['orders']
    to_ship = [o for o in orders if o['orderState'] == 'WAIT_SELLER_STOCK_OUT']
    result = jd_client.ship_order(to_ship[0]['orderId'], 467, 'SF1234567890')
    assert result['success'] in (True, 'true')
    got = jd_client.get_order(to_ship[0]['orderId'], 'orderState,waybill,logisticsId,modified')
    assert got == dict(got, orderState='WAIT_GOODS_RECEIVE_CONFIRM', waybill='SF1234567890',
                       logisticsId='467')
    assert got['modified'] > to_ship[0]['modified']
    # The seller's own delivery (1274) needs no waybill.
    jd_client.ship_order(to_ship[1]['orderId'], '1274')
    with pytest.raises(BusinessError) as info:
        jd_client.ship_order(to_ship[0]['orderId'], 467, 'SF1234567890')
    assert 'WAIT_GOODS_RECEIVE_CONFIRM' in info.value.english_err_code
    locked = next(o for o in orders if o['orderState'] == 'LOCKED')
    with pytest.raises(BusinessError) as info:
        jd_client.ship_order(locked['orderId'], 467, 'SF1234567891')
    assert '锁定' in info.value.chinese_err_code
    with pytest.raises(BusinessError):
        jd_client.ship_order(to_ship[2]['orderId'], 999, 'X1')
    carriers = {c['id']: c['name'] for c in jd_client.carriers()}
    assert carriers[467] == '顺丰快递' and 1274 in carriers


def test_refund_applications(jd_fresh, jd_client):
    start, end = window()
    pages = list(jd_client.iter_refund_pages(start, end, page_size=3))
    assert [len(p) for p in pages] == [3, 3, 1]
    rows = [r for p in pages for r in p]
    assert all(isinstance(r['applyRefundSum'], int) for r in rows)
    pending = list(jd_client.iter_refunds(start, end, status=0))
    assert len(pending) == 3 and all(r['status'] == 0 for r in pending)
    with pytest.raises(BusinessError):
        list(jd_client.iter_refund_pages(start, end, page_size=51))


def test_control_verbs_show_in_the_modified_window(jd_fresh, jd_client):
    orders = state_of(jd_fresh)['orders']
    target = next(o for o in orders if o['orderState'] == 'WAIT_SELLER_STOCK_OUT')
    since = datetime.datetime.utcnow() - datetime.timedelta(seconds=5)
    refund = jd_fresh.control('refund', {'orderId': target['orderId']})
    assert refund['status'] == 0
    assert refund['applyRefundSum'] == int(Decimal(target['orderPayment']) * 100)
    changed = list(jd_client.iter_orders(since, datetime.datetime.utcnow() + datetime.timedelta(
        seconds=5), ALL_STATES, 'orderId,orderState'))
    assert changed == [{'orderId': target['orderId'], 'orderState': 'LOCKED'}]
    start, end = window()
    assert refund['id'] in [r['id'] for r in jd_client.iter_refunds(start, end)]


def test_rate_limit_and_transient_are_retried(jd_fresh):
    events = []
    client = make_client(jd_fresh, on_call=events.append)
    jd_fresh.control('faults', {'faults': ['rate_limit@1', 'transient@2']})
    assert client.carriers()
    assert [e['error'] for e in events] == ['RateLimitError', 'TransientError', None]
    assert client.stats['retries'] == 2


def test_retries_are_bounded(jd_fresh):
    client = make_client(jd_fresh, max_retries=2)
    jd_fresh.control('faults', {'faults': ['transient:1.0'], 'seed': 1})
    with pytest.raises(TransientError):
        client.carriers()
    assert client.stats['calls'] == 3
    jd_fresh.control('faults', {'faults': ['rate_limit:1.0'], 'seed': 1})
    with pytest.raises(RateLimitError):
        client.carriers()


def test_malformed_and_slow_answers(jd_fresh):
    client = make_client(jd_fresh)
    jd_fresh.control('faults', {'faults': ['malformed@1']})
    assert client.carriers() and client.stats['retries'] == 1
    jd_fresh.control('faults', {'faults': ['malformed@1']})
    with pytest.raises(MalformedResponseError):
        client.update_sku_stock(100045670001, 3)
    slow = make_client(jd_fresh, timeout=(2, 0.3), max_retries=0)
    jd_fresh.control('faults', {'faults': ['slow@1'], 'slow_seconds': 1.0})
    with pytest.raises(TransportError):
        slow.carriers()


@pytest.mark.parametrize('kw,cls,code', [
    ({'app_secret': 'wrong-secret-1'}, AuthenticationError, 12),
    ({'app_key': 'other-key'}, AuthenticationError, 21),
    ({'access_token': None}, SessionError, 19),
    ({'access_token': 'bogus-token-1'}, SessionError, 19),
])
def test_credential_errors_are_not_retried(jd_fresh, kw, cls, code):
    client = make_client(jd_fresh, **kw)
    with pytest.raises(cls) as info:
        client.carriers()
    assert info.value.code == code and client.stats['calls'] == 1
    for secret in (APP_SECRET, TOKEN, 'wrong-secret-1', 'bogus-token-1'):
        assert secret not in str(info.value)


def test_session_expiry_and_permission(jd_fresh, jd_client):
    jd_fresh.control('session', {'expired': True})
    with pytest.raises(SessionError):
        jd_client.carriers()
    jd_fresh.control('session', {'expired': False})
    jd_fresh.control('faults', {'faults': ['session_expiry@2'],
                                'deny_methods': ['jingdong.stock.write.updateSkuStock']})
    with pytest.raises(PermissionDeniedError) as info:
        jd_client.update_sku_stock(100045670001, 1)
    assert info.value.code == 24
    with pytest.raises(SessionError):
        jd_client.carriers()


def test_unknown_method(jd_client):
    with pytest.raises(InvalidParameterError) as info:
        jd_client.call('jingdong.no.such.api')
    assert info.value.code == 15


def test_oauth_code_exchange_and_refresh(jd_fresh):
    oauth = JdOAuthClient(APP_KEY, APP_SECRET, base_url=jd_fresh.base)
    url = oauth.authorize_url('http://localhost/cb', 'st8')
    assert url.startswith(jd_fresh.base + '/oauth2/to_login?app_key=%s' % APP_KEY)
    resp = requests.get(url, allow_redirects=False, timeout=5)
    assert resp.status_code == 302
    location = resp.headers['Location']
    assert location.startswith('http://localhost/cb?code=') and 'state=st8' in location
    code = location.split('code=')[1].split('&')[0]
    token = oauth.exchange_code(code)
    assert token['user_nick'] == '悦享生活京东旗舰店' and token['expires_in'] > 0
    assert token['uid'] and token['refresh_token']
    with pytest.raises(OAuthError) as info:
        oauth.exchange_code(code)  # single use
    assert info.value.family == 'oauth' and code not in str(info.value)
    client = make_client(jd_fresh, access_token=token['access_token'])
    assert client.carriers()
    renewed = oauth.refresh(token['refresh_token'])
    assert renewed['access_token'] != token['access_token']
    with pytest.raises(SessionError):
        client.carriers()
    client.access_token = renewed['access_token']
    assert client.carriers()
    bad = JdOAuthClient(APP_KEY, 'not-the-secret', base_url=jd_fresh.base)
    with pytest.raises(OAuthError) as info:
        bad.refresh(renewed['refresh_token'])
    assert 'not-the-secret' not in str(info.value) and 'not-the-secret' not in repr(bad)


def test_call_log_has_no_secrets(jd_fresh, jd_client):
    with open(jd_fresh.call_log, 'w'):
        pass
    jd_client.carriers()
    with pytest.raises(SessionError):
        make_client(jd_fresh, access_token='bad-token-9').carriers()
    oauth = JdOAuthClient(APP_KEY, APP_SECRET, base_url=jd_fresh.base)
    with pytest.raises(OAuthError):
        oauth.refresh('refresh-token-unknown')
    lines = jd_fresh.log_lines()
    assert [line['method'] for line in lines] == ['360buy.get.vender.all.delivery.company'] * 2 + [
        'oauth2.refresh_token']
    assert lines[0]['ok'] and not lines[1]['ok'] and lines[1]['code'] == 19
    raw = json.dumps(lines, ensure_ascii=False)
    for secret in (APP_SECRET, TOKEN, 'bad-token-9', 'refresh-token-unknown', '"sign"'):
        assert secret not in raw
    stats = jd_fresh.control('stats')
    assert stats['by_method']['360buy.get.vender.all.delivery.company'] == 2
