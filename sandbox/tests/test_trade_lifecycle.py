# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Trade lifecycle in the sandbox: shipping, refunds and changes over time."""
import copy
import decimal

import pytest
import requests

from top_client import InvalidParameterError, TopClient
from top_client.tests.conftest import APP_KEY, APP_SECRET, SESSION, Sandbox

TID = '2009000000000000100'


@pytest.fixture(scope='module')
def box(tmp_path_factory):
    server = Sandbox(str(tmp_path_factory.mktemp('lifecycle')))
    yield server
    server.stop()


@pytest.fixture
def client(box):
    box.control('reset')
    return TopClient('127.0.0.1:%d' % box.port, APP_KEY, APP_SECRET, session=SESSION,
                     backoff=0.01, max_backoff=0.05, timeout=(2, 5))


def cents(value):
    return int(decimal.Decimal(value) * 100)


def money(value):
    return '%d.%02d' % divmod(value, 100)


def three_order_trade(box, status='WAIT_SELLER_SEND_GOODS', post_fee='10.00'):
    """A paid trade of three sub-orders (the last a 0.00 gift), money consistent."""
    base = next(t for t in box.control('state')['trades'] if t['orders']['order'])
    trade = copy.deepcopy(base)
    first = trade['orders']['order'][0]
    orders = []
    for index, price in enumerate(('30.00', '50.00', '0.00')):
        order = dict(first, oid=str(int(TID) + index + 1), price=price, num=1,
                     total_fee=price, payment=price, divide_order_fee=price,
                     discount_fee='0.00', adjust_fee='0.00', part_mjz_discount='0.00',
                     status=status, refund_status='NO_REFUND')
        for key in ('consign_time', 'invoice_no', 'logistics_company', 'end_time'):
            order.pop(key, None)
        orders.append(order)
    trade.update(tid=TID, status=status, post_fee=post_fee, total_fee='80.00',
                 payment=money(8000 + cents(post_fee)), discount_fee='0.00',
                 adjust_fee='0.00', num=0, orders={'order': orders})
    for key in ('consign_time', 'end_time', 'num_iid', 'price'):
        trade.pop(key, None)
    box.control('upsert', {'trades': [trade]})
    return trade


def full(client, tid=TID):
    return client.call('taobao.trade.fullinfo.get', {'fields': 'tid,status,modified,payment,'
                                                     'consign_time,orders', 'tid': tid})['trade']


def send(client, **params):
    base = {'tid': TID, 'out_sid': 'SF1234567890', 'company_code': 'SF'}
    base.update(params)
    return client.call('taobao.logistics.offline.send', base)


def sub_code(info):
    return info.value.sub_code


# -- logistics -----------------------------------------------------------------
def test_companies_have_waybill_rules(client):
    companies = client.call('taobao.logistics.companies.get',
                            {'fields': 'id,code,name,reg_mail_no'})['logistics_companies']
    codes = {c['code'] for c in companies}
    assert {'SF', 'EMS', 'YTO', 'ZTO', 'STO', 'YUNDA', 'POST', 'JD'} <= codes
    assert all(set(c) == {'id', 'code', 'name', 'reg_mail_no'} for c in companies)
    only = client.call('taobao.logistics.companies.get', {'fields': 'code'})
    assert all(set(c) == {'code'} for c in only['logistics_companies'])


def test_offline_send_ships_everything_shippable(box, client):
    three_order_trade(box)
    before = full(client)
    assert send(client)['shipping']['is_success'] is True
    after = full(client)
    assert after['status'] == 'WAIT_BUYER_CONFIRM_GOODS' and after['modified'] > before['modified']
    for order in after['orders']:
        assert order['status'] == 'WAIT_BUYER_CONFIRM_GOODS'
        assert order['invoice_no'] == 'SF1234567890' and order['logistics_company'] == 'SF'
        assert order['consign_time'] == after['consign_time']
    with pytest.raises(InvalidParameterError) as info:
        send(client)
    assert sub_code(info) == 'isv.logistics-offline-service-error:B04'


def test_split_send_then_rest(box, client):
    trade = three_order_trade(box)
    oids = [o['oid'] for o in trade['orders']['order']]
    send(client, is_split=1, sub_tid=oids[0])
    part = full(client)
    assert part['status'] == 'SELLER_CONSIGNED_PART'
    assert [o['status'] for o in part['orders']] == [
        'WAIT_BUYER_CONFIRM_GOODS', 'WAIT_SELLER_SEND_GOODS', 'WAIT_SELLER_SEND_GOODS']
    assert 'invoice_no' not in part['orders'][1]
    with pytest.raises(InvalidParameterError) as info:
        send(client, is_split=1, sub_tid=oids[0], out_sid='SF9999999999')
    assert sub_code(info) == 'isv.logistics-offline-service-error:P38'
    send(client, out_sid='YT123456789012', company_code='YTO')
    done = full(client)
    assert done['status'] == 'WAIT_BUYER_CONFIRM_GOODS'
    assert [o['invoice_no'] for o in done['orders']] == [
        'SF1234567890', 'YT123456789012', 'YT123456789012']
    listed = client.call('taobao.trades.sold.increment.get', {
        'fields': 'tid,orders.oid,orders.consign_time,orders.invoice_no,'
                  'orders.logistics_company', 'start_modified': done['modified'],
        'end_modified': done['modified']})['trades']
    row = next(t for t in listed if t['tid'] == TID)
    assert [o['logistics_company'] for o in row['orders']] == ['SF', 'YTO', 'YTO']
    assert all(set(o) == {'oid', 'consign_time', 'invoice_no', 'logistics_company'}
               for o in row['orders'])


@pytest.mark.parametrize('params,code', [
    ({'tid': '1'}, 'B01'),
    ({'out_sid': 'SF12'}, 'B60'),
    ({'company_code': 'EMS', 'out_sid': 'SF1234567890'}, 'B60'),
    ({'is_split': 1, 'sub_tid': '42'}, 'P38'),
    ({'is_split': 1, 'sub_tid': ','.join(str(n) for n in range(51))}, 'P38'),
])
def test_offline_send_refusals(box, client, params, code):
    three_order_trade(box)
    with pytest.raises(InvalidParameterError) as info:
        send(client, **params)
    assert sub_code(info) == 'isv.logistics-offline-service-error:' + code
    assert full(client)['status'] == 'WAIT_SELLER_SEND_GOODS'


def test_split_needs_sub_tid_and_known_company(box, client):
    three_order_trade(box)
    with pytest.raises(InvalidParameterError) as info:
        send(client, is_split=1)
    assert info.value.code == 40
    with pytest.raises(InvalidParameterError) as info:
        send(client, company_code='NOPE')
    assert sub_code(info) == 'isv.invalid-parameter:company_code'


@pytest.mark.parametrize('status', ['WAIT_BUYER_PAY', 'PAID_FORBID_CONSIGN', 'TRADE_CLOSED',
                                    'TRADE_FINISHED'])
def test_status_forbids_shipping(box, client, status):
    three_order_trade(box, status=status)
    for call in (lambda: send(client),
                 lambda: client.call('taobao.logistics.dummy.send', {'tid': TID})):
        with pytest.raises(InvalidParameterError) as info:
            call()
        assert sub_code(info) == 'isv.logistics-offline-service-error:B04'


def test_refund_in_progress_blocks_its_sub_order(box, client):
    trade = three_order_trade(box)
    trade['orders']['order'][1]['refund_status'] = 'WAIT_SELLER_AGREE'
    box.control('upsert', {'trades': [trade]})
    oid = trade['orders']['order'][1]['oid']
    with pytest.raises(InvalidParameterError) as info:
        send(client, is_split=1, sub_tid=oid)
    assert sub_code(info) == 'isv.logistics-offline-service-error:P38'
    assert 'refund' in info.value.sub_msg
    send(client)
    after = full(client)
    assert after['status'] == 'SELLER_CONSIGNED_PART'
    assert [o['status'] for o in after['orders']] == [
        'WAIT_BUYER_CONFIRM_GOODS', 'WAIT_SELLER_SEND_GOODS', 'WAIT_BUYER_CONFIRM_GOODS']


def test_dummy_send_and_resend(box, client):
    trade = three_order_trade(box)
    with pytest.raises(InvalidParameterError) as info:
        client.call('taobao.logistics.consign.resend', {
            'tid': TID, 'out_sid': 'SF1234567890', 'company_code': 'SF'})
    assert sub_code(info) == 'isv.logistics-offline-service-error:B04'
    oids = [o['oid'] for o in trade['orders']['order']]
    send(client, is_split=1, sub_tid=','.join(oids[:2]))
    before = full(client)
    client.call('taobao.logistics.consign.resend', {
        'tid': TID, 'out_sid': '1234567890123', 'company_code': 'YUNDA',
        'is_split': 1, 'sub_tid': oids[1]})
    after = full(client)
    assert [o.get('invoice_no') for o in after['orders']] == [
        'SF1234567890', '1234567890123', None]
    assert after['orders'][1]['logistics_company'] == 'YUNDA'
    assert after['modified'] > before['modified'] and after['status'] == 'SELLER_CONSIGNED_PART'
    with pytest.raises(InvalidParameterError) as info:
        client.call('taobao.logistics.consign.resend', {
            'tid': TID, 'out_sid': '1234567890123', 'company_code': 'YUNDA',
            'is_split': 1, 'sub_tid': oids[2]})
    assert sub_code(info) == 'isv.logistics-offline-service-error:P38'
    client.call('taobao.logistics.dummy.send', {'tid': TID})
    assert full(client)['status'] == 'WAIT_BUYER_CONFIRM_GOODS'


# -- refunds and trade changes ---------------------------------------------------
def change(box, verb, body=None, tid=TID, expect=200):
    resp = requests.post('%s/_sandbox/trade/%s/%s' % (box.base, tid, verb), json=body or {},
                         timeout=10)
    assert resp.status_code == expect, resp.text
    return resp.json()


def refunds(client, **params):
    base = {'fields': 'refund_id,tid,oid,status,refund_fee,modified,order_status,'
                      'good_status,has_good_return,refund_phase,outer_id,num,payment'}
    base.update(params)
    return client.call('taobao.refunds.receive.get', base)


def test_refund_lifecycle_before_shipping(box, client):
    trade = three_order_trade(box)
    oid = trade['orders']['order'][0]['oid']
    before = full(client)
    answer = change(box, 'refund', {'oid': oid, 'status': 'WAIT_SELLER_AGREE',
                                    'refund_fee': '30.00', 'reason': '不想要了'})
    refund_id = answer['refund']['refund_id']
    assert isinstance(refund_id, str) and answer['payment'] == before['payment']
    middle = full(client)
    assert middle['modified'] > before['modified']
    assert middle['orders'][0]['refund_status'] == 'WAIT_SELLER_AGREE'
    listed = refunds(client)
    assert listed['total_results'] == 1
    row = listed['refunds'][0]
    assert row['refund_id'] == refund_id and row['tid'] == TID and row['oid'] == oid
    assert row['order_status'] == 'WAIT_SELLER_SEND_GOODS' and row['refund_phase'] == 'onsale'
    assert row['good_status'] == 'BUYER_NOT_RECEIVED' and row['has_good_return'] is False
    change(box, 'refund', {'oid': oid, 'status': 'SUCCESS'})
    after = full(client)
    assert after['orders'][0]['status'] == 'TRADE_CLOSED'
    assert after['orders'][0]['refund_status'] == 'SUCCESS'
    assert after['status'] == 'WAIT_SELLER_SEND_GOODS'
    # 30.00 + 50.00 + 10.00 postage paid: what was paid stays, the refund holds the 30.00
    assert after['payment'] == '90.00'
    one = client.call('taobao.refund.get', {'fields': 'refund_id,status,modified,refund_fee,'
                                                      'num_iid,title', 'refund_id': refund_id})
    assert one['refund']['status'] == 'SUCCESS' and one['refund']['refund_fee'] == '30.00'
    assert one['refund']['modified'] > row['modified']
    change(box, 'refund', {'oid': oid, 'status': 'CLOSED'}, expect=409)
    send(client)
    shipped = full(client)
    assert [o['status'] for o in shipped['orders']] == [
        'TRADE_CLOSED', 'WAIT_BUYER_CONFIRM_GOODS', 'WAIT_BUYER_CONFIRM_GOODS']
    assert shipped['status'] == 'WAIT_BUYER_CONFIRM_GOODS'


def test_refund_after_shipping_keeps_payment_and_all_closed_closes(box, client):
    trade = three_order_trade(box)
    oids = [o['oid'] for o in trade['orders']['order']]
    send(client)
    change(box, 'refund', {'oid': oids[1], 'status': 'WAIT_BUYER_RETURN_GOODS'})
    row = refunds(client, status='WAIT_BUYER_RETURN_GOODS')['refunds'][0]
    assert row['good_status'] == 'BUYER_RECEIVED' and row['has_good_return'] is True
    change(box, 'refund', {'oid': oids[1], 'status': 'SUCCESS', 'refund_fee': '20.00'})
    assert full(client)['payment'] == '90.00'
    change(box, 'refund', {'oid': oids[0], 'status': 'SUCCESS'})
    change(box, 'refund', {'oid': oids[2]}, expect=400)  # a 0.00 gift has nothing to refund
    assert full(client)['status'] == 'WAIT_BUYER_CONFIRM_GOODS'


def test_goods_sent_back_read_as_returned(box, client):
    """The buyer ships the goods back: the refund says so, whatever it said before."""
    trade = three_order_trade(box)
    oid = trade['orders']['order'][1]['oid']
    send(client)
    change(box, 'refund', {'oid': oid, 'status': 'WAIT_SELLER_AGREE'})
    assert refunds(client)['refunds'][0]['good_status'] == 'BUYER_RECEIVED'
    change(box, 'refund', {'oid': oid, 'status': 'WAIT_BUYER_RETURN_GOODS'})
    change(box, 'refund', {'oid': oid, 'status': 'WAIT_SELLER_CONFIRM_GOODS',
                           'company_name': '顺丰速运', 'sid': 'SF1000000001'})
    row = refunds(client, status='WAIT_SELLER_CONFIRM_GOODS')['refunds'][0]
    assert row['good_status'] == 'BUYER_RETURNED_GOODS' and row['has_good_return'] is True


def test_pre_shipping_refunds_close_the_trade(box, client):
    trade = three_order_trade(box)
    first, second, gift = trade['orders']['order']
    gift.update(is_free_gift=True, gift_mids=second['oid'])
    second.update(has_gift=True, gift_mids=gift['oid'])
    box.control('upsert', {'trades': [trade]})
    change(box, 'refund', {'oid': first['oid'], 'status': 'SUCCESS'})
    answer = change(box, 'refund', {'oid': second['oid'], 'status': 'SUCCESS'})
    assert answer['status'] == 'TRADE_CLOSED' and answer['payment'] == '90.00'
    closed = full(client)
    assert [o['status'] for o in closed['orders']] == ['TRADE_CLOSED'] * 3
    change(box, 'refund', {'oid': first['oid'], 'status': 'WAIT_SELLER_AGREE'}, expect=409)


def test_refund_partly_shipped_trade_completes_shipment(box, client):
    trade = three_order_trade(box)
    oids = [o['oid'] for o in trade['orders']['order']]
    send(client, is_split=1, sub_tid=','.join(oids[:2]))
    change(box, 'refund', {'oid': oids[2], 'status': 'WAIT_SELLER_AGREE', 'refund_fee': '0.01'},
           expect=400)
    state = next(t for t in box.control('state')['trades'] if t['tid'] == TID)
    state['orders']['order'][2].update(payment='5.00')
    box.control('upsert', {'trades': [state]})
    change(box, 'refund', {'oid': oids[2], 'status': 'SUCCESS'})
    assert full(client)['status'] == 'WAIT_BUYER_CONFIRM_GOODS'


def test_refund_list_paging_filters_and_errors(box, client):
    trade = three_order_trade(box)
    oids = [o['oid'] for o in trade['orders']['order']]
    change(box, 'refund', {'oid': oids[0], 'status': 'WAIT_SELLER_AGREE'})
    change(box, 'refund', {'oid': oids[1], 'status': 'SELLER_REFUSE_BUYER'})
    rows = refunds(client)['refunds']
    assert [r['oid'] for r in rows] == [oids[1], oids[0]]  # newest first
    page = refunds(client, page_size=1, page_no=2, use_has_next=True)
    assert page['has_next'] is False and 'total_results' not in page
    assert [r['oid'] for r in page['refunds']] == [oids[0]]
    assert refunds(client, status='SELLER_REFUSE_BUYER')['total_results'] == 1
    newest = rows[0]['modified']
    assert refunds(client, start_modified=newest)['total_results'] >= 1
    assert refunds(client, end_modified='2000-01-01 00:00:00')['total_results'] == 0
    listed = client.call('taobao.refunds.receive.get', {'fields': 'refund_id,num_iid'})
    assert all(set(r) == {'refund_id'} for r in listed['refunds'])
    for bad in ({'page_size': 101}, {'status': 'NOPE'}, {'start_modified': 'yesterday'}):
        with pytest.raises(InvalidParameterError):
            refunds(client, **bad)
    with pytest.raises(InvalidParameterError):
        client.call('taobao.refund.get', {'fields': 'refund_id', 'refund_id': '1'})
    change(box, 'refund', {'oid': '42'}, expect=400)
    change(box, 'refund', {'oid': oids[0], 'status': 'LOST'}, expect=400)
    state = box.control('state')
    assert len(state['refunds']) == 2
    box.control('reset', {'items': [], 'trades': state['trades'], 'refunds': state['refunds']})
    assert refunds(client)['total_results'] == 2
    box.control('reset')
    assert refunds(client)['total_results'] == 0


def test_notes_and_address(box, client):
    three_order_trade(box)
    before = full(client)
    change(box, 'address', {'receiver_city': '苏州市', 'receiver_address': '新地址 1 号'})
    change(box, 'memo', {'seller_memo': '加急', 'seller_flag': 4})
    change(box, 'message', {'buyer_message': '请放门口'})
    got = client.call('taobao.trade.fullinfo.get', {
        'fields': 'receiver_city,receiver_address,seller_memo,seller_flag,buyer_message,'
                  'has_buyer_message,modified', 'tid': TID})['trade']
    assert got['receiver_city'] == '苏州市' and got['receiver_address'] == '新地址 1 号'
    assert got['seller_memo'] == '加急' and got['seller_flag'] == 4
    assert got['buyer_message'] == '请放门口' and got['has_buyer_message'] is True
    assert got['modified'] > before['modified']
    change(box, 'address', {'buyer_nick': 'x'}, expect=400)
    change(box, 'memo', {'seller_flag': 9}, expect=400)
    change(box, 'memo', {}, tid='1', expect=404)
    change(box, 'nothing', expect=404)


def test_status_moves(box, client):
    three_order_trade(box)
    change(box, 'finish', expect=409)
    assert change(box, 'forbid')['status'] == 'PAID_FORBID_CONSIGN'
    change(box, 'ship', expect=409)
    assert change(box, 'allow')['status'] == 'WAIT_SELLER_SEND_GOODS'
    change(box, 'allow', expect=409)
    shipped = change(box, 'ship')
    assert shipped['status'] == 'WAIT_BUYER_CONFIRM_GOODS'
    assert {o['logistics_company'] for o in full(client)['orders']} == {'SF'}
    change(box, 'close', expect=409)
    finished = change(box, 'finish')
    got = client.call('taobao.trade.fullinfo.get', {'fields': 'status,end_time,received_payment,'
                                                              'payment', 'tid': TID})['trade']
    assert got['status'] == finished['status'] == 'TRADE_FINISHED'
    assert got['end_time'] and got['received_payment'] == got['payment']
    three_order_trade(box)
    change(box, 'ship', {'company_code': 'ZTO', 'out_sid': 'bad'}, expect=409)
    assert change(box, 'close')['status'] == 'TRADE_CLOSED'
    three_order_trade(box, status='WAIT_BUYER_PAY')
    assert change(box, 'close')['status'] == 'TRADE_CLOSED_BY_TAOBAO'
    change(box, 'refund', {'oid': str(int(TID) + 1)}, expect=409)


# -- churn fault -----------------------------------------------------------------
def test_churn_changes_the_listed_window_after_each_page(box, client):
    state = box.control('state')
    stamps = sorted(t['created'] for t in state['trades'])
    window = {'fields': 'tid,created', 'start_created': stamps[0], 'end_created': stamps[-1],
              'page_size': 5}
    total = client.call('taobao.trades.sold.get', window)['total_results']
    box.control('faults', {'faults': [{'kind': 'churn', 'every': 2, 'insert': 3, 'modify': 1}],
                           'seed': 4})
    first = client.call('taobao.trades.sold.get', window)
    assert first['total_results'] == total  # every 2nd page answer fires
    second = client.call('taobao.trades.sold.get', window)
    assert second['total_results'] == total
    third = client.call('taobao.trades.sold.get', window)
    assert third['total_results'] == total + 3
    new = [t for t in box.control('state')['trades'] if t['tid'] not in
           {s['tid'] for s in state['trades']}]
    assert len(new) == 3
    assert all(stamps[0] <= t['created'] <= stamps[-1] for t in new)
    assert all(t['status'] == 'WAIT_SELLER_SEND_GOODS' for t in new)
    assert box.control('stats')['faults']['churn'] == 1
    client.call('taobao.time.get')  # other APIs never churn
    assert box.control('stats')['faults']['churn'] == 1


def test_churn_moves_modified_inside_an_increment_window(box, client):
    state = box.control('state')
    stamps = sorted(t['modified'] for t in state['trades'])
    window = {'fields': 'tid,modified', 'start_modified': stamps[-1][:10] + ' 00:00:00',
              'end_modified': stamps[-1], 'use_has_next': True}
    box.control('faults', {'faults': [{'kind': 'churn', 'insert': 0, 'modify': 3}], 'seed': 2})
    client.call('taobao.trades.sold.increment.get', window)
    after = dict((t['tid'], t['modified']) for t in box.control('state')['trades'])
    moved = [t for t in state['trades'] if after[t['tid']] != t['modified']]
    assert 1 <= len(moved) <= 3
    assert all(t['modified'] < after[t['tid']] <= window['end_modified'] for t in moved)


def test_bad_churn_spec_is_refused(box):
    resp = requests.post(box.base + '/_sandbox/faults',
                         json={'faults': [{'kind': 'churn', 'every': 'often'}]}, timeout=5)
    assert resp.status_code == 400
