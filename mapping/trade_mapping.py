# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

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
# Paid, and the seller may ship (part of) it now.
TO_SHIP_STATUSES = frozenset(["WAIT_SELLER_SEND_GOODS", "SELLER_CONSIGNED_PART"])
# Paid, but the platform forbids shipping (e.g. a group buy not complete yet).
FORBIDDEN_STATUSES = frozenset(["PAID_FORBID_CONSIGN"])
# The goods have left: a first import must not ship them again.
SHIPPED_STATUSES = frozenset(["WAIT_BUYER_CONFIRM_GOODS", "TRADE_BUYER_SIGNED", "TRADE_FINISHED"])
# Sub-order refund statuses.
REFUND_PENDING_STATUSES = frozenset(["WAIT_SELLER_AGREE", "WAIT_BUYER_RETURN_GOODS",
                                     "WAIT_SELLER_CONFIRM_GOODS"])
REFUND_DONE_STATUSES = frozenset(["SUCCESS"])

# Why an order waits for a person (or for the platform) instead of being confirmed.
HOLD_MESSAGE = "message"
HOLD_FORBIDDEN = "forbidden"
HOLD_REFUND = "refund"
# A presale trade whose final payment is missing: it ships once paid.
HOLD_PRESALE = "presale"
PRESALE_WAITING_STEPS = frozenset(["FRONT_PAID_FINAL_NOPAID"])
# Trade type of cash on delivery: it ships with the platform's online send.
COD_TYPE = "cod"

# Fields asked from the list APIs: everything an order needs except what
# only taobao.trade.fullinfo.get returns (messages, memos, promotions).
LIST_FIELDS = (
    "tid,status,type,created,modified,pay_time,buyer_nick,buyer_open_uid,seller_flag,"
    "has_buyer_message,oaid,step_trade_status,delivery_time,send_time,"
    "payment,total_fee,post_fee,discount_fee,adjust_fee,"
    "receiver_name,receiver_state,receiver_city,receiver_district,receiver_town,"
    "receiver_address,receiver_zip,receiver_mobile,receiver_phone,"
    "orders.oid,orders.num_iid,orders.sku_id,orders.outer_iid,orders.outer_sku_id,"
    "orders.title,orders.sku_properties_name,orders.price,orders.num,orders.total_fee,"
    "orders.payment,orders.discount_fee,orders.adjust_fee,orders.status,"
    "orders.refund_status,orders.refund_id,orders.divide_order_fee,orders.part_mjz_discount,"
    "orders.consign_time,orders.invoice_no")
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
    return any(isinstance(o, dict) and _text(o, "price") in ("0", "0.00")
               for o in _orders(trade))


def _orders(trade):
    orders = trade.get("orders") or []
    if isinstance(orders, dict):  # unflattened TOP shape {"order": [...]}
        orders = orders.get("order") or []
    if not isinstance(orders, list):
        raise TradeMappingError("orders must be a list, got %s" % type(orders).__name__)
    return orders


def address_of(trade):
    """Receiving address as the platform gives it (masked where it masks) plus a
    stable dedupe key and the ``oaid`` (empty for plain receivers)."""
    parts = {key: _text(trade, "receiver_" + key)
             for key in ("name", "mobile", "phone", "state", "city", "district", "town",
                         "address", "zip")}
    full = " ".join(p for p in (parts["state"], parts["city"], parts["district"],
                                parts["town"], parts["address"]) if p)
    raw = "\x1f".join(parts[k] for k in sorted(parts))
    parts["full"] = full
    parts["oaid"] = _text(trade, "oaid")
    parts["key"] = address_key(raw, parts["oaid"])
    return parts


def address_key(raw, oaid):
    """The address's dedupe key: its OAID where the platform gives one, since
    masked texts of two receivers may be equal; else the plain values."""
    if oaid:
        raw = "oaid\x1f" + oaid
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()


def is_masked(text):
    return "*" in (text or "")


def buyer_key(nick, open_uid):
    """Who the buyer is within a shop: the nick, or the platform's buyer id where
    the nick comes masked (two buyers may mask alike)."""
    return open_uid if open_uid and is_masked(nick) else nick


def _paid_amount(order, prefix, price, qty):
    """What the buyer paid for the sub-order, as the platform apportions it.

    ``divide_order_fee`` already spreads shop-wide discounts (满减) over the
    sub-orders; without it, the sub-order's total after its own discounts
    less its share of them (``part_mjz_discount``); without either, the
    list price: the discount line then takes what is not apportioned.
    """
    if _text(order, "divide_order_fee"):
        return to_money(order.get("divide_order_fee"), prefix + ".divide_order_fee")
    if _text(order, "total_fee") and _text(order, "part_mjz_discount"):
        return to_money(order.get("total_fee"), prefix + ".total_fee") - to_money(
            order.get("part_mjz_discount"), prefix + ".part_mjz_discount")
    return price * qty


def _sub_order_state(order, trade_status, partial=False):
    """to_ship, shipped, refunded or closed: what the seller still owes for it.

    A partial refund (price protection, 部分退款) leaves the sub-order to ship
    or shipped: only its money changes.
    """
    status = _text(order, "status") or trade_status
    refunded = _text(order, "refund_status") in REFUND_DONE_STATUSES
    if (refunded and not partial) or status in CLOSED_STATUSES:
        return "refunded" if refunded else "closed"
    if status in SHIPPED_STATUSES or _text(order, "consign_time") \
            or (trade_status in SHIPPED_STATUSES and status not in TO_SHIP_STATUSES):
        return "shipped"
    return "to_ship"


def _refunded_amount(order, amount, refund_fees):
    """Money refunded on a sub-order whose refund succeeded: the refund's own
    amount where known, else (an older answer without it) all it cost."""
    if _text(order, "refund_status") not in REFUND_DONE_STATUSES:
        return Decimal(0)
    known = (refund_fees or {}).get(_text(order, "oid"))
    return amount if known is None else min(known, amount)


def _goods_line(order, index, trade_status="", refund_fees=None):
    if not isinstance(order, dict):
        raise TradeMappingError("orders[%d] must be an object, got %s"
                                % (index, type(order).__name__))
    prefix = "orders[%d]" % index
    if not _text(order, "num_iid"):
        raise TradeMappingError("%s lacks num_iid" % prefix)
    price = to_money(order.get("price"), prefix + ".price")
    gift = order.get("is_free_gift") in (True, "true") or price == 0
    qty = to_quantity(order.get("num"), prefix + ".num")
    amount = Decimal(0) if gift else _paid_amount(order, prefix, price, qty)
    refunded = _refunded_amount(order, amount, refund_fees)
    partial = Decimal(0) < refunded < amount
    return {
        "state": _sub_order_state(order, trade_status, partial),
        "refund_status": _text(order, "refund_status"),
        # Money the platform gave back on the sub-order (all of it when refunded whole).
        "refunded": refunded if refunded else Decimal(0),
        "amount": amount,
        "kind": "gift" if gift else "goods",
        "oid": _text(order, "oid"),
        "num_iid": _text(order, "num_iid"),
        "sku_id": _text(order, "sku_id"),
        "outer_id": _text(order, "outer_sku_id") or _text(order, "outer_iid"),
        "title": _text(order, "title"),
        "sku_properties": _text(order, "sku_properties_name"),
        "qty": qty,
        # Listed price: the order line shows it, discount lines take the rest.
        "list_price": Decimal(0) if gift else price,
        # Paid price: taxes are computed on what the buyer paid for the goods.
        "price_unit": amount / qty,
    }


def _promotion_details(trade):
    """The promotion entries; a malformed one refuses this trade, not the run."""
    details = trade.get("promotion_details") or []
    if isinstance(details, dict):
        details = details.get("promotion_detail") or []
    if not isinstance(details, list) or not all(isinstance(d, dict) for d in details):
        raise TradeMappingError("promotion_details must be a list of objects")
    return details


def _promotion_gifts(trade):
    details = _promotion_details(trade)
    gifts = []
    for detail in details:
        if not _text(detail, "gift_item_id"):
            continue
        gifts.append({
            "kind": "gift", "oid": "", "num_iid": _text(detail, "gift_item_id"),
            "sku_id": "", "outer_id": "", "sku_properties": "",
            "title": _text(detail, "gift_item_name") or _text(detail, "promotion_name"),
            "qty": to_quantity(detail.get("gift_item_num") or 1, "gift_item_num"),
            "price_unit": Decimal(0), "amount": Decimal(0), "state": "to_ship",
            "refund_status": "", "refunded": Decimal(0),
        })
    return gifts


def promotion_names(trade):
    details = _promotion_details(trade)
    return [_text(d, "promotion_name") for d in details
            if _text(d, "promotion_name") and not _text(d, "gift_item_id")]


def plan_trade(trade, refund_fees=None):
    """Validate a TOP trade and return the plan of its sales order.

    :param refund_fees: {oid: Decimal} amounts of the sub-orders' succeeded
        refunds (the trade only says that they succeeded); a sub-order missing
        here counts as refunded whole.

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
    _check_time(trade, "delivery_time")
    _check_time(trade, "send_time")
    _check_length(trade, "buyer_nick")
    _check_length(trade, "receiver_name")
    orders = _orders(trade)
    if not orders:
        raise TradeMappingError("the trade has no orders")
    lines = [_goods_line(o, i, status, refund_fees) for i, o in enumerate(orders)]
    gifts = _promotion_gifts(trade)
    # A promotion's gift leaves with the goods: once none is left to ship, it has gone.
    states = {line["state"] for line in lines}
    if "shipped" in states and "to_ship" not in states:
        for gift in gifts:
            gift["state"] = "shipped"
    lines += gifts
    payment = to_money(trade.get("payment"), "payment")
    postage = to_money(trade.get("post_fee") or "0.00", "post_fee")
    # A refunded or closed sub-order is neither shipped nor paid for in the end.
    gone = [line for line in lines if line["state"] in ("refunded", "closed")]
    kept = [line for line in lines if line not in gone]
    for line in lines:
        line["booked"] = booked_in_order(line)
    due = payment - sum((line["booked"] for line in lines), Decimal(0))
    # A partial refund before shipping lowers the money, not the goods: the
    # discount line takes it.
    goods = sum((line["amount"] for line in kept), Decimal(0))
    plan = {
        "tid": _text(trade, "tid"),
        "status": status,
        "created": _text(trade, "created"),
        "modified": _text(trade, "modified") or _text(trade, "created"),
        "buyer_nick": buyer_key(_text(trade, "buyer_nick"), _text(trade, "buyer_open_uid")),
        "buyer_name": _text(trade, "buyer_nick"),
        "buyer_message": _text(trade, "buyer_message"),
        "seller_memo": _text(trade, "seller_memo"),
        "address": address_of(trade),
        "lines": kept,
        "removed_lines": gone,
        "postage": postage,
        "discount": due - goods - postage,
        "promotions": promotion_names(trade),
        "payment": due,
        "paid": payment,
        "ship_by": ship_by(trade),
        "cod": _text(trade, "type") == COD_TYPE,
        "presale_waiting": presale_waiting(trade),
    }
    plan["holds"] = hold_reasons(plan)
    return plan


def _readable_orders(trade):
    try:
        return [o for o in _orders(trade) if isinstance(o, dict)] \
            if isinstance(trade, dict) else []
    except TradeMappingError:
        return []


def sold_units(trade):
    """[(num_iid, sku_id, num)] of the readable sub-orders of a refused trade."""
    units = []
    for order in _readable_orders(trade):
        if isinstance(order, dict) and _text(order, "num_iid"):
            try:
                units.append((_text(order, "num_iid"), _text(order, "sku_id"),
                              to_quantity(order.get("num"), "num")))
            except TradeMappingError:
                continue
    return units


def refunded_sub_orders(trade):
    """{oid: refund_id} of the sub-orders whose refund succeeded: the trade
    says that they did, only the refund says how much."""
    found = {}
    for order in _readable_orders(trade):
        if isinstance(order, dict) and _text(order, "refund_status") in REFUND_DONE_STATUSES \
                and _text(order, "refund_id") and _text(order, "oid"):
            found[_text(order, "oid")] = _text(order, "refund_id")
    return found


def booked_in_order(line):
    """What the order total gives up for a sub-order when its refund or closure
    is booked in the order (before it shipped from Odoo): all of it when it is
    gone, the refund when it was refunded in part."""
    if line["state"] in ("refunded", "closed"):
        return line["amount"]
    return line.get("refunded") or Decimal(0)


def due_with_credit_notes(plan, credited_oids):
    """What the order total must be when the refunds of ``credited_oids``
    (sub-orders Odoo shipped) are booked as credit notes instead: their money
    stays in the order, once."""
    lines = plan["lines"] + plan["removed_lines"]
    return plan["payment"] + sum((line.get("booked") or Decimal(0) for line in lines
                                  if line["oid"] and line["oid"] in credited_oids), Decimal(0))


def plan_total(plan):
    """Sum of the plan's line amounts; equals plan["payment"] by construction."""
    goods = sum((line["amount"] for line in plan["lines"]), Decimal(0))
    return goods + plan["postage"] + plan["discount"]


def ship_by(trade):
    """The latest shipping time the platform promises the buyer (Beijing), or ''.

    A presale trade ships by its send_time; any other by its delivery_time.
    """
    if _text(trade, "step_trade_status") and _text(trade, "send_time"):
        return _text(trade, "send_time")
    return _text(trade, "delivery_time")


def presale_waiting(trade):
    """A presale trade whose deposit is paid and whose final payment is not."""
    return isinstance(trade, dict) and _text(trade, "step_trade_status") in PRESALE_WAITING_STEPS


def hold_reasons(plan):
    """Why the order must not be confirmed (and shipped) now; empty when it may."""
    holds = []
    if plan["buyer_message"] or plan["seller_memo"]:
        holds.append(HOLD_MESSAGE)
    if plan["status"] in FORBIDDEN_STATUSES:
        holds.append(HOLD_FORBIDDEN)
    if any(line["refund_status"] in REFUND_PENDING_STATUSES for line in plan["lines"]):
        holds.append(HOLD_REFUND)
    if plan.get("presale_waiting"):
        holds.append(HOLD_PRESALE)
    return holds


def first_seen_shipped(plan):
    """Whether nothing of the trade is left to ship (all shipped or gone)."""
    return plan["status"] in SHIPPED_STATUSES or not any(
        line["state"] == "to_ship" for line in plan["lines"])


def is_payable(status):
    return status in PAYABLE_STATUSES


def needs_review(plan):
    """Orders with a buyer message or a seller memo wait for a person."""
    return bool(plan["buyer_message"] or plan["seller_memo"])
