# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""JD order and refund listings lose no row while rows change (issue 20).

Both JD lists page forward in time order: a row that changes while a window is
paged moves behind the others, which shift one place forward, and the row
crossing a page boundary is skipped. The JD adapter reads windows of one page
each, cut down to one second; a single second holding more than a page is
paged until a reading adds nothing. Checked against the JD sandbox with churn.
"""
import datetime

import pytest

from ecommerce_sync.adapters.jd import JdAdapter
from jd_client import beijing_str

from .conftest import make_client

NOW = datetime.datetime.utcnow().replace(microsecond=0)
ORDER_FIELDS = 'orderId,orderState,modified,orderStartTime'


def orders():
    """300 paid orders over 10 hours, 150 of them within 30 seconds."""
    rows = []
    for n in range(300):
        if n < 150:
            moment = NOW - datetime.timedelta(hours=2, seconds=n % 30)
        else:
            moment = NOW - datetime.timedelta(hours=3, seconds=120 * n)
        stamp = beijing_str(moment)
        rows.append({'orderId': str(900000 + n), 'orderState': 'WAIT_SELLER_STOCK_OUT',
                     'orderStartTime': stamp, 'modified': stamp, 'orderTotalPrice': '1.00',
                     'itemInfoList': [], 'consigneeInfo': {}})
    return rows


def refunds():
    """150 refund applications checked over 5 hours."""
    rows = []
    for n in range(150):
        stamp = beijing_str(NOW - datetime.timedelta(hours=1, seconds=120 * n))
        rows.append({'id': 700000 + n, 'orderId': str(900000 + n), 'status': 1,
                     'applyTime': beijing_str(NOW - datetime.timedelta(days=2, seconds=n)),
                     'checkTime': stamp, 'applyRefundSum': 100})
    return rows


def churn(box, seed, orders_=(), refunds_=(), **spec):
    box.control('reset', {'wares': [], 'orders': list(orders_), 'refunds': list(refunds_)})
    box.control('faults', {'faults': [dict({'kind': 'churn', 'every': 1, 'insert': 0,
                                            'modify': 0}, **spec)], 'seed': seed})


def start_end():
    return NOW - datetime.timedelta(days=1), NOW


@pytest.mark.parametrize('seed', [1, 2, 3])
def test_order_windows_list_every_order_while_orders_change(jd_fresh, seed):
    rows = orders()
    churn(jd_fresh, seed, orders_=rows, modify=1)
    adapter = JdAdapter(make_client(jd_fresh))
    windows = list(adapter.iter_trades(*start_end(), by='modified',
                                       status='WAIT_SELLER_SEND_GOODS'))
    seen = {row['tid'] for _s, _e, page in windows for row in page}
    assert {r['orderId'] for r in rows} <= seen
    assert jd_fresh.control('stats')['faults']['churn'] >= 3
    assert all(len(page) <= 100 for s, e, page in windows if e > s)


def test_forward_paging_does_lose_orders_while_they_change(jd_fresh):
    """The defect the windows fix, so that the test above can fail."""
    lost = 0
    for seed in range(1, 5):
        rows = orders()
        churn(jd_fresh, seed, orders_=rows, modify=1)
        client = make_client(jd_fresh)
        seen = {o['orderId'] for o in client.iter_orders(
            *start_end(), ['WAIT_SELLER_STOCK_OUT'], ORDER_FIELDS)}
        lost += len({r['orderId'] for r in rows} - seen)
    assert lost > 0


def unchanged_lost(box, read):
    rows = refunds()
    seen = {str(r['refund_id']) for r in read()}
    now = {r['id']: r for r in box.control('state')['refunds']}
    # A refund checked again while read left the window: the next read lists it.
    kept = {str(r['id']) for r in rows if now[r['id']]['checkTime'] == r['checkTime']}
    return kept - seen


@pytest.mark.parametrize('seed', [1, 2, 3])
def test_refund_windows_list_every_refund_while_refunds_change(jd_fresh, seed):
    churn(jd_fresh, seed, refunds_=refunds(), refund_modify=1)
    adapter = JdAdapter(make_client(jd_fresh))

    def read():
        return [row for _s, _e, page in adapter.iter_refunds(*start_end()) for row in page]
    assert not unchanged_lost(jd_fresh, read)
    assert jd_fresh.control('stats')['faults']['churn'] >= 2


def test_forward_paging_does_lose_refunds_while_they_change(jd_fresh):
    lost = 0
    for seed in range(1, 5):
        churn(jd_fresh, seed, refunds_=refunds(), refund_modify=1)
        adapter = JdAdapter(make_client(jd_fresh))
        lost += len(unchanged_lost(jd_fresh, lambda: adapter._refund_rows(
            'checkTime', *start_end())))
    assert lost > 0


def test_unshipped_lists_paid_orders_not_shipped_of_three_months(jd_fresh):
    """The daily pass: every order still to ship (or locked), whatever its age."""
    def order(order_id, state, days):
        stamp = beijing_str(NOW - datetime.timedelta(days=days))
        return {'orderId': order_id, 'orderState': state, 'orderStartTime': stamp,
                'modified': stamp, 'itemInfoList': [], 'consigneeInfo': {}}
    rows = [order('1', 'WAIT_SELLER_STOCK_OUT', 11), order('2', 'LOCKED', 40),
            order('3', 'WAIT_GOODS_RECEIVE_CONFIRM', 20), order('4', 'WAIT_SELLER_STOCK_OUT', 80),
            order('5', 'TRADE_CANCELED', 5)]
    jd_fresh.control('reset', {'wares': [], 'orders': rows, 'refunds': []})
    client = make_client(jd_fresh)
    adapter = JdAdapter(client)
    start = NOW - adapter.unshipped_horizon
    windows = list(adapter.iter_unshipped(start, NOW))
    assert sorted(row['tid'] for _s, _e, page in windows for row in page) == ['1', '2', '4']
    assert windows[0][0] == start and windows[-1][1] == NOW
    assert all(e - s <= datetime.timedelta(days=31) for s, e, _p in windows)
    assert client.stats["calls"] == len(windows) == 3  # 90 days: months of one call each
