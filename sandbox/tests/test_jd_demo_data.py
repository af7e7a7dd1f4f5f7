# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""jd_demo_data.json obeys JD's money rules and covers what the tests need."""
import json
import os
from decimal import Decimal

import pytest

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                    'jd_demo_data.json')
SELLER_FUNDED = ('20-', '30-', '35-', '100-')


@pytest.fixture(scope='module')
def data():
    with open(DATA, encoding='utf-8') as handle:
        return json.load(handle)


def d(value):
    return Decimal(value)


def test_order_money_rules(data):
    for order in data['orders']:
        items = order['itemInfoList']
        total = sum(d(i['jdPrice']) * int(i['itemTotal']) for i in items)
        coupons = order['couponDetailList']
        seller = sum((d(c['couponPrice']) for c in coupons
                      if c['couponType'].startswith(SELLER_FUNDED)), Decimal(0))
        assert d(order['orderTotalPrice']) == total
        assert d(order['sellerDiscount']) == seller
        assert d(order['orderSellerPrice']) == total - seller
        assert d(order['orderPayment']) == total - sum(
            (d(c['couponPrice']) for c in coupons), Decimal(0)) - d(order['balanceUsed']) \
            + d(order['freightPrice'])
        assert d(order['orderPayment']) > 0
        for coupon in coupons:
            assert ('skuId' in coupon) == coupon['couponType'].startswith('30-')
            assert coupon['orderId'] == order['orderId']


def test_orders_point_at_known_skus_and_times_are_ordered(data):
    skus = dict((str(s['skuId']), s) for w in data['wares'] for s in w['skus'])
    for order in data['orders']:
        for item in order['itemInfoList']:
            sku = skus[item['skuId']]
            assert str(sku['wareId']) == item['wareId'] and sku['jdPrice'] == item['jdPrice']
        assert order['orderStartTime'] <= order['paymentConfirmTime'] <= order['modified'] \
            <= data['reference_time']


def test_coverage(data):
    orders = data['orders']
    assert len(data['wares']) == 10 and len(orders) == 40
    states = {o['orderState'] for o in orders}
    assert {'WAIT_SELLER_STOCK_OUT', 'WAIT_GOODS_RECEIVE_CONFIRM', 'FINISHED_L',
            'TRADE_CANCELED', 'LOCKED', 'POP_ORDER_PAUSE', 'PAUSE'} <= states
    assert any(o['orderRemark'] for o in orders) and any(o['venderRemark'] for o in orders)
    assert any(d(o['freightPrice']) for o in orders) and any(d(o['balanceUsed']) for o in orders)
    assert any(o['consigneeInfo']['mobile'].count('*') >= 4 for o in orders)
    assert any(o['consigneeInfo']['fullname'].startswith('~') for o in orders)
    assert any('pin' not in o and o.get('open_id_buyer') for o in orders)
    assert any(isinstance(s['modified'], int) for w in data['wares'] for s in w['skus'])
    assert any(s['status'] == 4 for w in data['wares'] for s in w['skus'])
    # As JD answers: sale attributes as ids and values; their names are the category's.
    attrs = [a for w in data['wares'] for s in w['skus'] for a in s['saleAttrs']]
    assert attrs and not any('attrName' in a for a in attrs)
    names = {}
    for ware in data['wares']:
        category = {str(a['id']): a['name']
                    for a in data['category_attrs'][str(ware['categoryId'])]}
        for sku in ware['skus']:
            names.update((a['attrId'], category[a['attrId']]) for a in sku['saleAttrs'])
    assert set(names.values()) == {'颜色', '尺码', '规格'}


def test_refunds_in_fen(data):
    orders = dict((o['orderId'], o) for o in data['orders'])
    for refund in data['refunds']:
        order = orders[refund['orderId']]
        assert isinstance(refund['applyRefundSum'], int)
        assert Decimal(refund['applyRefundSum']) / 100 <= d(order['orderPayment'])
        if refund['status'] == 0:
            assert order['orderState'] == 'LOCKED'
    assert {r['status'] for r in data['refunds']} >= {0, 2, 3, 9, 11}
