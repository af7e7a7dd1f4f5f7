# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The TOP sandbox's in-memory seller data."""
import bisect
import copy
import threading

from .core import later_than


class Store(object):
    """In-memory seller data with indexes; every access holds ``lock``."""

    def __init__(self, data):
        self.lock = threading.RLock()
        self.load(data)

    def load(self, data):
        with self.lock:
            self.seller_nick = data.get('seller_nick') or '悦享生活旗舰店'
            self.items, self.skus, self.trades, self.refunds = {}, {}, {}, {}
            for item in data.get('items') or []:
                self.put_item(item)
            for trade in data.get('trades') or []:
                self.put_trade(trade)
            for refund in data.get('refunds') or []:
                self.put_refund(refund)
            self._dirty = True

    def put_item(self, item):
        item = copy.deepcopy(item)
        item['num_iid'] = int(item['num_iid'])
        item.setdefault('skus', {'sku': []})
        old = self.items.get(item['num_iid'])
        for sku in (old or {}).get('skus', {}).get('sku', []):
            self.skus.pop(sku['sku_id'], None)
        for sku in item['skus'].get('sku', []):
            sku['sku_id'] = int(sku['sku_id'])
            sku['num_iid'] = item['num_iid']
            self.skus[sku['sku_id']] = sku
        self.items[item['num_iid']] = item

    def put_trade(self, trade):
        trade = copy.deepcopy(trade)
        trade['tid'] = str(trade['tid'])
        for order in trade.get('orders', {}).get('order', []):
            if isinstance(order, dict):  # TOP does send `null` sub-orders at times
                order['oid'] = str(order['oid'])
        self.trades[trade['tid']] = trade
        self._dirty = True

    def put_refund(self, refund):
        refund = copy.deepcopy(refund)
        for key in ('refund_id', 'tid', 'oid'):
            refund[key] = str(refund[key])
        self.refunds[refund['refund_id']] = refund
        return refund

    def refund_of(self, oid):
        return next((r for r in self.refunds.values() if r['oid'] == oid), None)

    def next_refund_id(self):
        taken = [int(r) for r in self.refunds if r.isdigit()]
        return str(max(taken + [150000000000000]) + 1)

    def dump(self):
        with self.lock:
            return {'seller_nick': self.seller_nick,
                    'items': copy.deepcopy(list(self.items.values())),
                    'trades': copy.deepcopy(list(self.trades.values())),
                    'refunds': copy.deepcopy(list(self.refunds.values()))}

    def _reindex(self):
        if self._dirty:
            rows = list(self.trades.values())
            self.index = {}
            for key in ('created', 'modified'):
                pairs = sorted((t.get(key, ''), t['tid']) for t in rows)
                self.index[key] = ([k for k, _t in pairs], [t for _k, t in pairs])
            self._dirty = False

    def trades_in(self, key, start, end):
        """Trades with ``key`` in [start, end], newest first."""
        self._reindex()
        keys, tids = self.index[key]
        lo = bisect.bisect_left(keys, start) if start else 0
        hi = bisect.bisect_right(keys, end) if end else len(keys)
        return [self.trades[tid] for tid in reversed(tids[lo:hi])]

    def touch_trade(self, trade):
        trade['modified'] = later_than(trade.get('modified', ''))
        self._dirty = True
