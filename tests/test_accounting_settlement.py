# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The platform's settlement imported into the clearing journal and matched (issue 24).

Finished trades of the sandbox are billed (money released, commission, payment
fee, extra charges); the seller imports a period; the test checks the statement,
what it matched, the expense accounts, the clearing balance and the reasons of
what it could not match.
"""
from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import UserError

from . import trade_factory as tf
from .test_accounting import BooksCase, balance


def window():
    now = datetime.utcnow().replace(microsecond=0)
    return (fields.Datetime.to_string(now - timedelta(hours=2)),
            fields.Datetime.to_string(now + timedelta(hours=1)))


class SettlementCase(BooksCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shop.write({"invoice_policy": "confirm",
                        "commission_account_id": cls.expenses["commission"].id,
                        "payment_fee_account_id": cls.expenses["payment_fee"].id,
                        "other_fee_account_id": cls.expenses["other"].id})

    def finished(self, tid, invoiced=True, **extra):
        """A trade paid, shipped and confirmed by the buyer; Odoo has it invoiced."""
        trade = tf.trade(tid, [tf.line(price=9900, num=1)], modified=tf.ago(hours=2))
        trade.update(extra)
        self.sandbox.upsert(trades=[trade])
        if invoiced:
            self.import_window()
            self.run_workflow()
        self.sandbox.ship(tid)
        self.sandbox.finish(tid)
        return self.order_of(tid)


class TestSettlement(SettlementCase):

    def test_a_refund_after_invoicing_is_settled_net(self):
        order = self.finished("24305")
        self.sandbox.refund("24305", oid="24305", status="SUCCESS", refund_fee="9.90",
                            good_status="BUYER_RECEIVED")
        self.ship(order)
        self.assertEqual(self.shop.sync_refunds()["failed"], [])
        summary = self.shop.import_settlement(*window())
        self.assertEqual(summary["unmatched"], [])
        net = round(order.amount_total - 9.90, 2)
        charges = round(net * 0.05, 2) + round(net * 0.006, 2)
        self.assertEqual(self.clearing_balance(), round(net - charges, 2))

    def test_bad_period_and_missing_journal_are_refused(self):
        with self.assertRaises(UserError):
            self.shop.import_settlement("2026-11-01", "2026-11-02 00:00:00")
        self.shop.clearing_journal_id = False
        with self.assertRaises(UserError):
            self.shop.import_settlement(*window())


class TestMarginReport(SettlementCase):

    def test_margin_per_shop_and_sku_adds_up(self):
        self.widget.standard_price = 40.0
        order = self.finished("24306")
        self.ship(order)
        refund_order = self.finished("24307")
        self.ship(refund_order)
        self.sandbox.refund("24307", oid="24307", status="SUCCESS", refund_fee="11.30",
                            good_status="BUYER_RECEIVED")
        self.assertEqual(self.shop.sync_refunds()["failed"], [])
        self.shop.import_settlement(*window())
        report = self.env["ecommerce.margin.report"]
        total = report.read_group([("shop_id", "=", self.shop.id)],
                                  ["sales", "refunds", "fees", "cost", "margin"], [])[0]
        invoices = self.env["account.invoice"].search([("ecommerce_shop_id", "=", self.shop.id),
                                                       ("type", "=", "out_invoice")])
        notes = self.env["account.invoice"].search([("ecommerce_shop_id", "=", self.shop.id),
                                                    ("type", "=", "out_refund")])
        fees = sum(balance(self.env, account) for account in self.expenses.values())
        self.assertAlmostEqual(total["sales"], sum(invoices.mapped("amount_untaxed")), places=2)
        self.assertAlmostEqual(total["refunds"], sum(notes.mapped("amount_untaxed")), places=2)
        self.assertAlmostEqual(total["fees"], fees, places=2)
        self.assertAlmostEqual(total["cost"], 80.0, places=2)
        self.assertAlmostEqual(total["margin"], total["sales"] - total["refunds"] - fees - 80.0,
                               places=2)
        per_sku = report.read_group([("shop_id", "=", self.shop.id),
                                     ("product_id", "=", self.widget.id)],
                                    ["product_id", "sales", "cost"], ["product_id"])
        self.assertAlmostEqual(per_sku[0]["cost"], 80.0, places=2)
        self.assertGreater(per_sku[0]["sales"], 0.0)
