# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The real-time channel of one platform app and its consumer job.

How the consumer runs (docs/en/real-time.md): one queue_job job per app
(identity key ``ecommerce-realtime-<id>``) reads the platform's messages for
a few seconds, queues one job per changed trade or refund, and enqueues its
successor before it ends. It never commits by itself: the messages it read
are confirmed by its successor, once queue_job has committed the jobs they
became; a crash before that commit leaves them unconfirmed, and the platform
hands them out again. A transaction-level advisory lock keeps a second copy
from reading the same app at the same time, and a cron every minute starts
the chain again when no job of it is waiting or running (after a restart, a
failure, or a worker killed mid-job).
"""
import json
import logging
from datetime import datetime, timedelta

from odoo import _, api, fields, models
from odoo.addons.queue_job.job import job

from ..adapters import PlatformError, adapter_class

_logger = logging.getLogger(__name__)

REALTIME_CHANNEL = "root.ecommerce.realtime"
REALTIME_LOCK_CLASS = 46025
# One run reads for at most this long, then hands over to its successor: a job
# stays short, and a worker is never held while the queue is empty.
RUN_SECONDS = 10
BATCH = 200
# Successor delay after a read that drained the queue, and after a failed one.
IDLE_SECONDS = 2
ERROR_SECONDS = 30
# Stock of the other shops: pushed at most this often after re-reads were queued.
STOCK_EVERY_SECONDS = 30
# No successful read for this long: the channel is stalled and the pull takes over.
STALL_SECONDS = 120
# A run started this long ago without reporting back died with its worker.
DEAD_SECONDS = 300
JOB_STATES_ALIVE = ("pending", "enqueued", "started")


class EcommerceRealtimeChannel(models.Model):
    _name = "ecommerce.realtime.channel"
    _description = "E-commerce Real-time Channel"
    _order = "id"

    name = fields.Char(required=True, readonly=True)
    app_key = fields.Char(required=True, readonly=True)
    app_url = fields.Char(required=True, readonly=True)
    last_read = fields.Datetime(
        readonly=True,
        help="When the consumer last read the platform's message queue successfully.")
    last_message = fields.Datetime(
        "Newest Message", readonly=True,
        help="Publication time of the newest message the consumer has handled.")
    lag_seconds = fields.Integer(
        "Lag (s)", readonly=True,
        help="Seconds between the platform publishing a change and the consumer queueing "
             "its work, the largest of the last read that found messages.")
    messages_total = fields.Integer("Messages", readonly=True)
    jobs_total = fields.Integer(
        "Re-reads Queued", readonly=True,
        help="Jobs the messages became; several changes of one trade make one re-read.")
    merged_total = fields.Integer(
        "Changes Merged", readonly=True,
        help="Messages that needed no job of their own: their trade's re-read was "
             "queued by the same read already.")
    pending_confirm = fields.Text(
        readonly=True, default="[]",
        help="Messages whose work is stored; the next read confirms them to the platform.")
    last_error = fields.Text(readonly=True)
    stock_due = fields.Boolean(
        readonly=True, help="Re-reads were queued since the last stock push was queued.")
    stock_queued_at = fields.Datetime(readonly=True)
    stalled_since = fields.Datetime(readonly=True)
    state = fields.Selection(
        [("running", "Running"), ("stalled", "Stalled")], compute="_compute_state",
        help="Stalled: no successful read for two minutes; the shops of this app are "
             "pulled at the normal pace until it runs again.")

    _sql_constraints = [("app_unique", "unique(app_url, app_key)",
                         "One real-time channel per platform app.")]

    @api.depends("last_read", "last_error")
    def _compute_state(self):
        now = datetime.utcnow()
        for channel in self:
            channel.state = "running" if channel._is_healthy(now) else "stalled"

    def _is_healthy(self, now):
        last = fields.Datetime.from_string(self.last_read)
        return bool(last and not self.last_error and
                    (now - last).total_seconds() < STALL_SECONDS)

    # ------------------------------------------------------------------
    # Public: figures for the health screen
    # ------------------------------------------------------------------
    @api.model
    def get_status(self):
        """Every app's channel: state, lag and counters (see docs/api.md)."""
        channels = self.search([("app_key", "!=", False)])
        now = datetime.utcnow()
        result = []
        for channel in channels:
            last = fields.Datetime.from_string(channel.last_read)
            result.append({
                "id": channel.id, "app_key": channel.app_key, "state": channel.state,
                "lag_seconds": channel.lag_seconds,
                "seconds_since_read": int((now - last).total_seconds()) if last else False,
                "last_read": channel.last_read or False,
                "last_message": channel.last_message or False,
                "messages": channel.messages_total, "jobs": channel.jobs_total,
                "merged": channel.merged_total,
                "unconfirmed": len(channel._pending_ids()),
                "error": channel.last_error or False,
                "shop_ids": channel._shops().ids})
        return result

    # ------------------------------------------------------------------
    # Which shops, which channel
    # ------------------------------------------------------------------
    def _shops(self):
        """Active shops of this app with real-time messages on."""
        self.ensure_one()
        return self.env["ecommerce.shop"].sudo().search(
            [("app_key", "=", self.app_key), ("app_url", "=", self.app_url),
             ("realtime_enabled", "=", True), ("sync_paused", "=", False)])

    @api.model
    def _for_shop(self, shop):
        """The channel of ``shop``'s app, created on first use."""
        channel = self.sudo().search([("app_key", "=", shop.app_key),
                                      ("app_url", "=", shop.app_url)], limit=1)
        return channel or self.sudo().create({"name": shop.app_key, "app_key": shop.app_key,
                                              "app_url": shop.app_url})

    @api.model
    def _ensure_channels(self):
        shops = self.env["ecommerce.shop"].sudo().search(
            [("realtime_enabled", "=", True), ("sync_paused", "=", False)])
        channels = self.browse()
        for shop in shops:
            cls = adapter_class(shop.platform)
            if cls is not None and cls.realtime_available and shop.app_key and shop.app_url:
                channels |= self._for_shop(shop)
        return channels

    # ------------------------------------------------------------------
    # The consumer chain
    # ------------------------------------------------------------------
    def _job_key(self):
        return "ecommerce-realtime-%d" % self.id

    def _alive_job(self):
        return self.env["queue.job"].sudo().search(
            [("identity_key", "=", self._job_key()), ("state", "in", JOB_STATES_ALIVE)],
            order="id desc", limit=1)

    def _enqueue_consumer(self, seconds=0):
        """Queue the next run unless one already waits (queue_job's identity key)."""
        self.ensure_one()
        eta = datetime.utcnow() + timedelta(seconds=seconds) if seconds else None
        return self.sudo().with_delay(
            priority=1, eta=eta, channel=REALTIME_CHANNEL, identity_key=self._job_key(),
            description=_("Real-time messages of app %(app)s") % {"app": self.app_key},
        )._job_consume()

    @api.multi
    @job(default_channel=REALTIME_CHANNEL)
    def _job_consume(self):
        """Confirm what the last run queued, read and queue, then hand over."""
        self.ensure_one()
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)",
                            (REALTIME_LOCK_CLASS, self.id))
        if not self.env.cr.fetchone()[0]:
            return _("Another run reads this app's messages: this one stops.")
        shops = self._shops()
        if not shops:
            return _("No shop of this app has real-time messages on: the chain stops.")
        consumer = self.env["ecommerce.realtime.consumer"]._start(shops)
        pending, error = self._pending_ids(), False
        try:
            consumer.confirm(pending)
            pending = []
            consumer.run(RUN_SECONDS, BATCH)
        except PlatformError as err:
            error = shops[:1]._explain_error(err)
            _logger.warning("Real-time channel %s: %s", self.id, err)
        self._record_run(consumer.summary, pending + consumer.event_ids, error)
        self._push_stock_if_due()
        # At once only while full batches wait: a run costs a worker about a second
        # of job overhead, which the re-reads need more than two seconds of latency.
        pause = ERROR_SECONDS if error else (0 if consumer.summary["more"] else IDLE_SECONDS)
        self._enqueue_consumer(pause)
        return _("%(messages)s messages, %(jobs)s jobs, %(merged)s merged") % consumer.summary

    def _push_stock_if_due(self):
        """A sale read here changes what the other shops may offer: queue the stock
        jobs of every shop, at most every STOCK_EVERY_SECONDS, once re-reads were
        queued (the jobs compute the quantities when they run, after the re-reads
        queued before them)."""
        if not self.stock_due:
            return
        last = fields.Datetime.from_string(self.stock_queued_at)
        if last and (datetime.utcnow() - last).total_seconds() < STOCK_EVERY_SECONDS:
            return
        self.env["ecommerce.shop"]._cron_enqueue_stock()
        self.sudo().write({"stock_due": False, "stock_queued_at": fields.Datetime.now()})

    def _pending_ids(self):
        return json.loads(self.pending_confirm or "[]")

    def _record_run(self, summary, to_confirm, error):
        now = fields.Datetime.now()
        vals = {"pending_confirm": json.dumps(to_confirm), "last_error": error,
                "messages_total": self.messages_total + summary["messages"],
                "jobs_total": self.jobs_total + summary["jobs"],
                "merged_total": self.merged_total + summary["merged"]}
        if not error:
            vals["last_read"] = now
        if summary["jobs"]:
            vals["stock_due"] = True
        if summary["max_lag"] is not None:
            vals["lag_seconds"] = summary["max_lag"]
        if summary["newest"]:
            vals["last_message"] = fields.Datetime.to_string(summary["newest"])
        self.sudo().write(vals)

    # ------------------------------------------------------------------
    # Watchdog
    # ------------------------------------------------------------------
    @api.model
    def _cron_watch(self):
        """Keep one consumer per app alive; hand a stalled app's shops to the pull."""
        now = datetime.utcnow()
        for channel in self._ensure_channels():
            channel._restart_if_dead(now)
            channel._notice_stall(now)
        return True

    def _restart_if_dead(self, now):
        record = self._alive_job()
        if record and record.state == "started":
            started = fields.Datetime.from_string(record.date_started)
            if started and (now - started).total_seconds() > DEAD_SECONDS:
                record.write({"state": "failed",
                              "exc_info": _("The worker running this job stopped; the "
                                            "watchdog started a new run.")})
                _logger.warning("Real-time channel %s: run %s died, restarted",
                                self.id, record.uuid)
                record = False
        if not record:
            self._enqueue_consumer()

    def _notice_stall(self, now):
        """On the turn to stalled, pull the app's shops at once (the 10-minute cron
        keeps pulling them at its pace while the stall lasts)."""
        healthy = self._is_healthy(now)
        if healthy and self.stalled_since:
            self.stalled_since = False
        elif not healthy and not self.stalled_since:
            self.stalled_since = fields.Datetime.to_string(now)
            for shop in self._shops():
                shop._realtime_pull_now()
