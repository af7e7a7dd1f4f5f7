# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The books of a shop (issue 24): invoices at the chosen moment, paid into the
clearing journal; credit notes of refunds paid back from it, once.

The OCA automatic workflow's cron (``automatic.workflow.job.run``) invoices, as
it does every minute in production; the sandbox is the platform.
"""
from datetime import datetime, timedelta

from odoo import fields

from . import trade_factory as tf
from .test_refund import RefundCase, credit_note_accounting, refund


def books_accounting(env, company, code, label):
    """What the books of a shop need on top of credit_note_accounting: a clearing
    journal (the platform's account, a bank journal) and expense accounts for the
    platform's charges. Returns (clearing journal, {charge: expense account})."""
    income = credit_note_accounting(env, company, code, label)
    env["product.category"].search([]).write({"property_account_income_categ_id": income.id})
    account = env["account.account"]
    clearing = account.create({
        "code": "%s1012" % code, "name": "%s clearing (test)" % label, "reconcile": False,
        "user_type_id": env.ref("account.data_account_type_liquidity").id})
    journal = env["account.journal"].create({
        "name": "%s clearing (test)" % label, "code": "%sC" % code, "type": "bank",
        "company_id": company.id, "default_debit_account_id": clearing.id,
        "default_credit_account_id": clearing.id})
    expense_type = env.ref("account.data_account_type_expenses").id
    expenses = {name: account.create({"code": "%s66%02d" % (code, number),
                                      "name": "%s %s (test)" % (label, name),
                                      "user_type_id": expense_type})
                for number, name in enumerate(("commission", "payment_fee", "other"))}
    return journal, expenses


def balance(env, account):
    lines = env["account.move.line"].search([("account_id", "=", account.id)])
    return round(sum(lines.mapped("debit")) - sum(lines.mapped("credit")), 2)


class BooksCase(RefundCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clearing, cls.expenses = books_accounting(
            cls.env, cls.shop.company_id, "BKS", "Books")
        cls.sales_journal = cls.env["account.journal"].search([("code", "=", "BKSS")])
        cls.shop.write({"journal_id": cls.sales_journal.id,
                        "clearing_journal_id": cls.clearing.id})

    def run_workflow(self):
        """What the OCA workflow cron does every minute."""
        self.env["automatic.workflow.job"].run()

    def invoices(self, order):
        return order.invoice_ids.filtered(lambda i: i.type == "out_invoice")

    def clearing_balance(self):
        return balance(self.env, self.clearing.default_debit_account_id)

    def imported(self, tid, lines=None):
        self.load(tf.trade(tid, lines, modified=tf.ago(hours=2)))
        self.import_window()
        order = self.order_of(tid)
        self.assertEqual(order.state, "sale")
        return order

    def ship(self, order):
        picking = order.picking_ids
        picking.force_assign()
        for move in picking.move_lines:
            move.quantity_done = move.product_uom_qty
        picking.button_validate()
        self.assertEqual(picking.state, "done")


class TestInvoiceTiming(BooksCase):

    def test_on_confirmation_the_order_is_invoiced_and_paid_into_the_clearing_journal(self):
        self.shop.invoice_policy = "confirm"
        order = self.imported("24001", self.two_line_trade_lines())
        self.run_workflow()
        invoice = self.invoices(order)
        self.assertEqual(len(invoice), 1)
        self.assertEqual((invoice.state, invoice.journal_id, invoice.ecommerce_shop_id),
                         ("paid", self.sales_journal, self.shop))
        self.assertAlmostEqual(invoice.amount_total, order.amount_total, places=2)
        payment = invoice.payment_ids
        self.assertEqual((payment.journal_id, payment.payment_type),
                         (self.clearing, "inbound"))
        # The platform owes the order's money; the buyer owes nothing.
        self.assertEqual(self.clearing_balance(), round(order.amount_total, 2))
        self.assertEqual(order.partner_id.credit, 0.0)
        # The cron again: nothing new.
        self.run_workflow()
        self.assertEqual(len(self.invoices(order)), 1)
        self.assertEqual(len(invoice.payment_ids), 1)

    def test_when_shipped_the_order_waits_for_its_delivery(self):
        self.shop.invoice_policy = "ship"
        order = self.imported("24002")
        self.run_workflow()
        self.assertFalse(self.invoices(order))
        self.assertEqual(self.clearing_balance(), 0.0)
        self.ship(order)
        self.run_workflow()
        invoice = self.invoices(order)
        self.assertEqual(invoice.state, "paid")
        self.assertEqual(self.clearing_balance(), round(order.amount_total, 2))

    def test_by_hand_nothing_is_invoiced(self):
        order = self.imported("24003")
        self.ship(order)
        self.run_workflow()
        self.assertFalse(order.workflow_process_id)
        self.assertFalse(self.invoices(order))


class TestCreditNotesPaidBack(BooksCase):

    def test_refund_after_invoicing_is_one_credit_note_paid_back_once(self):
        self.shop.invoice_policy = "ship"
        order = self.imported("24004", self.two_line_trade_lines())
        self.ship(order)
        self.run_workflow()
        total = round(order.amount_total, 2)
        self.assertEqual(self.clearing_balance(), total)
        self.put_refunds(refund("24004", oid="2400401", status="SUCCESS", refund_fee="25.50",
                                good_status="BUYER_RECEIVED"))
        self.assertEqual(self.shop.sync_refunds()["failed"], [])
        note = self.env["ecommerce.refund"].search(
            [("shop_id", "=", self.shop.id), ("tid", "=", "24004")]).credit_note_id
        self.assertEqual((note.type, note.state, note.refund_invoice_id),
                         ("out_refund", "paid", self.invoices(order)))
        self.assertAlmostEqual(note.amount_total, 25.50, places=2)
        self.assertEqual((note.payment_ids.journal_id, note.payment_ids.payment_type),
                         (self.clearing, "outbound"))
        self.assertEqual(self.clearing_balance(), round(total - 25.50, 2))
        # Read again, and the cron again: still one credit note, paid once.
        since = fields.Datetime.to_string(datetime.utcnow() - timedelta(hours=3))
        self.shop.sync_refunds(since)
        self.run_workflow()
        notes = self.env["account.invoice"].search(
            [("type", "=", "out_refund"), ("ecommerce_shop_id", "=", self.shop.id),
             ("origin", "=", self.invoices(order).number)])
        self.assertEqual(notes, note)
        self.assertEqual(self.clearing_balance(), round(total - 25.50, 2))

    def test_without_a_clearing_journal_the_credit_note_stays_a_draft(self):
        self.shop.write({"invoice_policy": "ship", "clearing_journal_id": False})
        order = self.imported("24005")
        self.ship(order)
        self.put_refunds(refund("24005", status="SUCCESS", refund_fee="20.00"))
        self.shop.sync_refunds()
        note = self.env["ecommerce.refund"].search(
            [("shop_id", "=", self.shop.id), ("tid", "=", "24005")]).credit_note_id
        self.assertEqual(note.state, "draft")
