# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import copy
import json
import os
from decimal import Decimal

import pytest

from mapping.item_mapping import ItemError
from mapping.jd_mapping import (JD_CLOSED, JD_HOLD, JD_SHIPPABLE, address_of, can_ship,
                                fen_to_yuan, jd_time, plan_order, plan_refund, plan_ware,
                                status_meaning)
from mapping.refund_mapping import goods_returned
from mapping.refund_mapping import plan_refund as plan_top_refund
from mapping.trade_mapping import (HOLD_FORBIDDEN, HOLD_MESSAGE, HOLD_REFUND,
                                   TradeMappingError, plan_total, plan_trade)

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__)))), 'sandbox', 'jd_demo_data.json')


@pytest.fixture(scope='module')
def demo():
    with open(DATA, encoding='utf-8') as handle:
        return json.load(handle)


def item(sku_id='100045670001', price='59.00', qty='1', ware_id='10023450001', **kw):
    row = {'skuId': sku_id, 'outerSkuId': 'TS-001-BK-S', 'skuName': '纯棉T恤 黑色 S',
           'jdPrice': price, 'itemTotal': qty, 'wareId': ware_id, 'productNo': 'TS-001',
           'giftPoint': '0'}
    row.update(kw)
    return row


def order(**kw):
    row = {'orderId': '290000000001', 'orderState': 'WAIT_SELLER_STOCK_OUT',
           'orderStartTime': '2024-06-01 10:00:00', 'modified': '2024-06-01 10:05:00',
           'orderTotalPrice': '177.00', 'orderPayment': '171.50', 'freightPrice': '6.00',
           'pin': 'jd_buyer01', 'orderRemark': '', 'venderRemark': '',
           'consigneeInfo': {'fullname': '张**', 'mobile': '138****5678', 'telephone': '',
                             'fullAddress': '浙江 杭州市 西湖区 文三路***号', 'province': '浙江',
                             'city': '杭州市', 'county': '西湖区', 'town': ''},
           'itemInfoList': [item(qty='2'), item(sku_id='100045670002', price='59.00',
                                                outerSkuId='', productNo='TS-001')],
           'couponDetailList': [
               {'orderId': '290000000001', 'skuId': '100045670001',
                'couponType': '30-单品促销优惠', 'couponPrice': '3.50'},
               {'orderId': '290000000001', 'couponType': '41-京东券优惠',
                'couponPrice': '8.00'}]}
    row.update(kw)
    return row


def top_trade():
    return {'tid': '1', 'status': 'WAIT_SELLER_SEND_GOODS', 'created': '2024-05-01 10:00:00',
            'buyer_nick': 'tb', 'payment': '10.00',
            'orders': [{'oid': '1', 'num_iid': '5', 'price': '10.00', 'num': 1}]}


def test_every_demo_order_totals_to_what_the_buyer_paid(demo):
    for raw in demo['orders']:
        plan = plan_order(raw)
        assert plan_total(plan) == plan['payment'], raw['orderId']
        assert plan['paid'] == Decimal(raw['orderPayment'])
        if raw['orderState'] in JD_CLOSED:
            assert plan['payment'] == 0 and not plan['lines'] and plan['removed_lines']
        else:
            assert plan['payment'] == Decimal(raw['orderPayment'])
        assert all(line['price_unit'] * line['qty'] == line['amount'] for line in plan['lines'])


def test_plan_has_the_taobao_plan_shape():
    jd, top = plan_order(order()), plan_trade(top_trade())
    assert set(jd) == set(top)
    assert set(jd['lines'][0]) == set(top['lines'][0])
    assert set(jd['address']) == set(top['address'])


def test_hand_computed_order():
    plan = plan_order(order())
    # 2 x 59.00 less the 3.50 single-SKU promotion, then 59.00; freight 6.00;
    # the 8.00 JD coupon is not apportioned: it is the discount line.
    assert [(line['oid'], line['qty'], line['amount']) for line in plan['lines']] == [
        ('290000000001-100045670001', 2, Decimal('114.50')),
        ('290000000001-100045670002', 1, Decimal('59.00'))]
    assert plan['lines'][0]['price_unit'] == Decimal('57.25')
    assert plan['postage'] == Decimal('6.00') and plan['discount'] == Decimal('-8.00')
    assert plan_total(plan) == Decimal('171.50') == plan['payment']
    assert plan['promotions'] == ['单品促销优惠', '京东券优惠']
    line = plan['lines'][1]
    assert (line['num_iid'], line['sku_id'], line['outer_id'], line['kind'], line['state']) == (
        '10023450001', '100045670002', 'TS-001', 'goods', 'to_ship')
    assert (plan['tid'], plan['created'], plan['modified'], plan['buyer_nick']) == (
        '290000000001', '2024-06-01 10:00:00', '2024-06-01 10:05:00', 'jd_buyer01')


def test_repeated_sku_gets_distinct_stable_ids():
    raw = order(itemInfoList=[item(), item(), item(sku_id='9')], orderPayment='171.50',
                couponDetailList=[])
    first, again = plan_order(raw), plan_order(copy.deepcopy(raw))
    oids = [line['oid'] for line in first['lines']]
    assert oids == ['290000000001-100045670001', '290000000001-100045670001-2',
                    '290000000001-9']
    assert oids == [line['oid'] for line in again['lines']]


def test_masked_and_encrypted_consignees_are_kept():
    address = address_of(order())
    assert (address['name'], address['mobile']) == ('张**', '138****5678')
    assert (address['state'], address['city'], address['district']) == ('浙江', '杭州市', '西湖区')
    assert address['address'] == '文三路***号'
    assert address['full'] == '浙江 杭州市 西湖区 文三路***号'
    secret = order(consigneeInfo={'fullname': '~AgAAAAEncNAME~', 'mobile': '~AgAAMOB~',
                                  'fullAddress': '北京 朝阳区 ~AgAAADDR~', 'province': '北京',
                                  'city': '朝阳区', 'county': '', 'town': ''})
    address = plan_order(secret)['address']
    assert (address['name'], address['mobile'], address['address']) == (
        '~AgAAAAEncNAME~', '~AgAAMOB~', '~AgAAADDR~')
    assert address['key'] != address_of(order())['key']


def test_buyer_is_pin_or_open_id():
    raw = order()
    del raw['pin']
    raw['open_id_buyer'] = 'o-jd0001'
    assert plan_order(raw)['buyer_nick'] == 'o-jd0001'
    del raw['open_id_buyer']
    with pytest.raises(TradeMappingError, match='pin'):
        plan_order(raw)


def test_remarks_and_hold_states():
    plan = plan_order(order(orderRemark='请尽快发货', venderRemark='已联系'))
    assert (plan['buyer_message'], plan['seller_memo']) == ('请尽快发货', '已联系')
    assert plan['holds'] == [HOLD_MESSAGE]
    assert plan_order(order(orderState='LOCKED'))['holds'] == [HOLD_REFUND]
    for state in ('POP_ORDER_PAUSE', 'PAUSE'):
        assert plan_order(order(orderState=state))['holds'] == [HOLD_FORBIDDEN]
        assert not can_ship(state) and status_meaning(state) == 'hold'
    assert JD_HOLD == {'LOCKED', 'POP_ORDER_PAUSE', 'PAUSE'} and not JD_HOLD & JD_SHIPPABLE
    assert can_ship('WAIT_SELLER_STOCK_OUT') and status_meaning('TRADE_CANCELED') == 'closed'
    assert status_meaning('WAIT_GOODS_RECEIVE_CONFIRM') == 'shipped'
    assert plan_order(order(orderState='FINISHED_L'))['lines'][0]['state'] == 'shipped'


def test_demo_hold_orders(demo):
    held = [plan_order(o) for o in demo['orders'] if o['orderState'] in JD_HOLD]
    assert len(held) == 7
    assert all({HOLD_REFUND, HOLD_FORBIDDEN} & set(p['holds']) for p in held)


@pytest.mark.parametrize('change,message', [
    ({'orderId': ''}, 'orderId'),
    ({'orderState': 'SHIPPED_SOMEHOW'}, 'unknown order state'),
    ({'orderPayment': 171.5}, 'money string'),
    ({'orderPayment': '171.505'}, 'cents'),
    ({'freightPrice': 'free'}, 'freightPrice'),
    ({'orderStartTime': '2024/06/01'}, 'orderStartTime'),
    ({'orderStartTime': ''}, 'orderStartTime'),
    ({'itemInfoList': []}, 'itemInfoList'),
    ({'itemInfoList': [item(qty='0')]}, 'itemTotal'),
    ({'itemInfoList': [item(price=59.0)]}, 'jdPrice'),
    ({'itemInfoList': [item(sku_id='')]}, 'skuId'),
    ({'consigneeInfo': 'x'}, 'consigneeInfo'),
    ({'couponDetailList': [{'skuId': '1', 'couponPrice': 'x'}]}, 'couponPrice'),
])
def test_malformed_orders_are_refused_with_a_reason(change, message):
    with pytest.raises(TradeMappingError, match=message):
        plan_order(order(**change))
    with pytest.raises(TradeMappingError):
        plan_order(['not', 'an', 'order'])


def category_names(demo, ware):
    """{attribute id: name} as findAttrsByCategoryIdUnlimitCate gives the ware's category."""
    return {str(a['id']): a['name'] for a in demo['category_attrs'][str(ware['categoryId'])]}


def test_demo_wares_become_item_plans(demo):
    plans = dict((p['num_iid'], p) for p in (plan_ware(w, w['skus'], category_names(demo, w))
                                             for w in demo['wares']))
    shirt = plans['10023450001']
    assert shirt['attributes'] == [('颜色', ['黑色', '白色', '藏青色']),
                                   ('尺码', ['S', 'M', 'L', 'XL'])]
    assert len(shirt['variants']) == 11  # the deleted SKU is left out
    assert shirt['exact_prices'] and shirt['list_price'] == Decimal('59.00')
    assert shirt['extras'] == {('尺码', 'L'): Decimal('5.00'), ('尺码', 'XL'): Decimal('10.00')}
    variant = shirt['variants'][0]
    assert (variant['sku_id'], variant['code'], variant['values']) == (
        '100045670001', 'TS-001-BK-S', [('颜色', '黑色'), ('尺码', 'S')])
    assert variant['properties'] == '1000000041:1500001;1000000046:1600001'
    mug = plans['10023450007']
    assert mug['attributes'] == [] and mug['variants'][0]['sku_id'] == '100045670037'
    assert mug['variants'][0]['code'] == 'MK-007'
    bag = plans['10023450008']
    assert bag['variants'][0]['code'] == bag['variants'][0]['sku_id']  # no outerId


def test_ware_attribute_names_and_times(demo):
    ware = demo['wares'][2]
    skus = copy.deepcopy(ware['skus'])
    # JD's SKUs carry no attribute names: without the category's, the id is all there is.
    assert plan_ware(ware, skus)['attributes'][0][0] == '1000000041'
    named = plan_ware(ware, skus, attr_names={1000000041: '颜色分类'})
    assert named['attributes'][0][0] == '颜色分类'
    for attr in skus[0]['saleAttrs']:
        attr['attrName'] = '颜色 (given with the SKU)'
    assert plan_ware(ware, skus, attr_names={1000000041: '颜色分类'})['attributes'][0][0] == \
        '颜色分类'
    assert jd_time(1717200000000) == '2024-06-01 08:00:00'
    assert jd_time('2024-06-01 08:00:00') == '2024-06-01 08:00:00'
    with pytest.raises(ItemError):
        jd_time('yesterday')


def test_malformed_wares(demo):
    ware = demo['wares'][2]
    with pytest.raises(ItemError):
        plan_ware({'title': 'x'}, ware['skus'])
    with pytest.raises(ItemError):
        plan_ware(ware, [])
    broken = copy.deepcopy(ware['skus'])
    broken[0]['saleAttrs'][0]['attrValues'] = ['黑']
    with pytest.raises(ItemError):
        plan_ware(ware, broken)
    twins = copy.deepcopy(ware['skus'])
    twins[1]['outerId'] = twins[0]['outerId']
    with pytest.raises(ItemError) as info:
        plan_ware(ware, twins)
    assert info.value.code == 'duplicate_code'


@pytest.mark.parametrize('status,neutral', [
    (0, 'WAIT_SELLER_AGREE'), (1, 'SUCCESS'), (2, 'SELLER_REFUSE_BUYER'), (3, 'SUCCESS'),
    (4, 'SELLER_REFUSE_BUYER'), (6, 'SUCCESS'), (9, 'SUCCESS'), ('11', 'CLOSED')])
def test_refund_statuses(status, neutral):
    refund = plan_refund({'id': 1, 'orderId': '29', 'status': status, 'applyRefundSum': 12345,
                          'applyTime': '2024-06-01 10:00:00', 'reason': '不想要了'})
    assert refund['status'] == neutral
    assert refund['refund_fee'] == Decimal('123.45') and refund['oid'] is None
    assert (refund['refund_id'], refund['tid'], refund['created'], refund['modified']) == (
        '1', '29', '2024-06-01 10:00:00', '2024-06-01 10:00:00')


def test_refund_names_its_sku_when_jd_does():
    raw = {'id': 1, 'orderId': '29', 'status': 3, 'applyRefundSum': 2000,
           'applyTime': '2024-06-01 10:00:00'}
    assert plan_refund(raw)['sku_id'] == ''
    assert plan_refund(dict(raw, skuId=300021))['sku_id'] == '300021'


def test_succeeded_refund_is_the_signal_the_goods_come_back():
    """JD gives no goods status: a refund it paid means the goods come back
    (the importer prepares a return only where the goods had left)."""
    raw = {'id': 1, 'orderId': '29', 'applyRefundSum': 2000, 'applyTime': '2024-06-01 10:00:00'}
    assert [goods_returned(plan_refund(dict(raw, status=status)))
            for status in (0, 1, 2, 3, 4, 6, 9, 11)] == [
        False, True, False, True, False, True, True, False]


def test_refund_record_shape_matches_taobao(demo):
    top = plan_top_refund({'refund_id': '1', 'tid': '2', 'status': 'SUCCESS',
                           'modified': '2024-06-01 10:00:00', 'refund_fee': '1.00'})
    for raw in demo['refunds']:
        refund = plan_refund(raw)
        assert set(refund) == set(top)
        assert refund['refund_fee'] * 100 == raw['applyRefundSum']
        assert refund['modified'] == (raw['checkTime'] or raw['applyTime'])


@pytest.mark.parametrize('value', [12.5, -1, '1.5', 'abc', None, True, ''])
def test_fen_must_be_whole_non_negative(value):
    with pytest.raises(TradeMappingError):
        fen_to_yuan(value)


def test_malformed_refunds():
    good = {'id': 1, 'orderId': '29', 'status': 0, 'applyRefundSum': 100,
            'applyTime': '2024-06-01 10:00:00'}
    assert fen_to_yuan('0') == Decimal('0.00') and fen_to_yuan(1) == Decimal('0.01')
    for change in ({'status': 5}, {'status': 'x'}, {'orderId': None}, {'applyTime': 'now'},
                   {'applyRefundSum': 1.0}):
        with pytest.raises(TradeMappingError):
            plan_refund(dict(good, **change))
    with pytest.raises(TradeMappingError):
        plan_refund('refund')
