# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Stock push rules, free of Odoo and of I/O.

What quantity a shop may sell, which quantities must be sent again, how they
are packed into TOP calls (one item per call, at most 20 SKUs), and what the
platform says it accepted. Targets are ``(num_iid, sku_id)`` pairs of strings,
``sku_id`` being ``""`` for an item sold without SKUs.
"""
import math
from collections import OrderedDict, namedtuple
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

ITEM_METHOD = "taobao.item.quantity.update"
SKUS_METHOD = "taobao.skus.quantity.update"
MAX_SKUS_PER_CALL = 20
FULL_UPDATE = 1
# Most a full update sends: quantities are stored in Odoo integer fields
# (PostgreSQL int4) and TOP's stock fields; a larger on-hand is sent capped.
MAX_QUANTITY = 999999999
# Sums of float quants such as 2.9999999996 still are 3 whole units.
_EPSILON = 1e-6

StockCall = namedtuple("StockCall", "method params num_iid quantities")
StockCall.__doc__ = """One TOP call; ``quantities`` is a tuple of (sku_id, qty) it sends."""


def sellable_quantity(stocks, buffer=0):
    """Whole units a shop may sell.

    :param stocks: iterable of ``(on_hand, promised)`` per location: the
        quantity on hand and what confirmed deliveries already claim from it.
        A location short of stock does not eat into another one's stock.
    :param buffer: units kept back from the shop (safety buffer).
    :returns: an int >= 0, at most MAX_QUANTITY.
    """
    free = free_quantity(stocks)
    return min(MAX_QUANTITY,
               max(0, int(math.floor(free + _EPSILON)) - max(0, int(buffer or 0))))


def free_quantity(stocks):
    """Units free in the locations of ``stocks`` [(on_hand, promised)], as a float.

    A location short of stock does not eat into another one's stock.
    """
    return sum(max(0.0, float(on_hand or 0.0) - float(promised or 0.0))
               for on_hand, promised in stocks)


def complete_sets(free_by_product, units_by_product, percent=100.0):
    """Complete packs or bundles that ``percent`` % of the free units make up.

    :param free_by_product: {product: free units}, already net of the units
        the platform sold that Odoo has not reserved yet (may be negative).
    :param units_by_product: {product: units of it in one pack or bundle}.
    :returns: ``min(floor(free * percent / 100 / units))`` over the products,
        an int >= 0 (0 when there is no product).
    """
    if not units_by_product:
        return 0
    share = max(0.0, float(percent or 0.0)) / 100.0
    sets = []
    for product, units in units_by_product.items():
        units = float(units or 0.0)
        if units <= 0:
            return 0
        free = max(0.0, float(free_by_product.get(product) or 0.0)) * share
        sets.append(int(math.floor(free / units + _EPSILON)))
    return max(0, min(sets))


def allocated_quantity(sets, buffer=0, cap=0, fixed=None):
    """What one listing offers: a fixed quantity as it is, else the complete
    sets less the shop's safety buffer, at most ``cap`` (0: no cap).

    :returns: an int >= 0, at most MAX_QUANTITY.
    """
    if fixed is not None:
        return min(MAX_QUANTITY, max(0, int(fixed)))
    qty = max(0, int(sets) - max(0, int(buffer or 0)))
    if cap and int(cap) > 0:
        qty = min(qty, int(cap))
    return min(MAX_QUANTITY, qty)


def apportion_price(qty, price_unit, components, digits=2):
    """Order lines of ``qty`` platform units sold at ``price_unit`` each, for a
    pack or bundle made of ``components`` [(key, units, list_price)].

    Each component ships ``qty * units``; the amount ``qty * price_unit`` is
    shared by list value (units x list price; by units where every list price
    is 0), rounded to ``digits``, and the last component takes the rounding.
    Where its share does not divide into its units at that precision, the
    last component comes as two lines (all units but one, then the last unit)
    so that prices keep ``digits`` decimals and the total stays exact.

    :returns: [(key, line qty, line price_unit)]; sum(qty * price) equals
              qty * price_unit at ``digits``.
    """
    if not components:
        raise ValueError("A pack or bundle needs at least one component")
    step = Decimal(1).scaleb(-digits)
    total = (Decimal(str(qty)) * Decimal(str(price_unit))).quantize(step, ROUND_HALF_UP)
    weights = [Decimal(str(units)) * max(Decimal(0), Decimal(str(price or 0)))
               for _key, units, price in components]
    if not any(weights):
        weights = [Decimal(str(units)) for _key, units, _price in components]
    weight_sum = sum(weights) or Decimal(1)
    lines, rest = [], total
    for (key, units, _price), weight in zip(components[:-1], weights):
        line_qty = Decimal(str(qty)) * Decimal(str(units))
        price = (total * weight / weight_sum / line_qty).quantize(step, ROUND_HALF_UP) \
            if line_qty else Decimal(0)
        lines.append((key, float(line_qty), float(price)))
        rest -= price * line_qty
    key, units, _price = components[-1]
    line_qty = Decimal(str(qty)) * Decimal(str(units))
    lines.extend(_last_lines(key, line_qty, rest, step))
    return lines


def _last_lines(key, line_qty, amount, step):
    if line_qty <= 0:
        return [(key, float(line_qty), float(amount))]
    price = (amount / line_qty).quantize(step, ROUND_HALF_UP)
    if price * line_qty == amount or line_qty <= 1 or line_qty != line_qty.to_integral():
        return [(key, float(line_qty), float(price))]
    price = (amount / line_qty).quantize(step, ROUND_DOWN)
    last = amount - price * (line_qty - 1)
    return [(key, float(line_qty - 1), float(price)), (key, 1.0, float(last))]


def target_key(num_iid, sku_id):
    return (str(num_iid).strip(), str(sku_id or "").strip())


def select_changed(wanted, last_sent, force=False):
    """Split ``wanted`` {target: qty} into what to send and what to skip.

    :param last_sent: {target: qty} as last accepted by the platform; a target
        missing there (never pushed, or its last push failed) is always sent.
    :returns: ``(to_send, unchanged)``: a dict and a sorted list of targets.
    """
    to_send, unchanged = {}, []
    for target, qty in wanted.items():
        if force or last_sent.get(target) != qty:
            to_send[target] = qty
        else:
            unchanged.append(target)
    return to_send, sorted(unchanged)


def plan_calls(quantities, max_skus=MAX_SKUS_PER_CALL):
    """Pack full quantities {target: qty} into TOP calls.

    The SKUs of one item travel together in taobao.skus.quantity.update, in
    chunks of ``max_skus``; an item without SKUs takes one
    taobao.item.quantity.update. Calls come in a stable order (by item).
    """
    by_item = OrderedDict()
    for (num_iid, sku_id), qty in sorted(quantities.items()):
        if int(qty) < 0:
            raise ValueError("A full stock update needs a quantity >= 0, got %r" % (qty,))
        by_item.setdefault(num_iid, []).append((sku_id, int(qty)))
    calls = []
    for num_iid, pairs in by_item.items():
        calls.extend(_item_calls(num_iid, pairs, max_skus))
    return calls


def _item_calls(num_iid, pairs, max_skus):
    calls = [StockCall(ITEM_METHOD, {"num_iid": num_iid, "quantity": qty, "type": FULL_UPDATE},
                       num_iid, ((sku_id, qty),))
             for sku_id, qty in pairs if not sku_id]
    skus = [pair for pair in pairs if pair[0]]
    for start in range(0, len(skus), max_skus):
        chunk = tuple(skus[start:start + max_skus])
        params = {"num_iid": num_iid, "type": FULL_UPDATE,
                  "skuid_quantities": ";".join("%s:%d" % pair for pair in chunk)}
        calls.append(StockCall(SKUS_METHOD, params, num_iid, chunk))
    return calls


def accepted_quantities(call, response):
    """{sku_id: qty} the platform reports after ``call``.

    Reads the item's ``num`` (item without SKUs) or its ``skus`` list, wrapped
    (``{"sku": [...]}``) or already flattened; falls back to the quantity sent
    where the answer says nothing about a target.
    """
    item = (response or {}).get("item") or {}
    if call.method == ITEM_METHOD:
        num = _as_int(item.get("num"))
        sku_id, sent = call.quantities[0]
        return {sku_id: sent if num is None else num}
    skus = item.get("skus") or []
    if isinstance(skus, dict):
        skus = skus.get("sku") or []
    reported = {}
    for sku in skus:
        if isinstance(sku, dict) and _as_int(sku.get("quantity")) is not None:
            reported[str(sku.get("sku_id"))] = _as_int(sku.get("quantity"))
    return {sku_id: reported.get(sku_id, sent) for sku_id, sent in call.quantities}


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
