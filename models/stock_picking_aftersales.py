# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, models


class StockPickingAftersales(models.Model):
    _inherit = "stock.picking"

    @api.multi
    def action_done(self):
        result = super().action_done()
        # sudo: a warehouse keeper who validates a return may not read refunds; the
        # decision itself is taken with the keeper's own rights, or not at all.
        refunds = self.env["ecommerce.refund"].sudo().search(
            [("return_picking_id", "in", self.filtered(lambda p: p.state == "done").ids)])
        if refunds:
            refunds._agree_after_return(self.env.user)
        return result
