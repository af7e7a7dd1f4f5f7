"""TOP trade -> plain import plan. Pure Python: no Odoo import, no I/O.

The plan says which lines a sales order needs so that its total is exactly what
the buyer paid: goods at their list price, postage, gifts at 0, and one
discount line carrying every platform discount and price adjustment. Money is
handled with Decimal; floats never touch an amount here.
"""
import hashlib
from datetime import datetime
from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")

KNOWN_STATUSES = frozenset([
    "TRADE_NO_CREATE_PAY", "WAIT_BUYER_PAY", "SELLER_CONSIGNED_PART",
    "WAIT_SELLER_SEND_GOODS", "WAIT_BUYER_CONFIRM_GOODS", "TRADE_BUYER_SIGNED",
    "TRADE_FINISHED", "TRADE_CLOSED", "TRADE_CLOSED_BY_TAOBAO", "PAY_PENDING",
    "WAIT_PRE_AUTH_CONFIRM", "PAID_FORBID_CONSIGN",
])
# Paid and still to ship or already on its way: these become sales orders.
PAYABLE_STATUSES = frozenset([
    "WAIT_SELLER_SEND_GOODS", "SELLER_CONSIGNED_PART", "WAIT_BUYER_CONFIRM_GOODS",
    "TRADE_BUYER_SIGNED", "TRADE_FINISHED", "PAID_FORBID_CONSIGN",
])
CLOSED_STATUSES = frozenset(["TRADE_CLOSED", "TRADE_CLOSED_BY_TAOBAO"])

# Fields asked from the list APIs: everything an order needs except what
# only taobao.trade.fullinfo.get returns (messages, memos, promotions).
LIST_FIELDS = (
    "tid,status,type,created,modified,pay_time,buyer_nick,seller_flag,has_buyer_message,"
    "payment,total_fee,post_fee,discount_fee,adjust_fee,"
    "receiver_name,receiver_state,receiver_city,receiver_district,receiver_town,"
    "receiver_address,receiver_zip,receiver_mobile,receiver_phone,"
    "orders.oid,orders.num_iid,orders.sku_id,orders.outer_iid,orders.outer_sku_id,"
    "orders.title,orders.sku_properties_name,orders.price,orders.num,orders.total_fee,"
    "orders.payment,orders.discount_fee,orders.adjust_fee,orders.status,"
    "orders.refund_status")
FULL_FIELDS = LIST_FIELDS + (
    ",buyer_message,seller_memo,promotion_details,orders.is_free_gift,orders.has_gift,"
    "orders.gift_mids")
TRADE_TYPES = ("fixed,auction,guarantee_trade,auto_delivery,ec,cod,step,"
               "independent_simple_trade,independent_shop_trade,tmall_i18n")


class TradeMappingError(ValueError):
    """The trade cannot be turned into an order; the message says why."""


def to_money(value, name):
    """Decimal with 2 places from TOP's money string; refuses anything else."""
    if isinstance(value, float) or isinstance(value, bool) or value in (None, ""):
        raise TradeMappingError("%s must be a money string, got %r" % (name, value))
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise TradeMappingError("%s is not an amount: %r" % (name, value))
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise TradeMappingError("%s is not an amount in cents: %r" % (name, value))
    return amount.quantize(CENT)


def to_quantity(value, name):
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise TradeMappingError("%s must be a whole number, got %r" % (name, value))
    if number < 1:
        raise TradeMappingError("%s must be at least 1, got %r" % (name, value))
    return number


def _text(trade, key):
    value = trade.get(key)
    return str(value).strip() if value not in (None, False) else ""


def _check_time(trade, key):
    """TOP's 'YYYY-MM-DD HH:MM:SS' or nothing; anything else refuses the trade
    here instead of failing later while the order is written."""
    value = _text(trade, key)
    if value:
        try:
            datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            raise TradeMappingError("%s is not a time YYYY-MM-DD HH:MM:SS: %r"
                                    % (key, trade.get(key)))
    return value


# A buyer nick (at most a few dozen characters on the platform) names the buyer
# and a receiver name the delivery contact, both indexed partner names: a
# longer one is bogus data and refuses the trade instead of failing the batch
# on the database's index size limit.
NAME_MAX = 255


def _check_length(trade, key):
    if len(_text(trade, key)) > NAME_MAX:
        raise TradeMappingError("%s is longer than %d characters" % (key, NAME_MAX))


def _require(trade, keys):
    missing = [k for k in keys if not _text(trade, k)]
    if missing:
        raise TradeMappingError("the trade lacks %s" % ", ".join(missing))


def needs_full_detail(trade):
    """Whether the list row lacks something the order needs.

    Messages and memos decide the confirmation hold, and a zero-price order
    may be a gift whose flags only the details carry. Discounts need no
    details: the list's amounts give the discount line, only the promotion
    names (its label) would be missing.
    """
    if trade.get("has_buyer_message") in (True, "true", 1):
        return True
    if _text(trade, "seller_flag") not in ("", "0"):
        return True
    return any(_text(o, "price") in ("0", "0.00") for o in _orders(trade))


def _orders(trade):
    orders = trade.get("orders") or []
    if isinstance(orders, dict):  # unflattened TOP shape {"order": [...]}
        orders = orders.get("order") or []
    return orders


def address_of(trade):
    """Receiving address as plain values plus a stable dedupe key."""
    parts = {key: _text(trade, "receiver_" + key)
             for key in ("name", "mobile", "phone", "state", "city", "district", "town",
                         "address", "zip")}
    full = " ".join(p for p in (parts["state"], parts["city"], parts["district"],
                                parts["town"], parts["address"]) if p)
    raw = "\x1f".join(parts[k] for k in sorted(parts))
    parts["full"] = full
    parts["key"] = hashlib.sha1(raw.encode("utf-8")).hexdigest()
    return parts


def _goods_line(order, index):
    prefix = "orders[%d]" % index
    if not _text(order, "num_iid"):
        raise TradeMappingError("%s lacks num_iid" % prefix)
    price = to_money(order.get("price"), prefix + ".price")
    gift = order.get("is_free_gift") in (True, "true") or price == 0
    return {
        "kind": "gift" if gift else "goods",
        "oid": _text(order, "oid"),
        "num_iid": _text(order, "num_iid"),
        "sku_id": _text(order, "sku_id"),
        "outer_id": _text(order, "outer_sku_id") or _text(order, "outer_iid"),
        "title": _text(order, "title"),
        "sku_properties": _text(order, "sku_properties_name"),
        "qty": to_quantity(order.get("num"), prefix + ".num"),
        "price_unit": Decimal(0) if gift else price,
    }


def _promotion_gifts(trade):
    details = trade.get("promotion_details") or []
    if isinstance(details, dict):
        details = details.get("promotion_detail") or []
    gifts = []
    for detail in details:
        if not _text(detail, "gift_item_id"):
            continue
        gifts.append({
            "kind": "gift", "oid": "", "num_iid": _text(detail, "gift_item_id"),
            "sku_id": "", "outer_id": "", "sku_properties": "",
            "title": _text(detail, "gift_item_name") or _text(detail, "promotion_name"),
            "qty": to_quantity(detail.get("gift_item_num") or 1, "gift_item_num"),
            "price_unit": Decimal(0),
        })
    return gifts


def promotion_names(trade):
    details = trade.get("promotion_details") or []
    if isinstance(details, dict):
        details = details.get("promotion_detail") or []
    return [_text(d, "promotion_name") for d in details
            if _text(d, "promotion_name") and not _text(d, "gift_item_id")]


def plan_trade(trade):
    """Validate a TOP trade and return the plan of its sales order.

    :returns: dict with tid, status, created/modified (Beijing strings),
        buyer_nick, buyer_message, seller_memo, address, lines (goods and gifts),
        postage, discount (signed amount added to reach payment) and payment;
        the amounts of the lines, postage and discount add up to payment.
    :raises TradeMappingError: missing fields, wrong types, unknown status.
    """
    if not isinstance(trade, dict):
        raise TradeMappingError("a trade must be an object, got %s" % type(trade).__name__)
    _require(trade, ("tid", "status", "created", "buyer_nick", "payment"))
    status = _text(trade, "status")
    if status not in KNOWN_STATUSES:
        raise TradeMappingError("unknown trade status %r" % status)
    _check_time(trade, "created")
    _check_time(trade, "modified")
    _check_length(trade, "buyer_nick")
    _check_length(trade, "receiver_name")
    orders = _orders(trade)
    if not orders:
        raise TradeMappingError("the trade has no orders")
    lines = [_goods_line(o, i) for i, o in enumerate(orders)] + _promotion_gifts(trade)
    payment = to_money(trade.get("payment"), "payment")
    postage = to_money(trade.get("post_fee") or "0.00", "post_fee")
    goods = sum((line["price_unit"] * line["qty"] for line in lines), Decimal(0))
    return {
        "tid": _text(trade, "tid"),
        "status": status,
        "created": _text(trade, "created"),
        "modified": _text(trade, "modified") or _text(trade, "created"),
        "buyer_nick": _text(trade, "buyer_nick"),
        "buyer_message": _text(trade, "buyer_message"),
        "seller_memo": _text(trade, "seller_memo"),
        "address": address_of(trade),
        "lines": lines,
        "postage": postage,
        "discount": payment - goods - postage,
        "promotions": promotion_names(trade),
        "payment": payment,
    }


def plan_total(plan):
    """Sum of the plan's line amounts; equals plan["payment"] by construction."""
    goods = sum((line["price_unit"] * line["qty"] for line in plan["lines"]), Decimal(0))
    return goods + plan["postage"] + plan["discount"]


def is_payable(status):
    return status in PAYABLE_STATUSES


def needs_review(plan):
    """Orders with a buyer message or a seller memo wait for a person."""
    return bool(plan["buyer_message"] or plan["seller_memo"])
