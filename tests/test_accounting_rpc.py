# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The books of a shop over XML-RPC, as a seller's script or the cron drives them.

Invoices at the moment the shop's setting says (by OCA's workflow cron,
``automatic.workflow.job.run``, or ``invoice_orders``), paid into the clearing
journal; a credit note per refund, paid back once; the platform's settlement
imported and matched with its fees, what it cannot match explained. The sandbox
is the platform; every record is made and read through XML-RPC.
"""
from datetime import datetime, timedelta

from . import trade_factory as tf
from .common import EcommerceRpcCase

FMT = "%Y-%m-%d %H:%M:%S"


def window(hours_before=24, hours_after=1):
    now = datetime.utcnow().replace(microsecond=0)
    return ((now - timedelta(hours=hours_before)).strftime(FMT),
            (now + timedelta(hours=hours_after)).strftime(FMT))


class BooksRpcCase(EcommerceRpcCase):
    """A Taobao shop with its books, set up over XML-RPC."""

    def setUp(self):
        super().setUp()
        self.shop_id = self.create_shop()
        product_id = self.call("product.product", "create", {
            "name": "Widget A black", "type": "product", "default_code": "WA-01-S",
            "standard_price": 40.0})
        self.call("ecommerce.sku.mapping", "create", {
            "shop_id": self.shop_id, "num_iid": str(tf.NUM_IID), "sku_id": tf.SKU_ID,
            "product_id": product_id})
        self.main_books = books = self.books()
        self.clearing, self.expenses = books["clearing"], books["expenses"]
        self.alipay, self.sales = books["alipay"], books["sales"]

    def call(self, model, method, *args, **kwargs):
        return self.rpc("admin", model, method, *args, **kwargs)

    def shop(self, method, *args, **kwargs):
        return self.call("ecommerce.shop", method, [self.shop_id], *args, **kwargs)

    def account(self, code, name, kind, reconcile=False, company=None):
        vals = {"code": code, "name": name, "reconcile": reconcile,
                "user_type_id": self.call("ir.model.data", "xmlid_to_res_id", kind)}
        if company:
            vals["company_id"] = company
        return self.call("account.account", "create", vals)

    def books(self, shop_id=None):
        """Accounts, a sales journal and the Alipay clearing journal of a shop (the
        main one by default), all of the shop's company (the test database has no
        chart of accounts); the company's properties set for it.

        :returns: {"company", "income", "receivable", "clearing", "expenses" (by fee),
                   "sales", "alipay"} (ids)
        """
        shop_id = shop_id or self.shop_id
        company = self.call("ecommerce.shop", "read", [shop_id],
                            ["company_id"])[0]["company_id"][0]
        in_company = {"force_company": company}

        def account(code, name, kind, reconcile=False):
            return self.account(code, name, kind, reconcile, company=company)
        income = account("R6001", "Sales", "account.data_account_type_revenue")
        receivable = account("R1122", "Buyers", "account.data_account_type_receivable", True)
        clearing = account("R1012", "Alipay", "account.data_account_type_liquidity")
        expenses = {name: account("R66%02d" % n, name, "account.data_account_type_expenses")
                    for n, name in enumerate(("commission", "payment_fee", "other"))}
        field = self.call("ir.model.fields", "search", [
            ("model", "=", "res.partner"), ("name", "=", "property_account_receivable_id")])
        self.call("ir.property", "create", {
            "name": "property_account_receivable_id", "fields_id": field[0],
            "company_id": company, "value_reference": "account.account,%d" % receivable})
        self.call("product.category", "write", self.call("product.category", "search", []),
                  {"property_account_income_categ_id": income}, context=in_company)
        self.call("account.tax", "write",
                  self.call("account.tax", "search", [("company_id", "=", company)]),
                  {"account_id": income, "refund_account_id": income})
        sales = self.call("account.journal", "create", {
            "name": "Taobao sales", "code": "RS", "type": "sale", "company_id": company,
            "default_debit_account_id": income, "default_credit_account_id": income})
        alipay = self.call("account.journal", "create", {
            "name": "Alipay", "code": "RC", "type": "bank", "company_id": company,
            "default_debit_account_id": clearing, "default_credit_account_id": clearing})
        self.call("ecommerce.shop", "write", [shop_id], {
            "journal_id": sales, "clearing_journal_id": alipay,
            "commission_account_id": expenses["commission"],
            "payment_fee_account_id": expenses["payment_fee"],
            "other_fee_account_id": expenses["other"]})
        return {"company": company, "income": income, "receivable": receivable,
                "clearing": clearing, "expenses": expenses, "sales": sales, "alipay": alipay}

    def balance(self, account):
        lines = self.call("account.move.line", "search_read", [("account_id", "=", account)],
                          ["debit", "credit"])
        return round(sum(line["debit"] - line["credit"] for line in lines), 2)

    def imported(self, tid, status="WAIT_SELLER_SEND_GOODS", shop_id=None, **trade_fields):
        """A paid trade, imported and confirmed by the shop (the main one by
        default); its order as read over RPC."""
        self.sandbox.upsert(trades=[tf.trade(tid, modified=tf.ago(hours=2), status=status,
                                             **trade_fields)])
        created = self.call("ecommerce.shop", "import_orders", [shop_id or self.shop_id],
                            *window(), status=status, tids=[tid])["created"]
        self.assertEqual(len(created), 1)
        return self.order(created[0])

    def order(self, order_id):
        return self.call("sale.order", "read", [order_id], [
            "name", "state", "amount_total", "invoice_ids", "picking_ids",
            "workflow_process_id", "company_id"])[0]

    def invoices(self, order_id, kind="out_invoice"):
        return self.call("account.invoice", "search_read", [
            ("id", "in", self.order(order_id)["invoice_ids"]), ("type", "=", kind)],
            ["state", "journal_id", "amount_total", "payment_ids", "ecommerce_shop_id",
             "number"])

    def payments(self, invoice):
        return self.call("account.payment", "read", invoice["payment_ids"],
                         ["journal_id", "payment_type", "amount"])

    def ship_in_odoo(self, order):
        for picking_id in order["picking_ids"]:
            self.call("stock.picking", "force_assign", [picking_id])
            moves = self.call("stock.move", "search_read", [("picking_id", "=", picking_id)],
                              ["product_uom_qty"])
            for move in moves:
                self.call("stock.move", "write", [move["id"]],
                          {"quantity_done": move["product_uom_qty"]})
            self.call("stock.picking", "action_done", [picking_id])

    def run_cron(self):
        """What OCA's workflow cron does every minute."""
        self.call("automatic.workflow.job", "run")


class TestInvoicesRpc(BooksRpcCase):

    def test_on_confirmation_the_cron_invoices_and_pays_into_the_clearing_journal(self):
        self.shop("write", {"invoice_policy": "confirm"})
        order = self.imported("24501", lines=[tf.line(price=9900, num=2)], post_fee=800)
        self.run_cron()
        invoice = self.invoices(order["id"])
        self.assertEqual(len(invoice), 1)
        invoice = invoice[0]
        self.assertEqual((invoice["state"], invoice["ecommerce_shop_id"][0]),
                         ("paid", self.shop_id))
        self.assertEqual(invoice["journal_id"][0], self.sales)
        self.assertEqual(invoice["amount_total"], 206.0)
        payment = self.payments(invoice)
        self.assertEqual([(p["journal_id"][0], p["payment_type"], p["amount"])
                          for p in payment], [(self.alipay, "inbound", 206.0)])
        # The platform owes the money, the buyer nothing.
        self.assertEqual(self.balance(self.clearing), 206.0)
        # The cron again: nothing new.
        self.run_cron()
        self.assertEqual(len(self.invoices(order["id"])), 1)
        self.assertEqual(self.balance(self.clearing), 206.0)

    def test_when_shipped_the_order_waits_for_its_delivery(self):
        self.shop("write", {"invoice_policy": "ship"})
        order = self.imported("24502")
        answer = self.shop("invoice_orders", order_ids=[order["id"]])
        self.assertEqual((answer["invoiced"], answer["failed"]), ([], []))
        self.assertEqual(answer["skipped"], [{
            "order": order["id"], "reason": "Waits for its delivery: invoiced when shipped."}])
        self.run_cron()
        self.assertEqual(self.invoices(order["id"]), [])
        self.ship_in_odoo(order)
        answer = self.shop("invoice_orders", order_ids=[order["id"]])
        self.assertEqual((answer["invoiced"], answer["skipped"]), ([order["id"]], []))
        invoice = self.invoices(order["id"])[0]
        self.assertEqual((invoice["state"], answer["invoice_ids"]), ("paid", [invoice["id"]]))
        self.assertEqual(self.balance(self.clearing), order["amount_total"])
        again = self.shop("invoice_orders", order_ids=[order["id"]])
        self.assertEqual(again["skipped"], [{"order": order["id"],
                                             "reason": "Invoiced already."}])

    def test_by_hand_nothing_is_invoiced(self):
        order = self.imported("24503")
        self.ship_in_odoo(order)
        self.run_cron()
        self.assertFalse(self.order(order["id"])["workflow_process_id"])
        self.assertEqual(self.invoices(order["id"]), [])
        answer = self.shop("invoice_orders")
        self.assertEqual((answer["invoiced"], answer["skipped"]), ([], []))
        skipped = self.shop("invoice_orders", order_ids=[order["id"]])["skipped"]
        self.assertIn("Invoiced by hand", skipped[0]["reason"])

    def test_many_orders_are_invoiced_one_invoice_each(self):
        self.shop("write", {"invoice_policy": "confirm"})
        orders = [self.imported(tid, buyer_nick="same_buyer")["id"]
                  for tid in ("24504", "24505", "24506")]
        answer = self.shop("invoice_orders")
        self.assertEqual(sorted(answer["invoiced"]), sorted(orders))
        self.assertEqual(len(answer["invoice_ids"]), 3)
        for order_id in orders:
            invoice = self.invoices(order_id)
            self.assertEqual([i["state"] for i in invoice], ["paid"])
        self.assertEqual(self.balance(self.clearing), 3 * 99.0)

    def test_an_order_that_cannot_be_invoiced_fails_alone_with_its_reason(self):
        self.shop("write", {"invoice_policy": "confirm"})
        # A product still booked to an income account closed since (deprecated).
        closed = self.account("R6009", "Old sales", "account.data_account_type_revenue")
        self.call("account.account", "write", [closed], {"deprecated": True})
        mug = self.call("product.product", "create", {
            "name": "Mug", "type": "product", "default_code": "MUG-1",
            "property_account_income_id": closed})
        self.call("ecommerce.sku.mapping", "create", {
            "shop_id": self.shop_id, "num_iid": "520000000077", "sku_id": "4000000000077",
            "product_id": mug})
        good = self.imported("24507")["id"]
        bad = self.imported("24508", lines=[tf.line(num_iid=520000000077,
                                                    sku_id="4000000000077",
                                                    outer_sku_id="MUG-1")])["id"]
        answer = self.shop("invoice_orders")
        self.assertEqual(answer["invoiced"], [good])
        self.assertEqual([f["order"] for f in answer["failed"]], [bad])
        self.assertIn("deprecated", answer["failed"][0]["reason"])
        self.assertEqual([i["state"] for i in self.invoices(good)], ["paid"])
        self.assertEqual(self.invoices(bad), [])
        self.assertEqual(self.balance(self.clearing), 99.0)

    def test_a_user_of_another_company_cannot_invoice_the_shops_orders(self):
        self.shop("write", {"invoice_policy": "confirm"})
        order = self.imported("24509")
        other = self.call("res.company", "create", {"name": "Company B"})
        user = self.create_user("books_b", ["ecommerce_sync.group_ecommerce_manager",
                                            "account.group_account_invoice"])
        self.call("res.users", "write", [user],
                  {"company_ids": [(6, 0, [other])], "company_id": other})
        self.assertRpcAccessError("books_b", "ecommerce.shop", "invoice_orders",
                                  [self.shop_id])
        self.assertEqual(self.invoices(order["id"]), [])

    def test_bad_order_ids_are_named(self):
        fault = self.rpc_fault("admin", "ecommerce.shop", "invoice_orders", [self.shop_id],
                               order_ids="12")
        self.assertIn("order_ids must be a list of record ids", fault.faultString)
        fault = self.rpc_fault("admin", "ecommerce.shop", "invoice_orders", [self.shop_id],
                               order_ids=[99999999])
        self.assertIn("99999999", fault.faultString)


class TestTwoCompaniesRpc(BooksRpcCase):
    """A seller with two legal entities: company A (the admin's current company)
    with its shop, and company B with its own shop, sales and clearing journals.
    Each shop's orders, and their refunds' credit notes, go to its own company's
    books, whoever runs the invoicing."""

    def setUp(self):
        super().setUp()
        self.books_a = self.main_books
        currency = self.call("res.company", "read", [self.books_a["company"]],
                             ["currency_id"])[0]["currency_id"][0]
        company_b = self.call("res.company", "create",
                              {"name": "Company B", "currency_id": currency})
        admin = self.call("res.users", "search", [("login", "=", "admin")])
        # The admin may work in B but stays in A: B's books must not follow the user.
        self.call("res.users", "write", admin, {"company_ids": [(4, company_b)]})
        self.assertEqual(self.call("res.users", "read", admin, ["company_id"])[0]
                         ["company_id"][0], self.books_a["company"])
        # One catalogue for both entities; company B's own VAT on its sales.
        product = self.call("product.product", "search", [("default_code", "=", "WA-01-S")])
        vat_b = self.call("account.tax", "create", {
            "name": "VAT 13% (B)", "amount": 13.0, "amount_type": "percent",
            "type_tax_use": "sale", "company_id": company_b})
        self.call("product.product", "write", product, {
            "company_id": False, "taxes_id": [(4, vat_b)]})
        warehouse_b = self.call("stock.warehouse", "search", [("company_id", "=", company_b)])
        self.shop_b = self.create_shop(name="Shop B", code="TBB", company_id=company_b,
                                       warehouse_id=warehouse_b[0])
        self.call("ecommerce.sku.mapping", "create", {
            "shop_id": self.shop_b, "num_iid": str(tf.NUM_IID), "sku_id": tf.SKU_ID,
            "product_id": product[0]})
        self.books_b = self.books(self.shop_b)
        self.assertEqual(self.books_b["company"], company_b)

    def policy(self, shop_id, policy):
        self.call("ecommerce.shop", "write", [shop_id], {"invoice_policy": policy})

    def assertInBooksOf(self, order, books, amount, kind="out_invoice"):
        """The order's one invoice (or credit note), its lines, its payment and every
        journal item of both are of ``books``' company, in its sales and clearing
        journals."""
        company = books["company"]
        self.assertEqual(order["company_id"][0], company)
        invoices = self.call("account.invoice", "search_read", [
            ("id", "in", self.order(order["id"])["invoice_ids"]), ("type", "=", kind)], [
            "state", "company_id", "journal_id", "account_id", "amount_total", "payment_ids",
            "move_id", "invoice_line_ids", "tax_line_ids"])
        self.assertEqual(len(invoices), 1, invoices)
        invoice = invoices[0]
        self.assertEqual(
            (invoice["state"], invoice["company_id"][0], invoice["journal_id"][0],
             invoice["amount_total"]), ("paid", company, books["sales"], amount))
        lines = self.call("account.invoice.line", "read", invoice["invoice_line_ids"],
                          ["account_id", "invoice_line_tax_ids"])
        taxes = self.call("account.invoice.tax", "read", invoice["tax_line_ids"],
                          ["account_id", "tax_id"])
        self.assertTrue(taxes or kind != "out_invoice", "the order's VAT is on its invoice")
        tax_ids = {t["tax_id"][0] for t in taxes}
        for line in lines:
            tax_ids.update(line["invoice_line_tax_ids"])
        self.assertLessEqual({t["company_id"][0] for t in self.call(
            "account.tax", "read", list(tax_ids), ["company_id"])}, {company})
        payments = self.call("account.payment", "read", invoice["payment_ids"],
                             ["journal_id", "company_id", "payment_type", "amount", "state"])
        self.assertEqual([(p["journal_id"][0], p["company_id"][0], p["payment_type"],
                           p["amount"], p["state"]) for p in payments],
                         [(books["alipay"], company,
                           "inbound" if kind == "out_invoice" else "outbound", amount,
                           "posted")])
        items = self.call("account.move.line", "search_read", [
            "|", ("move_id", "=", invoice["move_id"][0]),
            ("payment_id", "in", invoice["payment_ids"])],
            ["account_id", "company_id", "journal_id"])
        self.assertEqual({i["company_id"][0] for i in items}, {company})
        self.assertEqual({i["journal_id"][0] for i in items}, {books["sales"], books["alipay"]})
        # The buyer's receivable too: a property of the company, not of the user's.
        accounts = {i["account_id"][0] for i in items} | {invoice["account_id"][0]}
        accounts.update(line["account_id"][0] for line in lines)
        accounts.update(tax["account_id"][0] for tax in taxes)
        self.assertEqual({a["company_id"][0] for a in self.call(
            "account.account", "read", list(accounts), ["company_id"])}, {company})

    def test_a_shop_of_another_company_invoices_in_that_companys_books(self):
        self.policy(self.shop_id, "confirm")
        self.policy(self.shop_b, "confirm")
        order_b = self.imported("24531", shop_id=self.shop_b, lines=[tf.line(price=12800)])
        order_a = self.imported("24532")
        answer = self.call("ecommerce.shop", "invoice_orders", [self.shop_b])
        self.assertEqual((answer["invoiced"], answer["failed"]), ([order_b["id"]], []))
        self.assertInBooksOf(order_b, self.books_b, 128.0)
        self.assertEqual(self.invoices(order_a["id"]), [])
        answer = self.shop("invoice_orders")
        self.assertEqual((answer["invoiced"], answer["failed"]), ([order_a["id"]], []))
        self.assertInBooksOf(order_a, self.books_a, 99.0)
        # What each platform owes, in each company's clearing account.
        self.assertEqual((self.balance(self.books_a["clearing"]),
                          self.balance(self.books_b["clearing"])), (99.0, 128.0))

    def test_one_cron_run_invoices_both_shops_each_in_its_own_companys_books(self):
        # Both workflows due in both companies: orders imported under "On
        # confirmation", then under "When shipped" and shipped.
        self.policy(self.shop_id, "confirm")
        self.policy(self.shop_b, "confirm")
        confirmed_a = self.imported("24533")
        confirmed_b = self.imported("24534", shop_id=self.shop_b, lines=[tf.line(price=12800)])
        self.policy(self.shop_id, "ship")
        self.policy(self.shop_b, "ship")
        shipped_a = self.imported("24535", lines=[tf.line(price=8800)])
        shipped_b = self.imported("24536", shop_id=self.shop_b, lines=[tf.line(price=6600)])
        self.assertNotEqual(confirmed_b["workflow_process_id"], shipped_b["workflow_process_id"])
        self.ship_in_odoo(shipped_a)
        self.ship_in_odoo(shipped_b)
        self.run_cron()
        self.assertInBooksOf(confirmed_a, self.books_a, 99.0)
        self.assertInBooksOf(shipped_a, self.books_a, 88.0)
        self.assertInBooksOf(confirmed_b, self.books_b, 128.0)
        self.assertInBooksOf(shipped_b, self.books_b, 66.0)
        self.assertEqual((self.balance(self.books_a["clearing"]),
                          self.balance(self.books_b["clearing"])), (187.0, 194.0))
        # The cron again: nothing new in either company.
        self.run_cron()
        self.assertEqual((self.balance(self.books_a["clearing"]),
                          self.balance(self.books_b["clearing"])), (187.0, 194.0))

    def test_a_refund_in_the_other_company_is_its_credit_note_paid_back_from_its_journal(self):
        self.policy(self.shop_b, "confirm")
        # Shipped on the platform before Odoo knew the trade, then refunded in part.
        order = self.imported("24537", shop_id=self.shop_b, status="WAIT_BUYER_CONFIRM_GOODS",
                              lines=[tf.line(price=12800)])
        self.run_cron()
        self.assertInBooksOf(order, self.books_b, 128.0)
        self.sandbox.refund("24537", oid="24537", status="SUCCESS", refund_fee="12.80")
        summary = self.call("ecommerce.shop", "sync_refunds", [self.shop_b], *window())
        self.assertEqual(summary["failed"], [])
        self.assertInBooksOf(order, self.books_b, 12.8, kind="out_refund")
        self.assertEqual((self.balance(self.books_a["clearing"]),
                          self.balance(self.books_b["clearing"])), (0.0, 115.2))

    def test_a_shop_made_for_company_b_ships_from_and_books_in_b(self):
        company_b = self.books_b["company"]
        shop = self.create_shop(name="Shop B2", code="TBB2", company_id=company_b)
        [vals] = self.call("ecommerce.shop", "read", [shop], ["warehouse_id", "journal_id"])
        warehouse = self.call("stock.warehouse", "read", [vals["warehouse_id"][0]],
                              ["company_id"])[0]
        self.assertEqual(warehouse["company_id"][0], company_b)
        self.assertEqual(vals["journal_id"][0], self.books_b["sales"])
        warehouse_a = self.call("stock.warehouse", "search", [
            ("company_id", "=", self.books_a["company"])])
        fault = self.rpc_fault("admin", "ecommerce.shop", "write", [shop],
                               {"warehouse_id": warehouse_a[0]})
        self.assertIn("belongs to another company", fault.faultString)


class TestCreditNotesRpc(BooksRpcCase):

    def test_a_refund_after_invoicing_is_one_credit_note_paid_back_once(self):
        self.shop("write", {"invoice_policy": "ship"})
        order = self.imported("24511", lines=[tf.line(price=9900, num=2)])
        self.ship_in_odoo(order)
        self.run_cron()
        self.assertEqual(self.balance(self.clearing), 198.0)
        self.sandbox.ship("24511")
        self.sandbox.refund("24511", oid="24511", status="SUCCESS", refund_fee="25.50",
                            good_status="BUYER_RECEIVED")
        self.assertEqual(self.shop("sync_refunds", *window())["failed"], [])
        note = self.invoices(order["id"], "out_refund")
        self.assertEqual([(n["state"], n["amount_total"]) for n in note], [("paid", 25.5)])
        self.assertEqual([(p["journal_id"][0], p["payment_type"])
                          for p in self.payments(note[0])], [(self.alipay, "outbound")])
        self.assertEqual(self.balance(self.clearing), 172.5)
        # Read again and the cron again: still one credit note, paid once.
        self.shop("sync_refunds", *window())
        self.run_cron()
        self.assertEqual(len(self.invoices(order["id"], "out_refund")), 1)
        self.assertEqual(self.balance(self.clearing), 172.5)

    def test_a_refund_of_goods_shipped_before_the_go_live_is_a_credit_note_too(self):
        # Shipped on the platform before Odoo knew the trade: no delivery in Odoo.
        self.shop("write", {"invoice_policy": "confirm"})
        order = self.imported("24512", status="WAIT_BUYER_CONFIRM_GOODS")
        self.assertEqual(order["picking_ids"], [])
        self.run_cron()
        self.assertEqual(self.balance(self.clearing), 99.0)
        self.sandbox.refund("24512", oid="24512", status="SUCCESS", refund_fee="9.90")
        self.assertEqual(self.shop("sync_refunds", *window())["failed"], [])
        note = self.invoices(order["id"], "out_refund")
        self.assertEqual([(n["state"], n["amount_total"]) for n in note], [("paid", 9.9)])
        self.assertEqual(self.balance(self.clearing), 89.1)


class TestSettlementRpc(BooksRpcCase):

    def finished(self, tid, imported=True, **trade_fields):
        """A trade paid, shipped and confirmed by the buyer (so billed)."""
        order = None
        if imported:
            order = self.imported(tid, **trade_fields)
        else:
            self.sandbox.upsert(trades=[tf.trade(tid, modified=tf.ago(hours=2),
                                                 **trade_fields)])
        self.sandbox.ship(tid)
        self.sandbox.finish(tid)
        return order

    def test_a_period_is_matched_with_its_fees_and_imported_once(self):
        self.shop("write", {"invoice_policy": "confirm"})
        self.finished("24521")
        self.finished("24522", sandbox_bills=[{"account": "TAOKE_COMMISSION",
                                               "amount": "-3.00"}])
        self.run_cron()
        self.assertEqual(self.balance(self.clearing), 198.0)
        period = window(hours_before=2)
        summary = self.shop("import_settlement", *period)
        self.assertEqual((summary["imported"], summary["matched"], summary["unmatched"]),
                         (7, 7, []))
        statement = self.call("account.bank.statement", "read", [summary["statement_id"]],
                              ["journal_id", "line_ids"])[0]
        self.assertEqual(statement["journal_id"][0], self.alipay)
        lines = self.call("account.bank.statement.line", "read", statement["line_ids"],
                          ["journal_entry_ids"])
        self.assertTrue(all(line["journal_entry_ids"] for line in lines))
        # 5 % commission and 0.6 % payment fee of each 99.00, and the 3.00 extra.
        self.assertEqual(self.balance(self.expenses["commission"]), 9.9)
        self.assertEqual(self.balance(self.expenses["payment_fee"]), 1.18)
        self.assertEqual(self.balance(self.expenses["other"]), 3.0)
        self.assertEqual(self.balance(self.clearing), round(198.0 - 9.9 - 1.18 - 3.0, 2))
        again = self.shop("import_settlement", *period)
        self.assertEqual((again["imported"], again["skipped"], again["statement_id"]),
                         (0, 7, False))
        self.assertEqual(self.balance(self.clearing), 183.92)
        margin = self.call("ecommerce.margin.report", "read_group",
                           [("shop_id", "=", self.shop_id)], ["sales", "fees", "margin"], [])
        self.assertAlmostEqual(margin[0]["fees"], 14.08, places=2)
        # The rows a list or an export shows are the rows its search found, even after
        # the books moved on: a journal item rewritten lands elsewhere in its table,
        # which reshuffled a row number dealt by each query.
        rows = self.call("ecommerce.margin.report", "search_read",
                         [("shop_id", "=", self.shop_id)], ["sales", "fees", "cost", "margin"])
        self.assertAlmostEqual(sum(r["margin"] for r in rows), margin[0]["margin"], places=2)
        charges = self.call("account.move.line", "search",
                            [("account_id", "in", list(self.expenses.values()))], order="id")
        self.call("account.move.line", "write", charges[:1], {"name": "rewritten"})
        again = self.call("ecommerce.margin.report", "read", [r["id"] for r in rows],
                          ["sales", "fees", "cost", "margin"])
        self.assertEqual(sorted(again, key=lambda r: r["id"]), sorted(rows, key=lambda r: r["id"]))

    def test_unmatched_lines_wait_with_their_reason(self):
        self.shop("write", {"invoice_policy": "confirm", "other_fee_account_id": False})
        self.finished("24523", imported=False)  # a trade Odoo never imported
        self.finished("24524", sandbox_bills=[{"account": "TAOKE_COMMISSION",
                                               "amount": "-2.00"}])
        self.run_cron()
        summary = self.shop("import_settlement", *window(hours_before=2))
        reasons = {(u["tid"], u["amount"]): u["reason"] for u in summary["unmatched"]}
        self.assertEqual(len(reasons), 2, reasons)
        self.assertIn("not an order of this shop", reasons[("24523", 99.0)])
        self.assertIn("No expense account", reasons[("24524", -2.0)])
        open_lines = self.call("account.bank.statement.line", "search_read", [
            ("statement_id", "=", summary["statement_id"]), ("journal_entry_ids", "=", False)],
            ["amount", "note"])
        self.assertEqual(sorted(line["amount"] for line in open_lines), [-2.0, 99.0])
        self.assertTrue(all(line["note"] for line in open_lines))

    def test_an_order_not_invoiced_yet_is_explained(self):
        self.shop("write", {"invoice_policy": "ship"})
        self.finished("24525")
        summary = self.shop("import_settlement", *window(hours_before=2))
        income = [u for u in summary["unmatched"] if u["amount"] == 99.0]
        self.assertEqual(len(income), 1, summary)
        self.assertIn("no invoice paid into the clearing journal", income[0]["reason"])
