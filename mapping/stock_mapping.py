"""Stock push rules, free of Odoo and of I/O.

What quantity a shop may sell, which quantities must be sent again, how they
are packed into TOP calls (one item per call, at most 20 SKUs), and what the
platform says it accepted. Targets are ``(num_iid, sku_id)`` pairs of strings,
``sku_id`` being ``""`` for an item sold without SKUs.
"""
import math
from collections import OrderedDict, namedtuple

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
    free = sum(max(0.0, float(on_hand or 0.0) - float(promised or 0.0))
               for on_hand, promised in stocks)
    return min(MAX_QUANTITY,
               max(0, int(math.floor(free + _EPSILON)) - max(0, int(buffer or 0))))


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
