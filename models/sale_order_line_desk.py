# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    ecommerce_gift_rule_id = fields.Many2one(
        "ecommerce.gift.rule", "Gift Rule", readonly=True, copy=False, index=True,
        ondelete="restrict", help="The gift rule that gave this line, at price 0.")
