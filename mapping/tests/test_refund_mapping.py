# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from decimal import Decimal

import pytest

from mapping.refund_mapping import (goods_returned, merge_detail, needs_refund_detail,
                                    plan_refund)
from mapping.trade_mapping import TradeMappingError


def refund(**kw):
    row = {"refund_id": "150000000000001", "tid": "2001", "oid": "200101",
           "status": "SUCCESS", "refund_fee": "59.00", "good_status": "BUYER_RECEIVED",
           "has_good_return": True, "reason": "不想要了", "desc": "颜色不对",
           "created": "2024-05-01 11:00:00", "modified": "2024-05-02 09:30:00",
           "order_status": "WAIT_BUYER_CONFIRM_GOODS"}
    row.update(kw)
    return row


def test_complete_row_becomes_the_neutral_record():
    plan = plan_refund(refund())
    assert plan == {
        "refund_id": "150000000000001", "tid": "2001", "oid": "200101", "status": "SUCCESS",
        "refund_fee": Decimal("59.00"), "good_status": "BUYER_RECEIVED",
        "has_good_return": True, "reason": "不想要了", "description": "颜色不对",
        "created": "2024-05-01 11:00:00", "modified": "2024-05-02 09:30:00",
        "order_status": "WAIT_BUYER_CONFIRM_GOODS", "qty": None, "sku_id": "",
        "goods_back_on_success": False}


def test_refunded_pieces_are_read_when_given():
    assert plan_refund(refund(num="2"))["qty"] == 2
    assert plan_refund(refund(num=1))["qty"] == 1


def test_single_order_refund_names_the_trade_as_sub_order():
    assert plan_refund(refund(oid=None))["oid"] == "2001"


def test_numeric_ids_and_string_booleans_are_normalised():
    plan = plan_refund(refund(refund_id=150000000000002, tid=2002, oid=2002,
                              has_good_return="false"))
    assert (plan["refund_id"], plan["tid"], plan["has_good_return"]) == (
        "150000000000002", "2002", False)


def test_missing_created_falls_back_to_modified():
    assert plan_refund(refund(created=""))["created"] == "2024-05-02 09:30:00"


@pytest.mark.parametrize("change, message", [
    ({"refund_id": ""}, "lacks refund_id"),
    ({"tid": None, "modified": None}, "lacks tid, modified"),
    ({"status": "REFUNDED_MAYBE"}, "unknown refund status"),
    ({"refund_fee": "abc"}, "not an amount"),
    ({"refund_fee": "1.005"}, "not an amount in cents"),
    ({"refund_fee": 12.5}, "must be a money string"),
    ({"refund_fee": "-1.00"}, "must not be negative"),
    ({"modified": "02/05/2024"}, "modified is not a time"),
    ({"created": "yesterday"}, "created is not a time"),
    ({"num": "two"}, "num must be a whole number"),
    ({"num": 0}, "num must be at least 1"),
])
def test_malformed_refunds_are_refused_with_their_reason(change, message):
    with pytest.raises(TradeMappingError) as caught:
        plan_refund(refund(**change))
    assert message in str(caught.value)


def test_non_object_is_refused():
    with pytest.raises(TradeMappingError):
        plan_refund(["150000000000001"])


def test_detail_needed_only_when_a_record_field_is_missing():
    assert not needs_refund_detail(refund())
    assert not needs_refund_detail(refund(desc=None, reason=None))  # TOP omits empty texts
    row = refund()
    del row["good_status"]
    assert needs_refund_detail(row)
    assert needs_refund_detail(refund(refund_fee=""))


def test_detail_completes_the_row_without_blanking_it():
    row = refund(good_status=None)
    merged = merge_detail(row, {"good_status": "BUYER_RETURNED_GOODS", "reason": "",
                                "num_iid": 520000000001})
    assert merged["good_status"] == "BUYER_RETURNED_GOODS"
    assert merged["reason"] == "不想要了"
    assert merged["num_iid"] == 520000000001
    assert goods_returned(plan_refund(merged))
    assert not goods_returned(plan_refund(refund()))
