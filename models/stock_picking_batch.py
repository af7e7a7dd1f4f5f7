# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, models


class StockPickingBatch(models.Model):
    _inherit = "stock.picking.batch"

    @api.multi
    def ecommerce_get_waybills(self, renew=False):
        """Public API: e-waybills for the deliveries of these batches (see
        ``stock.picking.ecommerce_get_waybills``), in the batch's order."""
        return self.mapped("picking_ids").ecommerce_get_waybills(renew=renew)

    @api.multi
    def action_ecommerce_get_waybills(self):
        return self.mapped("picking_ids").action_ecommerce_get_waybills()

    @api.multi
    def action_ecommerce_print_waybills(self):
        return self.mapped("picking_ids").action_ecommerce_print_waybills()
