# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Real-time messages (issue 25): a change on Taobao reaches the order through TMC.

The consumer and the jobs it queues run as the queue_job runner runs them
(tests/test_jobs.py JobRunnerMixin), in the test transaction; the sandbox
publishes one TMC message per change, with its faults when a test asks.
"""
import time
from datetime import datetime, timedelta
from unittest.mock import patch
from urllib.parse import parse_qs, urlparse

import psycopg2
import requests

from odoo import fields
from odoo.exceptions import UserError
from odoo.tools import mute_logger
from odoo.addons.queue_job.job import Job
from odoo.addons.ecommerce_sync.models.ecommerce_shop_orders import LOCK_CLASS
from odoo.addons.ecommerce_sync.synchronizers.order_importer import RUN_AGAIN_SQL
from odoo.addons.ecommerce_sync.synchronizers.realtime_consumer import (
    TRADE_CHUNK, TRADE_LOCK_CLASS)

from . import trade_factory as tf
from .common import shop_vals
from .test_jobs import UNMAPPED_SKU, JobRunnerMixin
from .test_order_import import SyncCase

SELLER = "悦享生活旗舰店"
FULLINFO = "taobao.trade.fullinfo.get"


class Crash(Exception):
    """The worker dies after the consumer queued its work, before the commit."""


class RealtimeCase(JobRunnerMixin, SyncCase):

    def setUp(self):
        super().setUp()
        self.env["ecommerce.stock.sync"].search([("shop_id", "=", self.shop.id)]).write(
            {"sync": False})
        self.shop.write({"platform_user_nick": SELLER})
        self.tmc(faults=[], cancel_all=True, clear=True, redeliver_seconds=60)

    def tmc(self, **body):
        return self.sandbox._post("/_sandbox/tmc", body)

    def subscribe(self):
        self.shop.realtime_subscribe()
        return self.env["ecommerce.realtime.channel"]._for_shop(self.shop)

    def consumer_job(self, channel):
        return self.env["queue.job"].search([("identity_key", "=", channel._job_key()),
                                             ("state", "=", "pending")])

    def consume(self, channel):
        """One run of the consumer, then the shop's jobs it queued."""
        record = self.consumer_job(channel)
        self.assertEqual(len(record), 1, "one consumer job waits")
        self.run_job(record)
        self.assertEqual(record.state, "done", record.exc_info)
        channel.invalidate_cache()
        self.run_pending()

    def paid_later(self, tid):
        """A trade the buyer has not paid yet: it is no order."""
        self.load(tf.trade(tid, [tf.line(price=9900, num=1)], status="WAIT_BUYER_PAY"))


class TestRealtime(RealtimeCase):

    def test_pay_address_refund_each_seen_through_the_channel(self):
        self.paid_later("7001")
        channel = self.subscribe()
        self.sandbox._change("7001", "pay")
        self.consume(channel)
        order = self.order_of("7001")
        self.assertEqual((order.state, order.amount_total), ("sale", 99.0))
        picking = order.picking_ids
        self.assertEqual(len(picking), 1)

        self.sandbox.change_address("7001", receiver_city="宁波市", receiver_address="中山路9号")
        self.consume(channel)
        self.assertIn("中山路9号", order.partner_shipping_id.street)

        self.sandbox.refund("7001", status="WAIT_SELLER_AGREE", reason="不想要了")
        self.consume(channel)
        self.assertTrue(picking.ecommerce_held)
        refund = self.env["ecommerce.refund"].search([("shop_id", "=", self.shop.id)])
        self.assertEqual((refund.tid, refund.status), ("7001", "WAIT_SELLER_AGREE"))
        # The next run confirms what the last one queued: nothing is handed out again.
        self.consume(channel)
        self.assertEqual(self.tmc()["queued"], 0)
        status = self.env["ecommerce.realtime.channel"].get_status()[0]
        self.assertEqual((status["state"], status["unconfirmed"], status["error"]),
                         ("running", 0, False))
        self.assertEqual(status["messages"], 3)

    def test_duplicated_and_reordered_changes_make_one_correct_order(self):
        self.paid_later("7002")
        channel = self.subscribe()
        self.tmc(faults=["duplicate:1", "reorder:0.5"], seed=3, reorder_seconds=0)
        self.sandbox._change("7002", "pay")
        for memo in ("a", "b", "ship SF"):
            self.sandbox.set_memo("7002", memo)
        record = self.consumer_job(channel)
        self.run_job(record)
        rereads = self.jobs(method="_job_realtime_trades", state="pending")
        self.assertEqual(rereads.mapped("args"), [[["7002"]]],
                         "eight messages, one re-read of the trade")
        self.assertGreaterEqual(channel.merged_total, 7)
        self.run_pending()
        self.assertEqual(len(self.order_of("7002")), 1)
        self.assertEqual(self.order_of("7002").ecommerce_seller_memo, "ship SF")
        # The duplicates come again as a late batch: same order, no second one.
        self.sandbox._change("7002", "message", {"buyer_message": "快点"})
        self.consume(channel)
        self.assertEqual(len(self.order_of("7002")), 1)

    def test_a_crash_before_the_confirm_loses_nothing(self):
        self.paid_later("7003")
        channel = self.subscribe()
        self.tmc(redeliver_seconds=0.3)
        self.sandbox._change("7003", "pay")
        job = Job.load(self.env, self.consumer_job(channel).uuid)
        with self.assertRaises(Crash), self.env.cr.savepoint():
            job.perform()
            raise Crash()
        self.assertFalse(self.jobs(method="_job_realtime_trades"),
                         "the crash undid the queueing")
        self.assertEqual(self.tmc()["queued"], 1, "and nothing was confirmed")
        time.sleep(0.4)
        self.consume(channel)
        self.assertEqual(self.order_of("7003").state, "sale")
        self.assertEqual(self.tmc()["counts"]["redelivered"], 1)

    def test_a_stalled_channel_falls_back_to_the_pull(self):
        channel = self.subscribe()
        # A message the channel drops: the pull finds the trade.
        self.tmc(faults=["drop:1"])
        self.sandbox.upsert(trades=[tf.trade("7004", [tf.line(price=5000)])])
        self.consume(channel)
        self.assertFalse(self.order_of("7004"))
        # Healthy and pulled lately: the 10-minute cron leaves the shop to the channel.
        self.shop.order_sync_last_success = fields.Datetime.now()
        self.shop.invalidate_cache()
        self.assertEqual(self.shop.realtime_status()[0]["pull_minutes"], 60)
        self.shop._cron_enqueue_orders()
        self.assertFalse(self.jobs(method="_job_sync_orders"))
        self.shop.invalidate_cache()
        self.assertEqual(self.shop.health_realtime_stalled, 0)
        self.assertNotIn("real-time channel", self.shop.health_reasons)
        # No read for five minutes: stalled; the watchdog pulls at once.
        stale = datetime.utcnow() - timedelta(minutes=5)
        channel.last_read = fields.Datetime.to_string(stale)
        self.shop.invalidate_cache()
        self.assertEqual(self.shop.realtime_state, "stalled")
        self.env["ecommerce.realtime.channel"]._cron_watch()
        self.assertEqual(len(self.jobs(method="_job_sync_orders", state="pending")), 1)
        # The health screen says so, with the minutes since the last read (amber:
        # the pull catches the changes meanwhile).
        self.assertEqual(self.shop.health_realtime_stalled, 5)
        self.assertIn("real-time channel has read nothing for 5 minutes",
                      self.shop.health_reasons)
        rules = self.env["ecommerce.shop.health"]._verdict_rules()
        self.assertIn(("health_realtime_stalled", "amber"), [r[:2] for r in rules])
        self.assertEqual(self.shop.realtime_status()[0]["pull_minutes"], 10)
        self.run_pending()
        self.assertEqual(self.order_of("7004").amount_total, 50.0)

    def test_a_read_of_many_trades_is_jobs_in_chunks_and_a_refused_trade_retries(self):
        channel = self.subscribe()
        tids = ["71%02d" % n for n in range(TRADE_CHUNK + 5)]
        trades = [tf.trade(tid, [tf.line(price=1000)]) for tid in tids[1:]]
        trades.insert(0, tf.trade(tids[0], [tf.line(sku_id=UNMAPPED_SKU, outer_sku_id="")]))
        self.sandbox.upsert(trades=trades)
        self.run_job(self.consumer_job(channel))
        chunks = self.jobs(method="_job_realtime_trades", state="pending")
        self.assertEqual(chunks.mapped("args"), [[tids[:TRADE_CHUNK]], [tids[TRADE_CHUNK:]]],
                         "one job per chunk, so that two workers share the read")
        details = self.sandbox.stats()["by_method"].get(FULLINFO, 0)
        self.run_job(chunks[0])
        self.assertEqual(chunks[0].state, "done", chunks[0].exc_info)
        self.assertEqual(self.sandbox.stats()["by_method"][FULLINFO] - details, TRADE_CHUNK,
                         "each trade of the chunk read once, not again by the import")
        stored = self.env["sale.order"].search([("ecommerce_tid", "in", tids)])
        self.assertEqual(len(stored), TRADE_CHUNK - 1, "a chunk stored, the refused left")
        # The refused trade goes the retry path: its job fails naming the reason.
        retry = self.jobs(method="_job_retry_trade")
        self.assertEqual(retry.args, [tids[0]])
        self.run_pending()
        self.assertEqual(retry.state, "failed")
        self.assertIn("not mapped", retry.exc_info)
        orders = self.env["sale.order"].search([("ecommerce_tid", "in", tids)])
        self.assertEqual(sorted(orders.mapped("ecommerce_tid")), tids[1:])
        self.assertEqual(set(orders.mapped("amount_total")), {10.0})

    def test_re_reads_run_side_by_side_and_a_trade_in_use_waits_its_turn(self):
        channel = self.subscribe()
        self.sandbox.upsert(trades=[tf.trade(tid, [tf.line(price=1000)])
                                    for tid in ("7201", "7202")])
        self.run_job(self.consumer_job(channel))
        reread = self.jobs(method="_job_realtime_trades", state="pending")
        self.env.cr.execute("SELECT hashtext(%s)", ("%d:7202" % self.shop.id,))
        trade_key = (TRADE_LOCK_CLASS, self.env.cr.fetchone()[0])
        # Another re-read of this shop runs (the sync lock shared) and holds trade 7202.
        other = self.registry.cursor()
        try:
            other.execute("SELECT pg_advisory_lock_shared(%s, %s)", (LOCK_CLASS, self.shop.id))
            other.execute("SELECT pg_advisory_lock(%s, %s)", trade_key)
            self.run_job(reread)
        finally:
            other.execute("SELECT pg_advisory_unlock_all()")
            other.close()
        self.assertEqual(reread.state, "done", reread.exc_info)
        self.assertEqual(self.order_of("7201").state, "sale")
        self.assertFalse(self.order_of("7202"), "the trade in use was left to its holder")
        later = self.jobs(method="_job_realtime_trades", state="pending")
        self.assertEqual(later.args, [["7202"]])
        self.assertGreater(later.eta, fields.Datetime.now(), "and re-read a little later")
        self.assertEqual(self.health().health_trades_waiting, 1,
                         "the health screen counts the trade still to read")
        self.run_pending()
        self.assertEqual(self.order_of("7202").state, "sale")
        self.assertEqual(self.health().health_trades_waiting, 0)

    def test_the_pull_holding_the_shop_makes_the_re_reads_wait(self):
        channel = self.subscribe()
        self.sandbox.upsert(trades=[tf.trade("7203", [tf.line(price=1000)])])
        self.run_job(self.consumer_job(channel))
        reread = self.jobs(method="_job_realtime_trades", state="pending")
        self.run_job_while_locked(reread, LOCK_CLASS, self.shop.id)
        self.assertEqual(reread.state, "pending", "postponed, not failed")
        self.assertFalse(self.order_of("7203"))
        self.run_pending()
        self.assertEqual(self.order_of("7203").state, "sale")

    def test_the_shop_reservation_job_reserves_what_the_re_reads_stored(self):
        channel = self.subscribe()
        self.sandbox.upsert(trades=[tf.trade("7204", [tf.line(price=1000)])])
        self.run_job(self.consumer_job(channel))
        self.run_job(self.jobs(method="_job_realtime_trades", state="pending"))
        free = self.order_of("7204")
        self.assertEqual(free.state, "sale")
        stock = self.env.ref("stock.stock_location_stock")
        self.env["stock.quant"]._update_available_quantity(free.order_line.product_id, stock, 5)
        self.assertEqual(free.picking_ids.state, "confirmed", "stored, not reserved yet")
        reserve = self.jobs(method="_job_reserve_deliveries", state="pending")
        self.assertEqual(len(reserve), 1, "one reservation job for the shop")
        self.run_job(reserve)
        self.assertEqual(reserve.state, "done", reserve.exc_info)
        free.picking_ids.invalidate_cache()
        self.assertEqual(free.picking_ids.state, "assigned", "reserved by the shop's job")
        self.assertFalse(free.picking_ids.ecommerce_reserve_due)

    def test_a_concurrent_update_during_a_refund_hold_runs_the_job_again(self):
        self.paid_later("7206")
        channel = self.subscribe()
        self.sandbox._change("7206", "pay")
        self.consume(channel)
        picking = self.order_of("7206").picking_ids
        self.sandbox.refund("7206", status="WAIT_SELLER_AGREE", reason="不想要了")
        self.run_job(self.consumer_job(channel))
        refund_job = self.jobs(method="_job_realtime_refund", state="pending")
        importer = type(self.env["ecommerce.refund.importer"])

        def stock_row_taken(*_args):
            # What another job reserving the same quant makes PostgreSQL say.
            self.env.cr.execute(RUN_AGAIN_SQL, log_exceptions=False)

        job = Job.load(self.env, refund_job.uuid)
        with patch.object(importer, "_act", stock_row_taken), \
                self.assertRaises(psycopg2.OperationalError) as caught, self.env.cr.savepoint():
            job.perform()
        self.assertEqual(caught.exception.pgcode, "40001",
                         "a serialization failure: the runner runs the job again")
        self.run_job(refund_job)
        self.assertEqual(refund_job.state, "done", refund_job.exc_info)
        self.assertTrue(picking.ecommerce_held, "and the rerun holds the goods")

    def test_a_buyer_is_stored_once_per_shop(self):
        partners = self.env["res.partner"]
        vals = {"name": "buyer", "ecommerce_shop_id": self.shop.id,
                "ecommerce_buyer_nick": "same_nick"}
        partners.create(vals)
        with self.assertRaises(psycopg2.IntegrityError), self.env.cr.savepoint(), \
                mute_logger("odoo.sql_db"):
            partners.create(vals)

    def test_a_running_channel_lets_the_stock_push_run_between_pulls(self):
        self.paid_later("7005")
        channel = self.subscribe()
        self.sandbox._change("7005", "pay")
        self.consume(channel)
        self.assertTrue(channel.stock_queued_at, "the sale's stock push was queued")
        self.shop.write({
            "order_sync_last_success": fields.Datetime.to_string(
                datetime.utcnow() - timedelta(minutes=45)),
            "order_unshipped_pass_last": fields.Datetime.now(), "order_sync_error": False})
        self.shop.invalidate_cache()
        self.assertFalse(self.shop._stock_push_block_reason())
        channel.last_read = fields.Datetime.to_string(datetime.utcnow() - timedelta(minutes=5))
        self.shop.invalidate_cache()
        self.assertIn("45 minutes", self.shop._stock_push_block_reason())


class TestRealtimeConsumer(RealtimeCase):

    def test_authorising_the_shop_subscribes_it(self):
        url = self.shop.action_authorize()["url"]
        back = requests.get(url, allow_redirects=False, timeout=10).headers["Location"]
        query = parse_qs(urlparse(back).query)
        self.shop.oauth_complete(query["state"][0], query["code"][0])
        self.assertTrue(self.shop.realtime_enabled)
        permits = self.tmc()["permits"]
        self.assertEqual([p["user_nick"] for p in permits], [SELLER])
        self.assertIn("taobao_refund_RefundCreated", permits[0]["topics"])
        channel = self.env["ecommerce.realtime.channel"]._for_shop(self.shop)
        self.assertEqual(len(self.consumer_job(channel)), 1)

    def test_one_consumer_per_app_and_the_watchdog_restarts_a_dead_one(self):
        channel = self.subscribe()
        self.shop.realtime_subscribe()
        self.env["ecommerce.realtime.channel"]._cron_watch()
        self.assertEqual(len(self.consumer_job(channel)), 1)
        record = self.consumer_job(channel)
        record.write({"state": "started", "date_started": fields.Datetime.to_string(
            datetime.utcnow() - timedelta(minutes=10))})
        self.env["ecommerce.realtime.channel"]._cron_watch()
        self.assertEqual(record.state, "failed")
        self.assertEqual(len(self.consumer_job(channel)), 1, "a new run waits")

    def test_a_run_that_finds_another_running_stops_without_a_successor(self):
        channel = self.subscribe()
        record = self.consumer_job(channel)
        self.run_job_while_locked(record, 46025, channel.id)
        self.assertIn("Another run", record.result)
        self.assertFalse(self.consumer_job(channel))

    def test_unsubscribed_shops_stop_the_chain(self):
        channel = self.subscribe()
        self.shop.realtime_unsubscribe()
        record = self.consumer_job(channel)
        self.run_job(record)
        self.assertFalse(self.consumer_job(channel))
        self.assertEqual(self.shop.realtime_state, "off")

    def test_a_jd_shop_has_no_channel_and_is_pulled_every_two_minutes(self):
        jd = self.env["ecommerce.shop"].create(shop_vals(name="JD shop", code="JD",
                                                         platform="jd"))
        with self.assertRaises(UserError):
            jd.realtime_subscribe()
        self.assertEqual(jd.realtime_status()[0]["pull_minutes"], 2)
        jd._cron_quick_pull()
        self.assertEqual(self.env["queue.job"].search_count(
            [("channel", "=", jd._job_channel_name()), ("method_name", "=", "_job_sync_orders")]),
            1)
