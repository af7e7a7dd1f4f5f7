# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, fields, models
from odoo.exceptions import UserError

SHIPMENT_STATES = [
    ("to_send", "To send"),
    ("sent", "Sent"),
    ("error", "Refused by the platform"),
    ("attention", "Needs attention"),
    ("part_sent", "Sent in part"),
    ("platform", "Shipped on the platform"),
]
# delivery's send_to_shipper() overwrites the tracking number with the empty
# one of these providers when the picking is validated.
PROVIDERS_WITHOUT_TRACKING = ("fixed", "base_on_rule")


class StockPicking(models.Model):
    _inherit = "stock.picking"

    ecommerce_shop_id = fields.Many2one(
        related="sale_id.ecommerce_shop_id", store=True, index=True, readonly=True,
        string="E-commerce Shop")
    ecommerce_tid = fields.Char(related="sale_id.ecommerce_tid", readonly=True,
                                string="Platform Order No.")
    ecommerce_shipment_state = fields.Selection(
        SHIPMENT_STATES, "Platform Shipment", copy=False, index=True, readonly=True,
        help="Whether the platform has been told that this delivery left: it is sent "
             "in the background a few minutes after validation.")
    ecommerce_shipment_reason = fields.Text(
        "Shipment Problem", copy=False, readonly=True,
        help="Why the platform was not told yet, in plain words.")
    ecommerce_shipment_note = fields.Text("Shipment Note", copy=False, readonly=True)
    ecommerce_shipment_attempts = fields.Integer("Send Attempts", copy=False, readonly=True)
    ecommerce_shipment_last_try = fields.Datetime("Last Send Attempt", copy=False,
                                                  readonly=True)
    ecommerce_shipment_next_try = fields.Datetime(
        "Next Send Attempt", copy=False, readonly=True,
        help="After a network problem or a rate limit the background job waits until then.")
    ecommerce_sent_waybill = fields.Char("Waybill on the Platform", copy=False, readonly=True)
    ecommerce_sent_company_code = fields.Char("Logistics Company on the Platform",
                                              copy=False, readonly=True)
    ecommerce_sent_sub_ids = fields.Char(
        "Sub-orders Reported", copy=False, readonly=True,
        help="Platform sub-order ids this delivery was reported with (comma-separated).")
    ecommerce_unsent_sub_ids = fields.Char(
        "Sub-orders Left Out", copy=False, readonly=True,
        help="Sub-orders this delivery carries that were left out of its report because a "
             "refund was waiting; they are reported with its waybill once the refund is "
             "refused (comma-separated).")
    ecommerce_hold_reason = fields.Text(
        "Held", copy=False, readonly=True,
        help="Why the order of this delivery is held: until the hold ends the delivery "
             "keeps no reservation and cannot be validated.")
    ecommerce_held = fields.Boolean(
        "On Hold", compute="_compute_ecommerce_held", store=True, index=True)
    ecommerce_reserve_due = fields.Boolean(
        "Reservation Pending", copy=False, readonly=True, index=True,
        help="Imported by a real-time re-read, which leaves reserving to a job of the shop "
             "that runs right after it: the re-reads of one shop then run side by side "
             "without waiting for each other's stock rows.")
    ecommerce_after_sales = fields.Text(
        "After-sales", copy=False, readonly=True,
        help="A hold (a refund, a memo, a platform hold) arrived after this delivery was "
             "validated: the goods have left, after-sales must act.")

    @api.depends("ecommerce_hold_reason")
    def _compute_ecommerce_held(self):
        for picking in self:
            picking.ecommerce_held = bool(picking.ecommerce_hold_reason)

    def _is_ecommerce_shipment(self):
        """The customer-facing delivery (the last step) of an order from a platform.

        An own web shop pushes its orders in and has no platform to tell; it
        reads the state of its orders itself.
        """
        self.ensure_one()
        shop = self.sale_id.ecommerce_shop_id
        return bool(self.state == "done" and shop and shop.platform != "own"
                    and self.location_dest_id.usage == "customer")

    @api.multi
    def button_validate(self):
        self._check_ecommerce_not_held()
        return super().button_validate()

    @api.multi
    def action_done(self):
        self._check_ecommerce_not_held()
        # Only mark: the platform is called after the commit (cron or button),
        # never while the warehouse validates.
        typed_refs = {p.id: p.carrier_tracking_ref for p in self if p.carrier_tracking_ref}
        result = super().action_done()
        self._restore_tracking_refs(typed_refs)
        # sudo: a warehouse user without e-commerce rights validates the parcel; the
        # mark for the platform is the addon's bookkeeping, not the user's.
        shipments = self.sudo().filtered(lambda p: not p.ecommerce_shipment_state
                                         and p._is_ecommerce_shipment())
        if shipments:
            shipments.write({"ecommerce_shipment_state": "to_send",
                             "ecommerce_shipment_reason": False,
                             "ecommerce_shipment_attempts": 0,
                             "ecommerce_shipment_next_try": False})
        return result

    def _check_ecommerce_not_held(self):
        if self.env.context.get("ecommerce_platform_shipped"):
            return  # the platform shipped it already: the goods have left
        held = self.filtered(lambda p: p.ecommerce_hold_reason and p.state != "done")
        if held:
            raise UserError(_("Delivery %(picking)s is on hold and cannot be validated: "
                              "%(reason)s") % {"picking": held[0].name,
                                               "reason": held[0].ecommerce_hold_reason})

    @api.multi
    def _add_delivery_cost_to_so(self):
        """Never add a carrier fee to a platform order.

        The buyer paid the postage on the platform, and the order already has
        it as its postage line: a second delivery line would make the order
        dearer than what was paid.
        """
        if self.sale_id.ecommerce_shop_id:
            return None
        return super()._add_delivery_cost_to_so()

    def _restore_tracking_refs(self, typed_refs):
        for picking in self:
            typed = typed_refs.get(picking.id)
            if typed and not picking.carrier_tracking_ref and picking.ecommerce_shop_id and \
                    picking.carrier_id.delivery_type in PROVIDERS_WITHOUT_TRACKING:
                picking.carrier_tracking_ref = typed

    @api.multi
    def write(self, vals):
        result = super().write(vals)
        if "carrier_tracking_ref" in vals or "carrier_id" in vals:
            self._requeue_edited_shipments()
        return result

    def _requeue_edited_shipments(self):
        """A carrier or waybill edited after a problem or after sending goes out again.

        After sending, the exporter compares with what the platform has and
        changes the waybill there (consign.resend) only if it really differs.
        """
        edited = self.filtered(lambda p: p.ecommerce_shipment_state in
                               ("attention", "error")
                               or (p.ecommerce_shipment_state == "sent"
                                   and p.ecommerce_sent_waybill))
        if not edited:
            return True
        return super(StockPicking, edited).write({
            "ecommerce_shipment_state": "to_send", "ecommerce_shipment_reason": False,
            "ecommerce_shipment_attempts": 0, "ecommerce_shipment_next_try": False})

    def _ecommerce_split_off(self, moves, own=False):
        """Put ``moves`` of this open delivery in a delivery of their own (this one's
        backorder, or with ``own`` a delivery of their order: a merge undone), unless
        they are all it still carries; returns their delivery.

        Extra goods of no sub-order (a gift) go with the last sub-orders of their
        order: a delivery of a gift alone has nothing to tell the platform. In a merged
        parcel the goods of the other orders stay, a gift alone included: they are
        those orders' parcel, and never held with these."""
        self.ensure_one()
        others = self.move_lines.filtered(lambda m: m.state not in ("done", "cancel")) - moves
        orders = moves.mapped("sale_line_id.order_id")
        gifts = others.filtered(lambda m: m.sale_line_id.order_id in orders)
        if not gifts.filtered("sale_line_id.ecommerce_oid"):
            moves, others = moves | gifts, others - gifts
        # Moves added by hand (no sale line) stay with the delivery they were put in.
        if not others.filtered("sale_line_id"):
            return self
        group = moves.mapped("group_id")[:1] or self.group_id
        vals = {"move_lines": [], "move_line_ids": [], "group_id": group.id,
                "backorder_id": self.id if group == self.group_id and not own else False}
        if group != self.group_id:
            order = moves.mapped("sale_line_id.order_id")[:1]
            vals.update(origin=order.name, partner_id=order.partner_shipping_id.id)
        part = self.copy(vals)
        moves._do_unreserve()
        moves.write({"picking_id": part.id})
        return part

    def _ecommerce_requeue_left_out(self):
        """A refund that held a sub-order out of its parcel's report has ended: the
        parcel goes out again to report it (or to drop it, if it was refunded)."""
        waiting = ("WAIT_SELLER_AGREE", "WAIT_BUYER_RETURN_GOODS", "WAIT_SELLER_CONFIRM_GOODS")
        for picking in self.filtered(lambda p: p.ecommerce_shipment_state == "part_sent"):
            unsent = set((picking.ecommerce_unsent_sub_ids or "").split(",")) - {""}
            lines = picking.sale_id.order_line.filtered(
                lambda line: line.ecommerce_oid in unsent)
            if any(line.ecommerce_refund_status not in waiting for line in lines):
                super(StockPicking, picking).write({
                    "ecommerce_shipment_state": "to_send", "ecommerce_shipment_reason": False,
                    "ecommerce_shipment_attempts": 0, "ecommerce_shipment_next_try": False})
        return True

    @api.multi
    def action_ecommerce_send_shipment(self):
        """Button and list action: tell the platforms now instead of waiting for the cron."""
        for shop in self.mapped("ecommerce_shop_id"):
            pickings = self.filtered(lambda p: p.ecommerce_shop_id == shop)
            shop.send_shipments(picking_ids=pickings.ids)
        return True

    ecommerce_receiver_masked = fields.Boolean(related="sale_id.ecommerce_receiver_masked",
                                               readonly=True)

    @api.multi
    def action_ecommerce_reveal_receiver(self):
        """Button on the delivery: the same reveal as on its sales order."""
        self.ensure_one()
        return self.sale_id.action_ecommerce_reveal_receiver()

    @api.multi
    def ecommerce_reveal_receiver(self, scene):
        """Public API: reveal the receiver of this delivery's sales order."""
        self.ensure_one()
        return self.sale_id.ecommerce_reveal_receiver(scene)
