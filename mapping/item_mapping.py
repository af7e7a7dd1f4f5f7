# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Platform item -> Odoo import plan. Pure functions: no Odoo, no I/O.

An item as taobao.items.seller.list.get returns it (list wrappers flattened
or not) becomes a plain dict the Odoo layer can apply without thinking about
TOP's string formats:

    {"num_iid": "5200", "title": ..., "outer_id": ..., "modified": "Beijing str",
     "attributes": [("颜色分类", ["红色", "蓝色"]), ("尺码", ["S", "M"])],
     "variants": [{"sku_id": "4000", "code": "A-RED-S", "price": Decimal,
                   "values": [("颜色分类", "红色"), ("尺码", "S")],
                   "properties": "1627207:28326;20509:28314"}],
     "list_price": Decimal, "extras": {("颜色分类", "红色"): Decimal}, "exact_prices": bool}

An item without SKUs has no attributes and one variant whose sku_id is "".
"""
from collections import OrderedDict
from decimal import Decimal, InvalidOperation

ESCAPES = (("#cln#", ":"), ("#scln#", ";"))
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
# Platform titles have at most 60 characters; a longer one (bad data) is cut
# here: product names are indexed, and PostgreSQL refuses an index entry above
# ~2.7 kB, which would fail the item with a database error.
TITLE_MAX = 255
# Merchant codes (at most 64 characters on the platform) become indexed Internal
# References and identify the product: a longer one is refused, never cut.
CODE_MAX = 255


class ItemError(ValueError):
    """An item that cannot be imported; ``code`` and ``params`` let the caller
    word (and translate) the reason, ``str()`` is a plain English fallback."""

    def __init__(self, code, message, **params):
        super().__init__(message % params if params else message)
        self.code = code
        self.params = params


def unescape(text):
    for escaped, plain in ESCAPES:
        text = text.replace(escaped, plain)
    return text.strip()


def parse_props_name(text, owner=""):
    """``pid:vid:pname:vname;...`` -> [(pid, vid, pname, vname)].

    Splitting happens before unescaping so that escaped ``:``/``;`` inside
    names stay part of the name.
    """
    result = []
    if text is not None and text is not False and not isinstance(text, str):
        text = str(text)  # e.g. a number: reported as malformed below, not a crash
    for part in (text or "").split(";"):
        if not part.strip():
            continue
        pieces = part.split(":")
        if len(pieces) != 4 or not all(p.strip() for p in pieces) \
                or not (pieces[0].strip().isdigit() and pieces[1].strip().isdigit()):
            raise ItemError("malformed_properties",
                            "%(owner)s: malformed SKU properties %(text)r",
                            owner=owner, text=text)
        pid, vid, pname, vname = pieces
        result.append((pid.strip(), vid.strip(), unescape(pname), unescape(vname)))
    return result


def parse_alias(text):
    """``pid:vid:alias;...`` -> {(pid, vid): alias}; unusable parts are ignored
    because an alias only renames, it never decides what is sold."""
    aliases = {}
    for part in (text or "").split(";"):
        pieces = part.split(":", 2)
        if len(pieces) == 3 and pieces[2].strip():
            aliases[(pieces[0].strip(), pieces[1].strip())] = unescape(pieces[2])
    return aliases


def to_money(value, owner=""):
    try:
        amount = Decimal(str(value if value not in (None, "") else "0")).quantize(CENT)
    except InvalidOperation:
        raise ItemError("malformed_price", "%(owner)s: malformed price %(price)r",
                        owner=owner, price=value)
    if amount < 0:
        raise ItemError("malformed_price", "%(owner)s: malformed price %(price)r",
                        owner=owner, price=value)
    return amount


def _skus(item):
    skus = item.get("skus") or []
    if isinstance(skus, dict):  # not flattened: {"sku": [...]}
        skus = skus.get("sku") or []
    return [s for s in skus if s.get("status", "normal") != "delete"]


def _text(value):
    return str(value).strip() if value not in (None, False) else ""


def item_code(item):
    """Merchant code of an item without SKUs: its outer_id, else its num_iid."""
    return _text(item.get("outer_id")) or _text(item.get("num_iid"))


def sku_code(sku):
    """Merchant code of a SKU: its outer_id, else its sku_id (the rule for items)."""
    return _text(sku.get("outer_id")) or _text(sku.get("sku_id"))


def _check_code(code, owner):
    if len(code) > CODE_MAX:
        raise ItemError("malformed_code",
                        "%(owner)s: the merchant code is longer than %(max)d characters",
                        owner=owner, max=CODE_MAX)
    return code


def build_plan(item):
    """Validate ``item`` and return its import plan; raise ItemError if bad."""
    num_iid = _text(item.get("num_iid"))
    if not num_iid:
        raise ItemError("missing_id", "An item has no num_iid")
    plan = {
        "num_iid": num_iid,
        "title": (_text(item.get("title")) or num_iid)[:TITLE_MAX].strip(),
        "outer_id": _text(item.get("outer_id")),
        "modified": _text(item.get("modified")),
        "price": to_money(item.get("price"), num_iid),
    }
    skus = _skus(item)
    if skus:
        plan["attributes"], plan["variants"] = _sku_variants(item, skus)
    else:
        plan["attributes"] = []
        plan["variants"] = [{"sku_id": "", "code": _check_code(item_code(item), num_iid),
                             "price": plan["price"],
                             "values": [], "properties": ""}]
    plan["list_price"], plan["extras"], plan["exact_prices"] = fit_price_extras(
        plan["variants"])
    return plan


def _sku_variants(item, skus):
    aliases = parse_alias(item.get("property_alias"))
    attributes = OrderedDict()
    variants, names, combos, codes = [], None, set(), {}
    for sku in skus:
        sku_id = _text(sku.get("sku_id"))
        owner = "SKU %s" % sku_id
        props = parse_props_name(sku.get("properties_name"), owner)
        if not props or not sku_id:
            raise ItemError("malformed_properties",
                            "%(owner)s: malformed SKU properties %(text)r",
                            owner=owner, text=sku.get("properties_name"))
        values = [(pname, aliases.get((pid, vid), vname)) for pid, vid, pname, vname in props]
        _check_sku_shape(owner, values, names, combos)
        names = names or [v[0] for v in values]
        combos.add(frozenset(values))
        code = _check_code(sku_code(sku), owner)
        if code in codes:
            raise ItemError(
                "duplicate_code",
                "SKUs %(first)s and %(second)s share the merchant code %(merchant_code)s",
                first=codes[code], second=sku_id, merchant_code=code)
        codes[code] = sku_id
        for pname, vname in values:
            attributes.setdefault(pname, [])
            if vname not in attributes[pname]:
                attributes[pname].append(vname)
        variants.append({
            "sku_id": sku_id, "code": code, "price": to_money(sku.get("price"), owner),
            "values": sorted(values, key=lambda v: names.index(v[0])),
            "properties": ";".join("%s:%s" % (p[0], p[1]) for p in props),
        })
    return list(attributes.items()), variants


def _check_sku_shape(owner, values, names, combos):
    own_names = [v[0] for v in values]
    if len(set(own_names)) != len(own_names):
        raise ItemError("malformed_properties",
                        "%(owner)s: a property appears twice in %(text)r",
                        owner=owner, text=";".join("%s:%s" % v for v in values))
    if names is not None and set(own_names) != set(names):
        raise ItemError("inconsistent_properties",
                        "%(owner)s has the properties %(own)s, other SKUs have %(other)s",
                        owner=owner, own=", ".join(own_names), other=", ".join(names))
    if frozenset(values) in combos:
        raise ItemError("duplicate_combination",
                        "%(owner)s repeats the property values %(text)s of another SKU",
                        owner=owner, text=";".join("%s:%s" % v for v in values))


def fit_price_extras(variants):
    """Express each variant's price as ``list_price + sum(extra of its values)``.

    Odoo 11 prices a variant as template price plus the price extras of its
    attribute values (per template). This finds such extras when the SKU
    prices are additive per attribute (price by size, by colour, or by size
    plus colour); the cheapest SKU's values get no extra. When prices depend
    on a combination that no sum can express, the template takes the lowest
    price, no extras are set, and ``exact`` is False.

    :returns: (list_price, {(attribute, value): extra}, exact)
    """
    if not variants:
        return ZERO, {}, True
    base_variant = min(variants, key=lambda v: v["price"])
    base = base_variant["price"]
    extras = {value: ZERO for value in base_variant["values"]}
    progress = True
    while progress:
        progress = False
        for variant in variants:
            unknown = [v for v in variant["values"] if v not in extras]
            if len(unknown) == 1:
                known = sum((extras[v] for v in variant["values"] if v in extras), ZERO)
                extras[unknown[0]] = variant["price"] - base - known
                progress = True
    exact = all(
        all(v in extras for v in variant["values"])
        and base + sum((extras[v] for v in variant["values"]), ZERO) == variant["price"]
        for variant in variants)
    if not exact:
        return base, {}, False
    return base, {k: v for k, v in extras.items() if v}, True
