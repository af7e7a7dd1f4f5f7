# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, models


class StockMove(models.Model):
    _inherit = "stock.move"

    @api.multi
    def _action_assign(self):
        """Never reserve for a held delivery: its units serve other orders until
        the hold ends (the scheduler and "Check availability" pass here).

        Under ``ecommerce_defer_reservation`` (the real-time re-reads) the
        deliveries are only marked: the shop's reservation job reserves them
        right after, one job at a time, so that two re-reads never hold the
        same stock rows until their commit.
        """
        if self.env.context.get("ecommerce_defer_reservation"):
            self.mapped("picking_id").filtered(
                lambda p: not p.ecommerce_reserve_due).write({"ecommerce_reserve_due": True})
            return True
        return super(StockMove, self.filtered(
            lambda move: not move.picking_id.ecommerce_hold_reason))._action_assign()
