# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Lifecycle rules of the trade plan: what ships, what is paid, what waits."""
from decimal import Decimal

from mapping.trade_mapping import (HOLD_FORBIDDEN, HOLD_MESSAGE, HOLD_REFUND,
                                   first_seen_shipped, plan_total, plan_trade)


def order(oid, price="99.00", num=1, **kw):
    row = {"oid": oid, "num_iid": "520000000001", "sku_id": "4000000000001",
           "outer_sku_id": "WA-01-S", "title": "Widget", "price": price, "num": num,
           "status": "WAIT_SELLER_SEND_GOODS", "refund_status": "NO_REFUND"}
    row.update(kw)
    return row


def trade(orders, payment, post_fee="0.00", status="WAIT_SELLER_SEND_GOODS", **kw):
    row = {"tid": "2001", "status": status, "created": "2024-05-01 10:00:00",
           "buyer_nick": "tb123", "payment": payment, "post_fee": post_fee,
           "receiver_name": "张三", "orders": orders}
    row.update(kw)
    return row


def test_lines_are_priced_at_the_apportioned_payment():
    plan = plan_trade(trade([order("1", price="100.00", num=2, divide_order_fee="180.00"),
                             order("2", price="50.00", divide_order_fee="45.00")],
                            payment="235.00", post_fee="10.00"))
    assert [(line["qty"], line["price_unit"]) for line in plan["lines"]] == [
        (2, Decimal("90.00")), (1, Decimal("45.00"))]
    assert plan["discount"] == Decimal("0.00")
    assert plan_total(plan) == Decimal("235.00")


def test_without_divide_order_fee_the_mjz_share_is_taken_off():
    plan = plan_trade(trade([order("1", price="100.00", total_fee="100.00",
                                   part_mjz_discount="20.00")], payment="80.00"))
    assert plan["lines"][0]["price_unit"] == Decimal("80.00")
    assert plan["discount"] == Decimal("0.00")


def test_unapportioned_remainder_stays_on_the_discount_line():
    plan = plan_trade(trade([order("1", price="100.00", divide_order_fee="95.00")],
                            payment="90.00"))
    assert plan["discount"] == Decimal("-5.00")
    assert plan_total(plan) == plan["payment"] == Decimal("90.00")


def test_refunded_and_closed_sub_orders_are_neither_shipped_nor_paid():
    plan = plan_trade(trade([order("1", divide_order_fee="99.00"),
                             order("2", divide_order_fee="50.00", refund_status="SUCCESS"),
                             order("3", divide_order_fee="30.00", status="TRADE_CLOSED")],
                            payment="179.00"))
    assert [line["oid"] for line in plan["lines"]] == ["1"]
    assert [line["oid"] for line in plan["removed_lines"]] == ["2", "3"]
    assert plan["payment"] == Decimal("99.00") == plan_total(plan)
    assert plan["paid"] == Decimal("179.00")


def test_refund_in_progress_holds_the_order():
    plan = plan_trade(trade([order("1", refund_status="WAIT_SELLER_AGREE")], payment="99.00"))
    assert plan["holds"] == [HOLD_REFUND]


def test_forbidden_shipping_and_messages_hold():
    assert plan_trade(trade([order("1")], "99.00", status="PAID_FORBID_CONSIGN"))["holds"] \
        == [HOLD_FORBIDDEN]
    assert plan_trade(trade([order("1")], "99.00", seller_memo="发顺丰"))["holds"] \
        == [HOLD_MESSAGE]
    assert plan_trade(trade([order("1")], "99.00"))["holds"] == []


def test_part_shipped_trade_ships_only_the_rest():
    plan = plan_trade(trade([order("1", status="WAIT_BUYER_CONFIRM_GOODS",
                                   consign_time="2024-05-02 10:00:00"),
                             order("2")], payment="198.00", status="SELLER_CONSIGNED_PART"))
    assert [line["state"] for line in plan["lines"]] == ["shipped", "to_ship"]
    assert not first_seen_shipped(plan)


def test_trade_first_seen_finished_has_nothing_to_ship():
    plan = plan_trade(trade([order("1", status="TRADE_FINISHED")], payment="99.00",
                            status="TRADE_FINISHED"))
    assert [line["state"] for line in plan["lines"]] == ["shipped"]
    assert first_seen_shipped(plan)
