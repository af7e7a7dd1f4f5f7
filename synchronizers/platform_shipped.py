# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Goods that left, left: sub-orders the platform shows shipped take their stock.

A trade shipped outside Odoo (in 千牛, or while the sync was paused after the
go-live date) still took goods from the warehouse: its delivery, or the part of
it that carries the sub-order, is validated and marked "shipped on the
platform", so that it is neither shipped again nor reported to the platform.
"""
from odoo import _, api, models


class EcommercePlatformShipped(models.AbstractModel):
    _name = "ecommerce.platform.shipped"
    _description = "E-commerce Goods Shipped on the Platform"

    @api.model
    def _follow(self, order, plan):
        """Mark the sub-orders ``plan`` shows shipped, then move their goods out."""
        shipped = {line["oid"] for line in plan["lines"] if line["state"] == "shipped"
                   and line["oid"]}
        lines = order.order_line.filtered(
            lambda line: line.ecommerce_oid in shipped and not line.ecommerce_no_delivery
            and not line.ecommerce_platform_shipped
            and not any(m.state == "done" for m in line.move_ids))
        if not lines:
            return []
        lines.write({"ecommerce_platform_shipped": True})
        return self._move_out(order)

    @api.model
    def _move_out(self, order):
        """Validate the open customer moves of the order's lines shipped on the platform."""
        lines = order.order_line.filtered("ecommerce_platform_shipped")
        moves = lines.mapped("move_ids").filtered(
            lambda m: m.state not in ("done", "cancel")
            and m.location_dest_id.usage == "customer")
        notes = []
        for picking in moves.mapped("picking_id"):
            own = moves.filtered(lambda m, p=picking: m.picking_id == p)
            notes.append(self._validate_part(picking, own))
        return notes

    def _validate_part(self, picking, moves):
        # Only these sub-orders left: they go in a delivery of their own, with the extra
        # goods (a platform gift) when no other sub-order stays behind.
        picking = picking._ecommerce_split_off(moves)
        moves = picking.move_lines.filtered(lambda m: m.state not in ("done", "cancel"))
        oids = moves.mapped("sale_line_id.ecommerce_oid")
        moves._do_unreserve()
        for move in moves:
            move.quantity_done = move.product_uom_qty
        picking.write({"ecommerce_shipment_state": "platform", "ecommerce_hold_reason": False,
                       "ecommerce_sent_sub_ids": ",".join(sorted(set(filter(None, oids))))
                       or False})
        picking.with_context(ecommerce_platform_shipped=True).action_done()
        note = _("Sub-orders %(oids)s were shipped on the platform, outside Odoo: "
                 "delivery %(picking)s is validated so that their goods leave the stock; it "
                 "is not shipped or reported again.") % {
            "oids": ", ".join(filter(None, oids)) or "-", "picking": picking.name}
        picking.message_post(body=note)
        return note
