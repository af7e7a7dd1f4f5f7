# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, models


class StockPickingAftersales(models.Model):
    _inherit = "stock.picking"

    @api.multi
    def action_done(self):
        result = super().action_done()
        refunds = self.env["ecommerce.refund"].search(
            [("return_picking_id", "in", self.filtered(lambda p: p.state == "done").ids)])
        refunds._agree_after_return()
        return result
