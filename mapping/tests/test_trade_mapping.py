# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from decimal import Decimal

import pytest

from mapping.trade_mapping import (TradeMappingError, address_of, is_payable, needs_full_detail,
                                   needs_review, plan_total, plan_trade, to_money)


def order(oid, num_iid=520000000001, sku_id="4000000000001", price="99.00", num=1, **kw):
    row = {"oid": oid, "num_iid": num_iid, "sku_id": sku_id, "outer_iid": "WA-01",
           "outer_sku_id": "WA-01-S", "title": "Widget", "price": price, "num": num}
    row.update(kw)
    return row


def trade(**kw):
    row = {"tid": "2001", "status": "WAIT_SELLER_SEND_GOODS", "created": "2024-05-01 10:00:00",
           "modified": "2024-05-01 10:01:00", "buyer_nick": "tb123", "payment": "206.00",
           "post_fee": "8.00", "discount_fee": "0.00", "adjust_fee": "0.00",
           "receiver_name": "张三", "receiver_state": "浙江省", "receiver_city": "杭州市",
           "receiver_district": "西湖区", "receiver_address": "文三路1号",
           "receiver_zip": "310000", "receiver_mobile": "13800000000",
           "orders": [order("2001", num=2)]}
    row.update(kw)
    return row


def test_plain_trade_adds_postage_and_no_discount():
    plan = plan_trade(trade())
    assert [(line["kind"], line["qty"], line["price_unit"]) for line in plan["lines"]] == [
        ("goods", 2, Decimal("99.00"))]
    assert plan["postage"] == Decimal("8.00")
    assert plan["discount"] == Decimal("0.00")
    assert plan_total(plan) == plan["payment"] == Decimal("206.00")


def test_discounts_and_adjustments_go_to_one_discount_line():
    plan = plan_trade(trade(payment="181.37", post_fee="10.00", orders=[
        order("1", price="99.90", num=2), order("2", price="0.01", num=3, sku_id="")]))
    # 199.80 + 0.03 + 10.00 postage - 28.46 platform discount = 181.37
    assert plan["discount"] == Decimal("-28.46")
    assert plan_total(plan) == Decimal("181.37")


def test_positive_adjustment_is_kept_signed():
    plan = plan_trade(trade(payment="100.00", post_fee="0.00",
                            orders=[order("1", price="98.00")]))
    assert plan["discount"] == Decimal("2.00")


def test_gift_sub_order_and_promotion_gift_are_zero_price_lines():
    plan = plan_trade(trade(
        payment="99.00", post_fee="0.00",
        orders=[order("1"), order("2", num_iid=520000000009, sku_id="", price="0.00",
                                  is_free_gift=True)],
        promotion_details={"promotion_detail": [
            {"id": "2001", "promotion_name": "满就送", "gift_item_id": "520000000010",
             "gift_item_name": "收纳袋", "gift_item_num": "2"},
            {"id": "2001", "promotion_name": "满199减18", "discount_fee": "18.00"}]}))
    kinds = [(line["kind"], line["num_iid"], line["qty"], line["price_unit"])
             for line in plan["lines"]]
    assert kinds == [("goods", "520000000001", 1, Decimal("99.00")),
                     ("gift", "520000000009", 1, Decimal("0")),
                     ("gift", "520000000010", 2, Decimal("0"))]
    assert plan["lines"][2]["title"] == "收纳袋"
    assert plan["promotions"] == ["满199减18"]
    assert plan_total(plan) == Decimal("99.00")


def test_a_promotion_gift_has_left_with_the_goods_once_none_is_left_to_ship():
    gift = {"promotion_detail": [{"id": "2001", "promotion_name": "满就送",
                                  "gift_item_id": "520000000010", "gift_item_num": "1"}]}
    shipped = order("1", consign_time="2024-05-01 12:00:00")
    plan = plan_trade(trade(payment="99.00", post_fee="0.00", orders=[shipped],
                            promotion_details=gift))
    assert [(line["kind"], line["state"]) for line in plan["lines"]] == [
        ("goods", "shipped"), ("gift", "shipped")]
    plan = plan_trade(trade(payment="198.00", post_fee="0.00",
                            orders=[shipped, order("2")], promotion_details=gift))
    assert [line["state"] for line in plan["lines"]] == ["shipped", "to_ship", "to_ship"]


def test_messages_and_memos_hold_the_order():
    assert not needs_review(plan_trade(trade()))
    assert needs_review(plan_trade(trade(buyer_message="请周末送货")))
    assert needs_review(plan_trade(trade(seller_memo="VIP")))


@pytest.mark.parametrize("field,value,words", [
    ("payment", 206.0, "money string"),
    ("payment", "20.001", "cents"),
    ("payment", "abc", "not an amount"),
    ("status", "SHIPPED_BY_PIGEON", "unknown trade status"),
    ("buyer_nick", "", "lacks buyer_nick"),
    ("orders", [], "no orders"),
])
def test_invalid_trades_say_why(field, value, words):
    with pytest.raises(TradeMappingError) as caught:
        plan_trade(trade(**{field: value}))
    assert words in str(caught.value)


def test_invalid_quantity_and_missing_item():
    with pytest.raises(TradeMappingError, match="num must be a whole number"):
        plan_trade(trade(orders=[order("1", num="two")]))
    with pytest.raises(TradeMappingError, match="lacks num_iid"):
        plan_trade(trade(orders=[order("1", num_iid="")]))
    with pytest.raises(TradeMappingError, match="object"):
        plan_trade(["not", "a", "trade"])


def test_address_key_is_stable_and_sensitive():
    one = address_of(trade())
    assert one["full"] == "浙江省 杭州市 西湖区 文三路1号"
    assert one["key"] == address_of(trade(receiver_phone=""))["key"]
    assert one["key"] != address_of(trade(receiver_address="文三路2号"))["key"]


def test_full_detail_only_when_the_list_lacks_something():
    assert not needs_full_detail(trade())
    assert needs_full_detail(trade(has_buyer_message=True))
    assert needs_full_detail(trade(seller_flag=1))
    assert not needs_full_detail(trade(discount_fee="5.00", adjust_fee="-2.00"))
    assert needs_full_detail(trade(orders=[order("1"), order("2", price="0.00")]))


def test_money_and_status_helpers():
    assert to_money("1.5", "x") == Decimal("1.50")
    assert is_payable("WAIT_SELLER_SEND_GOODS") and is_payable("TRADE_FINISHED")
    assert not is_payable("WAIT_BUYER_PAY") and not is_payable("TRADE_CLOSED")


def test_unflattened_top_nesting_is_accepted():
    plan = plan_trade(trade(orders={"order": [order("1", num=2)]}))
    assert plan["lines"][0]["qty"] == 2
