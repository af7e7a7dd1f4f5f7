# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Merging (合单): open orders of one shop going to the same receiver leave in one
parcel. The moves of the other orders go into the first order's delivery and keep
their sale line, so every order still sees its own goods; split undoes it."""
from odoo import _, api, fields, models
from odoo.exceptions import UserError

ADDRESS_FIELDS = ("name", "street", "street2", "city", "zip", "state_id", "country_id",
                  "mobile", "phone")
# Moves of goods still waiting for (some of) their reservation.
UNRESERVED = ("waiting", "confirmed", "partially_available")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    ecommerce_delivery_ids = fields.Many2many(
        "stock.picking", compute="_compute_ecommerce_delivery_ids", string="All Deliveries",
        help="The order's deliveries and the merged parcels (合单) that carry its goods.")

    @api.depends("picking_ids", "order_line.move_ids.picking_id")
    def _compute_ecommerce_delivery_ids(self):
        # A merged parcel belongs to the first order's procurement group: the other
        # orders find it through their lines' moves.
        for order in self:
            order.ecommerce_delivery_ids = order.picking_ids | \
                order.order_line.mapped("move_ids.picking_id")

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------
    @api.multi
    def ecommerce_desk_merge(self):
        """Ship these open orders in one parcel: the first order's delivery.

        :returns: ``{"delivery": id of the merged delivery, "orders": [ids]}``
        :raises UserError: other shops, receivers or warehouses, goods already
            picked, printed or waybilled, an order on hold
        """
        orders = self._ecommerce_desk_orders("ecommerce_desk_merge").sorted("id")
        if len(orders) < 2:
            raise UserError(_("Select at least two orders to merge."))
        target = orders._ecommerce_merge_check()
        orders._ecommerce_merge_into(target)
        return {"delivery": target.id, "orders": orders.ids}

    @api.multi
    def ecommerce_desk_split(self):
        """Give each of these orders its own delivery again (undo a merge).

        :returns: ``{"deliveries": [ids of the orders' open deliveries]}``
        """
        orders = self._ecommerce_desk_orders("ecommerce_desk_split")
        for order in orders:
            for picking in order._ecommerce_merged_pickings():
                mine = order._ecommerce_open_moves(picking)
                if picking.group_id != order.procurement_group_id and mine:
                    part = picking._ecommerce_split_off(mine, own=True)
                    part.action_assign()
                    order.message_post(body=_("Split from merged delivery %(picking)s.")
                                       % {"picking": picking.name})
        orders.invalidate_cache(["ecommerce_delivery_ids"])
        return {"deliveries": orders.mapped("ecommerce_delivery_ids").filtered(
            lambda p: p.state not in ("done", "cancel")).ids}

    # ------------------------------------------------------------------
    # Checks and moves
    # ------------------------------------------------------------------
    def _ecommerce_open_deliveries(self):
        self.ensure_one()
        return self.ecommerce_delivery_ids.filtered(
            lambda p: p.state not in ("done", "cancel") and p.picking_type_code == "outgoing")

    def _ecommerce_open_moves(self, picking):
        return picking.move_lines.filtered(
            lambda m: m.state not in ("done", "cancel") and m.sale_line_id.order_id == self)

    def _ecommerce_merged_pickings(self):
        """This order's open deliveries that also carry another order's goods."""
        self.ensure_one()
        return self._ecommerce_open_deliveries().filtered(
            lambda p: p.move_lines.mapped("sale_line_id.order_id") - self)

    def _ecommerce_address_key(self):
        self.ensure_one()
        partner = self.partner_shipping_id
        return tuple(partner[name].id if name.endswith("_id") else (partner[name] or "")
                     for name in ADDRESS_FIELDS)

    def _ecommerce_same_receiver(self, ask=True):
        """Whether these orders of one shop go to one receiver. A masked receiver is
        the platform's to judge: asked again now (``ask``), else its answer recorded
        at import; where it does not answer, the same oaid. Plain ones: one address."""
        masked = self.filtered("ecommerce_receiver_masked")
        if not masked:
            return len({order._ecommerce_address_key() for order in self}) == 1
        if masked != self:
            return False
        shop = self[0].ecommerce_shop_id
        if ask and not shop._record_receiver_groups(shop._get_adapter(max_retries=1),
                                                    self.ids):
            return len(set(self.mapped("partner_shipping_id.ecommerce_oaid"))) == 1
        group = self[0].ecommerce_receiver_group
        return bool(group) and set(self.mapped("ecommerce_tid")) <= set(group.split(","))

    def _ecommerce_receiver_domain(self):
        """Orders that may go to this order's receiver; False: none known yet (a
        masked receiver the platform has not grouped)."""
        if self.ecommerce_receiver_masked:
            group = self.ecommerce_receiver_group
            return group and [("ecommerce_receiver_group", "=", group)]
        partner = self.partner_shipping_id
        return [("partner_shipping_id.name", "=", partner.name),
                ("partner_shipping_id.street", "=", partner.street)]

    def _ecommerce_merge_check(self, ask=True):
        """Refuse before touching anything; answer the delivery the parcel goes in.
        ``ask``: ask the platform now whether masked receivers are one."""
        self._ecommerce_check_one_parcel(ask)
        for order in self:
            order._ecommerce_check_mergeable()
        return self[0]._ecommerce_open_deliveries()[0]

    def _ecommerce_check_one_parcel(self, ask):
        """Refuse orders that cannot share a parcel: shops, receivers, warehouses."""
        names = ", ".join(self.mapped("name"))
        if len(self.mapped("ecommerce_shop_id")) > 1:
            raise UserError(_("Only orders of one shop can be merged: %(orders)s")
                            % {"orders": names})
        if not self._ecommerce_same_receiver(ask=ask):
            raise UserError(_("The orders go to different receivers: %(orders)s")
                            % {"orders": names})
        if len(self.mapped("warehouse_id")) > 1:
            raise UserError(_("The orders ship from different warehouses: %(orders)s")
                            % {"orders": names})

    def _ecommerce_check_mergeable(self):
        self.ensure_one()
        if self.state != "sale":
            raise UserError(_("Order %(order)s is not confirmed: confirm it first.")
                            % {"order": self.name})
        if self.ecommerce_hold_codes:
            raise UserError(_("Order %(order)s is on hold and cannot be merged: %(reason)s")
                            % {"order": self.name,
                               "reason": self.ecommerce_review_reason or
                               self.ecommerce_hold_codes})
        deliveries = self._ecommerce_open_deliveries()
        if not deliveries:
            raise UserError(_("Order %(order)s has no open delivery to merge.")
                            % {"order": self.name})
        picked = deliveries.filtered(
            lambda p: p.printed or p.carrier_tracking_ref or p.ecommerce_waybill_code
            or any(p.move_line_ids.mapped("qty_done"))
            or any(m.state == "done" for m in p.move_lines))
        if picked:
            raise UserError(_("The goods of order %(order)s are already being picked "
                              "(%(picking)s is printed, waybilled or partly done): they "
                              "cannot be merged.") % {"order": self.name,
                                                      "picking": picked[0].name})

    def _ecommerce_merge_into(self, target):
        for order in self:
            for picking in order._ecommerce_open_deliveries() - target:
                moves = picking.move_lines.filtered(lambda m: m.state not in ("done", "cancel"))
                # The goods keep what they reserved: giving it back to take it again
                # would cost most of a merge.
                moves.mapped("move_line_ids").write({"picking_id": target.id})
                moves.write({"picking_id": target.id})
                if not picking.move_lines:
                    # An empty delivery has no state of its own to cancel to: remove it.
                    picking.unlink()
            if order.procurement_group_id != target.group_id:
                order.message_post(body=_("Merged into delivery %(picking)s.")
                                   % {"picking": target.name})
        if target.move_lines.filtered(lambda m: m.state in UNRESERVED):
            target.action_assign()
        self.invalidate_cache(["ecommerce_delivery_ids"])
        return target

    def _ecommerce_auto_merge(self):
        """Shops that merge automatically: the parcel each of these orders joins as it
        is confirmed, an open, unpicked delivery of the same receiver (a masked one
        as the platform grouped it at import). Decided before the goods have a
        delivery, so that they go straight in: no delivery is made to be emptied
        and removed. An order no parcel can take gets its own delivery.

        :returns: ``{order id: parcel id}``
        """
        parcels = {}
        for order in self.filtered(lambda o: o.ecommerce_shop_id.desk_auto_merge
                                   and not o.ecommerce_hold_codes
                                   and not o.order_line.mapped("move_ids")):
            for other in order._ecommerce_merge_candidates():
                parcel = order._ecommerce_parcel_to_join(other)
                if parcel:
                    parcels[order.id] = parcel.id
                    break
        return parcels

    def _ecommerce_merge_candidates(self):
        """The open orders that may go to this order's receiver, oldest first."""
        domain = self._ecommerce_receiver_domain()
        if not domain:
            return self.browse()
        # Goods still here: not the receiver's orders shipped long ago.
        return self.search(domain + [
            ("ecommerce_shop_id", "=", self.ecommerce_shop_id.id), ("state", "=", "sale"),
            ("warehouse_id", "=", self.warehouse_id.id), ("id", "!=", self.id),
            ("ecommerce_hold_codes", "=", False),
            ("order_line.move_ids.state", "in", UNRESERVED + ("assigned",))], order="id")

    def _ecommerce_parcel_to_join(self, other):
        """The open delivery of ``other`` this order's goods can join, if any."""
        try:
            (other | self)._ecommerce_check_one_parcel(ask=False)
            other._ecommerce_check_mergeable()
        except UserError:
            return self.env["stock.picking"]
        return other._ecommerce_open_deliveries()[0]

    def _ecommerce_note_merged(self, parcels):
        """Say on each order whose goods went into a parcel, which one."""
        for order in self.filtered(lambda o: o.id in parcels):
            parcel = order.order_line.mapped("move_ids.picking_id").filtered(
                lambda p: p.id == parcels[order.id])
            if parcel:
                order.message_post(body=_("Merged into delivery %(picking)s.")
                                   % {"picking": parcel.name})

    @api.multi
    def action_cancel(self):
        """A cancelled order's goods leave its merged parcels first: Odoo cancels the
        deliveries of the order's own procurement group, which would take the other
        orders' goods of a parcel it heads and miss its goods in another's parcel."""
        for order in self.filtered("ecommerce_shop_id"):
            for picking in order._ecommerce_merged_pickings():
                if picking.group_id != order.procurement_group_id:
                    order._ecommerce_open_moves(picking)._action_cancel()
                    continue
                for other in picking.move_lines.mapped("sale_line_id.order_id") - order:
                    moves = other._ecommerce_open_moves(picking)
                    if moves:
                        picking._ecommerce_split_off(moves, own=True).action_assign()
        return super().action_cancel()

    @api.multi
    def _action_confirm(self):
        parcels = self.filtered("ecommerce_shop_id")._ecommerce_auto_merge()
        if not parcels:
            return super()._action_confirm()
        # stock.move._assign_picking puts the goods into these parcels.
        merging = self.with_context(ecommerce_merge_parcels=tuple(sorted(parcels.items())))
        result = super(SaleOrder, merging)._action_confirm()
        self._ecommerce_note_merged(parcels)
        return result
