# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Pure tests of the bad-input rules of the mappings (issue 7; no Odoo)."""
import pytest

from mapping.item_mapping import CODE_MAX, TITLE_MAX, ItemError, build_plan, parse_props_name
from mapping.stock_mapping import MAX_QUANTITY, plan_calls, sellable_quantity
from mapping.trade_mapping import NAME_MAX, TradeMappingError, plan_trade

LONG = "".join(chr(0x4E00 + (i * 7919) % 20900) for i in range(10000))


def trade(**kw):
    row = {"tid": "2001", "status": "WAIT_SELLER_SEND_GOODS", "created": "2024-05-01 10:00:00",
           "modified": "2024-05-01 10:01:00", "buyer_nick": "tb123", "payment": "99.00",
           "orders": [{"oid": "1", "num_iid": "5", "sku_id": "", "price": "99.00", "num": 1}]}
    row.update(kw)
    return row


def test_long_title_is_cut_and_missing_title_is_the_id():
    assert build_plan({"num_iid": 1, "title": LONG, "price": "1.00"})["title"] == LONG[:TITLE_MAX]
    assert build_plan({"num_iid": 7, "price": "1.00"})["title"] == "7"


def test_long_merchant_code_is_refused():
    with pytest.raises(ItemError) as caught:
        build_plan({"num_iid": 1, "title": "t", "price": "1", "outer_id": "x" * (CODE_MAX + 1)})
    assert caught.value.code == "malformed_code"
    assert build_plan({"num_iid": 1, "title": "t", "price": "1",
                       "outer_id": "x" * CODE_MAX})["variants"][0]["code"] == "x" * CODE_MAX


@pytest.mark.parametrize("value", [12345, 1.5, ["a"]])
def test_properties_of_a_wrong_type_are_malformed(value):
    with pytest.raises(ItemError) as caught:
        parse_props_name(value, "SKU 9")
    assert caught.value.code == "malformed_properties"
    assert caught.value.params == {"owner": "SKU 9", "text": str(value)}


@pytest.mark.parametrize("key, value, message", [
    ("modified", "yesterday", "modified is not a time YYYY-MM-DD HH:MM:SS: 'yesterday'"),
    ("created", "2024-13-01 00:00:00",
     "created is not a time YYYY-MM-DD HH:MM:SS: '2024-13-01 00:00:00'"),
    ("buyer_nick", LONG, "buyer_nick is longer than %d characters" % NAME_MAX),
    ("receiver_name", LONG, "receiver_name is longer than %d characters" % NAME_MAX),
    ("status", "SOMETHING_NEW", "unknown trade status 'SOMETHING_NEW'"),
])
def test_bad_trades_are_refused_with_their_reason(key, value, message):
    with pytest.raises(TradeMappingError) as caught:
        plan_trade(trade(**{key: value}))
    assert str(caught.value) == message


def test_long_address_and_emoji_nick_are_kept():
    plan = plan_trade(trade(buyer_nick="🐼小熊🍯", receiver_address=LONG,
                            receiver_name="x" * NAME_MAX))
    assert plan["buyer_nick"] == "🐼小熊🍯"
    assert plan["address"]["address"] == LONG
    assert plan["address"]["name"] == "x" * NAME_MAX


def test_quantities_are_whole_non_negative_and_capped():
    assert sellable_quantity([(-5.0, 0.0)]) == 0
    assert sellable_quantity([(10.0 ** 12, 0.0)]) == MAX_QUANTITY
    assert sellable_quantity([(10.0 ** 12, 0.0)], buffer=5) == MAX_QUANTITY
    assert MAX_QUANTITY < 2 ** 31  # fits Odoo's Integer (int4) fields
    with pytest.raises(ValueError):
        plan_calls({("1", ""): -1})
