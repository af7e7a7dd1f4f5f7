# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import logging
import re
import zlib
from datetime import datetime, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .api_arguments import ApiArguments

_logger = logging.getLogger(__name__)

# The refund list lags behind the platform's writes like the trade list does.
REFUND_OVERLAP = timedelta(minutes=10)
# First key of the advisory lock: "refund sync of a shop"; the second is the shop id.
REFUND_LOCK_CLASS = zlib.crc32(b"ecommerce_sync.refund_sync") & 0x7FFFFFFF
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


class EcommerceShopRefunds(models.Model):
    _inherit = "ecommerce.shop"

    refund_sync_watermark = fields.Datetime(
        "Refunds Synced Up To", copy=False,
        help="Platform modification time up to which every refund is stored; the "
             "background sync continues from here (with a small overlap).")
    refund_sync_start_days = fields.Integer(
        "First Refund Sync Looks Back (days)", default=7,
        help="How far back the first background refund sync reads refunds.")
    refund_sync_last_success = fields.Datetime(
        "Last Successful Refund Sync", copy=False, readonly=True)
    refund_sync_error = fields.Text("Last Refund Sync Error", copy=False, readonly=True)
    refund_count = fields.Integer("Refunds", compute="_compute_refund_count")

    def _compute_refund_count(self):
        counts = self.env["ecommerce.refund"].read_group(
            [("shop_id", "in", self.ids)], ["shop_id"], ["shop_id"])
        by_shop = {c["shop_id"][0]: c["shop_id_count"] for c in counts}
        for shop in self:
            shop.refund_count = by_shop.get(shop.id, 0)

    # ------------------------------------------------------------------
    # Public API (XML-RPC)
    # ------------------------------------------------------------------
    @api.multi
    def sync_refunds(self, date_from=None, date_to=None):
        """Read the refunds modified in [date_from, date_to] (UTC) and act on them.

        Without dates, continue from the shop's watermark to now and move it;
        with dates, read that window only and leave the watermark alone.
        Nothing is committed: the caller's transaction keeps or drops it all.

        :returns: ``{"created": n, "updated": n, "failed": [{"refund_id", "reason"}]}``
                  plus ``"error"`` when the platform stopped the run.
        """
        ApiArguments(self, "sync_refunds").check_single_shop()
        start, end = self._refund_window(date_from, date_to)
        self._check_refund_rights()
        self._acquire_refund_lock()
        incremental = start is None
        if incremental:
            start = self._refund_watermark_or_start(end) - REFUND_OVERLAP
        summary = self._sync_refunds_logged(start, end, move_watermark=incremental,
                                            commit=False)
        return self.env["ecommerce.refund.importer"]._public(summary)

    @api.model
    def _cron_sync_refunds(self, use_new_cursor=False):
        """Cron entry: sync the refunds of every active shop, each shop isolated.

        With ``use_new_cursor`` (the cron) each shop runs on its own cursor that
        commits window by window; without, nothing is committed.
        """
        shops = self._active_sync_shops()
        if not use_new_cursor:
            shops._run_isolated(lambda shop: shop._sync_refunds_run(commit=False))
            return True
        for shop_id in shops.ids:
            self._run_on_new_cursor(shop_id, "_sync_refunds_run", "refund sync", True)
        return True

    @api.multi
    def action_view_refunds(self):
        self.ensure_one()
        action = self.env.ref("ecommerce_sync.ecommerce_refund_action").read()[0]
        action["domain"] = [("shop_id", "=", self.id)]
        action["context"] = {"default_shop_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Runs
    # ------------------------------------------------------------------
    def _sync_refunds_run(self, commit):
        """One background run of this shop, from its watermark to now."""
        self.ensure_one()
        try:
            self._acquire_refund_lock(session=commit)
        except UserError as err:
            return {"created": [], "updated": [], "failed": [], "error": err.name}
        now = datetime.utcnow().replace(microsecond=0)
        start = self._refund_watermark_or_start(now) - REFUND_OVERLAP
        if not commit:
            return self._sync_refunds_logged(start, now, move_watermark=True, commit=False)
        try:
            return self._sync_refunds_logged(start, now, move_watermark=True, commit=True)
        finally:
            # The session lock outlives transactions: drop what an unexpected
            # error left uncommitted, then free the shop for the next run.
            self.env.cr.rollback()
            self.env.cr.execute("SELECT pg_advisory_unlock(%s, %s)",
                                (REFUND_LOCK_CLASS, self.id))

    def _sync_refunds_logged(self, start, end, move_watermark, commit):
        importer = self.env["ecommerce.refund.importer"]._start(self)
        summary = importer.run(start, end, move_watermark, commit)
        error = summary.get("error")
        self.sudo().write({
            "refund_sync_error": error or False,
            "refund_sync_last_success": self.refund_sync_last_success if error
            else fields.Datetime.now()})
        importer.record_log(start, end)
        if commit:
            # Own cursor of the cron (see _cron_sync_refunds).
            self.env.cr.commit()  # pylint: disable=invalid-commit
        return summary

    def _refund_watermark_or_start(self, now):
        watermark = fields.Datetime.from_string(self.refund_sync_watermark)
        return watermark or now - timedelta(days=max(self.refund_sync_start_days, 1))

    def _move_refund_watermark(self, moment):
        current = fields.Datetime.from_string(self.refund_sync_watermark)
        if current is None or moment > current:
            self.sudo().write({"refund_sync_watermark": fields.Datetime.to_string(moment)})

    # ------------------------------------------------------------------
    # Arguments, rights, locking
    # ------------------------------------------------------------------
    @api.model
    def _refund_window(self, date_from, date_to):
        """(start, end) naive UTC datetimes of the arguments; None start = watermark."""
        now = datetime.utcnow().replace(microsecond=0)
        start = self._parse_refund_date("date_from", date_from)
        end = self._parse_refund_date("date_to", date_to)
        if start is None:
            if end is not None:
                raise UserError(_("date_to needs a date_from: give both, or neither to "
                                  "continue from the last synchronised refund."))
            return None, now
        end = end or now
        if end <= start:
            raise UserError(_("date_to (%(end)s) must come after date_from (%(start)s).")
                            % {"start": date_from, "end": date_to})
        return start, end

    @api.model
    def _parse_refund_date(self, name, value):
        if value in (None, False):
            return None
        text = value if isinstance(value, str) else ""
        try:
            if not DATETIME_RE.match(text):
                raise ValueError(text)
            return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            raise UserError(_("%(name)s must be a UTC time written YYYY-MM-DD HH:MM:SS, "
                              "got %(value)r.") % {"name": name, "value": value})

    def _check_refund_rights(self):
        self.check_access_rights("read")
        self.check_access_rule("read")
        self.env["ecommerce.refund"].check_access_rights("create")

    def _acquire_refund_lock(self, session=False):
        """One refund sync per shop at a time (see _acquire_order_lock)."""
        lock = "pg_try_advisory_lock" if session else "pg_try_advisory_xact_lock"
        self.env.cr.execute("SELECT %s(%%s, %%s)" % lock, (REFUND_LOCK_CLASS, self.id))
        if not self.env.cr.fetchone()[0]:
            raise UserError(_("A refund synchronisation of shop %(shop)s is running right "
                              "now. Wait until it has finished, then try again.")
                            % {"shop": self.name})
