# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Fault injection and churn of the TOP sandbox (the JD sandbox reuses them)."""
import copy
import datetime
import random

from .core import FMT, beijing_now, fmt, orders_of

FAULT_KINDS = ('transient', 'rate_limit', 'slow', 'malformed', 'session_expiry')
TRADE_LIST_KEYS = {'taobao.trades.sold.get': ('created', 'start_created', 'end_created'),
                   'taobao.trades.sold.increment.get': ('modified', 'start_modified',
                                                        'end_modified')}


class Faults(object):
    """Fault injection: ``KIND:RATE`` per call or ``KIND@N`` on the Nth call."""

    def __init__(self, specs=(), seed=None, slow_seconds=2.0):
        self.rates, self.at, self.churn = {}, {}, None
        for spec in specs or ():
            self._add(spec)
        self.rng = random.Random(seed)
        self.slow_seconds = float(slow_seconds)
        self.calls = 0
        self.counts = dict((k, 0) for k in FAULT_KINDS + ('churn',))
        self.transient_flip = False
        self.denied = frozenset()  # methods answered with code 11

    def _add(self, spec):
        if isinstance(spec, dict) or str(spec).strip() == 'churn':
            self.churn = Churn(spec if isinstance(spec, dict) else {'kind': 'churn'})
            return
        spec = spec.strip()
        if '@' in spec:
            kind, _a, nth = spec.partition('@')
            self._check(kind)
            self.at.setdefault(int(nth), []).append(kind)
        elif ':' in spec:
            kind, _c, rate = spec.partition(':')
            self._check(kind)
            self.rates[kind] = float(rate)
        else:
            raise ValueError('Bad fault spec %r (use KIND:RATE or KIND@N)' % spec)

    @staticmethod
    def _check(kind):
        if kind not in FAULT_KINDS:
            raise ValueError('Unknown fault kind %r; known: %s' % (kind, ', '.join(FAULT_KINDS)))

    def draw(self):
        """Count one gateway call and return the faults that fire on it."""
        self.calls += 1
        fired = list(self.at.get(self.calls, ()))
        for kind in FAULT_KINDS:
            rate = self.rates.get(kind)
            if rate and self.rng.random() < rate and kind not in fired:
                fired.append(kind)
        for kind in fired:
            self.counts[kind] += 1
        return fired

    def after_list_page(self, store, method, params):
        """Let churn change the listed window once a trade or refund list page is answered."""
        if self.churn is None:
            return
        if method in TRADE_LIST_KEYS:
            fired = self.churn.after_page(store, TRADE_LIST_KEYS[method], params, self.rng)
        elif method == 'taobao.refunds.receive.get':
            fired = self.churn.after_refund_page(store, params, self.rng)
        else:
            fired = False
        if fired:
            self.counts['churn'] += 1


class Churn(object):
    """New and changed trades inside the window a client is paging through.

    ``{"kind": "churn", "every": 1, "insert": 2, "modify": 1}``: after every
    ``every``-th trade-list answer, ``insert`` new paid trades get a key time
    (created for sold.get, modified for increment.get) inside the listed window
    and ``modify`` trades of the window change; in an increment listing their
    `modified` moves later, still inside the window. Rows shift across page
    boundaries between two page calls, as they do on Taobao at a busy hour.
    """

    def __init__(self, spec):
        if spec.get('kind', 'churn') != 'churn':
            raise ValueError('Unknown fault kind %r' % spec.get('kind'))
        self.every = max(1, int(spec.get('every', 1)))
        self.insert = max(0, int(spec.get('insert', 2)))
        self.modify = max(0, int(spec.get('modify', 1)))
        self.refund_modify = max(0, int(spec.get('refund_modify', 0)))
        self.pages = 0
        self.refund_pages = 0
        self.seq = 0

    def after_page(self, store, keys, params, rng):
        self.pages += 1
        if self.pages % self.every or not store.trades:
            return False
        key = keys[0]
        window = self._window(store, keys, params)
        if window is None:
            return False
        for _n in range(self.insert):
            self._insert(store, key, window, rng)
        for _n in range(self.modify):
            self._modify(store, key, window, rng)
        return True

    def after_refund_page(self, store, params, rng):
        """``refund_modify`` refunds of the listed window change (their `modified`
        moves later, still inside it): the rows after them shift by one."""
        self.refund_pages += 1
        if not self.refund_modify or self.refund_pages % self.every:
            return False
        lo = params.get('start_modified', '').strip()
        hi = min(params.get('end_modified', '').strip() or fmt(beijing_now()),
                 fmt(beijing_now()))
        rows = [r for r in store.refunds.values()
                if (not lo or r.get('modified', '') >= lo) and r.get('modified', '') < hi]
        for refund in rng.sample(rows, min(self.refund_modify, len(rows))):
            old = datetime.datetime.strptime(refund['modified'], FMT)
            span = int((datetime.datetime.strptime(hi, FMT) - old).total_seconds())
            refund['modified'] = fmt(old + datetime.timedelta(seconds=rng.randint(1, span)))
        return bool(rows)

    @staticmethod
    def _window(store, keys, params):
        key, start_name, end_name = keys
        raw_start = params.get(start_name, '').strip()
        raw_end = params.get(end_name, '').strip()
        now = beijing_now()
        try:
            lo = datetime.datetime.strptime(raw_start, FMT) if raw_start else \
                datetime.datetime.strptime(min(t.get(key, fmt(now)) for t in
                                               store.trades.values()), FMT)
            hi = min(datetime.datetime.strptime(raw_end, FMT), now) if raw_end else now
        except ValueError:
            return None
        return (lo, hi) if lo <= hi else None

    def _insert(self, store, key, window, rng):
        lo, hi = window
        moment = lo + datetime.timedelta(seconds=rng.randint(0, int((hi - lo).total_seconds())))
        created = moment if key == 'created' else \
            moment - datetime.timedelta(minutes=rng.randint(1, 120))
        trade = copy.deepcopy(rng.choice(list(store.trades.values())))
        self.seq += 1
        tid = 2008000000000000000 + self.seq * 100
        while str(tid) in store.trades:
            self.seq += 1
            tid = 2008000000000000000 + self.seq * 100
        for name in ('consign_time', 'end_time', 'is_part_consign'):
            trade.pop(name, None)
        trade.update(tid=str(tid), status='WAIT_SELLER_SEND_GOODS', created=fmt(created),
                     pay_time=fmt(created), modified=fmt(moment), received_payment='0.00')
        for index, order in enumerate(orders_of(trade)):
            for name in ('consign_time', 'end_time', 'invoice_no', 'logistics_company',
                         'refund_id'):
                order.pop(name, None)
            order.update(oid=str(tid + index + 1), status='WAIT_SELLER_SEND_GOODS',
                         refund_status='NO_REFUND')
        store.put_trade(trade)

    @staticmethod
    def _modify(store, key, window, rng):
        lo, hi = fmt(window[0]), fmt(window[1])
        rows = [t for t in store.trades_in(key, lo, hi) if key != 'modified' or t[key] < hi]
        if not rows:
            return
        trade = rng.choice(rows)
        trade['seller_flag'] = rng.randint(0, 5)
        if key == 'modified':
            old = datetime.datetime.strptime(trade['modified'], FMT)
            span = int((window[1] - old).total_seconds())
            trade['modified'] = fmt(old + datetime.timedelta(seconds=rng.randint(1, span)))
            store._dirty = True
        else:
            store.touch_trade(trade)
