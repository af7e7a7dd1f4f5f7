# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Lifecycle rules of the trade plan: what ships, what is paid, what waits."""
from decimal import Decimal

import pytest

from mapping.trade_mapping import (HOLD_FORBIDDEN, HOLD_MESSAGE, HOLD_REFUND, TradeMappingError,
                                   due_with_credit_notes, first_seen_shipped, plan_total,
                                   plan_trade, refunded_sub_orders, sold_units)


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


def test_partial_refund_keeps_the_goods_and_lowers_the_money_by_the_refund():
    refunded = order("2", price="50.00", refund_status="SUCCESS", refund_id="9002")
    plan = plan_trade(trade([order("1", price="100.00"), refunded], payment="150.00"),
                      refund_fees={"2": Decimal("5.00")})
    assert [(line["oid"], line["state"], line["booked"]) for line in plan["lines"]] == [
        ("1", "to_ship", Decimal(0)), ("2", "to_ship", Decimal("5.00"))]
    assert plan["removed_lines"] == []
    assert plan["payment"] == plan_total(plan) == Decimal("145.00")


def test_refund_of_unknown_amount_or_of_everything_takes_the_line_out():
    orders = [order("1", price="100.00"),
              order("2", price="50.00", refund_status="SUCCESS", refund_id="9002")]
    for fees in ({}, {"2": Decimal("50.00")}):
        plan = plan_trade(trade(orders, payment="150.00"), refund_fees=fees)
        assert [line["oid"] for line in plan["removed_lines"]] == ["2"]
        assert plan["payment"] == Decimal("100.00")
    assert refunded_sub_orders(trade(orders, payment="150.00")) == {"2": "9002"}


def test_credited_sub_orders_keep_their_money_in_the_order():
    """A shipped (100) refunded after shipping, B (50) before: only B leaves the total."""
    orders = [order("A", price="100.00", status="TRADE_CLOSED", refund_status="SUCCESS",
                    refund_id="1", consign_time="2024-05-01 12:00:00"),
              order("B", price="50.00", status="TRADE_CLOSED", refund_status="SUCCESS",
                    refund_id="2"),
              order("C", price="30.00")]
    plan = plan_trade(trade(orders, payment="180.00", status="SELLER_CONSIGNED_PART"),
                      refund_fees={"A": Decimal("100.00"), "B": Decimal("50.00")})
    assert plan["payment"] == Decimal("30.00")
    assert due_with_credit_notes(plan, {"A"}) == Decimal("130.00")


def test_malformed_sub_structures_refuse_the_trade():
    for broken in (trade([None], payment="1.00"),
                   trade([order("1")], payment="99.00", orders_note="x",
                         promotion_details={"promotion_detail": ["满199减20"]}),
                   trade("not a list", payment="1.00")):
        with pytest.raises(TradeMappingError):
            plan_trade(broken)
    assert sold_units(trade([None, order("1", num=2)], payment="1.00")) == [
        ("520000000001", "4000000000001", 2)]
