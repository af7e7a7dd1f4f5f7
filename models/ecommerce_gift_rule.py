# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Gift rules (赠品策略): buy a product or reach an amount, in a period, within
limits per buyer and in total, while stock lasts -> a gift line at price 0."""
from odoo import _, api, fields, models

from .desk_changes import write_noting_changes

TRACKED = ("name", "active", "sequence", "shop_ids", "date_from", "date_to", "product_ids",
           "per_buyer_limit", "total_limit")


class EcommerceGiftRule(models.Model):
    _name = "ecommerce.gift.rule"
    _inherit = ["mail.thread"]
    _description = "Gift Rule"
    _order = "sequence, id"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    shop_ids = fields.Many2many("ecommerce.shop", string="Shops", help="Empty: every shop.")
    date_from = fields.Datetime("From", help="Orders placed from then on (empty: no start).")
    date_to = fields.Datetime("Until", help="Orders placed until then (empty: no end).")
    product_ids = fields.Many2many(
        "product.product", string="Bought Products",
        help="The order contains one of them. Empty: any order reaching a tier's amount.")
    tier_ids = fields.One2many("ecommerce.gift.rule.tier", "rule_id", "Tiers", copy=True,
                               help="The highest tier whose amount the order reaches gives "
                                    "its gift.")
    per_buyer_limit = fields.Integer("At Most per Buyer", help="Gifts; 0: no limit.")
    total_limit = fields.Integer("At Most in Total", help="Gifts; 0: no limit.")
    given_count = fields.Integer("Given", compute="_compute_given_count",
                                 help="Gift units on orders not cancelled.")

    @api.multi
    def write(self, vals):
        return write_noting_changes(self, vals, TRACKED, super().write)

    def _compute_given_count(self):
        counts = self._given([])
        for rule in self:
            rule.given_count = counts.get(rule.id, 0)

    def _given(self, domain):
        groups = self.env["sale.order.line"].read_group(
            [("ecommerce_gift_rule_id", "in", self.ids), ("state", "!=", "cancel")] + domain,
            ["ecommerce_gift_rule_id", "product_uom_qty"], ["ecommerce_gift_rule_id"])
        return {g["ecommerce_gift_rule_id"][0]: int(g["product_uom_qty"]) for g in groups}

    @api.model
    def _active_rules(self):
        # A seller runs a handful of gift rules at a time; all of them are needed.
        return self.search([("active", "=", True)])

    def _gift_lines_for(self, order):
        """The gift lines (values) the rules give ``order``: at most one per rule."""
        lines = []
        for rule in self:
            tier = rule._tier_for(order)
            if tier and rule._within_limits(order, tier):
                lines.append(rule._prepare_gift_line_vals(order, tier))
        return lines

    def _tier_for(self, order):
        self.ensure_one()
        placed = order.date_order
        if (self.shop_ids and order.ecommerce_shop_id not in self.shop_ids) \
                or (self.date_from and placed < self.date_from) \
                or (self.date_to and placed > self.date_to):
            return None
        goods = order.order_line.filtered(lambda line: not line.ecommerce_gift_rule_id)
        if self.product_ids and not goods.mapped("product_id") & self.product_ids:
            return None
        reached = self.tier_ids.filtered(lambda t: t.amount_min <= order.amount_total)
        return reached.sorted("amount_min")[-1:] or None

    def _within_limits(self, order, tier):
        qty = tier.quantity
        if self.total_limit and self._given([]).get(self.id, 0) + qty > self.total_limit:
            return False
        if self.per_buyer_limit:
            mine = self._given([("order_id.partner_id", "=", order.partner_id.id)])
            if mine.get(self.id, 0) + qty > self.per_buyer_limit:
                return False
        product = tier.product_id.with_context(warehouse=order.warehouse_id.id)
        return product.type != "product" or \
            product.qty_available - product.outgoing_qty >= qty

    def _prepare_gift_line_vals(self, order, tier):
        return {"order_id": order.id, "product_id": tier.product_id.id,
                "product_uom_qty": tier.quantity, "price_unit": 0.0, "tax_id": [(5, 0, 0)],
                "name": _("Gift (%(rule)s): %(product)s") % {
                    "rule": self.name, "product": tier.product_id.display_name},
                "ecommerce_gift_rule_id": self.id}
