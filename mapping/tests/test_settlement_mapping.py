# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from decimal import Decimal

import pytest

from ..settlement_mapping import SettlementMappingError, top_settlement_row

ACCOUNTS = {"1001": ("TRADE_INCOME", "交易收入"), "1002": ("TMALL_COMMISSION", "天猫佣金"),
            "1004": ("TAOKE_COMMISSION", "淘宝客佣金")}


def test_bills_become_neutral_rows_in_yuan():
    row = top_settlement_row({"bid": 7, "account_id": 1002, "trade_id": "99",
                              "amount": -495, "book_time": "2026-11-30 10:00:00"}, ACCOUNTS)
    assert row == {"ref": "TOP-7", "tid": "99", "kind": "commission",
                   "amount": Decimal("-4.95"), "label": "天猫佣金",
                   "when": "2026-11-30 10:00:00"}
    other = top_settlement_row({"bid": 8, "account_id": 1004, "trade_id": "99",
                                "amount": -300}, ACCOUNTS)
    assert other["kind"] == "other"


def test_a_bill_without_amount_says_which():
    with pytest.raises(SettlementMappingError) as caught:
        top_settlement_row({"bid": 9, "account_id": 1001}, ACCOUNTS)
    assert "bill 9" in str(caught.value)
