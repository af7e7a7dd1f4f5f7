import pytest

from mapping.stock_mapping import (
    ITEM_METHOD, SKUS_METHOD, StockCall, accepted_quantities, plan_calls,
    select_changed, sellable_quantity, target_key)


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
