# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models

DESK_ACTIONS = [
    ("confirm", "Confirm (reviewed)"),
    ("hold", "Hold"),
    ("cancel", "Cancel"),
    ("carrier", "Change carrier"),
    ("check", "Run the rules again"),
]


class EcommerceDeskWizard(models.TransientModel):
    """The order desk's actions on the selected orders: a thin form over the
    public sale.order methods ecommerce_desk_*."""
    _name = "ecommerce.desk.wizard"
    _description = "Order Desk Action"

    order_ids = fields.Many2many("sale.order", string="Orders", required=True,
                                 default=lambda self: self._default_order_ids())
    action = fields.Selection(DESK_ACTIONS, required=True, default="confirm")
    reason = fields.Char(help="Why the orders are held or cancelled (kept in the chatter).")
    carrier_id = fields.Many2one("delivery.carrier")

    @api.model
    def _default_order_ids(self):
        if self.env.context.get("active_model") == "sale.order":
            return [(6, 0, self.env.context.get("active_ids") or [])]
        return []

    @api.multi
    def action_apply(self):
        self.ensure_one()
        orders = self.order_ids
        if self.action == "confirm":
            orders.ecommerce_desk_confirm()
        elif self.action == "hold":
            orders.ecommerce_desk_hold(self.reason)
        elif self.action == "cancel":
            orders.ecommerce_desk_cancel(self.reason)
        elif self.action == "carrier":
            orders.ecommerce_desk_set_carrier(self.carrier_id.id)
        else:
            orders.ecommerce_desk_check()
        return {"type": "ir.actions.act_window_close"}
