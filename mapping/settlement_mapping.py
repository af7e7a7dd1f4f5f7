# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Settlement bills in neutral words (pure functions, no I/O).

A neutral settlement row: ``{"ref", "tid", "kind", "amount", "label", "when"}``;
``kind`` is ``income`` (the trade's money released to the seller), ``commission``,
``payment_fee`` or ``other``; ``amount`` is Decimal yuan, negative when it leaves
the seller; ``when`` the platform's own time text (the adapter parses it).
"""
from decimal import Decimal

SETTLEMENT_KINDS = ("income", "commission", "payment_fee", "other")
# TOP cost accounts (taobao.bill.accounts.get account_code) -> kind; any other
# account is an "other" charge.
TOP_ACCOUNT_KINDS = {"TRADE_INCOME": "income", "TMALL_COMMISSION": "commission",
                     "PAY_SERVICE_FEE": "payment_fee"}
TOP_BILL_FIELDS = "bid,account_id,trade_id,order_id,amount,biz_time,book_time,alipay_notice"
TOP_ACCOUNT_FIELDS = "account_id,account_code,account_name"


class SettlementMappingError(ValueError):
    """A bill the mapping cannot read; the message says which and why."""


def top_settlement_row(bill, accounts):
    """A TOP bill -> neutral row; ``accounts`` maps account_id -> (code, name)."""
    try:
        fen = int(bill["amount"])
        code, name = accounts.get(str(bill.get("account_id")), ("", ""))
        return {"ref": "TOP-%s" % bill["bid"], "tid": str(bill.get("trade_id") or ""),
                "kind": TOP_ACCOUNT_KINDS.get(code, "other"),
                "amount": (Decimal(fen) / 100).quantize(Decimal("0.01")),
                "label": name or bill.get("alipay_notice") or str(bill.get("account_id")),
                "when": bill.get("book_time") or bill.get("biz_time")}
    except (KeyError, TypeError, ValueError) as err:
        raise SettlementMappingError("bill %s: %s" % (bill.get("bid"), err))
