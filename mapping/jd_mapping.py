# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""JD (JOS) orders, wares and refund applications -> the neutral plans the
Taobao mappings produce. Pure Python: no Odoo import, no I/O.

* ``plan_order`` returns exactly the dict shape of ``trade_mapping.plan_trade``
  (so ``plan_total``/``needs_review``/``first_seen_shipped`` apply unchanged);
* ``plan_ware`` returns the shape of ``item_mapping.build_plan``;
* ``plan_refund`` returns the shape of ``refund_mapping.plan_refund``.

Money is Decimal throughout; JD refunds count in fen (1/100 yuan).
"""
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from .item_mapping import ItemError, build_plan
from .trade_mapping import (HOLD_FORBIDDEN, HOLD_MESSAGE, HOLD_REFUND, TradeMappingError,
                            address_key, to_money, to_quantity)

JD_TIME = "%Y-%m-%d %H:%M:%S"
CENT = Decimal("0.01")

# Paid and waiting for the seller's shipment (WAIT_SELLER_DELIVERY is the
# cross-border name of the same step): the only states the shipment API takes.
JD_SHIPPABLE = frozenset(["WAIT_SELLER_STOCK_OUT", "WAIT_SELLER_DELIVERY"])
# Locked (usually a refund application pending) or paused: never ship, even
# if an order was imported while it was shippable.
JD_HOLD = frozenset(["LOCKED", "POP_ORDER_PAUSE", "PAUSE"])
JD_CLOSED = frozenset(["TRADE_CANCELED"])
JD_SHIPPED = frozenset(["WAIT_GOODS_RECEIVE_CONFIRM"])
JD_FINISHED = frozenset(["FINISHED_L"])
JD_STATES = (JD_SHIPPABLE | JD_HOLD | JD_CLOSED | JD_SHIPPED | JD_FINISHED
             | frozenset(["WAIT_SEND_CODE"]))
# Paid orders: these become sales orders (held ones wait for a person).
JD_PAYABLE = JD_SHIPPABLE | JD_HOLD | JD_SHIPPED | JD_FINISHED | frozenset(["WAIT_SEND_CODE"])

# Everything plan_order reads, for ``optional_fields`` of the order APIs.
ORDER_FIELDS = (
    "orderId,venderId,orderType,payType,orderTotalPrice,orderSellerPrice,orderPayment,"
    "freightPrice,sellerDiscount,balanceUsed,orderState,orderStateRemark,deliveryType,"
    "invoiceInfo,orderRemark,venderRemark,orderStartTime,orderEndTime,paymentConfirmTime,"
    "modified,waybill,logisticsId,consigneeInfo,itemInfoList,couponDetailList,pin,"
    "open_id_buyer,xid_buyer")

# JD refund application status -> the Taobao refund status of the same meaning.
JD_REFUND_STATUS = {
    0: "WAIT_SELLER_AGREE",    # pending review
    1: "SUCCESS",              # approved: JD pays the buyer back
    2: "SELLER_REFUSE_BUYER",  # refused
    3: "SUCCESS",              # refunded
    4: "SELLER_REFUSE_BUYER",  # refund refused
    6: "SUCCESS",              # intercepted and refunded
    9: "SUCCESS",              # force-closed and refunded
    11: "CLOSED",              # withdrawn by the buyer
}
NAME_MAX = 255
# payType of cash on delivery (4 is online payment).
JD_COD_PAY_TYPE = "1"


def status_meaning(state):
    """'to_ship', 'hold', 'shipped', 'finished', 'closed' or 'other'."""
    for meaning, states in (("to_ship", JD_SHIPPABLE), ("hold", JD_HOLD),
                            ("shipped", JD_SHIPPED), ("finished", JD_FINISHED),
                            ("closed", JD_CLOSED)):
        if state in states:
            return meaning
    return "other"


def is_payable(state):
    return state in JD_PAYABLE


def can_ship(state):
    return state in JD_SHIPPABLE


def _text(record, key):
    value = record.get(key)
    # ``is`` tests: 0 == False, and status 0 is a real refund status.
    return "" if value is None or value is False else str(value).strip()


def _time(record, key, required=False):
    """JD's Beijing time string, '' when absent; JD's '0001-01-01 00:00:00'
    (not paid yet) counts as absent."""
    value = _text(record, key)
    if value.startswith("0001-01-01"):
        value = ""
    if required and not value:
        raise TradeMappingError("the order lacks %s" % key)
    if value:
        try:
            datetime.strptime(value[:19], JD_TIME)
        except ValueError:
            raise TradeMappingError("%s is not a time YYYY-MM-DD HH:MM:SS: %r"
                                    % (key, record.get(key)))
    return value[:19]


def buyer_of(order):
    """The buyer's account: ``pin``, or the open ids of newer answers."""
    return _text(order, "pin") or _text(order, "open_id_buyer") or _text(order, "xid_buyer")


def address_of(order):
    """The consignee as trade_mapping.address_of's keys, values as JD gives them
    (masked or encrypted values are kept: they are what the seller can see)."""
    info = order.get("consigneeInfo") or {}
    if not isinstance(info, dict):
        raise TradeMappingError("consigneeInfo must be an object")
    parts = {"name": _text(info, "fullname"), "mobile": _text(info, "mobile"),
             "phone": _text(info, "telephone"), "state": _text(info, "province"),
             "city": _text(info, "city"), "district": _text(info, "county"),
             "town": _text(info, "town"), "zip": ""}
    if len(parts["name"]) > NAME_MAX:
        raise TradeMappingError("consigneeInfo.fullname is longer than %d characters" % NAME_MAX)
    full = _text(info, "fullAddress")
    parts["address"] = _street(full, parts)
    parts["full"] = full or " ".join(
        p for p in (parts["state"], parts["city"], parts["district"], parts["town"]) if p)
    raw = "\x1f".join(parts[k] for k in sorted(parts) if k != "full")
    parts["oaid"] = _text(order, "oaid")
    parts["key"] = address_key(raw, parts["oaid"])
    return parts


def _street(full, parts):
    """fullAddress repeats province, city, county and town first: drop them."""
    rest = full
    for key in ("state", "city", "district", "town"):
        if parts[key] and rest.startswith(parts[key]):
            rest = rest[len(parts[key]):].lstrip()
    return rest


def _line_state(state):
    """JD ships, cancels and refunds whole orders: every line shares the
    order's fate (trade_mapping's to_ship / shipped / closed)."""
    if state in JD_CLOSED:
        return "closed"
    if state in JD_SHIPPED or state in JD_FINISHED:
        return "shipped"
    return "to_ship"


def _sku_discounts(order):
    """{skuId: Decimal}: the per-SKU promotions (only coupon type 30 names
    its SKU), the one discount JD apportions to a line."""
    shares = {}
    for index, coupon in enumerate(order.get("couponDetailList") or []):
        if not isinstance(coupon, dict):
            raise TradeMappingError("couponDetailList[%d] must be an object" % index)
        sku_id = _text(coupon, "skuId")
        if sku_id:
            price = to_money(coupon.get("couponPrice"), "couponDetailList[%d].couponPrice" % index)
            shares[sku_id] = shares.get(sku_id, Decimal(0)) + price
    return shares


def _lines(order, state):
    items = order.get("itemInfoList")
    if not isinstance(items, list) or not items:
        raise TradeMappingError("the order has no itemInfoList")
    order_id, seen, lines = _text(order, "orderId"), {}, []
    shares = _sku_discounts(order)
    for index, item in enumerate(items):
        prefix = "itemInfoList[%d]" % index
        if not isinstance(item, dict) or not _text(item, "skuId"):
            raise TradeMappingError("%s lacks skuId" % prefix)
        sku_id = _text(item, "skuId")
        # JD has no sub-order id: the SKU names the line within its order, a
        # repeated SKU gets a counter so that the id stays stable and unique.
        seen[sku_id] = seen.get(sku_id, 0) + 1
        oid = "%s-%s" % (order_id, sku_id)
        if seen[sku_id] > 1:
            oid += "-%d" % seen[sku_id]
        price = to_money(item.get("jdPrice"), prefix + ".jdPrice")
        qty = to_quantity(item.get("itemTotal"), prefix + ".itemTotal")
        gift = price == 0
        # A SKU's promotion goes to its first line only: counted once.
        share = shares.pop(sku_id, Decimal(0))
        amount = Decimal(0) if gift else max(price * qty - share, Decimal(0))
        lines.append({
            "state": _line_state(state),
            "refund_status": "",
            # JD refunds whole orders: a cancelled order takes every line out.
            "refunded": Decimal(0),
            "booked": amount if state in JD_CLOSED else Decimal(0),
            "amount": amount,
            "kind": "gift" if gift else "goods",
            "oid": oid,
            "num_iid": _text(item, "wareId"),
            "sku_id": sku_id,
            "outer_id": _text(item, "outerSkuId") or _text(item, "productNo"),
            "title": _text(item, "skuName"),
            "sku_properties": "",
            "qty": qty,
            "list_price": price,
            # Paid price, as trade_mapping: taxes fall on what the buyer paid.
            "price_unit": amount / qty,
        })
    return lines


def promotion_names(order):
    """Coupon type names without their number: '41-京东券优惠' -> '京东券优惠'."""
    names = []
    for coupon in order.get("couponDetailList") or []:
        kind = _text(coupon, "couponType") if isinstance(coupon, dict) else ""
        name = kind.split("-", 1)[1].strip() if "-" in kind else kind
        if name and name not in names:
            names.append(name)
    return names


def plan_order(order):
    """Validate a JD order and return its sales order plan.

    Same keys as trade_mapping.plan_trade: tid, status (the JD state),
    created, modified, buyer_nick (pin or open id), buyer_message
    (orderRemark), seller_memo (venderRemark), address, lines, removed_lines,
    postage (freightPrice), discount, promotions (coupon type names),
    payment, paid (orderPayment) and holds. ``discount`` is the signed amount
    that makes the kept lines + postage + discount equal ``payment``, which
    is orderPayment; a cancelled order has its lines in removed_lines and
    nothing due (payment, postage and discount 0).

    :raises TradeMappingError: missing fields, wrong types, unknown state.
    """
    if not isinstance(order, dict):
        raise TradeMappingError("an order must be an object, got %s" % type(order).__name__)
    missing = [k for k in ("orderId", "orderState", "orderPayment") if not _text(order, k)]
    if missing:
        raise TradeMappingError("the order lacks %s" % ", ".join(missing))
    state = _text(order, "orderState")
    if state not in JD_STATES:
        raise TradeMappingError("unknown order state %r" % state)
    buyer = buyer_of(order)
    if not buyer:
        raise TradeMappingError("the order lacks pin and open_id_buyer")
    if len(buyer) > NAME_MAX:
        raise TradeMappingError("the buyer account is longer than %d characters" % NAME_MAX)
    created = _time(order, "orderStartTime", required=True)
    lines = _lines(order, state)
    paid = to_money(order.get("orderPayment"), "orderPayment")
    postage = to_money(order.get("freightPrice") or "0.00", "freightPrice")
    gone = [line for line in lines if line["state"] == "closed"]
    kept = [line for line in lines if line["state"] != "closed"]
    if not kept:
        # A cancelled JD order is cancelled whole: nothing is due, not even
        # the freight, and no discount is left to carry.
        due = postage = Decimal("0.00")
    else:
        due = paid
    goods = sum((line["amount"] for line in kept), Decimal(0))
    plan = {
        "tid": _text(order, "orderId"),
        "status": state,
        "created": created,
        "modified": _time(order, "modified") or created,
        "buyer_nick": buyer,
        "buyer_name": buyer,
        "buyer_message": _text(order, "orderRemark"),
        "seller_memo": _text(order, "venderRemark"),
        # JD promises no ship-by time in the order: the shop's default applies.
        "ship_by": "",
        "cod": _text(order, "payType") == JD_COD_PAY_TYPE,
        "presale_waiting": False,
        "address": address_of(order),
        "lines": kept,
        "removed_lines": gone,
        "postage": postage,
        "discount": due - goods - postage,
        "promotions": promotion_names(order),
        "payment": due,
        "paid": paid,
    }
    plan["holds"] = hold_reasons(plan)
    return plan


def hold_reasons(plan):
    """trade_mapping's hold reasons, read from JD's states: LOCKED means a
    refund application is pending, a pause means JD forbids shipping."""
    holds = []
    if plan["buyer_message"] or plan["seller_memo"]:
        holds.append(HOLD_MESSAGE)
    if plan["status"] in ("POP_ORDER_PAUSE", "PAUSE"):
        holds.append(HOLD_FORBIDDEN)
    if plan["status"] == "LOCKED":
        holds.append(HOLD_REFUND)
    return holds


# -- wares ------------------------------------------------------------------
def jd_time(value):
    """A JD time (Beijing string, or epoch milliseconds as some answers type
    SKU ``modified``) as a Beijing string; '' when absent."""
    if value in (None, "", False):
        return ""
    if isinstance(value, bool):
        raise ItemError("malformed_time", "malformed time %(value)r", value=value)
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        moment = datetime(1970, 1, 1) + timedelta(hours=8, milliseconds=int(value))
        return moment.strftime(JD_TIME)
    text = str(value).strip()[:19]
    try:
        datetime.strptime(text, JD_TIME)
    except ValueError:
        raise ItemError("malformed_time", "malformed time %(value)r", value=value)
    return text


def _escape(text):
    # item_mapping splits SKU properties on ':' and ';' before unescaping.
    return text.replace(":", "#cln#").replace(";", "#scln#")


def _sale_attr(attr, owner, attr_names):
    if not isinstance(attr, dict) or not _text(attr, "attrId").isdigit():
        raise ItemError("malformed_properties", "%(owner)s: malformed saleAttrs %(text)r",
                        owner=owner, text=attr)
    values = attr.get("attrValues") or []
    aliases = attr.get("attrValueAlias") or []
    if not values or not str(values[0]).strip().isdigit():
        raise ItemError("malformed_properties", "%(owner)s: malformed saleAttrs %(text)r",
                        owner=owner, text=attr)
    attr_id, value_id = _text(attr, "attrId"), str(values[0]).strip()
    name = attr_names.get(attr_id) or _text(attr, "attrName") or attr_id
    value = str(aliases[0]).strip() if aliases and str(aliases[0]).strip() else value_id
    return "%s:%s:%s:%s" % (attr_id, value_id, _escape(name), _escape(value))


def _sku_order(attr):
    try:
        return int(attr.get("index") or 0)
    except (TypeError, ValueError, AttributeError):
        return 0


def plan_ware(ware, skus, attr_names=None):
    """A JD ware and its SKUs -> the import plan of item_mapping.build_plan.

    ``attr_names`` maps sale attribute ids to names ({'1000000041': '颜色'});
    JD's SKU answers carry only ids, so without it an ``attrName`` given with
    the attribute, else the id, names the attribute. Deleted SKUs (status 4)
    are left out. A ware whose single SKU has no sale attributes becomes an
    item without variants, but keeps that SKU's id: JD stock is per SKU.

    :raises ItemError: malformed ware or SKUs (as item_mapping does).
    """
    if not isinstance(ware, dict) or not _text(ware, "wareId"):
        raise ItemError("missing_id", "A ware has no wareId")
    attr_names = dict((str(k), v) for k, v in (attr_names or {}).items())
    live = [s for s in skus or [] if str(s.get("status", 1)).strip() != "4"]
    if not live:
        raise ItemError("no_sku", "Ware %(ware)s has no SKU", ware=_text(ware, "wareId"))
    plain = len(live) == 1 and not live[0].get("saleAttrs")
    item = {
        "num_iid": _text(ware, "wareId"), "title": _text(ware, "title"),
        "outer_id": _text(ware, "outerId") or _text(ware, "itemNum"),
        "modified": jd_time(ware.get("modified")),
        "price": ware.get("jdPrice") or live[0].get("jdPrice"),
        "skus": [] if plain else [_top_sku(s, attr_names) for s in live],
    }
    if plain:
        item["outer_id"] = _text(live[0], "outerId") or item["outer_id"]
    plan = build_plan(item)
    if plain:
        plan["variants"][0]["sku_id"] = _text(live[0], "skuId")
    return plan


def _top_sku(sku, attr_names):
    owner = "SKU %s" % _text(sku, "skuId")
    attrs = sorted(sku.get("saleAttrs") or [], key=_sku_order)
    return {"sku_id": _text(sku, "skuId"), "outer_id": _text(sku, "outerId"),
            "price": sku.get("jdPrice"), "modified": jd_time(sku.get("modified")),
            "properties_name": ";".join(_sale_attr(a, owner, attr_names) for a in attrs)}


# -- refunds ----------------------------------------------------------------
def fen_to_yuan(value, name="applyRefundSum"):
    """JD counts refunds in fen: 12345 -> Decimal('123.45')."""
    if isinstance(value, (bool, float)) or value in (None, ""):
        raise TradeMappingError("%s must be a whole number of fen, got %r" % (name, value))
    try:
        fen = Decimal(str(value).strip())
    except InvalidOperation:
        raise TradeMappingError("%s is not an amount: %r" % (name, value))
    if not fen.is_finite() or fen != fen.to_integral_value() or fen < 0:
        raise TradeMappingError("%s must be a whole number of fen, got %r" % (name, value))
    return (fen / 100).quantize(CENT)


def plan_refund(application):
    """A refund application (queryPageList row) -> the neutral refund record
    of refund_mapping.plan_refund. JD refunds a whole order: ``oid`` is None.

    :raises TradeMappingError: missing ids, unknown status, bad amount.
    """
    if not isinstance(application, dict):
        raise TradeMappingError("a refund must be an object, got %s"
                                % type(application).__name__)
    missing = [k for k in ("id", "orderId", "status", "applyTime")
               if not _text(application, k)]
    if missing:
        raise TradeMappingError("the refund lacks %s" % ", ".join(missing))
    try:
        status = JD_REFUND_STATUS[int(_text(application, "status"))]
    except (KeyError, ValueError):
        raise TradeMappingError("unknown refund status %r" % application.get("status"))
    created = _time(application, "applyTime", required=True)
    return {
        "refund_id": _text(application, "id"),
        "tid": _text(application, "orderId"),
        "oid": None,
        # JD has no sub-order id: the refunded SKU (when JD names it) finds the line.
        "sku_id": _text(application, "skuId"),
        "status": status,
        "refund_fee": fen_to_yuan(application.get("applyRefundSum")),
        "good_status": "",
        "has_good_return": False,
        # JD's refund applications carry no goods status; JD pays back goods
        # that left only once they come back (after-sales return, or a parcel
        # intercepted on its way), so the success of such a refund is the
        # signal a return is coming (see refund_mapping.goods_returned).
        "goods_back_on_success": True,
        "reason": _text(application, "reason"),
        "description": "",
        "created": created,
        "modified": _time(application, "checkTime") or created,
        "order_status": "",
        # A JD refund application covers the whole order, not a number of pieces.
        "qty": None,
    }
