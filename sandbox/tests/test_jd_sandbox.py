# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""JD sandbox: gateway checks, envelopes, control verbs, CLI."""
import datetime
import json
import subprocess
import sys

import pytest
import requests

from jd_client import sign
from jd_client.tests.conftest import APP_KEY, APP_SECRET, JD_SANDBOX, TOKEN, JdSandbox


@pytest.fixture(scope='module')
def box(tmp_path_factory):
    server = JdSandbox(str(tmp_path_factory.mktemp('jd_sb')))
    yield server
    server.stop()


@pytest.fixture
def fresh(box):
    box.control('reset')
    return box


def now_str(minutes=0):
    now = datetime.datetime.utcnow() + datetime.timedelta(hours=8, minutes=minutes)
    return now.strftime('%Y-%m-%d %H:%M:%S')


def raw_call(box, method, business='{}', secret=APP_SECRET, drop=(), verb='post', **extra):
    params = {'method': method, 'app_key': APP_KEY, 'access_token': TOKEN,
              'timestamp': now_str(), 'v': '2.0', '360buy_param_json': business}
    params.update(extra)
    for name in drop:
        params.pop(name, None)
    params['sign'] = sign(params, secret, params.get('sign_method', 'md5'))
    if 'sign' in drop:
        del params['sign']
    if verb == 'get':
        return requests.get(box.base + '/routerjson', params=params, timeout=5).json()
    body = {'360buy_param_json': params.pop('360buy_param_json')} \
        if '360buy_param_json' in params else {}
    return requests.post(box.base + '/routerjson', params=params, data=body, timeout=5).json()


def error_code(answer):
    return answer['error_response']['code']


@pytest.mark.parametrize('kwargs,code', [
    ({'drop': ['method']}, '14'),
    ({'app_key': 'nope'}, '21'),
    ({'drop': ['timestamp']}, '7'),
    ({'timestamp': 'yesterday'}, '8'),
    ({'timestamp': now_str(-7)}, '8'),
    ({'timestamp': now_str(7)}, '8'),
    ({'drop': ['v']}, '4'),
    ({'v': '1.0'}, '5'),
    ({'drop': ['sign']}, '11'),
    ({'secret': 'other-secret'}, '12'),
    ({'access_token': 'stolen-token'}, '19'),
    ({'drop': ['access_token']}, '19'),
    ({'drop': ['360buy_param_json']}, '62'),
    ({'business': ''}, '62'),
    ({'business': '{"orderId": '}, '62'),
    ({'business': '[1, 2]'}, '62'),
])
def test_gateway_checks(box, kwargs, code):
    answer = raw_call(box, '360buy.get.vender.all.delivery.company', **kwargs)
    assert error_code(answer) == code
    assert answer['error_response']['zh_desc'] and answer['error_response']['en_desc']


def test_unknown_method_and_accepted_variants(box):
    assert error_code(raw_call(box, 'jingdong.no.such.method')) == '15'
    # Five minutes of skew, the SDKs' millisecond suffix, GET and HMAC pass.
    for kwargs in ({'timestamp': now_str(-5)}, {'timestamp': now_str() + '.123+0800'},
                   {'verb': 'get'}, {'sign_method': 'hmacsha256'}):
        answer = raw_call(box, '360buy.get.vender.all.delivery.company', **kwargs)
        assert answer['vender_delivery_all_company_response']['code'] == '0', kwargs


def test_envelope_spelling(fresh):
    answer = raw_call(fresh, 'jingdong.pop.order.search', json.dumps({
        'order_state': 'LOCKED', 'optional_fields': 'orderId'}))
    result = answer['jingdong_pop_order_search_responce']['searchorderinfo_result']
    assert result['orderTotal'] == 4 and result['apiResult']['success'] is True
    refused = raw_call(fresh, 'jingdong.pop.order.search', json.dumps({
        'order_state': 'LOCKED', 'optional_fields': 'orderId', 'page_size': 101}))
    api_result = refused['jingdong_pop_order_search_responce']['searchorderinfo_result'][
        'apiResult']
    assert api_result['success'] is False and api_result['chineseErrCode']


def orders_by_id(box):
    return dict((o['orderId'], o) for o in box.control('state')['orders'])


@pytest.mark.parametrize('state', ['LOCKED', 'POP_ORDER_PAUSE', 'TRADE_CANCELED',
                                   'WAIT_SELLER_STOCK_OUT'])
def test_order_state_verb_bumps_modified(fresh, state):
    before = orders_by_id(fresh)
    order_id = next(k for k, o in before.items() if o['orderState'] == 'FINISHED_L')
    changed = fresh.control('order_state', {'orderId': order_id, 'state': state})
    assert changed['orderState'] == state and changed['modified'] > before[order_id]['modified']
    assert orders_by_id(fresh)[order_id]['orderState'] == state


def test_modified_strictly_increases_on_quick_changes(fresh):
    order_id = next(iter(orders_by_id(fresh)))
    stamps = [fresh.control('remarks', {'orderId': order_id, 'venderRemark': 'memo %d' % n})[
        'modified'] for n in range(3)]
    assert stamps == sorted(set(stamps))


def test_refund_verb_locks_a_shippable_order(fresh):
    orders = orders_by_id(fresh)
    order_id = next(k for k, o in orders.items() if o['orderState'] == 'WAIT_SELLER_STOCK_OUT')
    refund = fresh.control('refund', {'orderId': order_id, 'applyRefundSum': 1234,
                                      'reason': '拍错了'})
    assert refund['applyRefundSum'] == 1234 and refund['reason'] == '拍错了'
    state = fresh.control('state')
    assert orders_by_id(fresh)[order_id]['orderState'] == 'LOCKED'
    assert refund in state['refunds']
    shipped = next(k for k, o in orders.items() if o['orderState'] == 'FINISHED_L')
    fresh.control('refund', {'orderId': shipped})
    assert orders_by_id(fresh)[shipped]['orderState'] == 'FINISHED_L'


def test_consignee_and_remarks_verbs(fresh):
    order_id = next(iter(orders_by_id(fresh)))
    fresh.control('consignee', {'orderId': order_id, 'consigneeInfo': {
        'fullname': '李**', 'fullAddress': '北京 朝阳区 三环以内 新地址***号'}})
    fresh.control('remarks', {'orderId': order_id, 'orderRemark': '改地址了',
                              'venderRemark': '已改'})
    order = orders_by_id(fresh)[order_id]
    assert order['consigneeInfo']['fullname'] == '李**'
    assert order['consigneeInfo']['province']  # untouched keys stay
    assert (order['orderRemark'], order['venderRemark']) == ('改地址了', '已改')


def test_control_errors(fresh):
    resp = requests.post(fresh.base + '/_sandbox/order_state',
                         json={'orderId': 'nope', 'state': 'LOCKED'}, timeout=5)
    assert resp.status_code == 400
    resp = requests.post(fresh.base + '/_sandbox/order_state',
                         json={'orderId': next(iter(orders_by_id(fresh))), 'state': 'X'},
                         timeout=5)
    assert resp.status_code == 400
    assert requests.post(fresh.base + '/_sandbox/nothing', json={}, timeout=5).status_code == 404
    resp = requests.post(fresh.base + '/_sandbox/faults', json={'faults': ['bogus@1']},
                         timeout=5)
    assert resp.status_code == 400


def test_upsert_and_reset(fresh):
    order = dict(next(iter(orders_by_id(fresh).values())), orderId='777000111')
    fresh.control('upsert', {'orders': [order]})
    assert '777000111' in orders_by_id(fresh)
    fresh.control('reset', {'wares': [], 'orders': [], 'refunds': []})
    assert fresh.control('state')['orders'] == []
    fresh.control('reset')
    assert len(orders_by_id(fresh)) == 40


def test_rebase_makes_data_recent(fresh):
    newest = max(o['modified'] for o in fresh.control('state')['orders'])
    assert now_str(-60 * 24) < newest <= now_str(1)


def test_shipment_needs_a_waybill_unless_self_delivery(fresh):
    order_id = next(k for k, o in orders_by_id(fresh).items()
                    if o['orderState'] == 'WAIT_SELLER_STOCK_OUT')
    answer = raw_call(fresh, 'jingdong.pop.order.shipment', json.dumps({
        'orderId': order_id, 'logiCoprId': '467'}))
    result = answer['jingdong_pop_order_shipment_responce']['sopjosshipment_result']
    assert result['success'] is False and result['errorCode']
    answer = raw_call(fresh, 'jingdong.pop.order.shipment', json.dumps({
        'orderId': order_id, 'logiCoprId': '467|1274', 'logiNo': 'SF111,SF222|'}))
    assert answer['jingdong_pop_order_shipment_responce']['sopjosshipment_result']['success']
    order = orders_by_id(fresh)[order_id]
    assert (order['logisticsId'], order['waybill']) == ('467|1274', 'SF111,SF222|')


@pytest.mark.parametrize('host', ['0.0.0.0', '192.168.1.10'])
def test_refuses_non_loopback_host(host):
    proc = subprocess.run([sys.executable, JD_SANDBOX, '--host', host, '--app-key', 'k',
                           '--app-secret', 's', '--access-token', 't'],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
    assert proc.returncode == 2 and b'loopback' in proc.stderr and proc.stdout == b''


def test_cli_fault_option_and_ready_line(tmp_path):
    server = JdSandbox(str(tmp_path), extra=['--fault', 'session_expiry@1'])
    try:
        line = server.proc.stdout.readline().decode()
        assert line == 'JD sandbox listening on http://127.0.0.1:%d\n' % server.port
        assert error_code(raw_call(server, '360buy.get.vender.all.delivery.company')) == '19'
    finally:
        server.stop()
