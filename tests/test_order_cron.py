# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import timedelta

from odoo import fields

from ..top_client import parse_beijing
from . import trade_factory as tf
from .common import shop_vals
from .test_order_import import SyncCase


class TestOrderCron(SyncCase):

    def last_log(self, shop=None):
        return self.env["ecommerce.sync.log"].search(
            [("shop_id", "=", (shop or self.shop).id)], limit=1)

    def many(self, count, prefix="40"):
        """Plain trades modified 2 h ago, 20 s apart, oldest first."""
        return [tf.trade("%s%04d" % (prefix, i), created=tf.ago(seconds=7300 - i * 20),
                         modified=tf.ago(seconds=7200 - i * 20), buyer_nick="nick%d" % (i % 7))
                for i in range(count)]

    def test_cron_record_runs_as_root_with_its_own_cursor(self):
        cron = self.env.ref("ecommerce_sync.ir_cron_sync_orders")
        self.assertEqual(cron.state, "code")
        self.assertEqual(cron.code, "model._cron_enqueue_orders()")  # queue_job (test_jobs)
        self.assertEqual(cron.user_id, self.env.ref("base.user_root"))
        self.assertEqual(cron.model_id.model, "ecommerce.shop")
        data = self.env["ir.model.data"].search([("name", "=", "ir_cron_sync_orders")])
        self.assertTrue(data.noupdate)

    def test_cron_imports_paid_trades_and_logs_the_others(self):
        self.load(tf.trade("5001", modified=tf.ago(hours=1)),
                  tf.trade("5002", status="WAIT_BUYER_PAY", modified=tf.ago(hours=1)),
                  tf.trade("5003", [tf.line(sku_id="4000000000404", outer_sku_id="")],
                           modified=tf.ago(hours=1)),
                  tf.trade("5004", modified=tf.ago(hours=5)))  # before the watermark
        self.env["ecommerce.shop"]._cron_sync_orders()
        self.assertEqual(self.orders().mapped("name"), ["TB5001"])
        self.assertEqual(self.orders().state, "sale")
        log = self.last_log()
        self.assertEqual((log.kind, log.state, log.created_count, log.skipped_count,
                          log.failed_count), ("order_sync", "partial", 1, 1, 1))
        reasons = {line.tid: line.reason for line in log.line_ids}
        self.assertIn("not paid yet", reasons["5002"])
        self.assertIn("SKU 4000000000404 of item 520000000001 is not mapped", reasons["5003"])
        watermark = fields.Datetime.from_string(self.shop.order_sync_watermark)
        self.assertGreaterEqual(watermark, self.now - timedelta(seconds=5))

    def test_second_run_updates_status_and_creates_nothing(self):
        self.load(tf.trade("5010", modified=tf.ago(hours=1)))
        first = self.shop.sync_orders()
        self.assertEqual(len(first["created"]), 1)
        self.sandbox.upsert(trades=[tf.trade("5010", status="WAIT_BUYER_CONFIRM_GOODS",
                                             modified=tf.ago(minutes=2))])
        second = self.shop.sync_orders()
        self.assertEqual((second["created"], second["updated"]), ([], ["5010"]))
        order = self.orders()
        self.assertEqual(len(order), 1)
        self.assertEqual(order.ecommerce_status, "WAIT_BUYER_CONFIRM_GOODS")

    def test_closed_before_shipping_cancels_the_order(self):
        self.load(tf.trade("5020", modified=tf.ago(hours=1)))
        self.shop.sync_orders()
        order = self.orders()
        self.assertEqual(order.state, "sale")
        self.sandbox.upsert(trades=[tf.trade("5020", status="TRADE_CLOSED",
                                             modified=tf.ago(minutes=2))])
        summary = self.shop.sync_orders()
        self.assertEqual(summary["cancelled"], ["5020"])
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.picking_ids.mapped("state"), ["cancel"])
        self.assertEqual(order.ecommerce_status, "TRADE_CLOSED")
        self.assertIn("before shipping", self.last_log().line_ids.reason)

    def test_closed_after_shipping_flags_the_order(self):
        self.load(tf.trade("5030", modified=tf.ago(hours=1)))
        self.shop.sync_orders()
        order = self.orders()
        picking = order.picking_ids
        picking.force_assign()
        picking.move_lines.quantity_done = 1
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.sandbox.upsert(trades=[tf.trade("5030", status="TRADE_CLOSED",
                                             modified=tf.ago(minutes=2))])
        summary = self.shop.sync_orders()
        self.assertEqual(summary["cancelled"], [])
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.ecommerce_review_needed)
        self.assertIn("already shipped", order.ecommerce_review_reason)

    def test_daily_missing_check_imports_what_the_increment_missed(self):
        self.shop.order_check_last = False
        self.load(tf.trade("5040", created=tf.ago(hours=30), modified=tf.ago(hours=29)),
                  tf.trade("5041", created=tf.ago(hours=30), modified=tf.ago(hours=29),
                           status="WAIT_BUYER_PAY"))
        summary = self.shop.sync_orders()
        self.assertEqual(self.orders().mapped("name"), ["TB5040"])
        self.assertEqual(summary["skipped"], [])
        self.assertTrue(self.shop.order_check_last)
        self.sandbox.upsert(trades=[tf.trade("5042", created=tf.ago(hours=30),
                                             modified=tf.ago(hours=29))])
        self.shop.sync_orders()  # the check runs once a day
        self.assertEqual(len(self.orders()), 1)

    def test_session_expiry_pauses_and_resume_completes_without_duplicates(self):
        trades = self.many(150)
        self.load(*trades)
        self.shop.order_check_days = 0
        # The call plan counts list calls only: no per-trade detail calls.
        self.shop.order_full_detail = False
        # The listing reads time windows of at most one page each, oldest first:
        # call 1 counts the 150 trades, call 2 reads the oldest window, and the
        # session expires on call 3.
        self.sandbox.faults(["session_expiry@3"])
        summary = self.shop.sync_orders()
        self.assertIn("session", summary["error"])
        self.assertTrue(self.shop.sync_paused)
        stored = self.orders()
        done = len(stored)
        self.assertTrue(0 < done < 150)
        # What is stored is exactly the oldest trades, and the watermark lies
        # after the last of them and before the first trade not stored.
        self.assertEqual(sorted(stored.mapped("ecommerce_tid")),
                         [t["tid"] for t in trades[:done]])
        watermark = fields.Datetime.from_string(self.shop.order_sync_watermark)
        self.assertGreaterEqual(watermark, parse_beijing(trades[done - 1]["modified"]))
        self.assertLess(watermark, parse_beijing(trades[done]["modified"]))
        self.assertEqual(self.last_log().state, "failed")

        self.sandbox.expire_session(False)
        self.shop.action_resume_sync()
        summary = self.shop.sync_orders()
        self.assertFalse(summary.get("error"))
        orders = self.orders()
        self.assertEqual(len(orders), 150)
        self.assertEqual(len(set(orders.mapped("ecommerce_tid"))), 150)
        self.assertEqual(len(summary["created"]), 150 - done)
        self.assertGreaterEqual(fields.Datetime.from_string(self.shop.order_sync_watermark),
                                self.now)

    def test_transient_failure_keeps_the_watermark_and_next_run_resumes(self):
        trades = self.many(120, prefix="41")
        self.load(*trades)
        self.shop.order_check_days = 0
        self.shop.order_full_detail = False  # the call plan counts list calls only
        before = self.shop.order_sync_watermark
        # Page 2 fails on every retry of the client.
        self.sandbox.faults(["transient@2", "transient@3", "transient@4", "transient@5"])
        summary = self.shop.sync_orders()
        self.assertTrue(summary["error"])
        self.assertFalse(self.shop.sync_paused)
        self.assertFalse(self.orders())
        self.assertEqual(self.shop.order_sync_watermark, before)
        summary = self.shop.sync_orders()
        self.assertFalse(summary.get("error"))
        self.assertEqual(len(self.orders()), 120)
        self.assertEqual(len(set(self.orders().mapped("ecommerce_tid"))), 120)

    def test_one_shop_failing_does_not_stop_the_others(self):
        broken = self.env["ecommerce.shop"].create(shop_vals(
            name="Broken", code="TB2", session_key="not-a-session"))
        self.load(tf.trade("5050", modified=tf.ago(hours=1)))
        self.env["ecommerce.shop"]._cron_sync_orders()
        self.assertTrue(broken.sync_paused)
        self.assertEqual(self.last_log(broken).state, "failed")
        self.assertEqual(self.orders().mapped("name"), ["TB5050"])
        self.assertFalse(self.shop.sync_paused)

    def test_running_sync_blocks_a_second_one(self):
        self.shop._acquire_order_lock()  # same transaction: re-entrant
        self.load(tf.trade("5060", modified=tf.ago(hours=1)))
        self.assertEqual(len(self.shop.sync_orders()["created"]), 1)
