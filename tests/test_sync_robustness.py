# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The sync loses nothing and never gets stuck (issue 13).

Each test fails on the code before the fix it proves: page-numbered listing
under churn, per-trade guards that only caught some exception types, a lock
refusal that left no trace, and manual windows read whole before storing.
"""
from datetime import timedelta
from unittest.mock import patch

import odoo
from odoo import fields

from ..models import ecommerce_shop_orders
from . import trade_factory as tf
from .common import shop_vals
from .test_order_import import SyncCase


class TestSyncRobustness(SyncCase):

    def setUp(self):
        super().setUp()
        self.shop.order_full_detail = False

    def many(self, count, prefix):
        return [tf.trade("%s%04d" % (prefix, i), created=tf.ago(seconds=7300 - i * 20),
                         modified=tf.ago(seconds=7200 - i * 20), buyer_nick="nick%d" % (i % 5))
                for i in range(count)]

    def test_trades_entering_the_window_mid_read_are_not_lost(self):
        """Trades inserted and modified while the listing is read shift the others:
        none of those listed is skipped, and the late ones are caught."""
        trades = self.many(250, "61")
        self.load(*trades)
        self.sandbox.faults([{"kind": "churn", "every": 1, "insert": 3, "modify": 2}], seed=7)
        first = self.shop.sync_orders()
        self.assertFalse(first.get("error"), first)
        self.assertGreater(self.sandbox.stats()["faults"]["churn"], 0)
        # Rows moved across what used to be page boundaries: every trade that was
        # there when the run began is stored.
        stored = set(self.orders().mapped("ecommerce_tid"))
        self.assertEqual({t["tid"] for t in trades} - stored, set())
        # Trades the platform lists late, in a window already read, are the daily
        # missing-order check's work.
        self.sandbox.faults([])
        self.shop.order_check_last = fields.Datetime.to_string(self.now - timedelta(days=2))
        self.shop.sync_orders()
        platform = {t["tid"] for t in self.sandbox.state()["trades"]
                    if t["status"] == "WAIT_SELLER_SEND_GOODS"}
        stored = set(self.orders().mapped("ecommerce_tid"))
        self.assertGreater(len(platform), 250)
        self.assertEqual(platform - stored, set())
        self.assertEqual(len(stored), len(self.orders()))

    def test_any_exception_fails_one_trade_only(self):
        self.load(tf.trade("6201", modified=tf.ago(hours=1)),
                  tf.trade("6202", modified=tf.ago(hours=1)),
                  tf.trade("6203", modified=tf.ago(hours=1)))
        importer = type(self.env["ecommerce.order.importer"])
        original = importer._create_order

        def explode_on_6202(self, plan, products, pending):
            if plan["tid"] == "6202":
                raise ZeroDivisionError("an unexpected bug")
            return original(self, plan, products, pending)

        with patch.object(importer, "_create_order", explode_on_6202), \
                odoo.tools.mute_logger(
                    "odoo.addons.ecommerce_sync.synchronizers.order_importer"):
            summary = self.shop.sync_orders()
        self.assertEqual(sorted(self.orders().mapped("ecommerce_tid")), ["6201", "6203"])
        self.assertEqual([f["tid"] for f in summary["failed"]], ["6202"])
        self.assertIn("ZeroDivisionError", summary["failed"][0]["reason"])
        # The watermark passed the window: the failed trade is logged, not retried forever.
        log = self.env["ecommerce.sync.log"].search([("shop_id", "=", self.shop.id)], limit=1)
        self.assertIn("an unexpected bug", log.line_ids.filtered(
            lambda line: line.tid == "6202").reason)

    def test_malformed_modified_fails_that_trade_only(self):
        self.load(tf.trade("6301"), tf.trade("6302", modified="yesterday"))
        summary = self.import_window()
        self.assertEqual(self.orders().mapped("ecommerce_tid"), ["6301"])
        self.assertEqual([f["tid"] for f in summary["failed"]], ["6302"])
        self.assertIn("modified", summary["failed"][0]["reason"])

    def test_a_sync_turned_away_by_the_lock_is_logged(self):
        self.load(tf.trade("6401", modified=tf.ago(hours=1)))
        with odoo.registry(self.env.cr.dbname).cursor() as other:
            other.execute("SELECT pg_try_advisory_xact_lock(%s, %s)",
                          (ecommerce_shop_orders.LOCK_CLASS, self.shop.id))
            summary = self.shop.sync_orders()
            other.rollback()
        self.assertIn("is running right now", summary["error"])
        log = self.env["ecommerce.sync.log"].search([("shop_id", "=", self.shop.id)], limit=1)
        self.assertEqual((log.kind, log.state), ("order_sync", "failed"))
        self.assertIn("is running right now", log.message)
        self.assertFalse(self.orders())

    def test_big_manual_window_imports_in_calls_and_says_what_remains(self):
        self.load(*self.many(7, "65"))
        with patch.object(ecommerce_shop_orders, "IMPORT_LIMIT", 4):
            first = self.import_window()
            self.assertEqual(len(first["created"]), 4)
            self.assertEqual(len(first["remaining"]), 3)
            self.assertIn("Call the import again", first["error"])
            second = self.import_window()
        self.assertEqual(len(second["created"]), 3)
        self.assertNotIn("remaining", second)
        self.assertEqual(len(self.orders()), 7)

    def test_platform_failure_mid_import_keeps_what_is_stored(self):
        self.load(*self.many(45, "66"))
        self.shop.order_full_detail = True  # one detail call per trade
        # Call 1 lists the window; details 1-30 answer; then the platform fails.
        self.sandbox.faults(["transient@%d" % n for n in range(32, 45)])
        first = self.import_window()
        self.assertTrue(first.get("error"))
        done = len(first["created"])
        self.assertGreaterEqual(done, 20)
        self.assertEqual(done + len(first["remaining"]), 45)
        self.sandbox.faults([])
        second = self.import_window()
        self.assertEqual(len(second["created"]), 45 - done)
        self.assertEqual(len(set(self.orders().mapped("ecommerce_tid"))), 45)

    def test_daily_check_catches_a_close_the_increment_missed(self):
        self.load(tf.trade("6701", modified=tf.ago(hours=1)))
        self.shop.sync_orders()
        order = self.orders()
        self.assertEqual(order.state, "sale")
        # The close happened while the watermark had already passed it.
        closed = tf.trade("6701", status="TRADE_CLOSED", modified=tf.ago(hours=5))
        self.sandbox.upsert(trades=[closed])
        self.shop.order_check_last = fields.Datetime.to_string(self.now - timedelta(days=2))
        summary = self.shop.sync_orders()
        self.assertEqual(summary["cancelled"], ["6701"])
        self.assertEqual(order.state, "cancel")

    def test_a_shop_failing_on_its_own_cursor_does_not_stop_the_next(self):
        """The crons' own-cursor runner isolates any exception, for every kind of sync."""
        other = self.env["ecommerce.shop"].create(shop_vals(name="Other", code="OT"))
        seen = []

        def run(shop, commit):
            # Nothing is written, so the runner's own cursor commits nothing.
            if shop.id == self.shop.id:
                raise ZeroDivisionError("an unexpected bug")
            seen.append(shop.id)
        shop_class = type(self.env["ecommerce.shop"])
        with patch.object(shop_class, "_sync_refunds_run", run), \
                odoo.tools.mute_logger("odoo.addons.ecommerce_sync.models.ecommerce_shop"):
            for shop_id in (self.shop.id, other.id):
                self.env["ecommerce.shop"]._run_on_new_cursor(
                    shop_id, "_sync_refunds_run", "refund sync", True)
        self.assertEqual(seen, [other.id])
