# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import UserError

from . import trade_factory as tf
from .common import shop_vals
from .test_order_import import OrderCase

REFUND_ID = 150000000000100


def refund(tid, oid=None, status="WAIT_SELLER_AGREE", refund_fee="99.00", refund_id=None,
           good_status="BUYER_NOT_RECEIVED", has_good_return=False, modified=None, **extra):
    """A TOP refund row as taobao.refunds.receive.get returns it."""
    modified = modified or tf.ago(minutes=5)
    row = {"refund_id": str(refund_id or REFUND_ID), "tid": tid, "oid": oid or tid,
           "status": status, "refund_fee": refund_fee, "total_fee": refund_fee,
           "payment": refund_fee, "good_status": good_status,
           "has_good_return": has_good_return, "reason": "不想要了", "desc": "颜色不对",
           "created": tf.ago(hours=1), "modified": modified, "buyer_nick": "tb_buyer",
           "order_status": "WAIT_BUYER_CONFIRM_GOODS", "refund_phase": "aftersale"}
    row.update(extra)
    return row


def credit_note_accounting(env, company, code, label):
    """The test database has no chart of accounts: a sales journal, a receivable and
    an income account are enough for customer invoices and credit notes. Returns the
    income account, for the products to credit."""
    account = env["account.account"]
    receivable = account.create({
        "code": "%s1122" % code, "name": "Buyers (test)", "reconcile": True,
        "user_type_id": env.ref("account.data_account_type_receivable").id})
    income = account.create({
        "code": "%s6001" % code, "name": "%s (test)" % label,
        "user_type_id": env.ref("account.data_account_type_revenue").id})
    env["account.journal"].create({"name": "%s (test)" % label, "code": "%sS" % code,
                                   "type": "sale", "company_id": company.id,
                                   "default_debit_account_id": income.id,
                                   "default_credit_account_id": income.id})
    field = env["ir.model.fields"].search([("model", "=", "res.partner"),
                                           ("name", "=", "property_account_receivable_id")])
    env["ir.property"].create({"name": "property_account_receivable_id",
                               "fields_id": field.id, "company_id": company.id,
                               "value_reference": "account.account,%d" % receivable.id})
    env["account.tax"].search([("company_id", "=", company.id)]).write(
        {"account_id": income.id, "refund_account_id": income.id})
    return income


class RefundCase(OrderCase):
    """Orders of the sandbox shop, and the accounting a credit note needs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        income = credit_note_accounting(cls.env, cls.shop.company_id, "ECR", "Platform sales")
        (cls.widget | cls.mug).write({"property_account_income_id": income.id})

    def put_refunds(self, *refunds):
        """Store refunds on the platform (sandbox control API)."""
        self.sandbox._post("/_sandbox/upsert", {"refunds": list(refunds)})

    def refunds(self, shop=None):
        return self.env["ecommerce.refund"].search([("shop_id", "=", (shop or self.shop).id)])

    def last_log(self, shop=None):
        return self.env["ecommerce.sync.log"].search(
            [("shop_id", "=", (shop or self.shop).id), ("kind", "=", "refund_sync")], limit=1)

    def shipped_order(self, tid, lines=None):
        """An imported order whose delivery is done."""
        self.load(tf.trade(tid, lines, modified=tf.ago(hours=2)))
        self.import_window()
        order = self.order_of(tid)
        self.ship(order)
        return order

    def ship(self, order):
        picking = order.picking_ids
        picking.force_assign()
        for move in picking.move_lines:
            move.quantity_done = move.product_uom_qty
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def two_line_trade_lines(self):
        return [tf.line(price=9900, num=2),
                tf.line(num_iid=520000000002, sku_id="", price=3000, outer_sku_id="",
                        outer_iid="MUG-X", title="Mug")]


class TestRefundSync(RefundCase):

    def test_cron_record_runs_as_root_every_15_minutes(self):
        cron = self.env.ref("ecommerce_sync.ir_cron_sync_refunds")
        self.assertEqual((cron.state, cron.code, cron.interval_number, cron.interval_type),
                         ("code", "model._cron_enqueue_refunds()", 15,
                          "minutes"))
        self.assertEqual(cron.user_id, self.env.ref("base.user_root"))

    def test_refunds_are_recorded_once_and_replay_changes_nothing(self):
        order = self.shipped_order("6001")
        self.put_refunds(refund("6001", status="WAIT_SELLER_AGREE"),
                         refund("6001", refund_id=REFUND_ID + 1, status="CLOSED",
                                refund_fee="10.00", modified=tf.ago(minutes=30)))
        first = self.shop.sync_refunds()
        self.assertEqual(first, {"created": 2, "updated": 0, "failed": []})
        recorded = self.refunds()
        self.assertEqual(len(recorded), 2)
        one = recorded.filtered(lambda r: r.refund_id == str(REFUND_ID))
        self.assertEqual((one.tid, one.oid, one.sale_order_id, one.sale_line_id.product_id,
                          one.status, one.refund_fee, one.reason),
                         ("6001", "6001", order, self.widget, "WAIT_SELLER_AGREE", 99.0,
                          "不想要了"))
        # Beijing time on the platform, UTC in Odoo.
        modified = fields.Datetime.from_string(one.date_modified)
        self.assertAlmostEqual(modified, datetime.utcnow() - timedelta(minutes=5),
                               delta=timedelta(minutes=2))
        messages = len(order.message_ids)
        for _run in range(2):
            again = self.shop.sync_refunds()
            self.assertEqual(again, {"created": 0, "updated": 0, "failed": []})
        self.assertEqual(self.refunds(), recorded)
        self.assertEqual(len(order.message_ids), messages)
        self.assertFalse(recorded.mapped("credit_note_id"))
        log = self.last_log()
        self.assertEqual((log.state, log.created_count, log.updated_count), ("done", 0, 0))

    def test_status_change_updates_the_record(self):
        self.shipped_order("6002")
        self.put_refunds(refund("6002"))
        self.shop.sync_refunds()
        self.put_refunds(refund("6002", status="SELLER_REFUSE_BUYER", modified=tf.ago(minutes=1)))
        summary = self.shop.sync_refunds()
        self.assertEqual((summary["created"], summary["updated"]), (0, 1))
        self.assertEqual(self.refunds().status, "SELLER_REFUSE_BUYER")

    def test_success_after_shipping_prepares_a_draft_credit_note_of_the_refund(self):
        order = self.shipped_order("6003", self.two_line_trade_lines())
        mug_oid = "600301"
        self.put_refunds(refund("6003", oid=mug_oid, status="SUCCESS", refund_fee="25.50",
                                good_status="BUYER_RECEIVED"))
        summary = self.shop.sync_refunds()
        self.assertEqual(summary, {"created": 1, "updated": 0, "failed": []})
        record = self.refunds()
        note = record.credit_note_id
        self.assertEqual((note.type, note.state, note.partner_id, note.origin),
                         ("out_refund", "draft", order.partner_invoice_id, order.name))
        self.assertAlmostEqual(note.amount_total, 25.50, places=2)
        self.assertEqual(note.invoice_line_ids.product_id, self.mug)
        self.assertEqual(note.invoice_line_ids.quantity, 1)
        mug_line = order.order_line.filtered(lambda line: line.ecommerce_oid == mug_oid)
        self.assertEqual(record.sale_line_id, mug_line)
        self.assertEqual(mug_line.ecommerce_refund_status, "SUCCESS")
        self.assertEqual(order.order_line.filtered(
            lambda line: line.ecommerce_oid == "600300").ecommerce_refund_status, "NO_REFUND")
        self.assertFalse(record.return_picking_id)  # the buyer kept the goods
        chatter = order.message_ids[0].body
        self.assertIn(mug_oid, chatter)
        self.assertIn("25.50", chatter)
        self.assertIn("不想要了", chatter)
        log = self.last_log()
        self.assertEqual(log.line_ids.mapped("result"), ["refund_action"])
        self.assertIn("draft credit note", log.line_ids.reason)
        # Read again: still one credit note.
        self.shop.sync_refunds(fields.Datetime.to_string(datetime.utcnow() - timedelta(hours=1)))
        self.assertEqual(self.env["account.invoice"].search_count(
            [("type", "=", "out_refund"), ("origin", "=", order.name)]), 1)

    def test_taxed_product_credit_note_keeps_the_amount_with_the_included_tax(self):
        order = self.shipped_order("6004")
        self.put_refunds(refund("6004", status="SUCCESS", refund_fee="50.00"))
        self.assertEqual(self.shop.sync_refunds()["failed"], [])
        note = self.refunds().credit_note_id
        self.assertAlmostEqual(note.amount_total, 50.0, places=2)
        tax = note.invoice_line_ids.invoice_line_tax_ids
        self.assertEqual(tax, order.order_line.filtered(
            lambda line: line.product_id == self.widget).tax_id)
        self.assertTrue(tax.price_include)
        self.assertAlmostEqual(note.amount_tax, round(50.0 - 50.0 / 1.13, 2), places=2)

    def test_credit_note_uses_the_order_invoice_as_origin(self):
        order = self.shipped_order("6005")
        invoice = self.env["account.invoice"].browse(order.action_invoice_create())
        invoice.action_invoice_open()
        self.put_refunds(refund("6005", status="SUCCESS", refund_fee="20.00"))
        self.shop.sync_refunds()
        note = self.refunds().credit_note_id
        self.assertEqual((note.refund_invoice_id, note.origin, note.partner_id),
                         (invoice, invoice.number, invoice.partner_id))
        self.assertAlmostEqual(note.amount_total, 20.0, places=2)

    def test_returned_goods_prepare_a_return_of_the_delivery(self):
        order = self.shipped_order("6006", self.two_line_trade_lines())
        delivery = order.picking_ids
        self.put_refunds(refund("6006", oid="600600", status="WAIT_SELLER_CONFIRM_GOODS",
                                good_status="BUYER_RETURNED_GOODS", has_good_return=True,
                                refund_fee="198.00"))
        summary = self.shop.sync_refunds()
        self.assertEqual(summary, {"created": 1, "updated": 0, "failed": []})
        record = self.refunds()
        widget_line = order.order_line.filtered(lambda line: line.ecommerce_oid == "600600")
        self.assertEqual(record.sale_line_id.product_id, self.widget)
        self.assertEqual(record.sale_line_id, widget_line)
        self.assertEqual((record.good_status, record.has_good_return),
                         ("BUYER_RETURNED_GOODS", True))
        returned = record.return_picking_id
        self.assertTrue(returned)
        self.assertNotEqual(returned.state, "done")
        self.assertEqual(returned.picking_type_id.code, "incoming")
        self.assertEqual(returned.move_lines.mapped("origin_returned_move_id.picking_id"),
                         delivery)
        self.assertEqual([(m.product_id, m.product_uom_qty) for m in returned.move_lines],
                         [(self.widget, 2)])
        self.assertFalse(record.credit_note_id)  # not refunded yet
        self.assertIn(returned.name, order.message_ids[0].body)
        # The seller confirms on the platform: the credit note follows, no second return.
        self.put_refunds(refund("6006", oid="600600", status="SUCCESS",
                                good_status="BUYER_RETURNED_GOODS", has_good_return=True,
                                refund_fee="198.00", modified=tf.ago(minutes=1)))
        summary = self.shop.sync_refunds()
        self.assertEqual(summary["updated"], 1)
        self.assertEqual(record.return_picking_id, returned)
        self.assertAlmostEqual(record.credit_note_id.amount_total, 198.0, places=2)
        self.assertEqual(len(order.picking_ids), 2)

    def test_refund_before_shipping_only_marks_the_line(self):
        self.load(tf.trade("6007", modified=tf.ago(hours=2)))
        self.import_window()
        order = self.order_of("6007")
        self.put_refunds(refund("6007", status="SUCCESS", refund_fee="99.00"))
        self.shop.sync_refunds()
        record = self.refunds()
        self.assertEqual(record.sale_order_id, order)
        self.assertEqual(order.order_line.filtered("ecommerce_oid").ecommerce_refund_status,
                         "SUCCESS")
        self.assertFalse(record.credit_note_id)
        self.assertFalse(record.return_picking_id)
        self.assertFalse(self.last_log().line_ids)

    def test_refund_of_an_unknown_order_is_still_recorded(self):
        self.put_refunds(refund("6999"))
        self.assertEqual(self.shop.sync_refunds()["created"], 1)
        self.assertFalse(self.refunds().sale_order_id)

    def test_malformed_refund_fails_alone_with_its_reason(self):
        self.put_refunds(refund("6008", refund_fee="abc"),
                         refund("6009", refund_id=REFUND_ID + 1),
                         refund("6010", refund_id=REFUND_ID + 2, status="NOT_A_STATUS"))
        summary = self.shop.sync_refunds()
        self.assertEqual(summary["created"], 1)
        reasons = {f["refund_id"]: f["reason"] for f in summary["failed"]}
        self.assertEqual(sorted(reasons), [str(REFUND_ID), str(REFUND_ID + 2)])
        self.assertIn("refund_fee is not an amount", reasons[str(REFUND_ID)])
        self.assertIn("unknown refund status", reasons[str(REFUND_ID + 2)])
        self.assertEqual(self.refunds().tid, "6009")
        log = self.last_log()
        self.assertEqual((log.state, log.failed_count), ("partial", 2))
        self.assertEqual(sorted(log.line_ids.mapped("tid")), ["6008", "6010"])

    def test_row_lacking_a_field_is_completed_by_the_detail_call(self):
        lacking = refund("6011")
        del lacking["good_status"]
        self.put_refunds(lacking, refund("6012", refund_id=REFUND_ID + 1))
        summary = self.shop.sync_refunds()
        self.assertEqual(summary, {"created": 2, "updated": 0, "failed": []})
        # One detail call, for the row that lacked a field only.
        self.assertEqual(self.sandbox.stats()["by_method"].get("taobao.refund.get"), 1)

    def test_incremental_sync_moves_the_watermark_an_explicit_window_does_not(self):
        self.put_refunds(refund("6013"))
        self.shop.refund_sync_watermark = False
        self.shop.sync_refunds()
        watermark = fields.Datetime.from_string(self.shop.refund_sync_watermark)
        self.assertAlmostEqual(watermark, datetime.utcnow(), delta=timedelta(minutes=1))
        self.shop.refund_sync_watermark = "2020-01-01 00:00:00"
        summary = self.shop.sync_refunds(
            fields.Datetime.to_string(datetime.utcnow() - timedelta(hours=2)))
        self.assertEqual(summary["updated"], 0)
        self.assertEqual(self.shop.refund_sync_watermark, "2020-01-01 00:00:00")

    def test_bad_arguments_are_refused_naming_the_argument(self):
        for args, name in ((("yesterday",), "date_from"),
                           (("2024-05-01 00:00:00", "2024/05/02"), "date_to"),
                           ((None, "2024-05-02 00:00:00"), "date_from"),
                           ((20240501,), "date_from")):
            with self.assertRaises(UserError) as caught:
                self.shop.sync_refunds(*args)
            self.assertIn(name, caught.exception.name)
        with self.assertRaises(UserError) as caught:
            self.shop.sync_refunds("2024-05-02 00:00:00", "2024-05-01 00:00:00")
        self.assertIn("after", caught.exception.name)
        with self.assertRaises(UserError) as caught:
            (self.shop | self.shop.copy({"code": "TB9"})).sync_refunds()
        self.assertIn("one shop", caught.exception.name)

    def test_session_expiry_pauses_the_shop(self):
        self.put_refunds(refund("6014"))
        self.sandbox.expire_session(True)
        before = self.shop.refund_sync_watermark
        summary = self.shop.sync_refunds()
        self.assertIn("session", summary["error"])
        self.assertEqual(summary["created"], 0)
        self.assertTrue(self.shop.sync_paused)
        self.assertEqual(self.shop.refund_sync_watermark, before)
        self.assertEqual(self.last_log().state, "failed")

    def test_cron_isolates_the_shops(self):
        broken = self.env["ecommerce.shop"].create(shop_vals(
            name="Broken", code="TB2", session_key="not-a-session"))
        self.put_refunds(refund("6015"))
        self.env["ecommerce.shop"]._cron_sync_refunds()
        self.assertTrue(broken.sync_paused)
        self.assertEqual(self.last_log(broken).state, "failed")
        self.assertEqual(len(self.refunds()), 1)
        self.assertFalse(self.shop.sync_paused)

    def test_ecommerce_user_gets_the_credit_note_and_the_return(self):
        user = self.make_user("refund_clerk", ["ecommerce_sync.group_ecommerce_user"])
        order = self.shipped_order("6016")
        self.put_refunds(refund("6016", status="SUCCESS", refund_fee="99.00",
                                good_status="BUYER_RETURNED_GOODS", has_good_return=True))
        summary = self.shop.sudo(user).sync_refunds()
        self.assertEqual(summary, {"created": 1, "updated": 0, "failed": []})
        record = self.refunds()
        self.assertEqual(record.credit_note_id.state, "draft")
        self.assertEqual(record.return_picking_id.move_lines.product_id, self.widget)
        self.assertEqual(order.ecommerce_refund_ids, record)

    def test_refund_read_before_its_order_is_linked_when_read_again(self):
        self.put_refunds(refund("6017"))
        self.shop.sync_refunds()
        self.assertFalse(self.refunds().sale_order_id)
        self.load(tf.trade("6017", modified=tf.ago(hours=2)))
        self.import_window()
        self.put_refunds(refund("6017"))
        summary = self.shop.sync_refunds()
        self.assertEqual((summary["created"], summary["updated"]), (0, 1))
        self.assertEqual(self.refunds().sale_order_id, self.order_of("6017"))
        self.assertEqual(self.order_of("6017").order_line.filtered(
            "ecommerce_oid").ecommerce_refund_status, "WAIT_SELLER_AGREE")

    def test_partial_return_takes_back_the_refunded_pieces_only(self):
        self.shipped_order("6018", self.two_line_trade_lines())
        self.put_refunds(refund("6018", oid="601800", status="WAIT_SELLER_CONFIRM_GOODS",
                                good_status="BUYER_RETURNED_GOODS", has_good_return=True,
                                refund_fee="99.00", num=1))
        self.shop.sync_refunds()
        returned = self.refunds().return_picking_id
        self.assertEqual([(m.product_id, m.product_uom_qty) for m in returned.move_lines],
                         [(self.widget, 1)])

    def test_zero_refund_prepares_no_credit_note(self):
        self.shipped_order("6019")
        self.put_refunds(refund("6019", status="SUCCESS", refund_fee="0.00"))
        self.assertEqual(self.shop.sync_refunds()["failed"], [])
        self.assertFalse(self.refunds().credit_note_id)

    def test_platform_failure_keeps_the_watermark_and_the_next_run_catches_up(self):
        self.put_refunds(refund("6020"))
        self.shop.refund_sync_watermark = fields.Datetime.to_string(
            datetime.utcnow() - timedelta(hours=1))
        before = self.shop.refund_sync_watermark
        # Every try of the client (first call and its retries) fails.
        self.sandbox.faults(["transient@%d" % n for n in range(1, 9)])
        summary = self.shop.sync_refunds()
        self.assertTrue(summary["error"])
        self.assertFalse(self.shop.sync_paused)
        self.assertFalse(self.refunds())
        self.assertEqual(self.shop.refund_sync_watermark, before)
        self.sandbox.faults([])
        self.assertEqual(self.shop.sync_refunds()["created"], 1)
