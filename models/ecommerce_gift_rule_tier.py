# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models


class EcommerceGiftRuleTier(models.Model):
    _name = "ecommerce.gift.rule.tier"
    _description = "Gift Rule Tier"
    _order = "amount_min"

    rule_id = fields.Many2one("ecommerce.gift.rule", required=True, ondelete="cascade")
    amount_min = fields.Float("From Amount", help="The order total reaches it (0: any).")
    product_id = fields.Many2one("product.product", "Gift", required=True)
    quantity = fields.Integer(default=1, required=True)
