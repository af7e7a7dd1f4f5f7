# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Buyer privacy in both sandboxes: masked receivers, OAIDs, decrypts, refusals."""
import copy
import json

import pytest

from jd_client import BusinessError, JdClient
from jd_client.tests.conftest import APP_KEY as JD_KEY, APP_SECRET as JD_SECRET
from jd_client.tests.conftest import TOKEN, JdSandbox
from top_client import InvalidParameterError, TopClient, TopError
from top_client.tests.conftest import APP_KEY, APP_SECRET, SESSION, Sandbox, small_data

FIELDS = ('tid,status,created,buyer_nick,receiver_name,receiver_mobile,receiver_phone,'
          'receiver_state,receiver_city,receiver_district,receiver_address')
BASE = next(t for t in small_data()['trades'] if t['status'] == 'WAIT_SELLER_SEND_GOODS')


def trade(tid, street, created='2024-06-03 10:00:00', name='陈明', mobile='13812341234',
          nick='tb_chen'):
    row = copy.deepcopy(BASE)
    row.update(tid=tid, created=created, modified=created, receiver_name=name,
               receiver_mobile=mobile, receiver_phone='', receiver_state='浙江省',
               receiver_city='杭州市', receiver_district='西湖区', receiver_address=street,
               buyer_nick=nick, status='WAIT_SELLER_SEND_GOODS')
    for i, order in enumerate(row['orders']['order']):
        order.update(oid='%s%d' % (tid, i), status='WAIT_SELLER_SEND_GOODS')
    return row


@pytest.fixture(scope='module')
def box(tmp_path_factory):
    # The trades are of June 2024: list them whatever their age.
    server = Sandbox(str(tmp_path_factory.mktemp('privacy')), plain=False,
                     extra=('--trade-history-days', '0'))
    yield server
    server.stop()


@pytest.fixture
def top(box):
    box.control('reset', {'items': [], 'trades': [
        trade('9001', '文三路90号'), trade('9002', '文三路12号', name='陈亮'),
        trade('9003', '文三路90号', created='2024-06-04 09:00:00'),
        trade('9004', '文三路90号', created='2024-06-12 09:00:00')]})
    box.control('privacy', {'masked': True, 'decrypt_quota': 1000})
    return TopClient('127.0.0.1:%d' % box.port, APP_KEY, APP_SECRET, session=SESSION,
                     backoff=0.01, max_backoff=0.05, timeout=(2, 5))


def full(client, tid):
    return client.call('taobao.trade.fullinfo.get', {'tid': tid, 'fields': FIELDS})['trade']


def decrypt(client, *queries):
    return client.call('taobao.top.oaid.decrypt', {'query_list': json.dumps(list(queries))})


def test_top_answers_masked_receivers_with_oaid(top):
    one, two = full(top, '9001'), full(top, '9002')
    assert (one['receiver_name'], one['receiver_mobile']) == ('陈*', '*******1234')
    assert one['receiver_address'] == two['receiver_address'] == '文三路**号'
    assert (one['receiver_state'], one['receiver_city'], one['receiver_district']) == (
        '浙江省', '杭州市', '西湖区')
    assert one['buyer_nick'] == 't**n' and one['buyer_open_uid']
    assert one['buyer_open_uid'] == two['buyer_open_uid']
    assert one['oaid'] != two['oaid']  # same mask, another receiver
    listed = top.call('taobao.trades.sold.get', {'fields': FIELDS})['trades']
    assert {t['tid']: t['oaid'] for t in listed}['9001'] == one['oaid']
    assert all('陈明' not in json.dumps(t, ensure_ascii=False) for t in listed)


def test_oaid_changes_with_week_and_app(box, top):
    same_week, week_later = full(top, '9003'), full(top, '9004')
    assert full(top, '9001')['oaid'] == same_week['oaid']
    assert week_later['oaid'] != same_week['oaid']
    box.control('privacy', {'masked': False})
    plain = full(top, '9001')
    assert plain['receiver_name'] == '陈明' and 'oaid' not in plain


def test_decrypt_counts_and_bills(box, top):
    one = full(top, '9001')
    answer = decrypt(top, {'oaid': one['oaid'], 'tid': '9001', 'scene': '1006'},
                     {'oaid': 'stale', 'tid': '9002', 'scene': '2002'})['receiver_list']
    assert answer[0]['name'] == '陈明' and answer[0]['mobile'] == '13812341234'
    assert answer[0]['address_detail'] == '文三路90号' and answer[0]['matched'] is True
    assert answer[1]['address_detail'] == '文三路12号' and answer[1]['matched'] is False
    state = box.control('privacy')
    assert state['decrypts_today'] == 2
    bills = top.call('taobao.top.secret.bill.detail',
                     {'biz_date': state['bills'][0]['biz_date'], 'page_size': 10})
    assert bills['total_num'] == 2
    assert sorted(b['order_id'] for b in bills['data']) == ['9001', '9002']


def test_decrypt_refusals(box, top):
    oaid = full(top, '9001')['oaid']
    with pytest.raises(InvalidParameterError):
        decrypt(top, {'oaid': oaid, 'tid': '9001', 'scene': '9999'})
    with pytest.raises(InvalidParameterError):
        decrypt(top, *[{'oaid': oaid, 'tid': '9001', 'scene': '1006'}] * 21)
    box.control('privacy', {'decrypt_quota': 1})
    decrypt(top, {'oaid': oaid, 'tid': '9001', 'scene': '1006'})
    with pytest.raises(TopError) as spent:
        decrypt(top, {'oaid': oaid, 'tid': '9001', 'scene': '1006'})
    assert spent.value.sub_code == 'isv.decrypt-quota-exceeded'
    assert box.control('privacy')['decrypts_today'] == 1
    box.control('faults', {'deny_methods': ['taobao.top.oaid.decrypt']})
    with pytest.raises(TopError) as denied:
        decrypt(top, {'oaid': oaid, 'tid': '9001', 'scene': '1006'})
    assert denied.value.code == 11


def test_merge_and_lookup_by_receiver(box, top):
    entries = [{'oaid': full(top, tid)['oaid'], 'tid': tid}
               for tid in ('9001', '9002', '9003', '9004')]
    merged = top.call('taobao.top.oaid.merge', {'merge_list': json.dumps(entries)})
    # One receiver, whatever the week (9004 has another oaid); one string per group.
    assert entries[0]['oaid'] == entries[2]['oaid'] != entries[3]['oaid']
    assert merged['tid_list'] == ['9001,9003,9004', '9002']
    # A receiver changed since the oaid was read: that trade no longer merges.
    box.control('trade/9003/address', {'receiver_name': '王五'})
    merged = top.call('taobao.top.oaid.merge', {'merge_list': json.dumps(entries)})
    assert merged['tid_list'] == ['9001,9004', '9002', '9003']
    found = top.call('taobao.trades.sold.query', {
        'scene': '1001', 'query_list': json.dumps([{'mobile': '13812341234', 'name': '陈亮'}])})
    assert found['tid_list'] == ['9002']
    with pytest.raises(InvalidParameterError):
        top.call('taobao.trades.sold.query', {
            'scene': '2001', 'query_list': json.dumps([{'mobile': '13812341234'}])})


# -- JD -----------------------------------------------------------------------
@pytest.fixture(scope='module')
def jd_box(tmp_path_factory):
    server = JdSandbox(str(tmp_path_factory.mktemp('jd_privacy')), plain=False)
    yield server
    server.stop()


@pytest.fixture
def jd(jd_box):
    jd_box.control('reset')
    order = jd_box.control('state')['orders'][0]
    order['consigneeInfo'].update(fullname='王小明', mobile='13900005678', telephone='',
                                  province='浙江', city='杭州市', county='西湖区',
                                  fullAddress='浙江 杭州市 西湖区 文三路90号')
    jd_box.control('upsert', {'orders': [order]})
    jd_box.control('privacy', {'masked': True, 'decrypt_quota': 2})
    client = JdClient('127.0.0.1:%d' % jd_box.port, JD_KEY, JD_SECRET, access_token=TOKEN,
                      backoff=0.01, max_backoff=0.05, timeout=(2, 5))
    return client, order['orderId']


def jd_decrypt(client, order_id, oaid, scene='1006'):
    return client.call('jingdong.jos.order.oaid.decrypt', {'getReceiverInfoListReqVO': {
        'orderInfos': [{'orderId': order_id, 'oaid': oaid}], 'scenesType': scene}})


def test_jd_masked_consignee_decrypt_quota_and_log(jd_box, jd):
    client, order_id = jd
    order = client.get_order(order_id, 'orderId,consigneeInfo,orderStartTime')
    info = order['consigneeInfo']
    assert (info['fullname'], info['mobile']) == ('王**', '*******5678')
    assert info['fullAddress'] == '浙江 杭州市 西湖区 文三路**号' and info['city'] == '杭州市'
    answer = jd_decrypt(client, order_id, order['oaid'])['returnType']
    assert answer['data'][0]['customerName'] == '王小明' and answer['data'][0]['matched']
    with pytest.raises(BusinessError):
        jd_decrypt(client, order_id, order['oaid'], scene='42')
    jd_decrypt(client, order_id, order['oaid'])
    with pytest.raises(BusinessError):  # the day's quota of 2 is spent
        jd_decrypt(client, order_id, order['oaid'])
    assert jd_box.control('privacy')['decrypts_today'] == 2
    with pytest.raises(BusinessError):
        client.call('jingdong.security.orderinfo.log.upload', {'userIp': '127.0.0.1'})
    client.call('jingdong.security.orderinfo.log.upload', {
        'userIp': '127.0.0.1', 'appKey': JD_KEY, 'jdId': 'seller', 'deviceId': 'odoo',
        'url': '/web', 'orderInfos': [{'orderId': order_id, 'oaid': order['oaid']}],
        'timeStamp': '2024-06-03 10:00:00', 'operation': 'reveal'})
    assert jd_box.control('privacy')['access_logs'][0]['orderInfos'][0]['orderId'] == order_id
