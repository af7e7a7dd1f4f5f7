# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models

SHIPMENT_STATES = [
    ("to_send", "To send"),
    ("sent", "Sent"),
    ("error", "Refused by the platform"),
    ("attention", "Needs attention"),
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
    def action_done(self):
        # Only mark: the platform is called after the commit (cron or button),
        # never while the warehouse validates.
        typed_refs = {p.id: p.carrier_tracking_ref for p in self if p.carrier_tracking_ref}
        result = super().action_done()
        self._restore_tracking_refs(typed_refs)
        shipments = self.filtered(lambda p: not p.ecommerce_shipment_state
                                  and p._is_ecommerce_shipment())
        if shipments:
            shipments.write({"ecommerce_shipment_state": "to_send",
                             "ecommerce_shipment_reason": False,
                             "ecommerce_shipment_attempts": 0,
                             "ecommerce_shipment_next_try": False})
        return result

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
