# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import logging
import zlib
from datetime import datetime, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..adapters import PlatformError, SessionExpiredError, adapter_class
from ..synchronizers.order_importer import new_summary
from .api_arguments import ApiArguments

_logger = logging.getLogger(__name__)

WINDOW = timedelta(days=1)        # taobao.trades.sold.increment.get accepts at most a day
OVERLAP = timedelta(minutes=10)   # list APIs lag behind writes on the platform
# First key of the advisory lock: "order sync of a shop"; the second key is the shop id.
LOCK_CLASS = zlib.crc32(b"ecommerce_sync.order_sync") & 0x7FFFFFFF
# A user's import reads details and creates orders inside one request: past this
# many trades it stops and says which remain, so that no request outlives the
# worker's time limit; calling again imports the rest (imported ones are skipped).
IMPORT_LIMIT = 200
DETAIL_CHUNK = 20


class EcommerceShopOrders(models.Model):
    _inherit = "ecommerce.shop"

    team_id = fields.Many2one("crm.team", "Sales Team",
                              help="Sales team set on the orders imported from this shop.")
    order_sync_watermark = fields.Datetime(
        "Orders Synced Up To", copy=False,
        help="Platform modification time up to which every trade is stored; the "
             "background sync continues from here (with a small overlap).")
    order_sync_start_days = fields.Integer(
        "First Sync Looks Back (days)", default=1,
        help="How far back the first background sync reads trades.")
    order_check_days = fields.Integer(
        "Daily Missing-order Check (days)", default=3,
        help="Once a day the background sync lists the trades created in these last days "
             "and imports those that are still missing.")
    sync_log_keep_days = fields.Integer(
        "Keep Sync Logs (days)", default=90,
        help="A daily cron deletes this shop's sync logs older than this; 0 keeps them.")
    order_check_last = fields.Datetime("Last Missing-order Check", copy=False, readonly=True)
    order_sync_last_success = fields.Datetime(
        "Last Successful Order Sync", copy=False, readonly=True,
        help="When the background order sync last read the platform to the end without "
             "an error. The stock push waits for it: quantities computed on stale orders "
             "oversell.")
    order_sync_error = fields.Text("Last Order Sync Error", copy=False, readonly=True)
    order_import_from = fields.Datetime(
        "Import Orders Created From",
        help="Go-live date (UTC): the background sync never imports trades created before it, "
             "so that connecting a shop does not bring back years of history. A trade still "
             "waiting to ship is not history: the daily pass over unshipped trades imports it "
             "whatever its age.")
    order_history_policy = fields.Selection(
        [("record", "Record the sale without a delivery"), ("skip", "Skip it")],
        "Trades Already Shipped", default="record", required=True,
        help="What to do with a trade that is already shipped or finished on the platform "
             "when the sync first sees it. Either way it never creates a delivery to ship.")
    pricelist_id = fields.Many2one(
        "product.pricelist", "Pricelist (CNY)",
        help="Pricelist of the imported orders: platform orders are in CNY whatever the "
             "company's currency. Created when missing.")
    # On by default: the trade lists never carry the seller memo, and an order whose
    # memo goes unseen would be confirmed and shipped against the seller's note.
    order_full_detail = fields.Boolean(
        "Always Read Full Trade Details", default=True,
        help="Read every trade with taobao.trade.fullinfo.get (one more call per order). "
             "Without it, only trades with a buyer message, a seller flag or a zero-price "
             "item are read in full: a seller memo without a flag and a promotion gift "
             "(满就送) on another trade are then not seen, and such an order may be "
             "confirmed automatically.")

    # ------------------------------------------------------------------
    # Public API (XML-RPC)
    # ------------------------------------------------------------------
    @api.multi
    def check_missing_orders(self, date_from, date_to, status="WAIT_SELLER_SEND_GOODS",
                             details=False):
        """Platform trades created in [date_from, date_to] (UTC) not imported yet.

        :param details: also describe the missing trades.
        :returns: ``{"missing": [tid, ...], "imported": [tid, ...]}``; with ``details``
                  also ``"trades": [{"tid", "buyer_nick", "payment", "status",
                  "created" (UTC)}]`` of the missing ones.
        """
        args = ApiArguments(self, "check_missing_orders")
        args.check_single_shop()
        date_from, date_to = args.check_window(date_from, date_to)
        status = args.check_trade_status(status, self._trade_status_filters())
        details = args.check_bool(details, "details")
        self.ensure_one()
        self._check_order_rights()
        adapter = self._get_adapter()
        trades = self._list_created_trades(adapter, date_from, date_to, status)
        existing = self._order_tids([t["tid"] for t in trades])
        missing = [t for t in trades if t["tid"] not in existing]
        result = {"missing": [t["tid"] for t in missing],
                  "imported": [t["tid"] for t in trades if t["tid"] in existing]}
        if details:
            result["trades"] = [self._describe_trade(adapter, t) for t in missing]
        return result

    @api.multi
    def import_orders(self, date_from, date_to, status="WAIT_SELLER_SEND_GOODS", tids=None):
        """Import the trades created in [date_from, date_to] (UTC) with ``status``.

        :param tids: only these platform order numbers of the window.
        :returns: ``{"created": [sale_order_id], "skipped": [tid],
                  "failed": [{"tid", "reason"}], "held": [{"tid", "reason"}]}``; with
                  ``tids`` also ``"unknown": [tid]``, those not among the window's trades;
                  ``"remaining": [tid]`` and ``"error"`` when the import stopped early
                  (too many trades for one call, or the platform failed): what is
                  imported stays, calling again imports the rest.
        """
        args = ApiArguments(self, "import_orders")
        args.check_single_shop()
        date_from, date_to = args.check_window(date_from, date_to)
        status = args.check_trade_status(status, self._trade_status_filters())
        tids = args.check_digit_list(tids, "tids")
        self.ensure_one()
        self._check_order_rights()
        self._acquire_order_lock()
        importer = self._order_importer()
        trades = self._list_created_trades(importer.adapter, date_from, date_to, status)
        result = {}
        if tids is not None:  # asked for, not among the trades of the window: say so
            found = {t["tid"] for t in trades}
            result["unknown"] = [tid for tid in tids if tid not in found]
            wanted = set(tids)
            trades = [t for t in trades if t["tid"] in wanted]
        remaining = self._import_in_chunks(importer, trades)
        self.env["ecommerce.sync.log"]._record(
            self, "order_import", importer.summary, (date_from, date_to),
            error=importer.summary.get("error", False), calls=importer.adapter.calls)
        result.update(importer.public_summary(("created", "skipped", "failed", "held",
                                               "error")))
        if remaining:
            result["remaining"] = remaining
        return result

    @api.multi
    def sync_orders(self):
        """Run the background sync of this shop now; nothing is committed.

        :returns: the import summary plus "updated", "cancelled", "held" and "error".
        """
        ApiArguments(self, "sync_orders").check_single_shop()
        self.ensure_one()
        self._check_order_rights()
        return self._sync_orders_run(commit=False)

    @api.model
    def _cron_sync_orders(self, use_new_cursor=False):
        """Cron entry: sync every active shop.

        With ``use_new_cursor`` (the cron) each shop runs on its own cursor that
        commits window by window, like stock's run_scheduler; tests and users
        call it without, and nothing is committed.
        """
        for shop_id in self._active_sync_shops().ids:
            if use_new_cursor:
                self._run_on_new_cursor(shop_id, "_sync_orders_run", "order sync", True)
            else:
                self.browse(shop_id)._sync_orders_run(commit=False)
        return True

    # ------------------------------------------------------------------
    # Manual import
    # ------------------------------------------------------------------
    def _order_importer(self, adapter=None):
        return self.env["ecommerce.order.importer"]._for_shop(self, adapter)

    def _import_in_chunks(self, importer, trades):
        """Import up to IMPORT_LIMIT new trades, a few details at a time.

        Trades imported already only get reported, and do not count against the
        limit, so that calling again always moves on. A platform failure stops
        the import but keeps what is stored: each trade has its own savepoint
        and the request commits normally.
        :returns: the tids not imported by this call.
        """
        known = self._order_tids([t["tid"] for t in trades])
        importer.import_rows([t for t in trades if t["tid"] in known])
        trades = [t for t in trades if t["tid"] not in known]
        todo = trades[:IMPORT_LIMIT]
        remaining = [t["tid"] for t in trades[IMPORT_LIMIT:]]
        for position in range(0, len(todo), DETAIL_CHUNK):
            chunk = todo[position:position + DETAIL_CHUNK]
            try:
                importer.import_rows(chunk)
            except PlatformError as err:
                importer.summary["error"] = self._explain_error(err)
                return [t["tid"] for t in todo[position:]] + remaining
        if remaining:
            importer.summary["error"] = _(
                "The window holds %(total)s trades not imported yet; %(done)s were handled by "
                "this call. Call the import again (imported trades are skipped) or choose a "
                "shorter window; the background sync imports them too.") % {
                "total": len(trades), "done": len(todo)}
        return remaining

    # ------------------------------------------------------------------
    # Background sync
    # ------------------------------------------------------------------
    def _sync_orders_run(self, commit):
        """One sync of this shop: increment, then the daily missing check; logged."""
        self.ensure_one()
        try:
            self._acquire_order_lock(session=commit)
        except UserError as err:
            summary = dict(new_summary(), error=err.name)
            self.env["ecommerce.sync.log"]._record(self, "order_sync", summary, (False, False),
                                                   error=err.name, calls=0)
            return self._public_sync_summary(summary)
        if not commit:
            return self._sync_orders_logged(commit)
        try:
            return self._sync_orders_logged(commit)
        finally:
            # The session lock outlives transactions: drop what an unexpected
            # error left uncommitted, then free the shop for the next run.
            self.env.cr.rollback()
            self._release_order_lock()

    def _sync_orders_logged(self, commit):
        error, importer = False, None
        now = datetime.utcnow().replace(microsecond=0)
        window_from = self._watermark_or_start(now) - OVERLAP
        try:
            importer = self._order_importer()
            self._sync_increment(importer, now, commit)
            if self._missing_check_due(now):
                self._sync_missing(importer, now, commit)
            if self._unshipped_pass_due(now):
                self._sync_unshipped(importer, now, commit)
        except SessionExpiredError as err:
            self._pause_sync(err)
            error = self._explain_error(err)
        except PlatformError as err:
            error = self._explain_error(err)
        except UserError as err:
            error = err.name
        summary = importer.summary if importer is not None else new_summary()
        if error:
            _logger.warning("Shop %s: order sync stopped: %s", self.id, error)
            summary["error"] = error
        self.sudo().write({"order_sync_error": error or False,
                           "order_sync_last_success": self.order_sync_last_success if error
                           else fields.Datetime.to_string(now)})
        self.env["ecommerce.sync.log"]._record(
            self, "order_sync", summary, (fields.Datetime.to_string(window_from),
                                          self.order_sync_watermark),
            error=error, calls=importer.adapter.calls if importer is not None else 0)
        if commit:
            # The cron's own cursor (see _cron_sync_orders), never a user's request.
            self.env.cr.commit()  # pylint: disable=invalid-commit
        return self._public_sync_summary(summary)

    @staticmethod
    def _public_sync_summary(summary):
        keys = ("created", "skipped", "failed", "updated", "cancelled", "held", "error")
        return {k: v for k, v in summary.items() if k in keys}

    def _watermark_or_start(self, now):
        watermark = fields.Datetime.from_string(self.order_sync_watermark)
        return watermark or now - timedelta(days=max(self.order_sync_start_days, 0) or 1)

    def _sync_increment(self, importer, now, commit):
        start = self._watermark_or_start(now) - OVERLAP
        while start < now:
            end = min(start + WINDOW, now)
            windows = importer.adapter.iter_trades(start, end, "modified")
            for _start, window_end, rows in windows:
                self._store_window(importer, rows, window_end, commit,
                                   update_existing=True, report_existing=True)
            start = end

    def _store_window(self, importer, rows, window_end, commit, update_existing,
                      report_existing, go_live=True):
        """Store one listed window in a savepoint, then move the watermark to its end.

        ``go_live``: trades created before the shop's go-live date are skipped.

        The adapter yields every trade of a window in that window, so the
        watermark only ever passes stored trades. A run-stopping failure undoes
        this window only; earlier windows, and the watermark they reached, stay.
        """
        marks = {key: len(value) for key, value in importer.summary.items()
                 if isinstance(value, list)}
        try:
            with self.env.cr.savepoint():
                importer.import_rows(rows, update_existing=update_existing,
                                     report_existing=report_existing, background=go_live)
                if window_end is not None:
                    self._move_watermark(window_end)
        except (PlatformError, UserError):
            for key, length in marks.items():
                del importer.summary[key][length:]
            raise
        if commit:
            # The cron's own cursor: the window is stored for good.
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _move_watermark(self, moment):
        current = fields.Datetime.from_string(self.order_sync_watermark)
        if current is None or moment > current:
            self.sudo().write({"order_sync_watermark": fields.Datetime.to_string(moment)})

    def _missing_check_due(self, now):
        last = fields.Datetime.from_string(self.order_check_last)
        return self.order_check_days > 0 and (last is None or now - last >= timedelta(days=1))

    def _sync_missing(self, importer, now, commit):
        """Daily completeness pass over the last days' trades by creation time.

        Imports paid trades still missing and re-reads imported ones whose
        status or modification time differs, so that an increment that missed
        a change (a close, a refund) is caught within a day.
        """
        start = now - timedelta(days=self.order_check_days)
        for _start, _end, rows in importer.adapter.iter_trades(start, now, "created"):
            # Refused by the increment of this run already: one reason is enough.
            seen = set(importer.summary["skipped"]) | {
                f["tid"] for f in importer.summary["failed"]}
            rows = [r for r in rows if str(r.get("tid")) not in seen]
            self._store_window(importer, rows, None, commit, update_existing=True,
                               report_existing=False)
        self.sudo().write({"order_check_last": fields.Datetime.to_string(now)})

    # ------------------------------------------------------------------
    # Locking and rights
    # ------------------------------------------------------------------
    def _check_order_rights(self):
        self.check_access_rights("read")
        self.check_access_rule("read")
        self.env["sale.order"].check_access_rights("create")

    def _acquire_order_lock(self, session=False):
        """One order sync per shop at a time, whoever starts it.

        The cron's own cursor commits window by window, so it holds a session
        lock; a user's import holds a transaction lock, released by its commit.
        """
        if session:
            self.env.cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (LOCK_CLASS, self.id))
        else:
            self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)",
                                (LOCK_CLASS, self.id))
        if not self.env.cr.fetchone()[0]:
            raise UserError(_("An order synchronisation of shop %(shop)s is running right now. "
                              "Wait until it has finished, then try again.")
                            % {"shop": self.name})

    def _release_order_lock(self):
        self.env.cr.execute("SELECT pg_advisory_unlock(%s, %s)", (LOCK_CLASS, self.id))

    # ------------------------------------------------------------------
    # Listing
    # ------------------------------------------------------------------
    def _trade_status_filters(self):
        """The status words the shop's platform takes: its own and the neutral ones."""
        cls = adapter_class(self.platform)
        if cls is None:
            self._check_platform_supported()
        return cls.trade_status_filters()

    def _list_created_trades(self, adapter, date_from, date_to, status):
        """Trades created in the window, oldest first, each once."""
        start = fields.Datetime.from_string(date_from)
        end = fields.Datetime.from_string(date_to)
        trades, seen = [], set()
        try:
            for _start, _end, rows in adapter.iter_trades(start, end, "created", status):
                for trade in rows:
                    trade["tid"] = str(trade.get("tid") or "")
                    if trade["tid"] not in seen:
                        seen.add(trade["tid"])
                        trades.append(trade)
        except PlatformError as err:
            raise UserError(self._explain_error(err))
        trades.sort(key=lambda t: (t.get("created") or "", t["tid"]))
        return trades

    def _order_tids(self, tids):
        # sudo: a duplicate must be detected even when the user cannot see it.
        orders = self.env["sale.order"].sudo().search_read(
            [("ecommerce_shop_id", "=", self.id), ("ecommerce_tid", "in", list(tids))],
            ["ecommerce_tid"])
        return {o["ecommerce_tid"] for o in orders}

    @staticmethod
    def _describe_trade(adapter, trade):
        created = trade.get("created")
        try:
            created = fields.Datetime.to_string(adapter.parse_time(created)) if created else False
        except ValueError:
            created = False
        return {"tid": trade["tid"], "buyer_nick": trade.get("buyer_nick") or "",
                "payment": trade.get("payment") or "", "status": trade.get("status") or "",
                "platform_status": trade.get("platform_status") or trade.get("status") or "",
                "created": created}

    # ------------------------------------------------------------------
    # Pricelist
    # ------------------------------------------------------------------
    @api.model
    def create(self, vals):
        shop = super().create(vals)
        # Now, in the seller's own transaction: made by the first import instead,
        # two shops' first jobs would activate the currency at the same moment.
        if not shop.pricelist_id:
            shop._cny_pricelist()
        return shop

    def _cny_pricelist(self):
        """The shop's CNY pricelist, created on first use.

        Platform amounts are CNY: a company keeping its books in another
        currency must not see them read as its own currency.
        """
        if self.pricelist_id:
            return self.pricelist_id
        cny = self.env.ref("base.CNY")
        pricelist = self.env["product.pricelist"].search([
            ("currency_id", "=", cny.id),
            ("company_id", "in", [False, self.company_id.id])], limit=1)
        if not pricelist:
            if not cny.active:
                cny.sudo().active = True
            pricelist = self.env["product.pricelist"].sudo().create({
                "name": _("E-commerce (CNY)"), "currency_id": cny.id,
                "company_id": self.company_id.id})
        self.sudo().pricelist_id = pricelist
        return pricelist
