"""Platform refund -> neutral refund record. Pure Python: no Odoo, no I/O."""
from .trade_mapping import TradeMappingError, to_money

# Taobao's refund statuses, grouped by what they mean for the seller.
REFUND_PENDING = frozenset(["WAIT_SELLER_AGREE", "WAIT_BUYER_RETURN_GOODS",
                            "WAIT_SELLER_CONFIRM_GOODS"])
REFUND_DONE = frozenset(["SUCCESS"])
REFUND_ENDED = frozenset(["CLOSED", "SELLER_REFUSE_BUYER"])
REFUND_STATUSES = REFUND_PENDING | REFUND_DONE | REFUND_ENDED | frozenset([
    "WAIT_BUYER_CONFIRM_EXCHANGE_SELLER_SEND_GOODS", "EXCHANGE_TRANSFORM_TO_REFUND",
    "WAIT_SELLER_CONSIGN_GOODS"])

REFUND_FIELDS = ("refund_id,tid,oid,title,num,total_fee,refund_fee,payment,status,"
                 "order_status,good_status,has_good_return,reason,desc,created,modified,"
                 "refund_phase,outer_id,sku,num_iid,company_name,sid")


def _text(record, key):
    value = record.get(key)
    return str(value).strip() if value not in (None, False) else ""


def plan_refund(raw):
    """Validate a refund and return its neutral record.

    :returns: dict refund_id, tid, oid, status, refund_fee (Decimal),
        good_status, has_good_return (bool), reason, description,
        created, modified (Beijing strings), order_status.
    :raises TradeMappingError: missing ids, unknown status, bad amount.
    """
    if not isinstance(raw, dict):
        raise TradeMappingError("a refund must be an object, got %s" % type(raw).__name__)
    missing = [k for k in ("refund_id", "tid", "status", "modified") if not _text(raw, k)]
    if missing:
        raise TradeMappingError("the refund lacks %s" % ", ".join(missing))
    status = _text(raw, "status")
    if status not in REFUND_STATUSES:
        raise TradeMappingError("unknown refund status %r" % status)
    return {
        "refund_id": _text(raw, "refund_id"),
        "tid": _text(raw, "tid"),
        # A single-order trade's refund names the trade itself as sub-order.
        "oid": _text(raw, "oid") or _text(raw, "tid"),
        "status": status,
        "refund_fee": to_money(raw.get("refund_fee") or "0.00", "refund_fee"),
        "good_status": _text(raw, "good_status"),
        "has_good_return": raw.get("has_good_return") in (True, "true", 1, "1"),
        "reason": _text(raw, "reason"),
        "description": _text(raw, "desc"),
        "created": _text(raw, "created") or _text(raw, "modified"),
        "modified": _text(raw, "modified"),
        "order_status": _text(raw, "order_status"),
    }
