# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Platform refund -> neutral refund record. Pure Python: no Odoo, no I/O."""
from decimal import Decimal

from .trade_mapping import TradeMappingError, _check_time, to_money

# Taobao's refund statuses, grouped by what they mean for the seller.
REFUND_PENDING = frozenset(["WAIT_SELLER_AGREE", "WAIT_BUYER_RETURN_GOODS",
                            "WAIT_SELLER_CONFIRM_GOODS"])
REFUND_DONE = frozenset(["SUCCESS"])
REFUND_ENDED = frozenset(["CLOSED", "SELLER_REFUSE_BUYER"])
REFUND_STATUSES = REFUND_PENDING | REFUND_DONE | REFUND_ENDED | frozenset([
    "WAIT_BUYER_CONFIRM_EXCHANGE_SELLER_SEND_GOODS", "EXCHANGE_TRANSFORM_TO_REFUND",
    "WAIT_SELLER_CONSIGN_GOODS"])
# The goods are on their way back to the seller (or there already).
GOODS_RETURNED = "BUYER_RETURNED_GOODS"
# The goods states of a refund (good_status), with their labels for ecommerce.refund.
GOOD_STATUS_SELECTION = [
    ("BUYER_NOT_RECEIVED", "Buyer did not receive the goods"),
    ("BUYER_RECEIVED", "Buyer received the goods"),
    (GOODS_RETURNED, "Buyer returned the goods"),
]

REFUND_FIELDS = ("refund_id,tid,oid,title,num,total_fee,refund_fee,payment,status,"
                 "order_status,good_status,has_good_return,reason,desc,created,modified,"
                 "refund_phase,outer_id,sku,num_iid,company_name,sid")
# taobao.refund.get knows a few more fields than the list; these are the ones
# the neutral record or a seller reading the refund may use.
REFUND_DETAIL_FIELDS = REFUND_FIELDS + ",good_return_time,end_time,price"
# A list row lacking one of these is completed by the detail call. ``desc`` and
# ``reason`` are not among them: TOP leaves empty texts out of its answers, so
# their absence says nothing.
LIST_REQUIRED = ("refund_id", "tid", "oid", "status", "refund_fee", "good_status",
                 "has_good_return", "modified")


def _text(record, key):
    value = record.get(key)
    return str(value).strip() if value not in (None, False) else ""


def needs_refund_detail(row):
    """True when a list row lacks a field the neutral record needs."""
    return any(row.get(key) in (None, "") for key in LIST_REQUIRED)


def merge_detail(row, detail):
    """The list row completed by the detail answer (the detail wins where it speaks)."""
    merged = dict(row)
    merged.update({k: v for k, v in (detail or {}).items() if v not in (None, "")})
    return merged


def plan_refund(raw):
    """Validate a refund and return its neutral record.

    :returns: dict refund_id, tid, oid, status, refund_fee (Decimal),
        good_status, has_good_return (bool), reason, description,
        created, modified (Beijing strings), order_status, qty (int or None).
    :raises TradeMappingError: missing ids, unknown status, bad amount or time.
    """
    if not isinstance(raw, dict):
        raise TradeMappingError("a refund must be an object, got %s" % type(raw).__name__)
    missing = [k for k in ("refund_id", "tid", "status", "modified") if not _text(raw, k)]
    if missing:
        raise TradeMappingError("the refund lacks %s" % ", ".join(missing))
    status = _text(raw, "status")
    if status not in REFUND_STATUSES:
        raise TradeMappingError("unknown refund status %r" % status)
    refund_fee = to_money(raw.get("refund_fee") or "0.00", "refund_fee")
    if refund_fee < Decimal("0"):
        raise TradeMappingError("refund_fee must not be negative: %r" % raw.get("refund_fee"))
    modified = _check_time(raw, "modified")
    return {
        "refund_id": _text(raw, "refund_id"),
        "tid": _text(raw, "tid"),
        # A single-order trade's refund names the trade itself as sub-order.
        "oid": _text(raw, "oid") or _text(raw, "tid"),
        "sku_id": "",
        "status": status,
        "refund_fee": refund_fee,
        "good_status": _text(raw, "good_status"),
        "has_good_return": raw.get("has_good_return") in (True, "true", 1, "1"),
        # Taobao says where the goods are (good_status): success alone returns nothing.
        "goods_back_on_success": False,
        "reason": _text(raw, "reason"),
        "description": _text(raw, "desc"),
        "created": _check_time(raw, "created") or modified,
        "modified": modified,
        "order_status": _text(raw, "order_status"),
        # Pieces refunded; None where the platform does not say (a money-only refund).
        "qty": _refund_qty(raw),
    }


def _refund_qty(raw):
    value = raw.get("num")
    if value is None or value == "":
        return None
    try:
        qty = int(str(value).strip())
    except ValueError:
        raise TradeMappingError("num must be a whole number, got %r" % raw.get("num"))
    if qty < 1:
        raise TradeMappingError("num must be at least 1, got %r" % raw.get("num"))
    return qty


def goods_returned(plan):
    """The buyer has sent the goods back: the seller expects a return.

    A platform that never says where the goods are (JD) refunds goods that
    left only once they are coming back (after-sales return or a parcel
    intercepted on its way): its refund's success is that signal.
    """
    if plan.get("goods_back_on_success") and plan["status"] in REFUND_DONE:
        return True
    return plan["good_status"] == GOODS_RETURNED
