# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # Stored: the warehouse's lists sort and count by it.
    ecommerce_ship_by = fields.Datetime(related="sale_id.ecommerce_ship_by", store=True,
                                        readonly=True, index=True)
