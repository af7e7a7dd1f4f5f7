# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""One run of the real-time consumer of an app: platform events become jobs.

Events are hints: each one names a trade (or a refund) that changed, and the
work is always a fresh read of it by the jobs that already exist
(``_job_retry_trade``, ``_job_realtime_refund``). Ten changes of one trade are
one re-read: the run keeps one job per trade and refund, and queue_job's
identity key adds none while one still waits. The caller confirms the events
only once the transaction holding their jobs is committed.
"""
import logging
import time
from datetime import datetime

from odoo import _, api, models

_logger = logging.getLogger(__name__)

PRIORITY_REALTIME = 4  # ahead of the pull's windows (5): a change is waiting for it


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
            self.event_ids.extend(e["id"] for e in events)
            if len(events) < quantity:
                return self.summary
            if time.time() >= deadline:
                self.summary["more"] = True  # a full batch: more messages wait
                return self.summary

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
            shop._delayed(_("Shop %(shop)s: trade %(tid)s changed")
                          % {"shop": shop.name, "tid": record_id},
                          PRIORITY_REALTIME)._job_retry_trade(record_id)
        else:
            shop._delayed(_("Shop %(shop)s: refund %(refund)s changed")
                          % {"shop": shop.name, "refund": record_id},
                          PRIORITY_REALTIME)._job_realtime_refund(record_id)


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
