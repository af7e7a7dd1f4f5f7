# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""One run of the real-time consumer of an app: platform events become jobs.

Events are hints: each one names a trade (or a refund) that changed, and the
work is always a fresh read of it. The changed trades of one read become jobs
of TRADE_CHUNK trades each (``_job_realtime_trades``). Several of them run at
once for one shop, as its channel's capacity allows: they share the shop's
sync lock (the pull takes it alone), and each trade is re-read under a lock of
its own; a trade another job holds is handed to a job a little later. They
leave reserving to the shop's reservation job, which runs right after them,
one at a time: two re-reads never wait on each other's stock rows. A job per
trade cost a worker about as much in job overhead (the runner's HTTP call, a
fresh environment, the commit) as the re-read itself. Refunds keep a job each
(``_job_realtime_refund``). Ten changes of one trade in a read are one
re-read. The caller confirms the events only once the transaction holding
their jobs is committed.
"""
import logging
import time
import zlib
from datetime import datetime, timedelta

from odoo import _, api, models

from ..adapters import PlatformError, SessionExpiredError

_logger = logging.getLogger(__name__)

PRIORITY_REALTIME = 4  # ahead of the pull's windows (5): a change is waiting for it
PRIORITY_RESERVE = 3  # the goods of what the re-reads stored, before the next re-reads
# Trades re-read by one job: about 0.2 s each (detail call and import), so a job
# stays a few seconds and the next read's trades find a worker free.
TRADE_CHUNK = 10
# A trade whose lock another re-read holds is re-read this much later.
LOCKED_TRADE_SECONDS = 3
# First key of a trade's lock; the second is a hash of the shop and the trade id.
TRADE_LOCK_CLASS = zlib.crc32(b"ecommerce_sync.trade") & 0x7FFFFFFF
PLANNER = "ecommerce.job.planner"


class RealtimeConsumer(models.AbstractModel):
    _name = "ecommerce.realtime.consumer"
    _description = "E-commerce Real-time Consumer"

    @api.model
    def _start(self, shops):
        """A consumer for one run over the app of ``shops`` (one app, several sellers)."""
        consumer = self.browse()
        consumer.shops = shops
        consumer.adapter = shops[:1]._get_adapter()
        consumer.by_seller = _shops_by_seller(shops)
        consumer.event_ids = []   # fetched this run: to confirm once committed
        consumer.queued = set()   # (shop id, kind, id) queued by this run
        consumer.trades = {}      # shop -> [tid]: re-read by one job each, at the end
        consumer.summary = {"messages": 0, "jobs": 0, "merged": 0, "ignored": 0,
                            "max_lag": None, "newest": None, "more": False}
        return consumer

    def confirm(self, event_ids):
        """Confirm events whose work an earlier, committed run queued."""
        return self.adapter.realtime_confirm(event_ids) if event_ids else 0

    def run(self, budget_seconds, quantity):
        """Fetch batches until the queue is drained or ``budget_seconds`` spent.

        PlatformError goes up; ``event_ids`` then holds what was fetched and
        queued before it (the caller keeps them to confirm).
        """
        deadline = time.time() + budget_seconds
        while True:
            events = self.adapter.realtime_fetch(quantity)
            self._queue_work(events)
            self._queue_trades()
            self.event_ids.extend(e["id"] for e in events)
            if len(events) < quantity:
                return self.summary
            if time.time() >= deadline:
                self.summary["more"] = True  # a full batch: more messages wait
                return self.summary

    def _queue_trades(self):
        """Jobs of TRADE_CHUNK trades for the trades of the batch just read."""
        for shop, tids in self.trades.items():
            for start in range(0, len(tids), TRADE_CHUNK):
                self._queue_reread(shop, tids[start:start + TRADE_CHUNK])
        self.trades = {}

    def _queue_work(self, events):
        now = datetime.utcnow()
        summary = self.summary
        for event in events:
            summary["messages"] += 1
            if event["published"]:
                lag = max(0, int((now - event["published"]).total_seconds()))
                summary["max_lag"] = max(summary["max_lag"] or 0, lag)
                summary["newest"] = max(summary["newest"] or event["published"],
                                        event["published"])
            shop = self._shop_of(event)
            if shop is None or event["kind"] is None:
                summary["ignored"] += 1
                continue
            self._queue(shop, "trade", event["tid"])
            if event["kind"] == "refund":
                self._queue(shop, "refund", event["refund_id"])

    def _shop_of(self, event):
        return self.by_seller.get(event["seller_id"]) or \
            self.by_seller.get(event["seller_nick"]) or self.by_seller.get(None)

    def _queue(self, shop, kind, record_id):
        key = (shop.id, kind, record_id)
        if key in self.queued:
            self.summary["merged"] += 1
            return
        self.queued.add(key)
        self.summary["jobs"] += 1
        if kind == "trade":
            self.trades.setdefault(shop, []).append(str(record_id))
        else:
            shop._delayed(_("Shop %(shop)s: refund %(refund)s changed")
                          % {"shop": shop.name, "refund": record_id},
                          PRIORITY_REALTIME)._job_realtime_refund(record_id)

    # ------------------------------------------------------------------
    # The job: re-read a shop's changed trades
    # ------------------------------------------------------------------

    @api.model
    def _reread_trades(self, shop, tids):
        """Re-read the first TRADE_CHUNK of ``tids`` whose locks this job gets and
        store them as the pull does; queue the rest, the ones another job holds
        (a little later), and the reservation of what was stored (same
        transaction: all or nothing). The caller holds the shop's sync lock,
        shared.

        A trade refused by Odoo or unknown to the platform gets a
        ``_job_retry_trade`` job of its own, which fails naming the reason
        (new trades also keep their backlog row); a transient platform error
        retries this whole job, which stored nothing yet.
        """
        shop.ensure_one()
        if shop.sync_paused:
            return _("Shop %(shop)s is paused: nothing done.") % {"shop": shop.name}
        planner = self.env[PLANNER]
        what = _("Shop %(shop)s: changed trades") % {"shop": shop.name}
        chunk, rest = _unique(tids)[:TRADE_CHUNK], _unique(tids)[TRADE_CHUNK:]
        chunk, busy = self._lock_trades(shop, chunk)
        importer = shop.with_context(ecommerce_defer_reservation=True)._order_importer()
        with planner._platform_work(shop, what):
            rows, unknown = self._read_trades(importer.adapter, chunk)
            importer.import_rows(rows, update_existing=True, report_existing=True,
                                 background=True, detailed=True)
        refused = sorted({f["tid"] for f in importer.summary["failed"]} | set(unknown))
        planner._enqueue_trade_retries(shop, refused)
        self._queue_reread(shop, rest)
        self._queue_reread(shop, busy, LOCKED_TRADE_SECONDS)
        self._queue_reservation(shop)
        summary = dict(importer.public_summary(), api_calls=importer.adapter.calls,
                       handed_to_retry=refused, queued_after=len(rest), busy=len(busy))
        return planner._job_result(summary, False)

    def _queue_reread(self, shop, tids, seconds=0):
        if not tids:
            return
        eta = datetime.utcnow() + timedelta(seconds=seconds) if seconds else None
        shop._delayed(_("Shop %(shop)s: %(count)d trades changed")
                      % {"shop": shop.name, "count": len(tids)},
                      PRIORITY_REALTIME, eta=eta)._job_realtime_trades(tids)

    def _lock_trades(self, shop, tids):
        """(tids locked for this transaction, tids another re-read holds)."""
        self.env.cr.execute("""
            SELECT tid FROM unnest(%s::text[]) AS tid
             WHERE pg_try_advisory_xact_lock(%s, hashtext(%s || ':' || tid))""",
                            (tids, TRADE_LOCK_CLASS, str(shop.id)))
        locked = {row[0] for row in self.env.cr.fetchall()}
        return [t for t in tids if t in locked], [t for t in tids if t not in locked]

    def _queue_reservation(self, shop):
        """The shop's reservation job, unless one already waits."""
        if not self.env["stock.picking"].search_count(
                [("ecommerce_shop_id", "=", shop.id), ("ecommerce_reserve_due", "=", True)]):
            return
        self.env[PLANNER]._ensure_channel(shop)
        shop.with_delay(priority=PRIORITY_RESERVE, channel=self.env[PLANNER]._channel_name(shop),
                        identity_key="ecommerce-reserve-%d" % shop.id,
                        description=_("Shop %(shop)s: reserve new deliveries")
                        % {"shop": shop.name})._job_reserve_deliveries()

    @api.model
    def _reserve_deliveries(self, shop):
        """Reserve the shop's deliveries the re-reads stored (held ones stay free)."""
        pickings = self.env["stock.picking"].search(
            [("ecommerce_shop_id", "=", shop.id), ("ecommerce_reserve_due", "=", True)])
        pickings.write({"ecommerce_reserve_due": False})
        waiting = pickings.filtered(
            lambda p: p.state in ("confirmed", "waiting", "partially_available"))
        if waiting:  # action_assign refuses an empty set
            waiting.action_assign()
        return _("%(count)d deliveries reserved where stock allows") % {"count": len(waiting)}

    @staticmethod
    def _read_trades(adapter, tids):
        """(rows, tids the platform does not know or refuses to show).

        A trade's own refusal (not transient) is left to its retry job, which
        shows it; a transient error goes up and retries the whole chunk."""
        rows, unknown = [], []
        for tid in tids:
            try:
                detail = adapter.trade_detail(tid)
            except SessionExpiredError:
                raise
            except PlatformError as err:
                if err.retryable:
                    raise
                detail = None
            if detail:
                rows.append(dict(detail, tid=tid))
            else:
                unknown.append(tid)
        return rows, unknown


def _unique(tids):
    """``tids`` as strings, each once, in their order."""
    seen, result = set(), []
    for tid in map(str, tids):
        if tid not in seen:
            seen.add(tid)
            result.append(tid)
    return result


def _shops_by_seller(shops):
    """Seller id and nick -> shop; key None: the one shop that does not know its
    seller yet (a session key pasted by hand), when it is the only one."""
    found = {}
    for shop in shops:
        for key in (shop.platform_user_id, shop.platform_user_nick):
            if key:
                found[key] = shop
    unknown = shops.filtered(lambda s: not (s.platform_user_id or s.platform_user_nick))
    if len(unknown) == 1:
        found[None] = unknown
    return found
