# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""What a changed trade does to its sales order after import.

Each rule compares the platform's plan with what the order already knows and
changes the order only where they differ, so reading the same trade twice
changes nothing. Every change is described in a note for the chatter.
"""
from odoo import _, api, fields, models
from odoo.tools import float_compare

from ..mapping.trade_mapping import (CLOSED_STATUSES, HOLD_FORBIDDEN, HOLD_MESSAGE,
                                     HOLD_PRESALE, HOLD_REFUND, REFUND_PENDING_STATUSES)
from .order_importer import platform_status


def refund_text(order, lines):
    """The items of ``lines`` with, where the refund is known, its amount and the
    buyer's reason."""
    # A search: the refund may have been stored a moment ago, in this transaction.
    refunds = order.env["ecommerce.refund"].search([
        ("sale_order_id", "=", order.id), ("oid", "in", lines.mapped("ecommerce_oid"))],
        order="id desc")
    parts = []
    for line in lines:
        refund = refunds.filtered(lambda r, oid=line.ecommerce_oid: r.oid == oid)[:1]
        item = line.product_id.name or line.ecommerce_oid
        if refund:
            parts.append(_("%(item)s (%(amount).2f, buyer's reason: %(reason)s)") % {
                "item": item, "amount": refund.refund_fee,
                "reason": refund.reason or _("none given")})
        else:
            parts.append(item)
    return ", ".join(parts)


# Holds the platform lifts by itself; a message or memo waits for a person.
PLATFORM_HOLDS = frozenset([HOLD_FORBIDDEN, HOLD_REFUND, HOLD_PRESALE])


class EcommerceOrderFollower(models.AbstractModel):
    _name = "ecommerce.order.follower"
    _description = "E-commerce Order Follower"

    @api.model
    def _apply(self, importer, order, plan):
        """Bring ``order`` in line with ``plan``; returns the notes of what changed."""
        notes = self._follow_status(importer, order, plan)
        if order.state == "cancel" or plan["status"] in CLOSED_STATUSES:
            return notes
        notes += self._follow_lines(importer, order, plan)
        shipped = self._is_shipped(order)
        notes += self._follow_texts(order, plan, shipped)
        notes += self._follow_address(importer, order, plan, shipped)
        notes += self._follow_holds(order, plan, shipped)
        vals = {"ecommerce_modified": fields.Datetime.to_string(
            importer.adapter.parse_time(plan["modified"]))}
        if plan.get("ship_by"):  # a presale paid at last ships by its own promise
            vals["ecommerce_ship_by"] = importer._ship_by(plan)
        order.write(vals)
        return notes

    # -- status -------------------------------------------------------------
    def _follow_status(self, importer, order, plan):
        status, native = plan["status"], platform_status(plan)
        if status == order.ecommerce_status and native == order.ecommerce_native_status:
            return []
        # In the platform's words: JD's LOCKED and POP_ORDER_PAUSE are both
        # PAID_FORBID_CONSIGN, the seller must still tell them apart.
        notes = [_("Platform status: %(old)s → %(new)s.") % {
            "old": order.ecommerce_native_status or order.ecommerce_status or "-",
            "new": native}]
        closing = status != order.ecommerce_status and status in CLOSED_STATUSES
        order.write({"ecommerce_status": status, "ecommerce_native_status": native})
        if closing and order.state != "cancel":
            reason = self._cancel_closed_order(order, status)
            if order.state == "cancel":
                importer.summary["cancelled"].append(plan["tid"])
            importer.summary["cancel_reasons"][plan["tid"]] = reason
            notes.append(reason)
        return notes

    def _cancel_closed_order(self, order, status):
        shipped = order.picking_ids.filtered(lambda p: p.state == "done")
        invoiced = order.invoice_ids.filtered(lambda i: i.state not in ("draft", "cancel"))
        if shipped or invoiced:
            reason = _("The trade was closed on the platform (%(status)s) but the order is "
                       "already shipped or invoiced: handle the return or refund by hand.") \
                % {"status": status}
            order.write({"ecommerce_review_needed": True, "ecommerce_review_reason": reason})
        else:
            order.action_cancel()
            reason = _("Cancelled: the trade was closed on the platform (%(status)s) before "
                       "shipping.") % {"status": status}
        return reason

    @classmethod
    def _is_shipped(cls, order):
        """Whether nothing of the order is left to ship: decided per line, since a
        partly shipped trade still has goods in its backorder."""
        return not cls._unshipped(order.order_line.filtered("ecommerce_oid"))

    @classmethod
    def _unshipped(cls, order_lines):
        return order_lines.filtered(
            lambda line: line.product_uom_qty and line.product_id.type in ("product", "consu")
            and not cls._line_shipped(line))

    # -- sub-orders ---------------------------------------------------------
    def _follow_lines(self, importer, order, plan):
        """Refund status of each sub-order, and its money booked once.

        A refund or closure before Odoo shipped the sub-order is booked in the
        order (the line out when whole, the total lowered when partial); after
        Odoo shipped it, the refund sync books it as a credit note and the
        order keeps the sub-order's money.
        """
        by_oid = {line["oid"]: line for line in plan["lines"] + plan["removed_lines"]
                  if line["oid"]}
        notes, rebooked, credited, lowered = [], False, set(), {}
        for order_line in order.order_line.filtered("ecommerce_oid"):
            oid = order_line.ecommerce_oid
            platform_line = by_oid.get(oid)
            if not platform_line:
                continue
            status = platform_line["refund_status"] or False
            if plan.get("refund_status_known", True) and \
                    status != (order_line.ecommerce_refund_status or False):
                order_line.ecommerce_refund_status = status
                notes.append(_("Sub-order %(oid)s (%(title)s): refund status %(status)s.")
                             % {"oid": oid, "title": platform_line["title"],
                                "status": status or "-"})
            booked = float(platform_line.get("booked") or 0)
            if not booked:
                continue
            if not order_line.ecommerce_refund_booked and self._shipped_here(order_line):
                credited.add(oid)
                continue
            if float_compare(order_line.ecommerce_refund_booked, booked, 2) == 0:
                continue
            if platform_line["state"] not in ("refunded", "closed"):
                # Every line of a pack or bundle carries the sub-order's booked sum.
                entry = lowered.setdefault(
                    oid, [booked - order_line.ecommerce_refund_booked, order_line.browse()])
                entry[1] |= order_line
            notes.append(self._book_in_order(order_line, platform_line, booked))
            rebooked = True
        notes = [note for note in notes if note]
        if rebooked:
            importer._lower_discounts(order, lowered)
            importer._settle_cents(order, plan, credited)
        self._book_credited(order, credited)
        order.picking_ids._ecommerce_requeue_left_out()
        notes += self.env["ecommerce.platform.shipped"]._follow(order, plan)
        return notes

    def _book_in_order(self, order_line, platform_line, booked):
        if platform_line["state"] in ("refunded", "closed"):
            note = self._drop_line(order_line, platform_line) if order_line.product_uom_qty \
                else False
        else:
            note = _("Sub-order %(oid)s (%(title)s) was refunded %(amount).2f in part before "
                     "shipping: its goods still ship, the order total is lowered by the "
                     "refund.") % {"oid": order_line.ecommerce_oid,
                                   "title": platform_line["title"],
                                   "amount": booked - order_line.ecommerce_refund_booked}
        order_line.ecommerce_refund_booked = booked
        return note

    def _book_credited(self, order, credited):
        """Refunds of sub-orders Odoo shipped that the refund sync read before the
        goods left: their credit note is due now."""
        if not credited:
            return
        refunds = self.env["ecommerce.refund"].search([
            ("sale_order_id", "=", order.id), ("oid", "in", list(credited)),
            ("status", "=", "SUCCESS"), ("credit_note_id", "=", False)])
        if refunds:
            self.env["ecommerce.refund.importer"]._start(order.ecommerce_shop_id) \
                ._book_stored(refunds)

    @staticmethod
    def _line_shipped(order_line):
        return order_line.ecommerce_no_delivery or any(
            move.state == "done" for move in order_line.move_ids)

    @staticmethod
    def _shipped_here(order_line):
        """Odoo delivered goods of the line: a refund now is a credit note."""
        return any(move.state == "done" and move.location_dest_id.usage == "customer"
                   for move in order_line.move_ids)

    @staticmethod
    def _drop_line(order_line, platform_line):
        """A sub-order refunded or closed before shipping leaves the order and its delivery."""
        amount = order_line.price_total
        order_line.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))._action_cancel()
        order_line.write({"product_uom_qty": 0})
        why = _("refunded") if platform_line["state"] == "refunded" else _("closed")
        return _("Sub-order %(oid)s (%(title)s) was %(why)s on the platform before shipping: "
                 "its line (%(amount).2f) and its delivery quantity are cancelled.") % {
            "oid": order_line.ecommerce_oid, "title": platform_line["title"], "why": why,
            "amount": amount}

    # -- messages and memos -------------------------------------------------
    def _follow_texts(self, order, plan, shipped):
        changed = {}
        if plan["seller_memo"] != (order.ecommerce_seller_memo or ""):
            changed["ecommerce_seller_memo"] = plan["seller_memo"] or False
        if plan["buyer_message"] != (order.ecommerce_buyer_message or ""):
            changed["ecommerce_buyer_message"] = plan["buyer_message"] or False
        if not changed:
            return []
        order.write(changed)
        note = _("Seller memo: %(memo)s / buyer message: %(message)s") % {
            "memo": plan["seller_memo"] or "-", "message": plan["buyer_message"] or "-"}
        if not shipped and order._ecommerce_text_rules_broken():
            self._hold(order, HOLD_MESSAGE, _(
                "The seller memo or buyer message changed after import: read it before "
                "shipping.\n%(text)s") % {"text": note})
        elif plan["seller_memo"] or plan["buyer_message"]:
            self._hold(order, None, _("The seller memo or buyer message changed after the "
                                      "goods left.\n%(text)s") % {"text": note})
        return [note]

    # -- address ------------------------------------------------------------
    def _follow_address(self, importer, order, plan, shipped):
        key = plan["address"]["key"]
        if key == order.ecommerce_address_key:
            return []
        if shipped:
            order.write({"ecommerce_address_key": key})
            self._hold(order, None, _("The buyer changed the delivery address after "
                                      "shipping: %(address)s") % {
                "address": plan["address"]["full"]})
            return [_("Address changed after shipping; the order is flagged.")]
        pending = {}
        contact = importer._delivery_address(plan, order.partner_id, pending)
        importer.cache.update(pending)
        order.write({"partner_shipping_id": contact.id, "ecommerce_address_key": key})
        order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")).write(
            {"partner_id": contact.id})
        return [_("New delivery address: %(name)s, %(address)s") % {
            "name": contact.name, "address": plan["address"]["full"]}]

    # -- holds --------------------------------------------------------------
    def _follow_holds(self, order, plan, shipped):
        wanted = set(plan["holds"]) & PLATFORM_HOLDS
        current = order._ecommerce_hold_code_set()
        notes = []
        if HOLD_REFUND in wanted and HOLD_REFUND not in current:
            notes += self._hold_refund(order, plan)
        elif HOLD_REFUND in wanted:
            # Another sub-order's refund began or ended: its goods stop or go.
            order._ecommerce_apply_holds()
        if HOLD_FORBIDDEN in wanted and HOLD_FORBIDDEN not in current:
            self._hold(order, HOLD_FORBIDDEN, _("The platform forbids shipping this trade "
                                                "for now (PAID_FORBID_CONSIGN, or the "
                                                "platform locked the order)."))
            notes.append(_("Held: the platform forbids shipping."))
        if HOLD_PRESALE in wanted and HOLD_PRESALE not in current:
            self._hold(order, HOLD_PRESALE, _("Presale: the final payment is missing; the "
                                              "order ships once it is paid."))
        lifted = (current & PLATFORM_HOLDS) - wanted
        if lifted:
            notes.append(self._release(order, current - lifted))
        return notes

    def _hold_refund(self, order, plan):
        """A refund waits: hold the sub-orders' goods still here, flag those gone."""
        lines = order.order_line.filtered("ecommerce_oid")
        refunding = lines.filtered(
            lambda line: line.ecommerce_refund_status in REFUND_PENDING_STATUSES)
        if not any(line["refund_status"] for line in plan["lines"]):
            refunding = lines  # JD: a locked order refunds as a whole
        text = refund_text(order, refunding)
        left = order.picking_ids.filtered(
            lambda p: p.state == "done" and p.location_dest_id.usage == "customer"
            and refunding & p.move_lines.mapped("sale_line_id"))
        if self._unshipped(refunding):
            self._hold(order, HOLD_REFUND, _("The buyer asked for a refund of %(items)s: "
                                             "decide on it on the platform before shipping.")
                       % {"items": text}, left)
            return [_("Held: refund requested for %(items)s.") % {"items": text}]
        reason = _("The buyer asked for a refund of %(items)s after the goods left.") % {
            "items": text}
        if not left or all(p.ecommerce_after_sales and reason in p.ecommerce_after_sales
                           for p in left):
            return []
        order._ecommerce_flag_left(reason, left)
        return [reason]

    @staticmethod
    def _hold(order, code, reason, left=None):
        order._ecommerce_hold(code, reason, left)

    @staticmethod
    def _release(order, remaining):
        """The platform lifted its hold: confirm unless a person still has to decide."""
        order.write({"ecommerce_hold_codes": ",".join(sorted(remaining)) or False})
        if remaining:
            return _("The platform lifted a hold; the order still waits for review.")
        order.write({"ecommerce_review_needed": False, "ecommerce_review_reason": False})
        if order.state in ("draft", "sent"):
            order.action_confirm()
            return _("Released: the platform allows shipping again; the order is confirmed.")
        return _("Released: nothing on the platform holds the order any more.")
