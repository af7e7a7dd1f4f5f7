# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import datetime, timedelta

from odoo import api, fields, models


class EcommerceSyncLog(models.Model):
    """What one synchronisation run did for one shop, for the seller to read."""

    _name = "ecommerce.sync.log"
    _description = "E-commerce Sync Log"
    _order = "date_start desc, id desc"
    _rec_name = "date_start"

    shop_id = fields.Many2one("ecommerce.shop", required=True, ondelete="cascade", index=True,
                              readonly=True)
    company_id = fields.Many2one(related="shop_id.company_id", store=True, readonly=True)
    kind = fields.Selection(
        [("order_sync", "Order sync (background)"), ("order_import", "Order import"),
         ("missing_check", "Missing-order check")],
        required=True, readonly=True)
    date_start = fields.Datetime("Started", required=True, readonly=True,
                                 default=fields.Datetime.now)
    date_end = fields.Datetime("Finished", readonly=True)
    window_from = fields.Datetime(readonly=True)
    window_to = fields.Datetime(readonly=True)
    state = fields.Selection([("done", "Done"), ("partial", "With refusals"),
                              ("failed", "Failed")], readonly=True, default="done")
    created_count = fields.Integer("Created", readonly=True)
    updated_count = fields.Integer("Updated", readonly=True)
    cancelled_count = fields.Integer("Cancelled", readonly=True)
    skipped_count = fields.Integer("Skipped", readonly=True)
    failed_count = fields.Integer("Refused", readonly=True)
    top_calls = fields.Integer("Platform Calls", readonly=True)
    message = fields.Text("Errors", readonly=True)
    line_ids = fields.One2many("ecommerce.sync.log.line", "log_id", "Trades", readonly=True)

    @api.model
    def _record(self, shop, kind, summary, window=(False, False), error=False, calls=0):
        """Store the summary of a run; one line per skipped, refused or cancelled trade."""
        lines = [(0, 0, {"tid": tid, "result": "skipped", "reason": reason})
                 for tid, reason in summary.get("skipped_reasons", {}).items()]
        lines += [(0, 0, {"tid": f["tid"], "result": "failed", "reason": f["reason"]})
                  for f in summary.get("failed", [])]
        lines += [(0, 0, {"tid": tid, "result": "cancelled", "reason": reason})
                  for tid, reason in summary.get("cancel_reasons", {}).items()]
        state = "failed" if error else ("partial" if summary.get("failed") else "done")
        return self.sudo().create({
            "shop_id": shop.id, "kind": kind, "date_end": fields.Datetime.now(),
            "window_from": window[0], "window_to": window[1], "state": state,
            "created_count": len(summary.get("created", [])),
            "updated_count": len(summary.get("updated", [])),
            "cancelled_count": len(summary.get("cancelled", [])),
            "skipped_count": len(summary.get("skipped", [])),
            "failed_count": len(summary.get("failed", [])),
            "top_calls": calls, "message": error or False, "line_ids": lines,
        })

    @api.model
    def _cron_clean_sync_logs(self):
        """Delete the logs older than their shop's "Keep Sync Logs (days)"."""
        shops = self.env["ecommerce.shop"].sudo().with_context(active_test=False).search(
            [("sync_log_keep_days", ">", 0)])
        now = datetime.utcnow()
        for days in set(shops.mapped("sync_log_keep_days")):
            limit = fields.Datetime.to_string(now - timedelta(days=days))
            same = shops.filtered(lambda shop: shop.sync_log_keep_days == days)
            self.sudo().search([("shop_id", "in", same.ids),
                                ("date_start", "<", limit)]).unlink()
        return True


class EcommerceSyncLogLine(models.Model):
    _name = "ecommerce.sync.log.line"
    _description = "E-commerce Sync Log Trade"
    _order = "id"
    _rec_name = "tid"

    log_id = fields.Many2one("ecommerce.sync.log", required=True, ondelete="cascade",
                             index=True)
    company_id = fields.Many2one(related="log_id.company_id", store=True, readonly=True)
    tid = fields.Char("Platform Order No.", readonly=True)
    result = fields.Selection([("skipped", "Skipped"), ("failed", "Refused"),
                               ("cancelled", "Cancelled / flagged")], readonly=True)
    reason = fields.Text(readonly=True)
