# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Pure tests of the item -> import plan mapping (no Odoo)."""
from decimal import Decimal

import pytest

from mapping.item_mapping import (ItemError, build_plan, fit_price_extras, parse_alias,
                                  parse_props_name)


def sku(sku_id, props, price="10.00", outer_id=None):
    row = {"sku_id": sku_id, "price": price, "properties_name": props,
           "properties": ";".join(":".join(p.split(":")[:2]) for p in props.split(";"))}
    if outer_id is not None:
        row["outer_id"] = outer_id
    return row


RED_S = "1627207:28326:颜色分类:红色;20509:28314:尺码:S"
RED_M = "1627207:28326:颜色分类:红色;20509:28315:尺码:M"
BLUE_S = "1627207:28338:颜色分类:蓝色;20509:28314:尺码:S"
BLUE_M = "1627207:28338:颜色分类:蓝色;20509:28315:尺码:M"


def test_parse_props_name_unescapes_after_splitting():
    assert parse_props_name("1:2:容量#cln#升:1#scln#5L;3:4:a:b") == [
        ("1", "2", "容量:升", "1;5L"), ("3", "4", "a", "b")]


@pytest.mark.parametrize("text", ["1:2:颜色", "x:2:颜色:红", "1:2::红", "1:2:a:b:c"])
def test_parse_props_name_rejects_malformed(text):
    with pytest.raises(ItemError) as caught:
        parse_props_name(text, "SKU 9")
    assert caught.value.code == "malformed_properties"


def test_parse_alias():
    assert parse_alias("1627207:28326:中国红;bad;20509:28314:小码") == {
        ("1627207", "28326"): "中国红", ("20509", "28314"): "小码"}


def test_item_without_skus_uses_outer_id_or_num_iid():
    plan = build_plan({"num_iid": 52, "title": "杯子", "price": "39.00", "outer_id": "CUP"})
    assert plan["attributes"] == []
    assert [(v["sku_id"], v["code"], v["price"]) for v in plan["variants"]] == [
        ("", "CUP", Decimal("39.00"))]
    plan = build_plan({"num_iid": 52, "title": "杯子", "price": "39.00", "skus": {"sku": []}})
    assert plan["variants"][0]["code"] == "52"
    assert plan["list_price"] == Decimal("39.00")


def test_item_with_skus_attributes_values_and_codes():
    plan = build_plan({"num_iid": 1, "title": "T", "price": "10.00", "skus": [
        sku(11, RED_S, outer_id="A-R-S"), sku(12, RED_M, outer_id="A-R-M"),
        sku(13, BLUE_S, outer_id="A-B-S")]})
    assert plan["attributes"] == [("颜色分类", ["红色", "蓝色"]), ("尺码", ["S", "M"])]
    assert [v["code"] for v in plan["variants"]] == ["A-R-S", "A-R-M", "A-B-S"]
    assert plan["variants"][2]["values"] == [("颜色分类", "蓝色"), ("尺码", "S")]
    assert plan["variants"][0]["properties"] == "1627207:28326;20509:28314"


def test_sku_without_outer_id_uses_sku_id():
    plan = build_plan({"num_iid": 1, "skus": [sku(11, RED_S), sku(12, RED_M, outer_id="X")]})
    assert [v["code"] for v in plan["variants"]] == ["11", "X"]


def test_alias_renames_value():
    plan = build_plan({"num_iid": 1, "property_alias": "1627207:28326:中国红",
                       "skus": [sku(11, RED_S, outer_id="a"), sku(12, BLUE_S, outer_id="b")]})
    assert plan["attributes"][0] == ("颜色分类", ["中国红", "蓝色"])


def test_deleted_skus_are_ignored():
    gone = dict(sku(12, RED_M, outer_id="b"), status="delete")
    plan = build_plan({"num_iid": 1, "skus": [sku(11, RED_S, outer_id="a"), gone]})
    assert [v["sku_id"] for v in plan["variants"]] == ["11"]


@pytest.mark.parametrize("skus,code", [
    ([sku(11, RED_S, outer_id="A"), sku(12, RED_M, outer_id="A")], "duplicate_code"),
    ([sku(11, "1627207:28326:颜色分类", outer_id="A")], "malformed_properties"),
    ([sku(11, RED_S, outer_id="A"), sku(12, "1627207:28338:颜色分类:蓝色", outer_id="B")],
     "inconsistent_properties"),
    ([sku(11, RED_S, outer_id="A"), sku(12, RED_S, outer_id="B")], "duplicate_combination"),
    ([sku(11, RED_S, price="abc", outer_id="A")], "malformed_price"),
])
def test_bad_items(skus, code):
    with pytest.raises(ItemError) as caught:
        build_plan({"num_iid": 1, "skus": skus})
    assert caught.value.code == code


def _variants(prices):
    combos = {"RS": [("c", "R"), ("s", "S")], "RM": [("c", "R"), ("s", "M")],
              "BS": [("c", "B"), ("s", "S")], "BM": [("c", "B"), ("s", "M")]}
    return [{"values": combos[k], "price": Decimal(p)} for k, p in prices.items()]


def _priced(base, extras, variants):
    return [base + sum((extras.get(v, 0) for v in var["values"]), Decimal(0))
            for var in variants]


@pytest.mark.parametrize("prices", [
    {"RS": "10", "RM": "10", "BS": "10", "BM": "10"},
    {"RS": "10", "RM": "12", "BS": "10", "BM": "12"},
    {"RS": "10", "RM": "12", "BS": "15", "BM": "17"},
    {"RS": "20", "RM": "12", "BS": "25"},
])
def test_fit_price_extras_exact(prices):
    variants = _variants(prices)
    base, extras, exact = fit_price_extras(variants)
    assert exact
    assert base == min(v["price"] for v in variants)
    assert _priced(base, extras, variants) == [v["price"] for v in variants]


def test_fit_price_extras_non_additive_falls_back_to_lowest_price():
    variants = _variants({"RS": "10", "RM": "12", "BS": "15", "BM": "99"})
    assert fit_price_extras(variants) == (Decimal("10"), {}, False)


def test_plan_prices_per_size():
    plan = build_plan({"num_iid": 1, "skus": [
        sku(11, RED_S, "99.00", "a"), sku(12, RED_M, "109.00", "b"),
        sku(13, BLUE_S, "99.00", "c"), sku(14, BLUE_M, "109.00", "d")]})
    assert plan["exact_prices"]
    assert plan["list_price"] == Decimal("99.00")
    assert plan["extras"] == {("尺码", "M"): Decimal("10.00")}
