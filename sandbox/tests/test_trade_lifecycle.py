"""Trade lifecycle in the sandbox: shipping, refunds and changes over time."""
import copy
import decimal

import pytest

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
