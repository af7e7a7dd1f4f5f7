from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # The platform's sub-order id: shipments name it (split shipping) and
    # refunds and sub-order closures find their line through it.
    ecommerce_oid = fields.Char("Platform Sub-order", readonly=True, copy=False, index=True)
