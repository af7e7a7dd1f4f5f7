# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, fields, models
from odoo.addons import decimal_precision as dp
from odoo.exceptions import ValidationError


class EcommerceSkuMappingComponent(models.Model):
    """One product of a bundle (组合商品) sold as one platform SKU.

    A mapping with components ships, per unit sold, ``product_qty`` of each
    component instead of its own product.
    """

    _name = "ecommerce.sku.mapping.component"
    _description = "E-commerce Bundle Component"
    _order = "mapping_id, sequence, id"

    mapping_id = fields.Many2one("ecommerce.sku.mapping", "Platform SKU", required=True,
                                 ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one("product.product", required=True,
                                 ondelete="restrict", index=True)
    product_qty = fields.Float(
        "Units per Bundle", default=1.0, required=True,
        digits=dp.get_precision("Product Unit of Measure"),
        help="Units of this product shipped for each bundle sold on the platform.")

    _sql_constraints = [
        ("mapping_product_uniq", "unique(mapping_id, product_id)",
         "A product appears once per bundle: raise its units instead."),
    ]

    @api.constrains("product_qty")
    def _check_product_qty(self):
        if any(component.product_qty <= 0 for component in self):
            raise ValidationError(_("The units of a bundle component must be positive."))

    @api.model
    def create(self, vals):
        component = super().create(vals)
        component.mapping_id.stock_sync_ids._check_product_type()
        return component

    @api.multi
    def write(self, vals):
        result = super().write(vals)
        if "product_id" in vals or "mapping_id" in vals:
            self.mapped("mapping_id.stock_sync_ids")._check_product_type()
        return result
