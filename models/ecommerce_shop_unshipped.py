# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The full pass over the trades waiting to ship (待发货), whatever their age.

The increment reads what changed; the daily missing-order check reads the
last days. A trade paid weeks ago and never stored (a presale, a trade from
before a pause) is in neither, and the stock push would offer its units
again. Once a day, and before the first stock push, this pass lists every
trade the platform still has waiting to ship (as far back as it keeps them)
and stores it: as an order, or in the trade backlog when it cannot be
imported, so that its units are held back either way. The shop's go-live
date does not apply: a trade still waiting to ship is not history.

The pass goes one window at a time (``_unshipped_pass_page``): each window is
one bounded piece of work a job can run, and the pass resumes where it
stopped.
"""
from datetime import datetime, timedelta

from odoo import _, api, fields, models
from odoo.addons.queue_job.job import job

from ..adapters import PlatformError, SessionExpiredError
from ..synchronizers.order_importer import SetupConflict
from .ecommerce_shop_jobs import CHANNEL, PRIORITY_ORDERS, RETRY_PATTERN
from .ecommerce_shop_orders import LOCK_CLASS

UNSHIPPED_PASS_EVERY = timedelta(days=1)


class EcommerceShopUnshipped(models.Model):
    _inherit = "ecommerce.shop"

    order_unshipped_pass_last = fields.Datetime(
        "Unshipped Trades Last Listed In Full", copy=False, readonly=True,
        help="When the last complete pass over every trade the platform still has "
             "waiting to ship started. Until the first one has run, the stock push says "
             "the orders are stale: an old unshipped trade may be unknown to Odoo.")
    order_unshipped_pass_cursor = fields.Datetime(
        "Unshipped Pass Reached", copy=False, readonly=True,
        help="Creation time up to which the pass in progress has stored the trades.")
    order_unshipped_pass_end = fields.Datetime(copy=False, readonly=True)

    @api.multi
    @job(default_channel=CHANNEL, retry_pattern=RETRY_PATTERN)
    def _job_unshipped_pass(self):
        """Store one window of the trades waiting to ship, then chain the next."""
        self.ensure_one()
        what = _("Shop %(shop)s: unshipped trades") % {"shop": self.name}
        if self.sync_paused:
            return _("Shop %(shop)s is paused: nothing done.") % {"shop": self.name}
        self._try_job_lock(LOCK_CLASS)
        importer = self._order_importer()
        try:
            with self.env.cr.savepoint():
                done = self._unshipped_pass_page(importer)
        except SessionExpiredError as err:
            self._pause_sync(err)
            return self._job_result(importer.public_summary(), self._explain_error(err))
        except PlatformError as err:
            raise self._job_error(err, what)
        except SetupConflict as err:
            raise self._setup_conflict_retry(err)
        if not done:
            self._delayed(what, PRIORITY_ORDERS)._job_unshipped_pass()
        return self._job_result(importer.public_summary(), False)

    def _enqueue_unshipped_pass(self, now):
        if self._unshipped_pass_due(now):
            self._delayed(_("Shop %(shop)s: unshipped trades") % {"shop": self.name},
                          PRIORITY_ORDERS)._job_unshipped_pass()

    def _unshipped_pass_due(self, now):
        """A pass is in progress, or the last one is a day old (or never ran)."""
        last = fields.Datetime.from_string(self.order_unshipped_pass_last)
        return bool(self.order_unshipped_pass_cursor) or last is None \
            or now - last >= UNSHIPPED_PASS_EVERY

    def _sync_unshipped(self, importer, now, commit, max_pages=None):
        """Run the pass (or ``max_pages`` windows of it); True once it is complete."""
        pages = 0
        while max_pages is None or pages < max_pages:
            pages += 1
            if self._unshipped_pass_page(importer, now, commit):
                return True
        return False

    def _unshipped_pass_page(self, importer, now=None, commit=False):
        """Store the next window of the pass; True when the pass is complete.

        The first window starts at the oldest trade the platform lists; the
        pass ends at the moment it started (later trades are the increment's).
        """
        now = now or datetime.utcnow().replace(microsecond=0)
        shop = self.sudo()
        cursor = fields.Datetime.from_string(shop.order_unshipped_pass_cursor)
        end = fields.Datetime.from_string(shop.order_unshipped_pass_end)
        if cursor is None or end is None:
            cursor, end = now - importer.adapter.unshipped_horizon, now
            shop.write({"order_unshipped_pass_cursor": fields.Datetime.to_string(cursor),
                        "order_unshipped_pass_end": fields.Datetime.to_string(end)})
        windows = importer.adapter.iter_unshipped(cursor, end)
        window = next(windows, None)
        windows.close()
        if window is None:
            return self._finish_unshipped_pass(end, commit)
        _start, window_end, rows = window
        seen = set(importer.summary["skipped"]) | {f["tid"] for f in importer.summary["failed"]}
        # A trade still waiting to ship is not history, even from before the
        # go-live date: the seller still ships it from the stock counted then.
        self._store_window(importer, [r for r in rows if str(r.get("tid")) not in seen], None,
                           commit, update_existing=True, report_existing=False, go_live=False)
        if window_end >= end:
            return self._finish_unshipped_pass(end, commit)
        shop.write({"order_unshipped_pass_cursor": fields.Datetime.to_string(
            window_end + timedelta(seconds=1))})
        self._commit_pass(commit)
        return False

    def _finish_unshipped_pass(self, started, commit):
        self.sudo().write({"order_unshipped_pass_last": fields.Datetime.to_string(started),
                           "order_unshipped_pass_cursor": False,
                           "order_unshipped_pass_end": False})
        self._commit_pass(commit)
        return True

    def _commit_pass(self, commit):
        if commit:
            # The cron's own cursor: the pass resumes from here after a failure.
            self.env.cr.commit()  # pylint: disable=invalid-commit
