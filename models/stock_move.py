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

    def _assign_picking(self):
        """Goods of an order merging on confirmation (合单) go into the parcel it
        joins (``ecommerce_merge_parcels``: pairs of order id and delivery id),
        where that delivery can take them; the rest as Odoo assigns them."""
        parcels = dict(self.env.context.get("ecommerce_merge_parcels") or ())
        joining = {}
        for move in self.filtered(lambda m: m.sale_line_id.order_id.id in parcels):
            parcel = self.env["stock.picking"].browse(parcels[move.sale_line_id.order_id.id])
            if move._ecommerce_fits(parcel):
                joining[parcel] = joining.get(parcel, self.browse()) | move
        placed = self.browse()
        # One write per parcel; the parcel keeps its receiver and origin, which Odoo
        # wipes when it puts a move of another partner in a delivery.
        for parcel, moves in joining.items():
            moves.write({"picking_id": parcel.id})
            placed |= moves
        rest = self - placed
        return super(StockMove, rest)._assign_picking() if rest else True

    def _ecommerce_fits(self, picking):
        """Whether this move can go in that open, unprinted delivery."""
        self.ensure_one()
        return (picking.state not in ("draft", "done", "cancel") and not picking.printed
                and picking.picking_type_id == self.picking_type_id
                and picking.location_id == self.location_id
                and picking.location_dest_id == self.location_dest_id)
