# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The books of a shop in-process: the fixtures the settlement tests share, and a
credit note without a clearing journal. The seller's checks run over XML-RPC in
test_accounting_rpc.

The OCA automatic workflow's cron (``automatic.workflow.job.run``) invoices, as
it does every minute in production; the sandbox is the platform.
"""
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


class TestCreditNotesPaidBack(BooksCase):
    """In-process only what the XML-RPC tests (test_accounting_rpc) do not show."""

    def test_without_a_clearing_journal_the_credit_note_stays_a_draft(self):
        self.shop.write({"invoice_policy": "ship", "clearing_journal_id": False})
        order = self.imported("24005")
        self.ship(order)
        self.put_refunds(refund("24005", status="SUCCESS", refund_fee="20.00"))
        self.shop.sync_refunds()
        note = self.env["ecommerce.refund"].search(
            [("shop_id", "=", self.shop.id), ("tid", "=", "24005")]).credit_note_id
        self.assertEqual(note.state, "draft")
