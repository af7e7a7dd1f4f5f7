# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models


class EcommerceRefundRefuseWizard(models.TransientModel):
    _name = "ecommerce.refund.refuse.wizard"
    _description = "Refuse a Refund"

    refund_id = fields.Many2one("ecommerce.refund", required=True, readonly=True)
    reason = fields.Text(required=True, help="Shown to the buyer (2 to 200 characters).")

    @api.multi
    def action_refuse(self):
        self.ensure_one()
        self.refund_id.refuse_refund(self.reason)
        return {"type": "ir.actions.act_window_close"}
