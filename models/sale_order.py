# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..mapping.trade_mapping import HOLD_REFUND, REFUND_PENDING_STATUSES
from .api_arguments import ApiArguments
from .ecommerce_privacy_log import REVEAL_SCENES


class SaleOrder(models.Model):
    _inherit = "sale.order"

    ecommerce_shop_id = fields.Many2one("ecommerce.shop", "E-commerce Shop", readonly=True,
                                        index=True, copy=False, ondelete="restrict")
    ecommerce_tid = fields.Char("Platform Order No.", readonly=True, index=True, copy=False)
    ecommerce_status = fields.Char(
        "Platform Status", readonly=True, copy=False,
        help="The trade status in the addon's neutral words (Taobao's), the same for every "
             "platform: what the synchronisation decides on.")
    ecommerce_native_status = fields.Char(
        "Platform's Own Status", readonly=True, copy=False, index=True,
        help="The status in the platform's own words (JD: WAIT_SELLER_STOCK_OUT, LOCKED, "
             "POP_ORDER_PAUSE, ...), as the platform's seller centre shows it.")
    ecommerce_modified = fields.Datetime("Platform Modified", readonly=True, copy=False)
    ecommerce_buyer_message = fields.Text("Buyer Message", readonly=True, copy=False)
    ecommerce_seller_memo = fields.Text("Seller Memo", readonly=True, copy=False)
    ecommerce_review_needed = fields.Boolean(
        "To Review", copy=False,
        help="Set when the platform order carries a buyer message or seller memo, or was "
             "closed on the platform after it could no longer be cancelled here.")
    ecommerce_review_reason = fields.Text("Review Reason", copy=False)
    ecommerce_hold_codes = fields.Char(
        readonly=True, copy=False,
        help="Why the order is held, as codes: message (a person decides), forbidden and "
             "refund (the platform lifts them). While any is set, the order's open "
             "deliveries keep no reservation and cannot be validated.")
    ecommerce_address_key = fields.Char(readonly=True, copy=False,
                                        help="Fingerprint of the platform's receiving address.")

    ecommerce_refund_ids = fields.One2many("ecommerce.refund", "sale_order_id",
                                           "Platform Refunds", readonly=True)
    ecommerce_refund_count = fields.Integer("Refunds", compute="_compute_ecommerce_refund_count")

    _sql_constraints = [
        # The database, not a search before create, is what keeps a cron and a
        # user importing at the same time from creating the order twice.
        ("ecommerce_tid_shop_uniq", "unique(ecommerce_shop_id, ecommerce_tid)",
         "This platform order is already imported for this shop."),
    ]

    @api.depends("ecommerce_refund_ids")
    def _compute_ecommerce_refund_count(self):
        for order in self:
            order.ecommerce_refund_count = len(order.ecommerce_refund_ids)

    @api.multi
    def action_view_ecommerce_refunds(self):
        self.ensure_one()
        action = self.env.ref("ecommerce_sync.ecommerce_refund_action").read()[0]
        action["domain"] = [("sale_order_id", "=", self.id)]
        return action

    @api.multi
    def action_ecommerce_reviewed(self):
        """The seller has read the message/memo: clear the flag and confirm.

        A hold the platform imposes (shipping forbidden, a refund in progress)
        is not the seller's to lift: the sync releases it when the platform does.
        """
        for order in self:
            platform_holds = set((order.ecommerce_hold_codes or "").split(",")) & \
                {"forbidden", "refund", "presale"}
            if platform_holds:
                raise UserError(_(
                    "Order %(order)s stays held until the platform allows shipping and no "
                    "refund is in progress; the synchronisation releases it then.")
                    % {"order": order.name})
            # Reviewed: the audit rules are not asked again at confirmation.
            order.write({"ecommerce_review_needed": False, "ecommerce_review_reason": False,
                         "ecommerce_hold_codes": False, "ignore_exception": True})
            if order.state in ("draft", "sent"):
                order.action_confirm()
        return True

    # ------------------------------------------------------------------
    # Holds: one mechanism for every reason that stops the goods
    # ------------------------------------------------------------------
    def _ecommerce_hold_code_set(self):
        self.ensure_one()
        return set(filter(None, (self.ecommerce_hold_codes or "").split(",")))

    @api.multi
    def _ecommerce_hold(self, code, reason, left=None):
        """Hold the goods of these orders for ``code`` (a platform hold, a refund, a
        message, a seller's rule), with ``reason`` for the seller and the warehouse.

        A falsy ``code`` only flags the order for review: nothing stops the goods.
        ``left``: the validated deliveries this hold concerns (by default all of
        them, for an order-wide hold); they are flagged for after-sales.
        """
        for order in self:
            codes = order._ecommerce_hold_code_set()
            if code:
                codes.add(code)
            reasons = [r for r in (order.ecommerce_review_reason or "").split("\n") if r]
            if reason not in reasons:
                reasons.append(reason)
            order.write({"ecommerce_review_needed": True,
                         "ecommerce_hold_codes": ",".join(sorted(codes)) or False,
                         "ecommerce_review_reason": "\n".join(reasons)})
            order._ecommerce_flag_left(reason, left)
        return True

    @api.multi
    def _ecommerce_lift_hold(self, codes):
        """Lift the holds ``codes``; the goods go again once no hold is left."""
        for order in self:
            remaining = order._ecommerce_hold_code_set() - set(codes)
            vals = {"ecommerce_hold_codes": ",".join(sorted(remaining)) or False}
            if not remaining:
                vals.update(ecommerce_review_needed=False, ecommerce_review_reason=False)
            order.write(vals)
        return True

    @api.multi
    def write(self, vals):
        if "ecommerce_hold_codes" not in vals:
            return super().write(vals)
        before = {order.id: bool(order.ecommerce_hold_codes) for order in self}
        result = super().write(vals)
        changed = self.filtered(lambda o: before[o.id] != bool(o.ecommerce_hold_codes)
                                or o.ecommerce_hold_codes)
        changed._ecommerce_apply_holds()
        return result

    @api.multi
    def _action_confirm(self):
        result = super()._action_confirm()
        shipper = self.env["ecommerce.platform.shipped"]
        for order in self.filtered(lambda o: any(o.order_line.mapped(
                "ecommerce_platform_shipped"))):
            for note in shipper._move_out(order):
                order.message_post(body=note)
        # Confirmed by hand while held: the new deliveries are held at once.
        self.filtered("ecommerce_hold_codes")._ecommerce_apply_holds()
        return result

    def _ecommerce_apply_holds(self):
        """Stop or free the goods of these orders as their hold codes say.

        Held: the open deliveries give back their reservations (the units serve
        other orders) and refuse validation. Free again: the deliveries are reserved again.
        """
        for order in self:
            held = order._ecommerce_held_pickings()
            if held:
                reason = order.ecommerce_review_reason or order.ecommerce_hold_codes
                to_hold = held.filtered(lambda p: p.ecommerce_hold_reason != reason)
                to_hold.write({"ecommerce_hold_reason": reason})
                to_hold.do_unreserve()
            # Cancelled too: a held sub-order refunded in full leaves no held delivery.
            freed = order.ecommerce_delivery_ids.filtered(
                lambda p: p.state != "done" and p.ecommerce_hold_reason) - held
            freed.write({"ecommerce_hold_reason": False})
            waiting = freed.filtered(
                lambda p: p.state in ("confirmed", "waiting", "partially_available"))
            if waiting:  # action_assign refuses an empty set
                waiting.action_assign()
        return True

    def _ecommerce_held_pickings(self):
        """The open deliveries the holds stop: all of them, except under a refund alone.

        Holds and shipments are per sub-order: a refund stops only its
        sub-orders' goods, which leave their delivery for one of their own (first
        delivery or backorder alike), so that the other sub-orders ship on time.
        """
        self.ensure_one()
        pickings = self.ecommerce_delivery_ids.filtered(
            lambda p: p.state not in ("done", "cancel"))
        if not self.ecommerce_hold_codes:
            return pickings.browse()
        lines = self._ecommerce_refunding_lines()
        if not lines:
            return self._ecommerce_own_part(pickings)
        moves = pickings.mapped("move_lines").filtered(
            lambda m: m.state not in ("done", "cancel") and m.sale_line_id in lines)
        held = pickings.browse()
        for picking in moves.mapped("picking_id"):
            held |= picking._ecommerce_split_off(
                moves.filtered(lambda m, p=picking: m.picking_id == p))
        return held

    def _ecommerce_own_part(self, pickings):
        """The deliveries holding this order's goods; from a parcel merged with other
        orders (合单) only its own goods come out, so the others still ship."""
        held = pickings.browse()
        for picking in pickings:
            open_moves = picking.move_lines.filtered(lambda m: m.state not in ("done", "cancel"))
            mine = open_moves.filtered(lambda m: m.sale_line_id.order_id == self)
            if not open_moves - mine:
                held |= picking
            elif mine:
                held |= picking._ecommerce_split_off(mine)
        return held

    def _ecommerce_refunding_lines(self):
        """The lines a refund alone holds (whole sub-orders: a pack has several
        lines); none when a hold stops the whole order, or when no line says which
        sub-order waits (a JD order locked as a whole)."""
        self.ensure_one()
        if self._ecommerce_hold_code_set() != {HOLD_REFUND}:
            return self.order_line.browse()
        pending = self.order_line.filtered(
            lambda line: line.ecommerce_refund_status in REFUND_PENDING_STATUSES)
        oids = set(pending.mapped("ecommerce_oid")) - {False}
        return pending | self.order_line.filtered(lambda line: line.ecommerce_oid in oids)

    def _ecommerce_flag_left(self, reason, pickings=None):
        """A hold arrived after (part of) the goods left: after-sales must act."""
        self.ensure_one()
        if pickings is None:
            pickings = self.picking_ids.filtered(
                lambda p: p.state == "done" and p.location_dest_id.usage == "customer"
                and p.ecommerce_shipment_state != "platform")
        text = _("Validated before this hold arrived; the goods have left. After-sales: "
                 "%(reason)s") % {"reason": reason}
        for picking in pickings.filtered(lambda p: p.ecommerce_after_sales != text):
            picking.write({"ecommerce_after_sales": text})
            picking.message_post(body=text)
        return True

    @api.multi
    def _prepare_invoice(self):
        vals = super()._prepare_invoice()
        vals["ecommerce_shop_id"] = self.ecommerce_shop_id.id or False
        journal = self.ecommerce_shop_id.journal_id
        if journal:
            if journal.company_id != self.company_id:
                raise UserError(_("The sales journal of shop %(shop)s belongs to another "
                                  "company.") % {"shop": self.ecommerce_shop_id.name})
            vals["journal_id"] = journal.id
        return vals

    # ------------------------------------------------------------------
    # Masked receivers
    # ------------------------------------------------------------------
    ecommerce_receiver_group = fields.Char(
        "Same Receiver As", readonly=True, copy=False, index=True,
        help="Open orders of the shop that the platform says go to the same receiver "
             "(platform order numbers), as it answered at the last import or merge: "
             "merging (合单) follows it.")
    ecommerce_receiver_masked = fields.Boolean(
        "Receiver Masked", compute="_compute_ecommerce_receiver_masked",
        help="The platform sent the receiver masked: only a Privacy Viewer can reveal it.")

    @api.depends("partner_shipping_id.ecommerce_oaid")
    def _compute_ecommerce_receiver_masked(self):
        for order in self:
            order.ecommerce_receiver_masked = bool(order.partner_shipping_id.ecommerce_oaid)

    @api.multi
    def action_ecommerce_reveal_receiver(self):
        """Button: ask why, then show the receiver in a dialog that keeps nothing."""
        self.ensure_one()
        self.ecommerce_shop_id._check_privacy_viewer()
        return {
            "type": "ir.actions.act_window", "res_model": "ecommerce.privacy.reveal.wizard",
            "view_mode": "form", "target": "new", "name": _("Reveal Receiver"),
            "context": {"default_order_id": self.id},
        }

    @api.multi
    def ecommerce_reveal_receiver(self, scene):
        """Decrypt this order's masked receiver through the platform (public API).

        Only for the E-commerce Privacy Viewer group. Every call is logged
        (ecommerce.privacy.log) and counted against the shop's daily cap.

        :param scene: manual_waybill, after_sales or customer_care
        :returns: ``{"ok": True, "receiver": {"name", "mobile", "phone", "state",
            "city", "district", "town", "address", ...}}`` or ``{"ok": False,
            "message"}``. Nothing of it is stored.
        """
        args = ApiArguments(self, "ecommerce_reveal_receiver")
        args.check_some_records()
        if len(self) != 1:
            raise UserError(_("Reveal the receiver of one order at a time."))
        self.ecommerce_shop_id._check_privacy_viewer()
        args.check_choice(scene, "scene", [key for key, _label in REVEAL_SCENES], required=True)
        self.check_access_rule("read")
        if not (self.ecommerce_shop_id and self.ecommerce_receiver_masked):
            raise UserError(_("Order %(order)s has no masked receiver: its delivery address "
                              "is the one to ship to.") % {"order": self.name})
        return self.ecommerce_shop_id._reveal_receiver(self, scene)
