# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # Stored: the warehouse's lists sort and count by it.
    ecommerce_ship_by = fields.Datetime(
        "Ship By", compute="_compute_ecommerce_ship_by", store=True, readonly=True, index=True,
        help="The latest shipping time promised to the buyer: for a merged parcel (合单), "
             "the earliest of its orders.")

    @api.depends("sale_id.ecommerce_ship_by",
                 "move_lines.sale_line_id.order_id.ecommerce_ship_by")
    def _compute_ecommerce_ship_by(self):
        for picking in self:
            orders = picking.sale_id | picking.move_lines.mapped("sale_line_id.order_id")
            promises = [date for date in orders.mapped("ecommerce_ship_by") if date]
            picking.ecommerce_ship_by = min(promises) if promises else False
