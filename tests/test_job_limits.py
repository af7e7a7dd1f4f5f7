# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""No job runs unbounded, no shop stalls silently (issue 20).

A busy shop's first run is cut into jobs of at most about JOB_TRADES trades;
the daily missing-order check runs in jobs of its own; a job left *started*
by a killed worker is shown red, requeued once, then failed.
"""
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.addons.queue_job.job import Job

from . import trade_factory as tf
from ..adapters.base import PlatformAdapter
from ..models import ecommerce_job_planner
from .test_jobs import JobCase


class TestBoundedJobs(JobCase):

    def setUp(self):
        super().setUp()
        # Small pages and jobs: the same cuts as 100 and 200, with a few trades.
        for patcher in (patch.object(PlatformAdapter, "page_size", 3),
                        patch.object(ecommerce_job_planner, "JOB_TRADES", 4)):
            patcher.start()
            self.addCleanup(patcher.stop)

    def busy_day(self, count=12):
        """``count`` paid trades over the last 20 hours, and one of 2 days ago."""
        trades = [tf.trade(str(7100 + n), created=tf.ago(hours=20 - n),
                           modified=tf.ago(hours=20 - n, minutes=-1)) for n in range(count)]
        older = tf.trade("7099", created=tf.ago(days=2), modified=tf.ago(days=2))
        self.load(older, *trades)

    def test_a_busy_first_run_stores_a_few_trades_per_job_and_checks_apart(self):
        self.busy_day()
        self.shop.write({"order_sync_watermark": False, "order_check_last": False})
        self.env["ecommerce.shop"]._cron_enqueue_orders()
        first = self.jobs("_job_sync_orders")
        self.run_job(first)
        self.assertEqual(first.state, "done")
        stored = len(self.orders())
        self.assertTrue(4 <= stored <= 6, "%d trades in the first job" % stored)
        self.assertEqual(len(self.jobs("_job_sync_orders", "pending")), 1,
                         "the rest of the day waits in the next job")
        self.assertFalse(self.jobs("_job_check_missing_orders"),
                         "no check before the orders are current")
        self.assertFalse(self.shop.order_sync_last_success)
        self.run_pending()
        self.assertEqual(len(self.orders()), 13)
        self.assertGreaterEqual(len(self.jobs("_job_sync_orders")), 3)
        # The check ran in jobs of its own (the span is cut like the windows) and
        # found the trade of 2 days ago, which the first day's window does not hold.
        checks = self.jobs("_job_check_missing_orders")
        self.assertGreaterEqual(len(checks), 2)
        self.assertEqual(set(checks.mapped("state")), {"done"})
        self.assertTrue(self.order_of("7099"))
        self.assertTrue(self.shop.order_check_last)
        self.assertTrue(self.shop.order_sync_last_success)
        self.assertTrue(self.env["ecommerce.sync.log"].search(
            [("shop_id", "=", self.shop.id), ("kind", "=", "missing_check")]))

    def test_a_failing_check_fails_its_own_job_not_the_orders(self):
        self.busy_day(2)
        self.shop.write({"order_sync_watermark": False, "order_check_last": False})
        self.env["ecommerce.shop"]._cron_enqueue_orders()
        for _round in range(5):  # the day's window, and the 10 minutes of overlap after it
            for record in self.jobs("_job_sync_orders", "pending"):
                self.run_job(record)
        self.assertEqual(set(self.jobs("_job_sync_orders").mapped("state")), {"done"})
        self.assertEqual(len(self.orders()), 2)
        check = self.jobs("_job_check_missing_orders")
        self.sandbox.faults(["transient@%d" % n for n in range(1, 9)])
        self.run_job(check)
        self.assertEqual((check.state, check.retry), ("pending", 1))
        self.assertEqual(len(self.orders()), 2, "the orders' window stays stored")


class StalledMixin(object):

    def start(self, record, minutes_ago):
        """The job as a killed worker leaves it: started, for good."""
        job = Job.load(self.env, record.uuid)
        job.set_started()
        job.store()
        record.write({"date_started": fields.Datetime.to_string(
            datetime.utcnow() - timedelta(minutes=minutes_ago))})
        return record


class TestStalledJobs(StalledMixin, JobCase):

    def test_a_stalled_job_is_red_requeued_once_then_failed(self):
        self.env["ecommerce.shop"]._cron_enqueue_orders()
        job = self.jobs("_job_sync_orders")
        limit = self.shop._stalled_job_minutes()
        self.start(job, limit - 1)
        self.assertEqual(self.health().health_jobs_stalled, 0, "still within the limit")
        self.env["ecommerce.shop"]._cron_requeue_stalled_jobs()
        self.assertEqual(job.state, "started")
        self.start(job, limit + 1)
        shop = self.health()
        self.assertEqual((shop.health_jobs_stalled, shop.health_state), (1, "red"))
        self.assertIn("they block shop %s" % self.shop.name, shop.health_reasons)
        self.env["ecommerce.shop"]._cron_requeue_stalled_jobs()
        job.invalidate_cache()
        self.assertEqual((job.state, job.ecommerce_requeued), ("pending", True))
        self.assertEqual(self.health().health_jobs_stalled, 0)
        # Requeued, it runs as any job: the channel is free again.
        self.load(tf.trade("7201", modified=tf.ago(hours=1)))
        self.run_job(job)
        self.assertEqual(job.state, "done")
        self.assertEqual(self.orders().mapped("name"), ["TB7201"])

    def test_a_job_stalling_twice_fails_with_the_reason(self):
        self.env["ecommerce.shop"]._cron_enqueue_refunds()
        job = self.jobs("_job_sync_refunds")
        limit = self.shop._stalled_job_minutes()
        self.start(job, limit + 5)
        self.env["ecommerce.shop"]._cron_requeue_stalled_jobs()
        self.start(job, limit + 5)
        self.env["ecommerce.shop"]._cron_requeue_stalled_jobs()
        job.invalidate_cache()
        self.assertEqual(job.state, "failed")
        self.assertIn("a second time", job.exc_info)
        shop = self.health()
        self.assertEqual((shop.health_jobs_failed, shop.health_jobs_stalled), (1, 0))
        self.assertEqual(shop.health_state, "red")

    def test_jobs_of_other_channels_are_left_alone(self):
        delayed = self.shop.with_delay(channel="root.other")._job_sync_orders()
        record = self.env["queue.job"].search([("uuid", "=", delayed.uuid)])
        self.start(record, self.shop._stalled_job_minutes() + 5)
        self.env["ecommerce.shop"]._cron_requeue_stalled_jobs()
        record.invalidate_cache()
        self.assertEqual((record.state, record.ecommerce_requeued), ("started", False))

    def test_the_stalled_limit_follows_the_worker_limit_or_the_setting(self):
        from odoo.tools import config
        with patch.dict(config.options, {"limit_time_real": 600}):
            self.assertEqual(self.shop._stalled_job_minutes(), 15)
        self.env["ir.config_parameter"].sudo().set_param(
            "ecommerce_sync.stalled_job_minutes", "42")
        self.assertEqual(self.shop._stalled_job_minutes(), 42)

    def test_the_cron_exists(self):
        cron = self.env.ref("ecommerce_sync.ir_cron_requeue_stalled_jobs")
        self.assertEqual(cron.code, "model._cron_requeue_stalled_jobs()")
        self.assertTrue(cron.active)


class TestStalledJobStillAlive(StalledMixin, JobCase):
    """Apart: the cron takes the shop's lock for its transaction, which a test class
    keeps until its end, and another cursor could then never take it."""

    def test_a_stalled_job_still_holding_the_shop_lock_is_left_running(self):
        """Without time limits (threaded server) a long job may still be alive: the
        shop's sync lock it holds says so, and the cron waits for it."""
        from ..models.ecommerce_shop_orders import LOCK_CLASS
        self.env["ecommerce.shop"]._cron_enqueue_orders()
        job = self.start(self.jobs("_job_sync_orders"), self.shop._stalled_job_minutes() + 5)
        other = self.registry.cursor()
        try:
            other.execute("SELECT pg_advisory_lock(%s, %s)", (LOCK_CLASS, self.shop.id))
            self.env["ecommerce.shop"]._cron_requeue_stalled_jobs()
            job.invalidate_cache()
            self.assertEqual((job.state, job.ecommerce_requeued), ("started", False))
        finally:
            other.execute("SELECT pg_advisory_unlock(%s, %s)", (LOCK_CLASS, self.shop.id))
            other.close()
        self.assertEqual(self.health().health_jobs_stalled, 1, "still shown red")
        self.env["ecommerce.shop"]._cron_requeue_stalled_jobs()
        job.invalidate_cache()
        self.assertEqual((job.state, job.ecommerce_requeued), ("pending", True))
