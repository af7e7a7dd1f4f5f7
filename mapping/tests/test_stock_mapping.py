# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from decimal import Decimal

import pytest

from mapping.stock_mapping import (
    ITEM_METHOD, MAX_QUANTITY, SKUS_METHOD, StockCall, accepted_quantities, allocated_quantity,
    apportion_price, complete_sets, free_quantity, plan_calls, select_changed, sellable_quantity,
    target_key)


@pytest.mark.parametrize("stocks, buffer, expected", [
    ([(10.0, 0.0)], 0, 10),
    ([(10.0, 3.0)], 0, 7),
    ([(10.0, 12.0)], 0, 0),
    ([(7.9, 0.0)], 0, 7),
    ([(2.9999999996, 0.0)], 0, 3),
    ([(10.0, 3.0)], 5, 2),
    ([(10.0, 3.0)], 9, 0),
    ([(-4.0, 0.0)], 0, 0),
    ([(5.0, 1.0), (3.0, 0.0)], 0, 7),
    ([(5.0, 9.0), (3.0, 0.0)], 0, 3),
    ([], 0, 0),
    ([(None, None)], None, 0),
])
def test_sellable_quantity(stocks, buffer, expected):
    assert sellable_quantity(stocks, buffer) == expected


def test_target_key_uses_strings_and_empty_sku():
    assert target_key(520000000001, None) == ("520000000001", "")
    assert target_key("52 ", 4000) == ("52", "4000")


def test_select_changed_skips_what_the_platform_already_has():
    wanted = {("1", "a"): 5, ("1", "b"): 0, ("2", ""): 3}
    last = {("1", "a"): 5, ("1", "b"): 2}
    to_send, unchanged = select_changed(wanted, last)
    assert to_send == {("1", "b"): 0, ("2", ""): 3}
    assert unchanged == [("1", "a")]


def test_select_changed_force_sends_everything():
    wanted = {("1", "a"): 5}
    to_send, unchanged = select_changed(wanted, {("1", "a"): 5}, force=True)
    assert to_send == wanted and unchanged == []


def test_plan_calls_one_call_per_item():
    calls = plan_calls({("1", "11"): 4, ("1", "12"): 0, ("2", ""): 7})
    assert [c.method for c in calls] == [SKUS_METHOD, ITEM_METHOD]
    skus, item = calls
    assert skus.params == {"num_iid": "1", "type": 1, "skuid_quantities": "11:4;12:0"}
    assert skus.quantities == (("11", 4), ("12", 0))
    assert item.params == {"num_iid": "2", "quantity": 7, "type": 1}
    assert item.quantities == (("", 7),)


def test_plan_calls_splits_more_than_20_skus():
    wanted = {("9", "%03d" % n): n for n in range(45)}
    calls = plan_calls(wanted)
    assert [len(c.quantities) for c in calls] == [20, 20, 5]
    assert {c.method for c in calls} == {SKUS_METHOD}
    sent = [pair for c in calls for pair in c.params["skuid_quantities"].split(";")]
    assert len(sent) == 45 and "044:44" in sent


def test_plan_calls_rejects_negative_quantities():
    with pytest.raises(ValueError):
        plan_calls({("1", ""): -1})


def test_plan_calls_empty():
    assert plan_calls({}) == []


def test_accepted_quantities_reads_flattened_skus():
    call = StockCall(SKUS_METHOD, {}, "1", (("11", 4), ("12", 0)))
    response = {"item": {"num_iid": 1, "num": 9,
                         "skus": [{"sku_id": 11, "quantity": 9}]}}
    assert accepted_quantities(call, response) == {"11": 9, "12": 0}


def test_accepted_quantities_reads_wrapped_skus():
    call = StockCall(SKUS_METHOD, {}, "1", (("11", 4),))
    response = {"item": {"skus": {"sku": [{"sku_id": "11", "quantity": "3"}]}}}
    assert accepted_quantities(call, response) == {"11": 3}


def test_accepted_quantities_item_without_skus():
    call = StockCall(ITEM_METHOD, {}, "2", (("", 7),))
    assert accepted_quantities(call, {"item": {"num": 6}}) == {"": 6}
    assert accepted_quantities(call, {}) == {"": 7}


# -- issue 12: shares, packs and bundles, bundle prices ------------------------

def test_free_quantity_ignores_short_locations():
    assert free_quantity([(5.0, 9.0), (3.0, 0.5)]) == 2.5
    assert free_quantity([]) == 0


@pytest.mark.parametrize("free, units, percent, expected", [
    ({"p": 10}, {"p": 1}, 100, 10),
    ({"p": 10}, {"p": 3}, 100, 3),          # pack of 3
    ({"p": 9}, {"p": 3}, 100, 3),
    ({"a": 10, "b": 3}, {"a": 2, "b": 1}, 100, 3),   # bundle: b is short
    ({"a": 10, "b": 30}, {"a": 2, "b": 1}, 100, 5),  # bundle: a is short
    ({"a": 10}, {"a": 2, "b": 1}, 100, 0),  # a component without stock
    ({"p": 10}, {"p": 1}, 50, 5),
    ({"p": 7}, {"p": 1}, 50, 3),            # half of 7 is 3 whole units
    ({"p": 10}, {"p": 3}, 60, 2),           # 6 units are 2 packs of 3
    ({"p": -4}, {"p": 1}, 100, 0),          # more sold than on hand
    ({"p": 2.9999999996}, {"p": 1}, 100, 3),
    ({"p": 10}, {}, 100, 0),
    ({"p": 10}, {"p": 0}, 100, 0),
])
def test_complete_sets(free, units, percent, expected):
    assert complete_sets(free, units, percent) == expected


@pytest.mark.parametrize("sets, buffer, cap, fixed, expected", [
    (10, 0, 0, None, 10),
    (10, 3, 0, None, 7),
    (10, 0, 4, None, 4),
    (10, 3, 8, None, 7),
    (2, 5, 0, None, 0),
    (10, 3, 4, 25, 25),     # a fixed quantity is sent as it is
    (0, 0, 0, 0, 0),
    (10 ** 12, 0, 0, None, MAX_QUANTITY),
])
def test_allocated_quantity(sets, buffer, cap, fixed, expected):
    assert allocated_quantity(sets, buffer, cap, fixed) == expected


def _total(lines):
    return sum(Decimal(str(q)) * Decimal(str(p)) for _k, q, p in lines)


def test_apportion_price_by_list_value_last_takes_the_rounding():
    lines = apportion_price(1, 100.0, [("tea", 1, 30.0), ("cup", 2, 10.0), ("box", 1, 3.0)])
    assert [k for k, _q, _p in lines] == ["tea", "cup", "box"]
    assert [q for _k, q, _p in lines] == [1.0, 2.0, 1.0]
    # 30:20:3 of 100.00 -> 56.60, 2 x 18.87, rest 5.66
    assert lines[0][2] == 56.6 and lines[1][2] == 18.87
    assert _total(lines) == Decimal("100.00")


def test_apportion_price_pack_of_three_splits_the_odd_cent():
    lines = apportion_price(2, 10.0, [("p", 3, 4.0)])
    assert _total(lines) == Decimal("20.00")
    assert sum(q for _k, q, _p in lines) == 6
    assert all(Decimal(str(p)) == Decimal(str(p)).quantize(Decimal("0.01")) for _k, _q, p in lines)


@pytest.mark.parametrize("qty, price", [(1, 99.99), (3, 33.33), (7, 0.01), (5, 0.0), (2, 1234.56)])
def test_apportion_price_is_exact_to_the_cent(qty, price):
    lines = apportion_price(qty, price, [("a", 2, 9.9), ("b", 1, 0.0), ("c", 3, 5.55)])
    expected = (Decimal(str(qty)) * Decimal(str(price))).quantize(Decimal("0.01"))
    assert _total(lines) == expected
    assert {k for k, _q, _p in lines} == {"a", "b", "c"}
    assert sum(q for k, q, _p in lines if k == "c") == 3 * qty


def test_apportion_price_without_list_prices_shares_by_units():
    lines = apportion_price(1, 9.0, [("a", 1, 0.0), ("b", 2, 0.0)])
    assert lines == [("a", 1.0, 3.0), ("b", 2.0, 3.0)]


def test_apportion_price_needs_components():
    with pytest.raises(ValueError):
        apportion_price(1, 1.0, [])
