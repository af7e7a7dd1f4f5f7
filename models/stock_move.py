# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, models


class StockMove(models.Model):
    _inherit = "stock.move"

    @api.multi
    def _action_assign(self):
        """Never reserve for a held delivery: its units serve other orders until
        the hold ends (the scheduler and "Check availability" pass here)."""
        return super(StockMove, self.filtered(
            lambda move: not move.picking_id.ecommerce_hold_reason))._action_assign()
