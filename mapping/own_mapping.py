# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Own web shop (自有商城) orders -> the neutral plan of trade_mapping.plan_trade.

Pure Python: no Odoo import, no I/O. An own shop pushes its orders in the
documented neutral format (docs/own_shop.md); ``plan_order`` turns one into
exactly the plan shape the Taobao and JD mappings produce, with the statuses
translated into the Taobao names the importer and the follower decide on.

The listing key of an own shop is the line's merchant code (or its SKU id when
the shop has no codes): it becomes the plan line's ``num_iid`` with an empty
``sku_id``, so that an own-shop SKU mapping (Item ID = merchant code) or a
product with that Internal Reference is found, and the stock rules count it.
"""
import re
from datetime import datetime
from decimal import Decimal

from .trade_mapping import (TradeMappingError, address_of, booked_in_order, hold_reasons, to_money,
                            to_quantity)

BEIJING_FORM = "%Y-%m-%d %H:%M:%S"
NAME_MAX = 255
NUMBER_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

# Own-shop status -> the Taobao status of the same meaning.
ORDER_STATUSES = {
    "paid": "WAIT_SELLER_SEND_GOODS",
    "shipped": "WAIT_BUYER_CONFIRM_GOODS",
    "completed": "TRADE_FINISHED",
    "cancelled": "TRADE_CLOSED",
}
# Per-line refund -> the Taobao sub-order refund status of the same meaning.
REFUND_STATUSES = {
    "": "",
    "requested": "WAIT_SELLER_AGREE",
    "refunded": "SUCCESS",
}
ADDRESS_FIELDS = {"name": "name", "mobile": "mobile", "phone": "phone", "state": "province",
                  "city": "city", "district": "district", "address": "street", "zip": "zip"}


def _text(record, key):
    value = record.get(key)
    return "" if value is None or value is False else str(value).strip()


def _object(value, name):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TradeMappingError("%s must be an object, got %s" % (name, type(value).__name__))
    return value


def _time(order, key, required):
    value = _text(order, key)
    if not value:
        if required:
            raise TradeMappingError("the order lacks %s" % key)
        return ""
    try:
        datetime.strptime(value, BEIJING_FORM)
    except ValueError:
        raise TradeMappingError("%s is not a Beijing time YYYY-MM-DD HH:MM:SS: %r"
                                % (key, order.get(key)))
    return value


def _limited(record, key, name):
    value = _text(record, key)
    if len(value) > NAME_MAX:
        raise TradeMappingError("%s is longer than %d characters" % (name, NAME_MAX))
    return value


def order_number(order):
    """The order's number as a string; refuses what cannot name a sales order."""
    if not isinstance(order, dict):
        raise TradeMappingError("an order must be an object, got %s" % type(order).__name__)
    value = order.get("number")
    if isinstance(value, bool) or isinstance(value, float):
        raise TradeMappingError("number must be a text such as \"A1001\", got %r" % (value,))
    number = _text(order, "number")
    if not number:
        raise TradeMappingError("the order lacks number")
    if not NUMBER_RE.match(number):
        raise TradeMappingError("number may hold only letters, digits, '-' and '_' (at most "
                                "64), got %r" % number)
    return number


def trade_status(order):
    status = _text(order, "status")
    if status not in ORDER_STATUSES:
        raise TradeMappingError("status must be one of %s, got %r"
                                % (", ".join(sorted(ORDER_STATUSES)), order.get("status")))
    return ORDER_STATUSES[status]


def buyer_of(order):
    """The name the buyer is known by in the shop: nick, else id."""
    buyer = _object(order.get("buyer"), "buyer")
    name = _limited(buyer, "nick", "buyer.nick") or _limited(buyer, "id", "buyer.id")
    if not name:
        raise TradeMappingError("buyer needs an id or a nick")
    return name


def own_address(order):
    """The delivery address as trade_mapping.address_of returns it."""
    address = _object(order.get("address"), "address")
    _limited(address, "name", "address.name")
    receiver = {"receiver_" + key: _text(address, source)
                for key, source in ADDRESS_FIELDS.items()}
    return address_of(receiver)


def _line_state(refund_status, status):
    if refund_status == "SUCCESS":
        return "refunded"
    if status == "TRADE_CLOSED":
        return "closed"
    if status in ("WAIT_BUYER_CONFIRM_GOODS", "TRADE_FINISHED"):
        return "shipped"
    return "to_ship"


def _line(line, index, status):
    prefix = "lines[%d]" % index
    line = _object(line, prefix)
    key = _text(line, "merchant_code") or _text(line, "sku_id")
    if not key:
        raise TradeMappingError("%s needs a merchant_code or a sku_id" % prefix)
    qty = to_quantity(line.get("qty"), prefix + ".qty")
    if line.get("paid") is None:
        raise TradeMappingError("%s lacks paid (what the buyer paid for the line)" % prefix)
    amount = to_money(line.get("paid"), prefix + ".paid")
    if amount < 0:
        raise TradeMappingError("%s.paid cannot be negative, got %r" % (prefix, line.get("paid")))
    _check_line_price(line, prefix, qty, amount)
    refund = _text(line, "refund")
    if refund not in REFUND_STATUSES:
        raise TradeMappingError("%s.refund must be requested, refunded or empty, got %r"
                                % (prefix, line.get("refund")))
    line_id = _text(line, "line_id")
    if refund and not line_id:
        # The follower finds a refunded line again by its id only.
        raise TradeMappingError("%s has a refund but no line_id" % prefix)
    refund_status = REFUND_STATUSES[refund]
    return {
        "state": _line_state(refund_status, status),
        "refund_status": refund_status,
        # The own shop refunds a line whole.
        "refunded": amount if refund_status == "SUCCESS" else Decimal(0),
        "amount": amount,
        "kind": "goods",
        "oid": line_id,
        "num_iid": key,
        "sku_id": "",
        "outer_id": key,
        "title": _limited(line, "title", prefix + ".title"),
        "sku_properties": _text(line, "options"),
        "qty": qty,
        # The own shop sends what was paid only: that is the line's listed price.
        "list_price": amount / qty,
        "price_unit": amount / qty,
    }


def _check_line_price(line, prefix, qty, amount):
    """With a unit ``price``, ``paid`` must be price x qty - the line's ``discount``."""
    if line.get("price") in (None, ""):
        if line.get("discount") not in (None, ""):
            raise TradeMappingError("%s has a discount but no price" % prefix)
        return
    price = to_money(line.get("price"), prefix + ".price")
    discount = _optional_money(line, "discount", prefix + ".discount")
    if price < 0:
        raise TradeMappingError("%s.price cannot be negative, got %r"
                                % (prefix, line.get("price")))
    if price * qty - discount != amount:
        raise TradeMappingError("%s.paid %s is not price %s x qty %s - discount %s = %s"
                                % (prefix, amount, price, qty, discount,
                                   price * qty - discount))


def _lines(order, status):
    lines = order.get("lines")
    if not isinstance(lines, list) or not lines:
        raise TradeMappingError("lines must be a non-empty list")
    result = [_line(line, index, status) for index, line in enumerate(lines)]
    ids = [line["oid"] for line in result if line["oid"]]
    if len(ids) != len(set(ids)):
        raise TradeMappingError("two lines have the same line_id")
    return result


def _optional_money(order, key, name=None):
    name = name or key
    if order.get(key) in (None, ""):
        return Decimal("0.00")
    amount = to_money(order.get(key), name)
    if amount < 0:
        raise TradeMappingError("%s cannot be negative, got %r" % (name, order.get(key)))
    return amount


def plan_order(order):
    """Validate an own-shop order and return the plan of its sales order.

    :returns: the dict of ``trade_mapping.plan_trade`` (tid, status in Taobao's
        words, created/modified Beijing strings, buyer_nick, buyer_message,
        seller_memo, address, lines, removed_lines, postage, discount,
        promotions, payment, paid, holds); the amounts of the kept lines,
        postage and discount add up to payment.
    :raises TradeMappingError: the message names the field that is wrong.
    """
    number = order_number(order)
    status = trade_status(order)
    created = _time(order, "created", required=True)
    modified = _time(order, "modified", required=False) or created
    if modified < created:
        raise TradeMappingError("modified %s is before created %s" % (modified, created))
    lines = _lines(order, status)
    postage = _optional_money(order, "postage")
    discount = _optional_money(order, "discount")
    if order.get("payment") in (None, ""):
        raise TradeMappingError("the order lacks payment (what the buyer paid)")
    paid = to_money(order.get("payment"), "payment")
    if paid < 0:
        raise TradeMappingError("payment cannot be negative, got %r" % (order.get("payment"),))
    goods = sum((line["amount"] for line in lines), Decimal(0))
    if goods + postage - discount != paid:
        raise TradeMappingError(
            "payment %s is not the lines' paid %s + postage %s - discount %s = %s"
            % (paid, goods, postage, discount, goods + postage - discount))
    gone = [line for line in lines if line["state"] in ("refunded", "closed")]
    kept = [line for line in lines if line not in gone]
    for line in lines:
        line["booked"] = booked_in_order(line)
    payment = paid - sum((line["amount"] for line in gone), Decimal(0))
    plan = {
        "tid": number,
        "status": status,
        "created": created,
        "modified": modified,
        "buyer_nick": buyer_of(order),
        "buyer_name": buyer_of(order),
        "buyer_message": _text(order, "buyer_message"),
        "seller_memo": _text(order, "seller_memo"),
        # The shop's own promise applies: an own order states no ship-by time.
        "ship_by": "",
        "cod": False,
        "presale_waiting": False,
        "address": own_address(order),
        "lines": kept,
        "removed_lines": gone,
        "postage": postage,
        # Postage stays what the buyer paid even when every line is refunded:
        # the discount line takes the rest so that the total is the payment.
        "discount": payment - sum((line["amount"] for line in kept), Decimal(0)) - postage,
        "promotions": [],
        "payment": payment,
        "paid": paid,
    }
    plan["holds"] = hold_reasons(plan)
    return plan


def order_row(order):
    """The list row the importer reads: number, status in Taobao's words and
    times, the pushed order kept whole for ``plan_order``. Validates the order
    completely, so that a wrong one is refused before anything is stored."""
    plan = plan_order(order)
    return {"tid": plan["tid"], "status": plan["status"], "created": plan["created"],
            "modified": plan["modified"], "platform_status": _text(order, "status"),
            "own_order": order}
