# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Own web shop orders -> the plan shape of plan_trade (docs/own_shop.md)."""
import copy
from decimal import Decimal

import pytest

from mapping.own_mapping import order_row, plan_order
from mapping.trade_mapping import (HOLD_MESSAGE, HOLD_REFUND, TradeMappingError,
                                   first_seen_shipped, plan_total, plan_trade)

ORDER = {
    "number": "A1001",
    "created": "2026-11-30 10:00:00",
    "modified": "2026-11-30 10:05:00",
    "status": "paid",
    "buyer": {"id": "u-77", "nick": "小王"},
    "address": {"name": "王小明", "mobile": "13800000000", "phone": "", "province": "浙江省",
                "city": "杭州市", "district": "西湖区", "street": "文三路 1 号", "zip": "310000"},
    "lines": [
        {"line_id": "1", "merchant_code": "WA-01-S", "title": "Widget S", "qty": 2,
         "paid": "180.00"},
        {"line_id": "2", "sku_id": "8842", "title": "Widget M", "qty": 1, "paid": "99.90"},
    ],
    "postage": "8.00",
    "discount": "10.00",
    "payment": "277.90",
    "buyer_message": "",
    "seller_memo": "",
}


def order(**changes):
    result = copy.deepcopy(ORDER)
    result.update(changes)
    return result


def with_line(index, **changes):
    result = order()
    result["lines"][index].update(changes)
    return result


def test_plan_has_the_shape_of_a_taobao_plan():
    taobao = plan_trade({"tid": "1", "status": "WAIT_SELLER_SEND_GOODS",
                         "created": "2026-11-30 10:00:00", "buyer_nick": "x",
                         "payment": "1.00",
                         "orders": [{"oid": "1", "num_iid": "5", "price": "1.00", "num": 1}]})
    plan = plan_order(order())
    assert set(plan) == set(taobao)
    assert set(plan["lines"][0]) == set(taobao["lines"][0])
    assert set(plan["address"]) == set(taobao["address"])


def test_plan_values():
    plan = plan_order(order())
    assert (plan["tid"], plan["status"], plan["buyer_nick"]) == (
        "A1001", "WAIT_SELLER_SEND_GOODS", "小王")
    assert (plan["created"], plan["modified"]) == ("2026-11-30 10:00:00", "2026-11-30 10:05:00")
    first, second = plan["lines"]
    assert (first["num_iid"], first["sku_id"], first["outer_id"], first["oid"]) == (
        "WA-01-S", "", "WA-01-S", "1")
    assert (second["num_iid"], second["outer_id"]) == ("8842", "8842")
    assert first["price_unit"] == Decimal("90.00") and first["qty"] == 2
    assert [line["state"] for line in plan["lines"]] == ["to_ship", "to_ship"]
    assert plan["address"]["full"] == "浙江省 杭州市 西湖区 文三路 1 号"
    assert (plan["address"]["state"], plan["address"]["zip"]) == ("浙江省", "310000")
    assert plan["holds"] == []


def test_total_is_the_payment_to_the_cent():
    plan = plan_order(order())
    assert plan["postage"] == Decimal("8.00")
    assert plan["discount"] == Decimal("-10.00")
    assert plan_total(plan) == plan["payment"] == Decimal("277.90")
    assert all(isinstance(line["amount"], Decimal) for line in plan["lines"])


def test_payment_that_does_not_add_up_is_refused_with_the_figures():
    with pytest.raises(TradeMappingError) as caught:
        plan_order(order(payment="280.00"))
    assert str(caught.value) == ("payment 280.00 is not the lines' paid 279.90 + postage "
                                 "8.00 - discount 10.00 = 277.90")


def test_buyer_id_names_the_buyer_without_a_nick():
    assert plan_order(order(buyer={"id": "u-77"}))["buyer_nick"] == "u-77"
    with pytest.raises(TradeMappingError, match="buyer needs an id or a nick"):
        plan_order(order(buyer={}))


def test_message_or_memo_holds_the_order():
    assert plan_order(order(buyer_message="周末送"))["holds"] == [HOLD_MESSAGE]
    assert plan_order(order(seller_memo="送赠品"))["holds"] == [HOLD_MESSAGE]


def test_refund_requested_holds_and_refunded_line_leaves_the_plan():
    requested = plan_order(with_line(1, refund="requested"))
    assert requested["holds"] == [HOLD_REFUND]
    assert requested["lines"][1]["refund_status"] == "WAIT_SELLER_AGREE"
    refunded = plan_order(with_line(1, refund="refunded"))
    assert [line["oid"] for line in refunded["lines"]] == ["1"]
    assert [line["state"] for line in refunded["removed_lines"]] == ["refunded"]
    assert refunded["payment"] == Decimal("178.00")
    assert refunded["paid"] == Decimal("277.90")
    assert plan_total(refunded) == refunded["payment"]


def test_statuses_speak_taobao():
    assert plan_order(order(status="shipped"))["status"] == "WAIT_BUYER_CONFIRM_GOODS"
    assert first_seen_shipped(plan_order(order(status="completed")))
    cancelled = plan_order(order(status="cancelled"))
    assert cancelled["status"] == "TRADE_CLOSED"
    assert cancelled["lines"] == [] and len(cancelled["removed_lines"]) == 2


def test_row_for_the_importer():
    row = order_row(order())
    assert (row["tid"], row["status"], row["modified"]) == (
        "A1001", "WAIT_SELLER_SEND_GOODS", "2026-11-30 10:05:00")
    assert row["own_order"]["number"] == "A1001"


def test_modified_defaults_to_created():
    assert plan_order(order(modified=None))["modified"] == "2026-11-30 10:00:00"


@pytest.mark.parametrize("changes, message", [
    ({"number": ""}, "the order lacks number"),
    ({"number": "A 1"}, "number may hold only letters"),
    ({"number": 12.5}, "number must be a text"),
    ({"status": "unpaid"}, "status must be one of cancelled, completed, paid, shipped"),
    ({"created": "2026-11-30T10:00:00Z"}, "created is not a Beijing time"),
    ({"created": None}, "the order lacks created"),
    ({"modified": "2026-11-29 10:00:00"}, "modified 2026-11-29 10:00:00 is before created"),
    ({"lines": []}, "lines must be a non-empty list"),
    ({"lines": "WA-01-S"}, "lines must be a non-empty list"),
    ({"payment": 277.9}, "payment must be a money string"),
    ({"payment": None}, "the order lacks payment"),
    ({"postage": "-1.00"}, "postage cannot be negative"),
    ({"discount": "1.005"}, "discount is not an amount in cents"),
    ({"buyer": "小王"}, "buyer must be an object"),
    ({"address": ["x"]}, "address must be an object"),
    ({"discount": "300.00", "payment": "-12.10"}, "payment cannot be negative"),
])
def test_wrong_order_fields_are_named(changes, message):
    with pytest.raises(TradeMappingError, match=message):
        plan_order(order(**changes))


@pytest.mark.parametrize("changes, message", [
    ({"merchant_code": None, "sku_id": None}, r"lines\[1\] needs a merchant_code or a sku_id"),
    ({"qty": 0}, r"lines\[1\].qty must be at least 1"),
    ({"qty": "two"}, r"lines\[1\].qty must be a whole number"),
    ({"paid": None}, r"lines\[1\] lacks paid"),
    ({"paid": 99.9}, r"lines\[1\].paid must be a money string"),
    ({"paid": "-1.00"}, r"lines\[1\].paid cannot be negative"),
    ({"refund": "maybe"}, r"lines\[1\].refund must be requested, refunded or empty"),
    ({"refund": "refunded", "line_id": None}, r"lines\[1\] has a refund but no line_id"),
    ({"line_id": "1"}, "two lines have the same line_id"),
    ({"price": "-99.90"}, r"lines\[1\].price cannot be negative"),
    ({"price": "89.90"}, r"lines\[1\].paid 99.90 is not price 89.90 x qty 1 - discount 0.00"),
    ({"price": "109.90", "discount": "-10.00"}, r"lines\[1\].discount cannot be negative"),
    ({"discount": "10.00"}, r"lines\[1\] has a discount but no price"),
])
def test_wrong_line_fields_are_named(changes, message):
    with pytest.raises(TradeMappingError, match=message):
        plan_order(with_line(1, **changes))


def test_a_line_price_and_its_discount_must_give_what_was_paid():
    plan = plan_order(with_line(0, price="95.00", discount="10.00"))
    assert plan["lines"][0]["amount"] == Decimal("180.00")
    assert plan_order(with_line(1, price="99.90"))["payment"] == Decimal("277.90")


def test_not_an_object():
    with pytest.raises(TradeMappingError, match="an order must be an object, got list"):
        plan_order(["A1001"])
    with pytest.raises(TradeMappingError, match=r"lines\[0\] must be an object"):
        plan_order(order(lines=["WA-01-S"]))
