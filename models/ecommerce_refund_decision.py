# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models

DECISION_SELECTION = [("agree", "Agree the refund"), ("return", "Agree a return"),
                      ("refuse", "Refuse")]


class EcommerceRefundDecision(models.Model):
    """One after-sales decision sent from Odoo, and the platform's answer."""

    _name = "ecommerce.refund.decision"
    _description = "E-commerce After-sales Decision"
    _order = "id desc"

    refund_id = fields.Many2one("ecommerce.refund", required=True, readonly=True,
                                index=True, ondelete="cascade")
    shop_id = fields.Many2one(related="refund_id.shop_id", store=True, readonly=True)
    company_id = fields.Many2one(related="refund_id.company_id", store=True, readonly=True)
    decision = fields.Selection(DECISION_SELECTION, required=True, readonly=True)
    accepted = fields.Boolean("Accepted by the Platform", readonly=True)
    message = fields.Text("Platform's Answer", readonly=True)
    note = fields.Text("Sent Text", readonly=True,
                       help="The refusal's reason or the return's remark, as sent.")
    user_id = fields.Many2one("res.users", "Decided By", readonly=True,
                              default=lambda self: self.env.user)
