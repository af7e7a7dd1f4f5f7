# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Background sync on OCA queue_job: the crons find work, jobs do it.

The queue.job functions and the crons stay on ``ecommerce.shop`` (their names
are the identity of queued jobs, of ``queue.job.function`` records and of the
crons) and call in here: this object holds the plumbing, the shop the
configuration and the public API.

Every job does one unit of work (a window of one shop, one trade, one item,
one delivery) in the transaction queue_job opens for it, and never commits:
queue_job commits after a job that returns, and rolls back one that raises.
Each body runs in a savepoint, so that a job that raises leaves nothing of
its own behind whatever the runner does with the request's cursor.

Jobs of one shop run in the channel ``root.ecommerce.shop_<id>`` whose
capacity is the shop's ``job_capacity``: a shop that the platform throttles
fills its own channel only. docs/operations.md, "Background work: crons and queue_job".
"""
import logging
import zlib
from contextlib import contextmanager
from datetime import datetime, timedelta

from odoo import _, api, fields, models
from odoo.tools import config
from odoo.addons.queue_job.exception import FailedJobError, RetryableJobError
from odoo.addons.queue_job.job import Job, identity_exact

from ..adapters import PlatformError, SessionExpiredError
from ..mapping.stock_mapping import select_changed
from ..mapping.trade_mapping import CLOSED_STATUSES
from ..synchronizers.order_importer import SetupConflict
from .ecommerce_shop_orders import LOCK_CLASS, OVERLAP, WINDOW
from .ecommerce_shop_refunds import REFUND_LOCK_CLASS, REFUND_OVERLAP

_logger = logging.getLogger(__name__)

SHOP = "ecommerce.shop"
CHANNEL = "root.ecommerce"
# The real-time consumer's channel (models/ecommerce_realtime_channel.py): one run at a time.
REALTIME_CHANNEL, REALTIME_CAPACITY = CHANNEL + ".realtime", 1
# Seconds before the n-th retry of a transient failure (queue_job's retry_pattern);
# a rate limit's own retry_after wins when the platform gives one.
RETRY_PATTERN = {1: 60, 3: 5 * 60, 5: 30 * 60}
MAX_RETRIES = 8
# A job that finds the shop's lock taken (another sync runs) tries again soon,
# without counting a retry: nothing failed.
LOCKED_RETRY_SECONDS = 10
TRY_LOCK = "SELECT pg_try_advisory_xact_lock(%s, %s)"
TRY_SHARED_LOCK = "SELECT pg_try_advisory_xact_lock_shared(%s, %s)"
PRIORITY_ORDERS, PRIORITY_SHIPMENTS, PRIORITY_STOCK, PRIORITY_RETRY, PRIORITY_REFUNDS = (
    5, 6, 8, 10, 12)
PRIORITY_ITEMS = 15
PRIORITY_MISSING = 9
# Trades stored by one order or missing-order job (plus the rest of the platform
# page that crosses it): about 0.5 s each with its detail call, so one job ends
# well within the worker's limits (docs/operations.md, "Hosts, workers and time limits").
JOB_TRADES = 200
# Items per item-import job: one detail call of the platform, about 5 s of Odoo work.
ITEM_JOB_BATCH = 20
# First key of the lock of a shop's reservation job; the second is the shop id.
RESERVE_LOCK_CLASS = zlib.crc32(b"ecommerce_sync.reserve") & 0x7FFFFFFF
# The sync lock each job takes, by job: a stalled job whose lock is held still runs.
JOB_LOCKS = {"_job_sync_orders": LOCK_CLASS, "_job_retry_trade": LOCK_CLASS,
             "_job_realtime_trades": LOCK_CLASS, "_job_reserve_deliveries": RESERVE_LOCK_CLASS,
             "_job_check_missing_orders": LOCK_CLASS, "_job_unshipped_pass": LOCK_CLASS,
             "_job_sync_refunds": REFUND_LOCK_CLASS}


class EcommerceJobPlanner(models.AbstractModel):
    """Channels, job identities, locks, the crons' enqueue loops, the stalled-job
    requeue and the bodies of the shops' queue.job functions."""

    _name = "ecommerce.job.planner"
    _description = "E-commerce Background Jobs"

    # ------------------------------------------------------------------
    # Channels
    # ------------------------------------------------------------------
    @api.model
    def _channel_name(self, shop):
        return "%s.shop_%d" % (CHANNEL, shop.id)

    @api.model
    def _ensure_channel(self, shop):
        """The shop's channel record: queue_job's autovacuum finds the done jobs by it."""
        name = self._channel_name(shop)
        if self.env["queue.job.channel"].sudo().search_count([("complete_name", "=", name)]):
            return
        channel = self.env["queue.job.function"].sudo()._find_or_create_channel(name)
        # An xmlid of this addon: uninstalling it removes the shop channels before
        # root.ecommerce, which may not go while it has children.
        self.env["ir.model.data"].sudo().create({
            "module": "ecommerce_sync", "name": "queue_job_channel_shop_%d" % shop.id,
            "model": "queue.job.channel", "res_id": channel.id, "noupdate": True})

    @api.model
    def _queue_job_channels(self, root_capacity=None):
        """The runner's ``[queue_job] channels`` value for the shops of this database.

        ``root`` and ``root.ecommerce`` get the sum of the shops' capacities
        (at least 1) plus the real-time consumer's slot unless ``root_capacity``
        is given; each shop its own; the consumer's channel 1 (one run at a
        time; an idle one costs nothing). The consumer's channel is a child of
        ``root.ecommerce``: counted in it, it never takes a shop's slot.
        """
        shops = self.env[SHOP].sudo().with_context(active_test=False).search(
            [("platform", "!=", "own")], order="id")
        total = max(sum(shops.mapped("job_capacity")), 1) + REALTIME_CAPACITY
        root = root_capacity or total
        parts = ["root:%d" % root, "%s:%d" % (CHANNEL, min(root, total))]
        parts += ["%s:%d" % (self._channel_name(shop), shop.job_capacity) for shop in shops]
        parts.append("%s:%d" % (REALTIME_CHANNEL, REALTIME_CAPACITY))
        return ",".join(parts)

    @api.model
    def _delayed(self, shop, description, priority, eta=None):
        """``shop`` to call a @job method on, in its channel, once.

        identity_exact: a job already waiting for the same method and arguments
        is not added a second time, so a cron may run while the last one's jobs
        still wait.
        """
        shop.ensure_one()
        self._ensure_channel(shop)
        return shop.with_delay(priority=priority, description=description, eta=eta,
                               channel=self._channel_name(shop), max_retries=MAX_RETRIES,
                               identity_key=identity_exact)

    # ------------------------------------------------------------------
    # Job identities, locks, outcomes
    # ------------------------------------------------------------------
    @api.model
    def _job_key(self, shop, method, *args):
        """The identity key identity_exact gives the job ``shop.method(*args)``."""
        return identity_exact(Job(getattr(shop, method), args=args))

    @api.model
    def _failed_job_keys(self, method):
        """Identity keys of this method's failed jobs: the seller requeues those."""
        jobs = self.env["queue.job"].sudo().search_read(
            [("model_name", "=", SHOP), ("method_name", "=", method),
             ("state", "=", "failed"), ("identity_key", "!=", False)], ["identity_key"])
        return {j["identity_key"] for j in jobs}

    @api.model
    def _try_lock(self, shop, lock_class, shared=False):
        """The shop's sync lock for this job's transaction, or retry the job soon.

        Shared: the real-time re-reads of one shop run side by side (each trade
        under a lock of its own) while the pull, which takes it exclusively,
        waits for them all.
        """
        self.env.cr.execute(TRY_SHARED_LOCK if shared else TRY_LOCK, (lock_class, shop.id))
        if not self.env.cr.fetchone()[0]:
            _logger.info("Shop %s: sync lock taken, job postponed", shop.id)
            raise RetryableJobError(
                _("Shop %(shop)s: another synchronisation runs right now.")
                % {"shop": shop.name}, seconds=LOCKED_RETRY_SECONDS, ignore_retry=True)

    @api.model
    def _job_error(self, shop, err, what):
        """RetryableJobError for a transient platform failure, FailedJobError else."""
        text = "%s: %s" % (what, shop._explain_error(err))
        if err.retryable:
            return RetryableJobError(text, seconds=err.retry_after or None)
        return FailedJobError(text)

    @contextmanager
    def _platform_work(self, shop, what):
        """A job's platform work in a savepoint; its errors become queue_job's: an
        expired session pauses the shop and fails the job, a transient error
        retries it, a refusal fails it, shared set-up in the making retries soon."""
        try:
            with self.env.cr.savepoint():
                yield
        except SessionExpiredError as err:
            shop._pause_sync(err)
            raise FailedJobError("%s: %s" % (what, shop._explain_error(err)))
        except PlatformError as err:
            raise self._job_error(shop, err, what)
        except SetupConflict as err:
            raise self._setup_conflict_retry(err)

    @staticmethod
    def _setup_conflict_retry(err):
        """Run again soon, without using up a retry: another shop's job is creating
        set-up this one needs, and commits it when its own window is stored."""
        return RetryableJobError(err.name, seconds=LOCKED_RETRY_SECONDS, ignore_retry=True)

    @staticmethod
    def _job_result(summary, error):
        """Short text of a job's outcome for the job's Result field."""
        counts = ["%s: %s" % (key, len(value) if isinstance(value, list) else value)
                  for key, value in sorted(summary.items()) if key != "error"]
        text = ", ".join(counts)
        return "%s\n%s" % (text, error) if error else text

    # ------------------------------------------------------------------
    # Crons: find the work, enqueue it
    # ------------------------------------------------------------------
    @api.model
    def _enqueue_orders(self):
        """One order job per shop (it chains the shop's windows) and one per trade to retry."""
        for shop in self.env[SHOP]._active_sync_shops():
            self._delayed(shop, _("Shop %(shop)s: order sync") % {"shop": shop.name},
                          PRIORITY_ORDERS)._job_sync_orders()
            shop._enqueue_unshipped_pass(datetime.utcnow())
            self._enqueue_trade_retries(shop, self._trades_to_retry(shop))
        return True

    @api.model
    def _enqueue_refunds(self):
        for shop in self.env[SHOP]._active_sync_shops():
            self._delayed(shop, _("Shop %(shop)s: refund sync") % {"shop": shop.name},
                          PRIORITY_REFUNDS)._job_sync_refunds()
        return True

    @api.model
    def _enqueue_shipments(self):
        """One job per delivery due to be sent; those whose job failed wait for a requeue."""
        shops = self.env[SHOP]._active_sync_shops()
        if not shops:
            return True
        pickings = self.env["stock.picking"].search(
            self.env[SHOP]._due_shipments_domain(shops.ids), order="date_done, id")
        failed = self._failed_job_keys("_job_send_shipment")
        for picking in pickings:
            shop = picking.ecommerce_shop_id
            if self._job_key(shop, "_job_send_shipment", picking.id) in failed:
                continue
            self._delayed(shop, _("Shop %(shop)s: send shipment %(picking)s of trade %(tid)s")
                          % {"shop": shop.name, "picking": picking.name,
                             "tid": picking.ecommerce_tid},
                          PRIORITY_SHIPMENTS)._job_send_shipment(picking.id)
        return True

    @api.model
    def _enqueue_stock(self):
        """One job per item whose sellable quantity differs from the platform's.

        Shops whose orders are stale are left out with their reason, as the
        per-shop push does (``_cron_push_shop_stock``).
        """
        failed = self._failed_job_keys("_job_push_item_stock")
        for shop in self.env[SHOP]._active_sync_shops():
            self._enqueue_stock_jobs(shop, failed)
        return True

    @api.model
    def _enqueue_stock_jobs(self, shop, failed=None):
        """The shop's stock jobs, unless its orders are stale (the reason is kept)."""
        shop.ensure_one()
        if failed is None:
            failed = self._failed_job_keys("_job_push_item_stock")
        reason = shop._stock_push_block_reason()
        if reason != (shop.stock_push_block_reason or False):
            shop.sudo().write({"stock_push_block_reason": reason})
        if reason:
            return
        for num_iid in self._items_to_push(shop):
            if self._job_key(shop, "_job_push_item_stock", num_iid) in failed:
                continue
            self._delayed(shop, _("Shop %(shop)s: push stock of item %(item)s")
                          % {"shop": shop.name, "item": num_iid},
                          PRIORITY_STOCK)._job_push_item_stock(num_iid)

    @api.model
    def _enqueue_item_imports(self, shop, num_iids):
        """One job per ITEM_JOB_BATCH items of ``num_iids``; returns the number of jobs."""
        shop.ensure_one()
        batches = [num_iids[i:i + ITEM_JOB_BATCH]
                   for i in range(0, len(num_iids), ITEM_JOB_BATCH)]
        for batch in batches:
            self._delayed(shop, _("Shop %(shop)s: import items %(items)s")
                          % {"shop": shop.name, "items": ", ".join(batch)},
                          PRIORITY_ITEMS)._job_import_items(batch)
        return len(batches)

    @api.model
    def _items_to_push(self, shop):
        records = self.env["ecommerce.stock.sync"].sudo().search(
            [("shop_id", "=", shop.id), ("sync", "=", True)])
        rows = records._read_push_rows()
        if not rows:
            return []
        wanted, _skipped = records._plan_quantities(rows)
        wanted = {target: qty for (_shop_id, target), qty in wanted.items()}
        last_sent = self.env["ecommerce.stock.exporter"]._last_sent(rows)
        to_send, _unchanged = select_changed(wanted, last_sent)
        return sorted({num_iid for num_iid, _sku in to_send})

    @api.model
    def _trades_to_retry(self, shop):
        """Trades the platform sold that Odoo refused or has not imported yet."""
        backlog = self.env.get("ecommerce.trade.backlog")
        tids = set()
        if backlog is not None:
            tids |= set(backlog.sudo().search([("shop_id", "=", shop.id)]).mapped("tid"))
        return sorted(tids)

    @api.model
    def _enqueue_trade_retries(self, shop, tids):
        failed = self._failed_job_keys("_job_retry_trade")
        enqueued = 0
        for tid in tids:
            if self._job_key(shop, "_job_retry_trade", tid) in failed:
                continue
            self._delayed(shop, _("Shop %(shop)s: import trade %(tid)s again")
                          % {"shop": shop.name, "tid": tid},
                          PRIORITY_RETRY)._job_retry_trade(tid)
            enqueued += 1
        return enqueued

    @api.model
    def _enqueue_missing_check(self, shop, now):
        """The daily missing-order check, in jobs of its own (chained like the windows)."""
        start = now - timedelta(days=shop.order_check_days)
        shop.sudo().write({"order_check_last": fields.Datetime.to_string(now)})
        self._delayed(shop, _("Shop %(shop)s: missing-order check") % {"shop": shop.name},
                      PRIORITY_MISSING)._job_check_missing_orders(
            fields.Datetime.to_string(start), fields.Datetime.to_string(now))

    # ------------------------------------------------------------------
    # Stalled jobs
    # ------------------------------------------------------------------
    @api.model
    def _requeue_stalled_jobs(self):
        """Free the channels that a job killed by the worker's time limit blocks.

        Such a job stays *started* for good and takes its shop's channel slot
        (capacity 1 by default: the shop's orders, stock, shipments and refunds
        then wait). Past the limit its worker is gone (Odoo kills a request at
        ``limit_time_real``) and its transaction rolled back: it is requeued
        once; stalled again, it fails with the reason, for the seller to see.
        """
        stalled = self.env["queue.job"].sudo().search(self._stalled_jobs_domain())
        stalled = stalled.filtered(self._stalled_job_is_dead)
        again = stalled.filtered("ecommerce_requeued")
        for record in again:
            stalled_job = Job.load(self.env, record.uuid)
            stalled_job.set_failed(exc_info=_(
                "Started more than %(minutes)d minutes ago a second time: the job is "
                "larger than the workers' time limit (docs/operations.md, \"Hosts, workers "
                "and time limits\").")
                % {"minutes": self._stalled_job_minutes()})
            stalled_job.store()
        first = stalled - again
        if first:
            _logger.warning("Requeued %d stalled e-commerce jobs: %s", len(first),
                            ", ".join(first.mapped("uuid")))
            first.requeue()
            first.write({"ecommerce_requeued": True})
        return True

    def _stalled_job_is_dead(self, record):
        """False while the shop's sync lock that the job takes is held (by the job,
        still alive on a server without time limits): requeued, it would wait anyway.
        The lock taken here is released with the cron's short transaction."""
        lock_class = JOB_LOCKS.get(record.method_name)
        if not lock_class or record.model_name != SHOP or not record.record_ids:
            return True
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)",
                            (lock_class, record.record_ids[0]))
        return self.env.cr.fetchone()[0]

    @api.model
    def _stalled_jobs_domain(self, channels=None):
        limit = datetime.utcnow() - timedelta(minutes=self._stalled_job_minutes())
        domain = [("state", "=", "started"),
                  ("date_started", "<=", fields.Datetime.to_string(limit))]
        if channels is None:
            return domain + [("channel", "like", CHANNEL + ".shop_%")]
        return domain + [("channel", "in", channels)]

    @api.model
    def _stalled_job_minutes(self):
        """Minutes after which a started job's worker is surely gone.

        ``ecommerce_sync.stalled_job_minutes`` if set, else the server's
        ``limit_time_real`` plus a margin of 5 minutes.
        """
        value = self.env["ir.config_parameter"].sudo().get_param(
            "ecommerce_sync.stalled_job_minutes")
        try:
            minutes = int(value) if value else 0
        except ValueError:
            minutes = 0
        return minutes if minutes > 0 else -(-int(config["limit_time_real"]) // 60) + 5

    # ------------------------------------------------------------------
    # Job bodies (the shop's _job_* methods call these)
    # ------------------------------------------------------------------
    @api.model
    def _sync_orders(self, shop):
        """Store one increment window (at most a day) of the shop, then chain the next.

        Windows of a shop run one after another, never side by side: the next
        job is enqueued by this one once its window and the watermark are
        stored, so the watermark only passes stored trades even in a channel
        of capacity > 1.
        """
        shop.ensure_one()
        if shop.sync_paused:
            return _("Shop %(shop)s is paused: nothing done.") % {"shop": shop.name}
        self._try_lock(shop, LOCK_CLASS)
        now = datetime.utcnow().replace(microsecond=0)
        start = shop._watermark_or_start(now) - OVERLAP
        end = min(start + WINDOW, now)
        importer = shop._order_importer()
        error = False
        try:
            with self.env.cr.savepoint():
                end = self._store_bounded(shop, importer, start, end, "modified")
        except SessionExpiredError as err:
            shop._pause_sync(err)
            error = shop._explain_error(err)
        except PlatformError as err:
            raise self._job_error(shop, err, _("Shop %(shop)s: order sync") % {"shop": shop.name})
        except SetupConflict as err:
            raise self._setup_conflict_retry(err)
        caught_up = end >= now and not error
        self._record_order_job(shop, importer, start, now if caught_up else None, error)
        if end < now and not error:
            self._delayed(shop, _("Shop %(shop)s: order sync") % {"shop": shop.name},
                          PRIORITY_ORDERS)._job_sync_orders()
        elif caught_up:
            if shop._missing_check_due(now):
                self._enqueue_missing_check(shop, now)
            # Right after the orders are current: quantities computed now count
            # every sale the platform made, so the push cannot oversell. The
            # pushes stay jobs of their own, even where tests run jobs inline:
            # a push that fails must not fail the sync that queued it.
            self._enqueue_stock_jobs(shop.with_context(test_queue_job_no_delay=False))
        return self._job_result(importer.public_summary(), error)

    @api.model
    def _store_bounded(self, shop, importer, start, end, by):
        """Store the listed windows of [start, end] up to about JOB_TRADES trades.

        :returns: the end of the last stored window: the caller's next job
                  starts there. A window is stored whole, so a job holds at most
                  JOB_TRADES plus one window (a page of the platform).
        """
        stored = 0
        for _start, window_end, rows in importer.adapter.iter_trades(start, end, by):
            shop._store_window(importer, rows, window_end if by == "modified" else None,
                               False, update_existing=True, report_existing=by == "modified")
            stored += len(rows)
            if stored >= JOB_TRADES and window_end < end:
                return window_end
        return end

    @api.model
    def _check_missing_orders(self, shop, date_from, date_to):
        """Import the paid trades created in [date_from, date_to] (UTC) still missing.

        At most about JOB_TRADES trades per job: the rest of the span gets the
        next job. Imported trades whose status changed are updated too.
        """
        shop.ensure_one()
        if shop.sync_paused:
            return _("Shop %(shop)s is paused: nothing done.") % {"shop": shop.name}
        what = _("Shop %(shop)s: missing-order check") % {"shop": shop.name}
        self._try_lock(shop, LOCK_CLASS)
        start, end = fields.Datetime.from_string(date_from), fields.Datetime.from_string(date_to)
        importer = shop._order_importer()
        with self._platform_work(shop, what):
            reached = self._store_bounded(shop, importer, start, end, "created")
        self.env["ecommerce.sync.log"]._record(
            shop, "missing_check", importer.summary,
            (date_from, fields.Datetime.to_string(reached)), calls=importer.adapter.calls)
        if reached < end:
            self._delayed(shop, what, PRIORITY_MISSING)._job_check_missing_orders(
                fields.Datetime.to_string(reached), date_to)
        return self._job_result(importer.public_summary(), False)

    @api.model
    def _record_order_job(self, shop, importer, start, success_at, error):
        vals = {"order_sync_error": error or False}
        if success_at:
            vals["order_sync_last_success"] = fields.Datetime.to_string(success_at)
        shop.sudo().write(vals)
        self.env["ecommerce.sync.log"]._record(
            shop, "order_sync", importer.summary,
            (fields.Datetime.to_string(start), shop.order_sync_watermark),
            error=error, calls=importer.adapter.calls)

    @api.model
    def _retry_trade(self, shop, tid):
        """Read trade ``tid`` again and import or update its order.

        Fails, naming the trade and the reason, when the trade is refused
        again (an unmapped SKU, say): the seller fixes the cause and requeues.
        """
        shop.ensure_one()
        what = _("Shop %(shop)s: trade %(tid)s") % {"shop": shop.name, "tid": tid}
        self._try_lock(shop, LOCK_CLASS)
        importer = shop._order_importer()
        with self._platform_work(shop, what):
            detail = importer.adapter.trade_detail(tid)
            if detail:
                importer.import_rows([dict(detail, tid=str(tid))], update_existing=True,
                                     report_existing=True, background=True)
        if not detail:
            raise FailedJobError(_("%(what)s: the platform does not know this trade.")
                                 % {"what": what})
        tid = str(tid)
        refusals = [f["reason"] for f in importer.summary["failed"] if f["tid"] == tid]
        if refusals:
            raise FailedJobError("%s: %s" % (what, "\n".join(refusals)))
        skipped = importer.summary["skipped_reasons"].get(tid)
        if skipped:
            self._settle_skipped_trade(importer, dict(detail, tid=tid), what, skipped)
        return self._job_result(importer.public_summary(), False)

    @staticmethod
    def _settle_skipped_trade(importer, row, what, reason):
        """A retried trade that is no order and never will be by itself.

        Closed on the platform, it sold nothing: its backlog goes, or the cron
        would retry it for ever. Skipped for another reason (shipped before
        it was first seen, say), the seller decides: the job fails with it.
        """
        summary = importer._summary_of(row)
        if summary is not None and summary.status in CLOSED_STATUSES:
            importer._clear_backlog([row["tid"]])
            return
        raise FailedJobError("%s: %s" % (what, reason))

    @api.model
    def _sync_refunds(self, shop):
        """Read one window (at most a day) of refunds, then chain the next."""
        shop.ensure_one()
        if shop.sync_paused:
            return _("Shop %(shop)s is paused: nothing done.") % {"shop": shop.name}
        self._try_lock(shop, REFUND_LOCK_CLASS)
        now = datetime.utcnow().replace(microsecond=0)
        start = shop._refund_watermark_or_start(now) - REFUND_OVERLAP
        end = min(start + timedelta(days=1), now)
        importer = self.env["ecommerce.refund.importer"]._start(shop)
        with self.env.cr.savepoint():
            summary = importer.run(start, end, move_watermark=True, commit=False)
            error = summary.get("error")
            if error and not shop.sync_paused:
                # The importer keeps the error's words only; a stopped run is
                # retried with backoff and fails after MAX_RETRIES.
                raise RetryableJobError(_("Shop %(shop)s: refund sync: %(error)s")
                                        % {"shop": shop.name, "error": error})
        vals = {"refund_sync_error": error or False}
        if end >= now and not error:
            vals["refund_sync_last_success"] = fields.Datetime.to_string(now)
        shop.sudo().write(vals)
        importer.record_log(start, end)
        if end < now and not error:
            self._delayed(shop, _("Shop %(shop)s: refund sync") % {"shop": shop.name},
                          PRIORITY_REFUNDS)._job_sync_refunds()
        return self._job_result(self.env["ecommerce.refund.importer"]._public(summary), error)

    @api.model
    def _send_shipment(self, shop, picking_id):
        """Tell the platform that delivery ``picking_id`` has left."""
        shop.ensure_one()
        picking = self.env["stock.picking"].browse(picking_id).exists()
        if not picking or picking.ecommerce_shop_id != shop:
            return _("Delivery %(id)s is gone or not of this shop: nothing sent.") % {
                "id": picking_id}
        what = _("Shop %(shop)s: shipment %(picking)s of trade %(tid)s") % {
            "shop": shop.name, "picking": picking.name, "tid": picking.ecommerce_tid}
        exporter = self.env["ecommerce.shipment.exporter"]._start(shop, commit=False)
        with self.env.cr.savepoint():
            exporter._export_locked(picking, explicit=False)
            picking.invalidate_cache()
            state, reason = picking.ecommerce_shipment_state, picking.ecommerce_shipment_reason
            if state == "error":
                raise FailedJobError("%s: %s" % (what, reason))
            if state == "to_send" and picking.ecommerce_shipment_next_try:
                wait = (fields.Datetime.from_string(picking.ecommerce_shipment_next_try)
                        - datetime.utcnow()).total_seconds()
                raise RetryableJobError("%s: %s" % (what, reason), seconds=max(int(wait), 1))
        return self._job_result(dict(exporter.summary, api_calls=exporter.adapter.calls), False)

    @api.model
    def _push_item_stock(self, shop, num_iid):
        """Push the sellable quantities of item ``num_iid`` (all its SKUs, one call)."""
        shop.ensure_one()
        what = _("Shop %(shop)s: stock of item %(item)s") % {"shop": shop.name, "item": num_iid}
        reason = shop._stock_push_block_reason()
        if reason:
            return reason  # the orders are stale: the next cron tries again
        records = self.env["ecommerce.stock.sync"].sudo().search(
            [("shop_id", "=", shop.id), ("num_iid", "=", num_iid), ("sync", "=", True)])
        if not records:
            return _("%(what)s: no stock sync record left to push.") % {"what": what}
        run = self.env["ecommerce.stock.exporter"]._start(shop, commit=False)
        with self.env.cr.savepoint():
            result = run._push_rows(records._read_push_rows())
            errors = result.get("platform_errors") or []
            if errors and not shop.sync_paused:
                transient = [e for e in errors if e.retryable]
                raise self._job_error(shop, transient[0] if transient else errors[0], what)
        return self._job_result({k: v for k, v in result.items() if k != "platform_errors"},
                                False)

    @api.model
    def _import_items(self, shop, num_iids):
        """Import some platform items (products, variants, SKU mappings).

        The items that import are kept. An item refused in a batch gets a job of
        its own, which fails naming the item and the reason: the seller fixes
        it on the platform (or in Odoo) and requeues that job.
        """
        shop.ensure_one()
        what = _("Shop %(shop)s: items %(items)s") % {"shop": shop.name,
                                                      "items": ", ".join(num_iids)}
        importer = shop._item_importer()
        with self._platform_work(shop, what):
            result = importer.import_ids(list(num_iids), raise_platform_errors=True)
        errors = result["errors"]
        if errors and len(num_iids) == 1:
            raise FailedJobError("%s: %s" % (what, errors[0]["reason"]))
        for error in errors:
            self._enqueue_item_imports(shop, [error["num_iid"]])
        return self._job_result(result, False)
