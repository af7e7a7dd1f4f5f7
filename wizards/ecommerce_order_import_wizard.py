# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import datetime, timedelta

from odoo import _, api, fields, models


STATUSES = [
    ("WAIT_SELLER_SEND_GOODS", "Waiting for the seller to ship"),
    ("SELLER_CONSIGNED_PART", "Partly shipped"),
    ("WAIT_BUYER_CONFIRM_GOODS", "Shipped"),
    ("TRADE_FINISHED", "Finished"),
    ("WAIT_BUYER_PAY", "Waiting for payment"),
    ("TRADE_CLOSED", "Closed after refund"),
    ("TRADE_CLOSED_BY_TAOBAO", "Closed before payment"),
    ("PAID_FORBID_CONSIGN", "Paid, shipping forbidden by the platform"),
    # JD's own states (the ones above stand for JD's states of the same meaning).
    ("WAIT_SELLER_STOCK_OUT", "JD: waiting to ship (WAIT_SELLER_STOCK_OUT)"),
    ("LOCKED", "JD: locked (LOCKED)"),
    ("POP_ORDER_PAUSE", "JD: paused (POP_ORDER_PAUSE)"),
    ("WAIT_GOODS_RECEIVE_CONFIRM", "JD: shipped (WAIT_GOODS_RECEIVE_CONFIRM)"),
    ("FINISHED_L", "JD: finished (FINISHED_L)"),
    ("TRADE_CANCELED", "JD: cancelled (TRADE_CANCELED)"),
]


class EcommerceOrderImportWizard(models.TransientModel):
    """Order import (订单导入): missing-order check and import of a time window.

    It only collects parameters and shows results; the work is done by the
    shop's public methods, the same ones XML-RPC calls.
    """

    _name = "ecommerce.order.import.wizard"
    _description = "E-commerce Order Import"

    shop_id = fields.Many2one("ecommerce.shop", required=True,
                              default=lambda self: self._default_shop_id())
    status = fields.Selection(STATUSES, "Order Status", required=True,
                              default="WAIT_SELLER_SEND_GOODS")
    date_from = fields.Datetime("Start Time", required=True,
                                default=lambda self: self._default_date(hours=24))
    date_to = fields.Datetime("End Time", required=True,
                              default=lambda self: self._default_date())
    line_ids = fields.One2many("ecommerce.order.import.wizard.line", "wizard_id",
                               "Missing Orders", readonly=True)
    checked = fields.Boolean(readonly=True)
    result = fields.Text(readonly=True)
    order_ids = fields.Many2many("sale.order", string="Created Orders", readonly=True)

    def _default_shop_id(self):
        return self.env["ecommerce.shop"].search([], limit=1)

    def _default_date(self, hours=0):
        moment = datetime.utcnow().replace(microsecond=0) - timedelta(hours=hours)
        return fields.Datetime.to_string(moment)

    @api.multi
    def action_check_missing(self):
        """Missing-order check (漏单检查): list the window's trades not in Odoo yet."""
        self.ensure_one()
        result = self.shop_id.check_missing_orders(self.date_from, self.date_to, self.status,
                                                   details=True)
        total = len(result["missing"]) + len(result["imported"])
        self.write({
            "checked": True, "order_ids": [(5, 0, 0)],
            "line_ids": [(5, 0, 0)] + [(0, 0, self._line_vals(t)) for t in result["trades"]],
            "result": _("%(missing)s of %(total)s platform orders of this window are not "
                        "imported yet.") % {"missing": len(result["missing"]), "total": total},
        })
        return self._reopen()

    @staticmethod
    def _line_vals(trade):
        vals = {key: trade[key] or False
                for key in ("tid", "buyer_nick", "payment", "status", "created")}
        # The platform's own word, as its seller centre shows the order.
        vals["status"] = trade.get("platform_status") or vals["status"]
        return vals

    @api.multi
    def action_import_orders(self):
        """Order import (订单导入): import the listed trades, or the whole window."""
        self.ensure_one()
        tids = self.line_ids.mapped("tid") if self.checked else None
        summary = self.shop_id.import_orders(self.date_from, self.date_to, self.status,
                                             tids=tids)
        orders = self.env["sale.order"].browse(summary["created"])
        reasons = {f["tid"]: f["reason"] for f in summary["failed"]}
        for line in self.line_ids:
            line.result = reasons.get(line.tid) or (
                _("Skipped") if line.tid in summary["skipped"] else _("Imported"))
        text = [_("Created %(created)s orders, skipped %(skipped)s, refused %(failed)s.") % {
            "created": len(orders), "skipped": len(summary["skipped"]),
            "failed": len(summary["failed"])}]
        text += [_("Refused %(tid)s: %(reason)s") % f for f in summary["failed"]]
        text += [_("Held %(tid)s: %(reason)s") % h for h in summary.get("held", [])]
        if summary.get("error"):
            text.append(summary["error"])
        self.write({"order_ids": [(6, 0, orders.ids)], "result": "\n".join(text)})
        return self._reopen()

    def _reopen(self):
        return {
            "type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
            "view_mode": "form", "target": "new", "name": _("Order import"),
        }
