# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""What a changed trade does to its sales order after import.

Each rule compares the platform's plan with what the order already knows and
changes the order only where they differ, so reading the same trade twice
changes nothing. Every change is described in a note for the chatter.
"""
from odoo import _, api, fields, models

from ..mapping.trade_mapping import (CLOSED_STATUSES, HOLD_FORBIDDEN, HOLD_MESSAGE,
                                     HOLD_REFUND, REFUND_PENDING_STATUSES)
from ..top_client import parse_beijing
from .order_importer import platform_status

# Holds the platform lifts by itself; a message or memo waits for a person.
PLATFORM_HOLDS = frozenset([HOLD_FORBIDDEN, HOLD_REFUND])


class EcommerceOrderFollower(models.AbstractModel):
    _name = "ecommerce.order.follower"
    _description = "E-commerce Order Follower"

    @api.model
    def _apply(self, importer, order, plan):
        """Bring ``order`` in line with ``plan``; returns the notes of what changed."""
        notes = self._follow_status(importer, order, plan)
        if order.state == "cancel" or plan["status"] in CLOSED_STATUSES:
            return notes
        shipped = self._is_shipped(order)
        notes += self._follow_lines(importer, order, plan, shipped)
        notes += self._follow_texts(order, plan, shipped)
        notes += self._follow_address(importer, order, plan, shipped)
        notes += self._follow_holds(order, plan, shipped)
        order.write({"ecommerce_modified":
                     fields.Datetime.to_string(parse_beijing(plan["modified"]))})
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

    @staticmethod
    def _is_shipped(order):
        return any(p.state == "done" and p.location_dest_id.usage == "customer"
                   for p in order.picking_ids)

    # -- sub-orders ---------------------------------------------------------
    def _follow_lines(self, importer, order, plan, shipped):
        by_oid = {line["oid"]: line for line in plan["lines"] + plan["removed_lines"]
                  if line["oid"]}
        removed = {line["oid"] for line in plan["removed_lines"]}
        notes, reduced = [], False
        for order_line in order.order_line.filtered("ecommerce_oid"):
            platform_line = by_oid.get(order_line.ecommerce_oid)
            if not platform_line:
                continue
            status = platform_line["refund_status"] or False
            if status != (order_line.ecommerce_refund_status or False):
                order_line.ecommerce_refund_status = status
                notes.append(_("Sub-order %(oid)s (%(title)s): refund status %(status)s.")
                             % {"oid": order_line.ecommerce_oid,
                                "title": platform_line["title"], "status": status or "-"})
            if order_line.ecommerce_oid in removed and order_line.product_uom_qty \
                    and not self._line_shipped(order_line):
                notes.append(self._drop_line(order_line, platform_line))
                reduced = True
        if reduced:
            importer._settle_cents(order, plan)
        return notes

    @staticmethod
    def _line_shipped(order_line):
        return order_line.ecommerce_no_delivery or any(
            move.state == "done" for move in order_line.move_ids)

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
        if not shipped and (plan["seller_memo"] or plan["buyer_message"]):
            self._hold(order, HOLD_MESSAGE, _(
                "The seller memo or buyer message changed after import: read it before "
                "shipping.\n%(text)s") % {"text": note})
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
        current = set(filter(None, (order.ecommerce_hold_codes or "").split(",")))
        notes = []
        if not shipped and HOLD_REFUND in wanted and HOLD_REFUND not in current:
            items = ", ".join(line["title"] or line["oid"] for line in plan["lines"]
                              if line["refund_status"] in REFUND_PENDING_STATUSES)
            self._hold(order, HOLD_REFUND, _("The buyer asked for a refund of %(items)s: "
                                             "decide on it on the platform before shipping.")
                       % {"items": items})
            notes.append(_("Held: refund requested for %(items)s.") % {"items": items})
        if HOLD_FORBIDDEN in wanted and HOLD_FORBIDDEN not in current:
            self._hold(order, HOLD_FORBIDDEN, _("The platform forbids shipping this trade "
                                                "for now (PAID_FORBID_CONSIGN)."))
            notes.append(_("Held: the platform forbids shipping."))
        lifted = (current & PLATFORM_HOLDS) - wanted
        if lifted:
            notes.append(self._release(order, current - lifted))
        return notes

    @staticmethod
    def _hold(order, code, reason):
        codes = set(filter(None, (order.ecommerce_hold_codes or "").split(",")))
        if code:
            codes.add(code)
        reasons = [r for r in (order.ecommerce_review_reason or "").split("\n") if r]
        if reason not in reasons:
            reasons.append(reason)
        order.write({"ecommerce_review_needed": True, "ecommerce_hold_codes":
                     ",".join(sorted(codes)) or False,
                     "ecommerce_review_reason": "\n".join(reasons)})

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
