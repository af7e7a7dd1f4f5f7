# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The demo data file and the generator obey the money rules in sandbox/README.md."""
import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SANDBOX_DIR = os.path.dirname(HERE)
DEMO = os.path.join(SANDBOX_DIR, 'demo_data.json')

# Not sandbox/ on sys.path: its packages top/ and jd/ would hide the official SDK `jd`.
from sandbox import generate_data  # noqa: E402  (stdlib-only CLI module)


def d(value):
    return Decimal(value or '0')


def check_trade(trade, items, skus):
    orders = trade['orders']['order']
    assert isinstance(trade['tid'], str) and orders
    for order in orders:
        assert isinstance(order['oid'], str)
        assert order['num_iid'] in items
        if order.get('sku_id'):
            assert int(order['sku_id']) in skus and isinstance(order['sku_id'], str)
        total = d(order['price']) * order['num'] + d(order['adjust_fee']) - d(order['discount_fee'])
        assert d(order['total_fee']) == total
        assert d(order['divide_order_fee']) == total - d(order['part_mjz_discount'])
        extra = d(trade['post_fee']) if len(orders) == 1 else 0
        assert d(order['payment']) == d(order['divide_order_fee']) + extra
        if order.get('is_free_gift'):
            assert order['price'] == order['total_fee'] == order['payment'] == '0.00'
    assert d(trade['total_fee']) == sum(d(o['price']) * o['num'] for o in orders)
    assert d(trade['discount_fee']) == sum(d(o['discount_fee']) + d(o['part_mjz_discount'])
                                           for o in orders)
    assert d(trade['adjust_fee']) == sum(d(o['adjust_fee']) for o in orders)
    divided = sum(d(o['divide_order_fee']) for o in orders)
    assert d(trade['payment']) == divided + d(trade['post_fee'])
    for key in ('payment', 'total_fee', 'post_fee', 'discount_fee', 'adjust_fee'):
        assert isinstance(trade[key], str) and trade[key].split('.')[1].__len__() == 2


def check_dataset(data):
    items = dict((i['num_iid'], i) for i in data['items'])
    skus = dict((s['sku_id'], s) for i in data['items'] for s in i['skus']['sku'])
    assert all(isinstance(k, int) for k in list(items) + list(skus))
    for trade in data['trades']:
        check_trade(trade, items, skus)
        assert trade['created'] <= trade['modified'] <= data['reference_time']


def test_demo_file_is_consistent():
    with open(DEMO, encoding='utf-8') as handle:
        data = json.load(handle)
    check_dataset(data)
    trades, items = data['trades'], data['items']
    assert 30 <= len(items) <= 60 and 250 <= len(trades) <= 400
    statuses = {t['status'] for t in trades}
    assert {'WAIT_SELLER_SEND_GOODS', 'WAIT_BUYER_PAY', 'WAIT_BUYER_CONFIRM_GOODS',
            'TRADE_FINISHED', 'TRADE_CLOSED', 'TRADE_CLOSED_BY_TAOBAO'} <= statuses
    orders = [o for t in trades for o in t['orders']['order']]
    assert any(o.get('is_free_gift') for o in orders)
    promos = [p for t in trades for p in t['promotion_details']['promotion_detail']]
    assert any(p.get('gift_item_id') for p in promos)
    assert any(t.get('buyer_message') for t in trades) and any(t.get('seller_memo') for t in trades)
    assert any(d(t['post_fee']) for t in trades) and any(d(t['adjust_fee']) for t in trades)
    assert any(not i['skus']['sku'] for i in items) and any(i['skus']['sku'] for i in items)
    assert any('outer_id' not in i for i in items)
    assert any('颜色分类' in s['properties_name'] and '尺码' in s['properties_name']
               for i in items for s in i['skus']['sku'])
    # The order desk's cases: a presale waiting for its final payment, cash on delivery.
    assert any(t.get('step_trade_status') == 'FRONT_PAID_FINAL_NOPAID' and
               t['status'] == 'WAIT_BUYER_PAY' and t.get('send_time') for t in trades)
    assert any(t['type'] == 'cod' and t['status'] == 'WAIT_SELLER_SEND_GOODS' for t in trades)
    days = {t['created'][:10] for t in trades}
    assert len(days) >= 5 and 'reference_time' in data


@pytest.mark.parametrize('seed', [1, 2, 3])
def test_generator_is_consistent_and_deterministic(seed):
    data = generate_data.generate(items=20, skus_per_item=8, trades=200, days=3, seed=seed,
                                  start='2024-01-01 00:00:00')
    check_dataset(data)
    again = generate_data.generate(items=20, skus_per_item=8, trades=200, days=3, seed=seed,
                                   start='2024-01-01 00:00:00')
    assert again == data
    nicks = [t['buyer_nick'] for t in data['trades']]
    assert len(set(nicks)) < len(nicks)  # repeat buyers


def test_generator_cli(tmp_path):
    out = str(tmp_path / 'd.json')
    subprocess.check_call([sys.executable, os.path.join(SANDBOX_DIR, 'generate_data.py'),
                           '--items', '5', '--skus-per-item', '3', '--trades', '20',
                           '--days', '2', '--seed', '4', '--out', out],
                          stdout=subprocess.DEVNULL)
    with open(out, encoding='utf-8') as handle:
        check_dataset(json.load(handle))
