# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""TMC in the sandbox: permits, one message per change, consume, confirm, redelivery, faults."""
import copy
import json
import time

import pytest
import requests

from top_client import InvalidParameterError, TopClient
from top_client.tests.conftest import APP_KEY, APP_SECRET, SESSION, Sandbox

TID = '3009000000000000100'


@pytest.fixture(scope='module')
def box(tmp_path_factory):
    server = Sandbox(str(tmp_path_factory.mktemp('tmc')))
    yield server
    server.stop()


@pytest.fixture
def client(box):
    box.control('reset')
    box.control('tmc', {'faults': [], 'redeliver_seconds': 60, 'cancel_all': True,
                        'clear': True})
    return TopClient('127.0.0.1:%d' % box.port, APP_KEY, APP_SECRET, session=SESSION,
                     backoff=0.01, max_backoff=0.05, timeout=(2, 5))


def unpaid_trade(box, tid=TID):
    base = next(t for t in box.control('state')['trades'] if t['orders']['order'])
    trade = copy.deepcopy(base)
    order = dict(trade['orders']['order'][0], oid=str(int(tid) + 1), status='WAIT_BUYER_PAY',
                 refund_status='NO_REFUND')
    for key in ('consign_time', 'invoice_no', 'end_time'):
        order.pop(key, None)
        trade.pop(key, None)
    trade.update(tid=tid, status='WAIT_BUYER_PAY', orders={'order': [order]})
    trade.pop('pay_time', None)
    box.control('upsert', {'trades': [trade]})
    return trade


def change(box, tid, verb, body=None):
    resp = requests.post('%s/_sandbox/trade/%s/%s' % (box.base, tid, verb), json=body or {},
                         timeout=10)
    assert resp.status_code == 200, resp.text
    return resp.json()


def consume(client, quantity=100):
    answer = client.call('taobao.tmc.messages.consume', {'quantity': quantity})
    return answer.get('messages') or []  # the client unwraps {"tmc_message": [...]}


def test_permit_get_cancel(box, client):
    assert client.call('taobao.tmc.user.permit',
                       {'topics': 'taobao_trade_TradeBuyerPay,taobao_refund_RefundCreated'}
                       )['is_success'] is True
    nick = box.control('state')['seller_nick']
    user = client.call('taobao.tmc.user.get', {'nick': nick, 'fields': 'user_nick,topics'})
    assert user['tmc_user']['topics'] == ['taobao_trade_TradeBuyerPay',
                                          'taobao_refund_RefundCreated']
    assert user['tmc_user']['is_valid'] is True
    client.call('taobao.tmc.user.cancel', {'nick': nick})
    assert 'tmc_user' not in client.call('taobao.tmc.user.get',
                                         {'nick': nick, 'fields': 'user_nick'})


def test_unknown_topic_is_refused(client):
    with pytest.raises(InvalidParameterError):
        client.call('taobao.tmc.user.permit', {'topics': 'taobao_trade_NoSuchTopic'})


def test_no_message_without_permit(box, client):
    unpaid_trade(box)
    change(box, TID, 'pay')
    assert consume(client) == []


def test_one_message_per_change_with_topic_and_content(box, client):
    client.call('taobao.tmc.user.permit', {})
    unpaid_trade(box)
    change(box, TID, 'pay')
    change(box, TID, 'address', {'receiver_city': '杭州市'})
    change(box, TID, 'memo', {'seller_memo': 'ship SF'})
    change(box, TID, 'refund', {'status': 'WAIT_SELLER_AGREE'})
    messages = consume(client)
    assert [m['topic'] for m in messages] == [
        'taobao_trade_TradeCreate', 'taobao_trade_TradeBuyerPay',
        'taobao_trade_TradeLogisticsAddressChanged', 'taobao_trade_TradeMemoModified',
        'taobao_refund_RefundCreated']
    content = json.loads(messages[1]['content'])
    assert str(content['tid']) == TID and content['status'] == 'WAIT_SELLER_SEND_GOODS'
    refund = json.loads(messages[-1]['content'])
    assert str(refund['tid']) == TID and refund['refund_id']
    assert all(m['user_nick'] == box.control('state')['seller_nick'] for m in messages)


def test_unconfirmed_come_again_confirmed_do_not(box, client):
    client.call('taobao.tmc.user.permit', {})
    box.control('tmc', {'redeliver_seconds': 0.5})
    unpaid_trade(box)
    change(box, TID, 'pay')
    first = consume(client)
    assert len(first) == 2
    assert consume(client) == []  # handed out, hidden for now
    client.call('taobao.tmc.messages.confirm', {'s_message_ids': first[0]['id']})
    time.sleep(0.7)
    again = consume(client)
    assert [m['id'] for m in again] == [first[1]['id']]
    client.call('taobao.tmc.messages.confirm', {'s_message_ids': again[0]['id']})
    time.sleep(0.7)
    assert consume(client) == []
    assert box.control('tmc')['counts']['redelivered'] == 1


def test_consume_and_confirm_limits(client):
    for quantity in (9, 201):
        with pytest.raises(InvalidParameterError):
            client.call('taobao.tmc.messages.consume', {'quantity': quantity})
    with pytest.raises(InvalidParameterError):
        client.call('taobao.tmc.messages.confirm',
                    {'s_message_ids': ','.join(str(i) for i in range(201))})


def test_quantity_caps_a_batch(box, client):
    client.call('taobao.tmc.user.permit', {})
    for index in range(6):
        unpaid_trade(box, str(int(TID) + 10 * index))
        change(box, str(int(TID) + 10 * index), 'pay')
    assert len(consume(client, 10)) == 10
    assert len(consume(client, 10)) == 2


def test_faults_drop_duplicate_reorder(box, client):
    client.call('taobao.tmc.user.permit', {})
    box.control('tmc', {'faults': ['duplicate:1'], 'seed': 1})
    unpaid_trade(box)
    assert len(consume(client)) == 2  # one TradeCreate, twice
    box.control('tmc', {'faults': ['drop:1'], 'clear': True})
    change(box, TID, 'pay')
    assert consume(client) == []
    box.control('tmc', {'faults': ['reorder:1'], 'reorder_seconds': 0.5})
    change(box, TID, 'memo', {'seller_memo': 'a'})
    assert consume(client) == []  # held back
    time.sleep(0.6)
    assert [m['topic'] for m in consume(client)] == ['taobao_trade_TradeMemoModified']
    counts = box.control('tmc')['counts']
    assert counts['dropped'] == 1 and counts['reordered'] == 1


def test_bad_fault_spec_is_refused(box):
    resp = requests.post('%s/_sandbox/tmc' % box.base, json={'faults': ['lose:1']}, timeout=5)
    assert resp.status_code == 400 and 'lose' in resp.json()['error']


def test_pay_refuses_a_paid_trade(box, client):
    unpaid_trade(box)
    change(box, TID, 'pay')
    resp = requests.post('%s/_sandbox/trade/%s/pay' % (box.base, TID), json={}, timeout=5)
    assert resp.status_code == 400
    assert client.call('taobao.trade.fullinfo.get', {'tid': TID, 'fields': 'tid,status'}
                       )['trade']['status'] == 'WAIT_SELLER_SEND_GOODS'


def test_pay_a_presale_deposit_then_its_final_payment(box, client):
    trade = unpaid_trade(box)
    trade.update(type='step', step_trade_status='FRONT_NOPAID_FINAL_NOPAID')
    box.control('upsert', {'trades': [trade]})
    fields = {'tid': TID, 'fields': 'tid,status,step_trade_status'}
    change(box, TID, 'pay')
    deposit = client.call('taobao.trade.fullinfo.get', fields)['trade']
    assert (deposit['status'], deposit['step_trade_status']) == (
        'WAIT_BUYER_PAY', 'FRONT_PAID_FINAL_NOPAID')
    change(box, TID, 'pay')
    paid = client.call('taobao.trade.fullinfo.get', fields)['trade']
    assert (paid['status'], paid['step_trade_status']) == (
        'WAIT_SELLER_SEND_GOODS', 'FRONT_PAID_FINAL_PAID')


def test_command_line_faults(tmp_path):
    server = Sandbox(str(tmp_path), extra=['--tmc-fault', 'drop:1'])
    try:
        assert server.control('tmc')['faults'] == {'drop': 1.0}
    finally:
        server.stop()
