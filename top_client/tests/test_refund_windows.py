# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Refund listing loses no row while refunds change (issue 20), against the sandbox.

taobao.refunds.receive.get lists by `modified`, newest first; a refund that
changes while a day's pages are read moves to the front and shifts the rows
after it. The adapter reads refunds as the trade increment is read: windows of
one page each (iter_time_windows); paging backwards, as it did, skips rows.
"""
import datetime

import pytest

from top_client import TopClient, beijing_str, parse_beijing

from .conftest import APP_KEY, APP_SECRET, SESSION, Sandbox

FIELDS = 'refund_id,tid,oid,status,created,modified'
METHOD = 'taobao.refunds.receive.get'
DAY = datetime.timedelta(days=1)


@pytest.fixture(scope='module')
def box(tmp_path_factory):
    server = Sandbox(str(tmp_path_factory.mktemp('refund_windows')))
    yield server
    server.stop()


def refunds(count=150):
    """``count`` refunds modified over the last 20 hours (Beijing times)."""
    now = datetime.datetime.utcnow().replace(microsecond=0) - datetime.timedelta(hours=1)
    rows = []
    for n in range(count):
        moment = beijing_str(now - datetime.timedelta(seconds=480 * n))
        rows.append({'refund_id': str(160000000000000 + n), 'tid': str(3000 + n),
                     'oid': str(3000 + n), 'status': 'WAIT_SELLER_AGREE', 'num': 1,
                     'refund_fee': '10.00', 'total_fee': '10.00', 'payment': '10.00',
                     'created': moment, 'modified': moment, 'buyer_nick': 'b%d' % n})
    return rows


def make_client(box):
    return TopClient('127.0.0.1:%d' % box.port, APP_KEY, APP_SECRET, session=SESSION,
                     backoff=0.01, max_backoff=0.05, timeout=(2, 10))


def lost_while_changing(box, reader, seed):
    rows = refunds()
    box.control('reset', {'items': [], 'trades': [], 'refunds': rows})
    box.control('faults', {'faults': [{'kind': 'churn', 'every': 1, 'insert': 0, 'modify': 0,
                                       'refund_modify': 1}], 'seed': seed})
    start = min(parse_beijing(r['modified']) for r in rows)
    end = datetime.datetime.utcnow().replace(microsecond=0)
    seen = {r['refund_id'] for r in reader(make_client(box), start, end)}
    churned = box.control('stats')['faults']['churn']
    return {r['refund_id'] for r in rows} - seen, churned


def by_windows(client, start, end):
    """What the Taobao adapter's iter_refunds calls."""
    return [row for _s, _e, page in client.iter_time_windows(
        METHOD, {'fields': FIELDS}, 'refunds', 'start_modified', 'end_modified', start, end,
        page_size=100, id_key='refund_id', max_span=DAY) for row in page]


def by_pages_backwards(client, start, end):
    """The listing before issue 20: one day's pages, last page first."""
    return [row for page in client.iter_pages_backwards(
        METHOD, {'fields': FIELDS, 'start_modified': start, 'end_modified': end}, 'refunds',
        100) for row in page]


@pytest.mark.parametrize('seed', [1, 2, 3, 4])
def test_windows_list_every_refund_while_refunds_change(box, seed):
    lost, churned = lost_while_changing(box, by_windows, seed)
    assert not lost, 'seed %d lost %s' % (seed, sorted(lost))
    assert churned >= 2


def test_backward_paging_does_lose_refunds_while_they_change(box):
    """The defect the windows fix, so that the test above can fail."""
    lost = [lost_while_changing(box, by_pages_backwards, seed)[0] for seed in range(1, 9)]
    assert sum(len(x) for x in lost) > 0
