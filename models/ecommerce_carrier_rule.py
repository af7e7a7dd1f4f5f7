# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Carrier rules (快递策略): which carrier takes a platform order's parcel."""
from odoo import api, fields, models

from .desk_changes import write_noting_changes
from .exception_rule import word_list

TRACKED = ("name", "sequence", "active", "carrier_id", "shop_ids", "state_ids", "cities",
           "weight_min", "weight_max", "amount_min", "amount_max", "product_ids", "cod")


class EcommerceCarrierRule(models.Model):
    _name = "ecommerce.carrier.rule"
    _inherit = ["mail.thread"]
    _description = "Carrier Rule"
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer("Priority", default=10,
                              help="The first rule (lowest number) that matches decides.")
    active = fields.Boolean(default=True)
    carrier_id = fields.Many2one("delivery.carrier", required=True, ondelete="restrict")
    shop_ids = fields.Many2many("ecommerce.shop", string="Shops",
                                help="Empty: every shop.")
    state_ids = fields.Many2many("res.country.state", string="Provinces",
                                 help="Empty (and no city): every place.")
    cities = fields.Text(help="One per line or separated by commas.")
    weight_min = fields.Float("Weight From (kg)")
    weight_max = fields.Float("Weight Up To (kg)", help="0: no upper limit.")
    amount_min = fields.Float("Amount From")
    amount_max = fields.Float("Amount Up To", help="0: no upper limit.")
    product_ids = fields.Many2many("product.product", string="Products",
                                   help="The order contains one of them. Empty: any order.")
    cod = fields.Selection([("any", "Any"), ("cod", "Cash on delivery only"),
                            ("prepaid", "Prepaid only")], "Cash on Delivery",
                           default="any", required=True)

    @api.multi
    def write(self, vals):
        return write_noting_changes(self, vals, TRACKED, super().write)

    def _matches(self, order, weight):
        self.ensure_one()
        address = order.partner_shipping_id
        checks = (
            not self.shop_ids or order.ecommerce_shop_id in self.shop_ids,
            self._matches_place(address),
            weight >= self.weight_min and (not self.weight_max or weight <= self.weight_max),
            order.amount_total >= self.amount_min and (
                not self.amount_max or order.amount_total <= self.amount_max),
            not self.product_ids or bool(order.order_line.mapped("product_id")
                                         & self.product_ids),
            self.cod == "any" or (self.cod == "cod") == bool(order.ecommerce_cod),
        )
        return all(checks)

    def _matches_place(self, address):
        cities = word_list(self.cities)
        if not self.state_ids and not cities:
            return True
        return address.state_id in self.state_ids or (address.city or "").strip() in cities

    @api.model
    def _active_rules(self):
        # A seller keeps a handful of carrier rules; all of them are needed.
        return self.search([("active", "=", True)])

    @api.model
    def _carrier_for(self, order, rules=None):
        """The carrier of the first matching rule, else the shop's default carrier."""
        rules = self._active_rules() if rules is None else rules
        weight = sum(line.product_id.weight * line.product_uom_qty for line in order.order_line)
        rule = next((r for r in rules if r._matches(order, weight)), None)
        return rule.carrier_id if rule else order.ecommerce_shop_id.default_carrier_id
