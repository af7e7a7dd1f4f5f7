# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The background sync on queue_job: crons enqueue, jobs do one unit of work.

Jobs run here the way the runner's /queue_job/runjob runs them (perform, then
done, postponed or failed), inside the test transaction; the real runner is
exercised by tools/test_job_runner.sh.
"""
import threading
import traceback
from datetime import datetime, timedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job
from odoo.tests import common
from odoo.tools.safe_eval import safe_eval

from . import trade_factory as tf
from .common import Sandbox, shop_vals
from .stock_factory import sandbox_item
from .test_order_import import SyncCase
from .test_refund import RefundCase, refund
from .test_shipment import SF_WAYBILL, ShipmentCase
from .test_stock_push import ITEM_A, ITEM_B, ITEM_C, StockPushCase

UNMAPPED_SKU = "4000000000404"


class JobRunnerMixin(object):
    """Run the shop's stored jobs as the runner would, and read its health."""

    def health(self):
        """The shop with its health figures computed afresh."""
        self.shop.invalidate_cache()
        return self.shop

    def jobs(self, method=None, state=None):
        domain = [("channel", "=", self.shop._job_channel_name())]
        if method:
            domain.append(("method_name", "=", method))
        if state:
            domain.append(("state", "=", state))
        return self.env["queue.job"].search(domain, order="id")

    def run_job_while_locked(self, record, *key):
        """Run the job while another session holds the advisory lock ``key``."""
        other = self.registry.cursor()
        try:
            other.execute("SELECT pg_advisory_lock(%s, %s)", key)
            self.run_job(record)
        finally:
            # A closed cursor's connection goes back to the pool with its session
            # locks: release it, or every later job finds it taken.
            other.execute("SELECT pg_advisory_unlock(%s, %s)", key)
            other.close()

    def run_job(self, record):
        """Run one stored job as the runner does, its failure kept in a savepoint."""
        job = Job.load(self.env, record.uuid)
        job.set_started()
        job.store()
        try:
            with self.env.cr.savepoint():
                job.perform()
        except RetryableJobError as err:
            job.postpone(result=str(err), seconds=err.seconds)
            job.set_pending(reset_retry=False)
        except Exception:  # pylint: disable=broad-except
            job.set_failed(exc_info=traceback.format_exc())
        else:
            job.set_done()
        job.store()
        record.invalidate_cache()
        return record

    def run_pending(self, limit=20):
        """Run the shop's pending jobs, and those they enqueue, like the runner."""
        for _round in range(limit):
            pending = self.jobs(state="pending")
            if not pending:
                return
            for record in pending:
                self.run_job(record)
        self.fail("jobs keep coming")


class JobCase(JobRunnerMixin, SyncCase):

    def setUp(self):
        super().setUp()
        # The order tests' listings are not on the sandbox: a caught-up order sync
        # would queue stock pushes for them (TestStockJobs covers that).
        self.env["ecommerce.stock.sync"].search([("shop_id", "=", self.shop.id)]).write(
            {"sync": False})


class TestJobs(JobCase):

    def test_cron_enqueues_one_order_job_per_shop_in_its_channel(self):
        self.env["ecommerce.shop"]._cron_enqueue_orders()
        self.env["ecommerce.shop"]._cron_enqueue_orders()  # still waiting: no second job
        job = self.jobs("_job_sync_orders")
        self.assertEqual(len(job), 1)
        self.assertEqual(job.state, "pending")
        self.assertEqual(job.channel, "root.ecommerce.shop_%d" % self.shop.id)
        self.assertIn(self.shop.name, job.name)
        channel = self.env["queue.job.channel"].search(
            [("complete_name", "=", job.channel)])
        self.assertEqual(channel.parent_id, self.env.ref("ecommerce_sync.channel_ecommerce"))
        self.assertEqual(self.env.ref("ecommerce_sync.queue_job_channel_shop_%d"
                                      % self.shop.id), channel)

    def test_crons_call_the_enqueueing_methods(self):
        for xmlid, method in (("ir_cron_sync_orders", "_cron_enqueue_orders"),
                              ("ir_cron_sync_refunds", "_cron_enqueue_refunds"),
                              ("ir_cron_send_shipments", "_cron_enqueue_shipments"),
                              ("ir_cron_push_stock", "_cron_enqueue_stock")):
            cron = self.env.ref("ecommerce_sync." + xmlid)
            self.assertEqual(cron.code, "model.%s()" % method)
            self.assertTrue(hasattr(self.env["ecommerce.shop"], method))

    def test_every_job_method_has_a_job_function_of_the_addon(self):
        # queue_job creates a function record for an undeclared @job method, outside the
        # addon's data: it would then block the addon's uninstall.
        functions = self.env["queue.job.function"].search(
            [("name", "like", "<ecommerce.shop>.")])
        self.assertGreaterEqual(len(functions), 6)
        for function in functions:
            self.assertTrue(function.get_external_id()[function.id].startswith(
                "ecommerce_sync.job_function_"), function.name)
            self.assertEqual(function.channel_id, self.env.ref("ecommerce_sync.channel_ecommerce"))

    def test_job_imports_the_window_and_moves_the_watermark(self):
        self.load(tf.trade("6001", modified=tf.ago(hours=1)),
                  tf.trade("6002", modified=tf.ago(minutes=20)))
        self.env["ecommerce.shop"]._cron_enqueue_orders()
        self.run_pending()
        self.assertEqual(sorted(self.orders().mapped("name")), ["TB6001", "TB6002"])
        self.assertEqual(self.jobs("_job_sync_orders").mapped("state"), ["done"])
        watermark = fields.Datetime.from_string(self.shop.order_sync_watermark)
        self.assertGreaterEqual(watermark, self.now - timedelta(seconds=5))
        self.assertTrue(self.shop.order_sync_last_success)

    def test_windows_of_a_late_shop_run_one_after_another(self):
        self.shop.order_sync_watermark = fields.Datetime.to_string(self.now - timedelta(days=3))
        self.load(tf.trade("6011", created=tf.ago(days=3), modified=tf.ago(hours=70)),
                  tf.trade("6012", created=tf.ago(days=2), modified=tf.ago(hours=40)),
                  tf.trade("6013", modified=tf.ago(hours=2)))
        self.env["ecommerce.shop"]._cron_enqueue_orders()
        first = self.jobs("_job_sync_orders")
        self.run_job(first)
        # One day stored, the watermark there, and the next window waits in the queue.
        self.assertEqual(self.orders().mapped("name"), ["TB6011"])
        self.assertEqual(len(self.jobs("_job_sync_orders", "pending")), 1)
        self.assertFalse(self.shop.order_sync_last_success)
        self.run_pending()
        self.assertEqual(sorted(self.orders().mapped("name")),
                         ["TB6011", "TB6012", "TB6013"])
        self.assertEqual(set(self.jobs("_job_sync_orders").mapped("state")), {"done"})
        self.assertEqual(len(self.jobs("_job_sync_orders")), 4)
        self.assertTrue(self.shop.order_sync_last_success)

    def test_synchronous_jobs_in_tests(self):
        self.load(tf.trade("6021", modified=tf.ago(hours=1)))
        self.env["ecommerce.shop"].with_context(
            test_queue_job_no_delay=True)._cron_enqueue_orders()
        self.assertEqual(self.orders().mapped("name"), ["TB6021"])
        self.assertFalse(self.jobs())

    def test_the_order_cron_queues_the_daily_pass_over_the_unshipped_trades(self):
        # Paid 40 days ago, still waiting to ship: outside the increment and the
        # 3-day check; the pass (first sync, then daily) stores it.
        self.load(tf.trade("6025", created=tf.ago(days=40), modified=tf.ago(days=40)))
        self.shop.order_unshipped_pass_last = False
        self.env["ecommerce.shop"]._cron_enqueue_orders()
        self.assertEqual(len(self.jobs("_job_unshipped_pass")), 1)
        self.run_pending()
        self.assertEqual(self.orders().mapped("name"), ["TB6025"])
        self.assertEqual(set(self.jobs("_job_unshipped_pass").mapped("state")), {"done"})
        self.assertTrue(self.shop.order_unshipped_pass_last)
        self.env["ecommerce.shop"]._cron_enqueue_orders()  # the pass is a day away
        self.assertFalse(self.jobs("_job_unshipped_pass", "pending"))

    def test_transient_failure_postpones_the_job_and_stores_nothing(self):
        self.load(tf.trade("6031", modified=tf.ago(hours=1)))
        before = self.shop.order_sync_watermark
        self.sandbox.faults(["transient@%d" % n for n in range(1, 9)])
        self.env["ecommerce.shop"]._cron_enqueue_orders()
        job = self.run_job(self.jobs("_job_sync_orders"))
        self.assertEqual((job.state, job.retry), ("pending", 1))
        self.assertTrue(job.eta, "a retried job waits for its backoff")
        self.assertIn("cannot be reached", job.result)
        self.assertFalse(self.orders())
        self.assertEqual(self.shop.order_sync_watermark, before)
        self.sandbox.faults([])
        self.run_job(job)
        self.assertEqual(job.state, "done")
        self.assertEqual(self.orders().mapped("name"), ["TB6031"])

    def test_expired_session_pauses_the_shop_instead_of_retrying(self):
        self.sandbox.expire_session()
        try:
            self.env["ecommerce.shop"]._cron_enqueue_orders()
            job = self.run_job(self.jobs("_job_sync_orders"))
        finally:
            self.sandbox.expire_session(False)
        self.assertEqual(job.state, "done")
        self.assertTrue(self.shop.sync_paused)
        self.assertEqual(self.health().health_state, "red")
        self.env["ecommerce.shop"]._cron_enqueue_orders()
        self.assertEqual(len(self.jobs("_job_sync_orders")), 1, "a paused shop gets no jobs")

    def test_refused_trade_fails_its_job_and_a_requeue_imports_it_once_fixed(self):
        self.load(tf.trade("6041", [tf.line(sku_id=UNMAPPED_SKU, outer_sku_id="")],
                           modified=tf.ago(hours=1)))
        self.env["ecommerce.shop"]._cron_enqueue_orders()
        self.run_pending()
        self.assertFalse(self.orders())
        self.assertEqual(self.health().health_trades_refused, 1)
        # The next cron retries exactly the refused trade; still unmapped: the job fails.
        self.env["ecommerce.shop"]._cron_enqueue_orders()
        retry = self.jobs("_job_retry_trade")
        self.assertEqual(retry.args, ["6041"])
        self.assertIn("6041", retry.name)
        self.run_pending()
        self.assertEqual(retry.state, "failed")
        self.assertIn("6041", retry.exc_info)
        self.assertIn("not mapped", retry.exc_info)
        shop = self.health()
        self.assertEqual((shop.health_jobs_failed, shop.health_state), (1, "red"))
        # A failed trade is the seller's to requeue: the cron does not pile up new jobs.
        self.env["ecommerce.shop"]._cron_enqueue_orders()
        self.assertEqual(len(self.jobs("_job_retry_trade")), 1)
        self.env["ecommerce.sku.mapping"].create({
            "shop_id": self.shop.id, "num_iid": tf.NUM_IID, "sku_id": UNMAPPED_SKU,
            "product_id": self.widget.id})
        self.shop.action_requeue_failed_jobs()
        self.assertEqual(retry.state, "pending")
        self.run_job(retry)
        self.assertEqual(retry.state, "done")
        self.assertEqual(self.orders().mapped("name"), ["TB6041"])
        self.assertEqual(self.health().health_trades_refused, 0)

    def test_a_refused_trade_closed_since_leaves_the_retries(self):
        self.load(tf.trade("6061", [tf.line(sku_id=UNMAPPED_SKU, outer_sku_id="")],
                           modified=tf.ago(hours=1)))
        self.env["ecommerce.shop"]._cron_enqueue_orders()
        self.run_pending()
        self.assertEqual(self.health().health_trades_refused, 1)
        self.sandbox.close("6061")
        self.shop._enqueue_trade_retries(["6061"])
        self.run_pending()
        self.assertEqual(self.jobs("_job_retry_trade").state, "done")
        self.assertEqual(self.health().health_trades_refused, 0)
        self.env["ecommerce.shop"]._cron_enqueue_orders()
        self.assertEqual(len(self.jobs("_job_retry_trade")), 1, "nothing left to retry")

    def test_retry_button_reimports_exactly_the_refused_trades(self):
        self.load(tf.trade("6051", [tf.line(sku_id=UNMAPPED_SKU, outer_sku_id="")],
                           modified=tf.ago(hours=1)),
                  tf.trade("6052", modified=tf.ago(hours=1)))
        self.env["ecommerce.shop"]._cron_enqueue_orders()
        self.run_pending()
        self.assertEqual(self.orders().mapped("name"), ["TB6052"])
        self.env["ecommerce.sku.mapping"].create({
            "shop_id": self.shop.id, "num_iid": tf.NUM_IID, "sku_id": UNMAPPED_SKU,
            "product_id": self.widget.id})
        seller = self.make_user("retrier", ["ecommerce_sync.group_ecommerce_user",
                                            "sales_team.group_sale_salesman"])
        self.shop.sudo(seller).action_retry_trades()
        self.shop.sudo(seller).action_retry_trades()  # a second click adds nothing
        self.assertEqual(self.jobs("_job_retry_trade").mapped("args"), [["6051"]])
        self.assertEqual(self.health().health_trades_waiting, 1)
        self.run_pending()
        self.assertEqual(sorted(self.orders().mapped("name")), ["TB6051", "TB6052"])

    def test_a_job_finding_the_shop_locked_waits_without_counting_a_retry(self):
        self.env["ecommerce.shop"]._cron_enqueue_orders()
        job = self.jobs("_job_sync_orders")
        self.run_job_while_locked(job, self._lock_class(), self.shop.id)
        self.assertEqual((job.state, job.retry), ("pending", 0))
        self.assertIn("another synchronisation", job.result)

    @staticmethod
    def _lock_class():
        from ..models.ecommerce_shop_orders import LOCK_CLASS
        return LOCK_CLASS

    def test_a_job_meeting_a_tax_twin_being_created_elsewhere_runs_again(self):
        """Two shops' first jobs meet a new tax at once: one creates its
        price-included twin, the other runs again once that one has committed."""
        from ..synchronizers.order_importer import TWIN_LOCK_CLASS
        # A tax given to the product after it was mapped: the first import makes its twin.
        tax9 = self.env["account.tax"].create({
            "name": "VAT 9% test", "amount": 9.0, "amount_type": "percent",
            "type_tax_use": "sale", "company_id": self.shop.company_id.id})
        self.widget.taxes_id = tax9
        self.load(tf.trade("6101", modified=tf.ago(minutes=30)))
        self.env["ecommerce.shop"]._cron_enqueue_orders()
        job = self.jobs("_job_sync_orders")
        self.run_job_while_locked(job, TWIN_LOCK_CLASS, tax9.id)
        self.assertEqual((job.state, job.retry), ("pending", 0))
        self.assertIn("price-included twin of tax VAT 9% test", job.result)
        self.assertFalse(self.orders())
        self.assertFalse(self.env["ecommerce.trade.backlog"].search(
            [("shop_id", "=", self.shop.id)]), "no trade was refused for it")
        self.run_job(job)
        self.assertEqual(job.state, "done")
        line = self.orders().order_line.filtered(lambda line: line.product_id == self.widget)
        self.assertEqual(line.tax_id.name, "VAT 9% test (included in price)")
        self.assertTrue(line.tax_id.price_include)
        self.assertEqual(self.orders().state, "sale")

    def test_mapping_a_taxed_product_makes_its_price_included_twin(self):
        tax = self.env["account.tax"].create({
            "name": "VAT 6% test", "amount": 6.0, "amount_type": "percent",
            "type_tax_use": "sale", "company_id": self.shop.company_id.id})
        product = self.env["product.product"].create({
            "name": "Taxed gadget", "type": "product", "taxes_id": [(6, 0, tax.ids)]})
        self.env["ecommerce.sku.mapping"].create({
            "shop_id": self.shop.id, "num_iid": "520000000606", "product_id": product.id})
        twin = self.env["account.tax"].search([("name", "=", "VAT 6% test (included in price)")])
        self.assertEqual((twin.amount, twin.price_include), (6.0, True))

    def test_a_new_shop_has_its_cny_pricelist_before_its_first_job(self):
        """Made with the shop, not by the first imports of several shops at once."""
        shop = self.env["ecommerce.shop"].create(shop_vals(name="Fresh shop", code="FRESH"))
        self.assertEqual(shop.pricelist_id.currency_id, self.env.ref("base.CNY"))
        self.assertTrue(self.env.ref("base.CNY").active)

    def test_runner_channels_follow_the_shops(self):
        other = self.env["ecommerce.shop"].create(shop_vals(name="Second", code="TB2",
                                                            job_capacity=3))
        channels = self.env["ecommerce.shop"]._queue_job_channels().split(",")
        self.assertIn("root.ecommerce.shop_%d:1" % self.shop.id, channels)
        self.assertIn("root.ecommerce.shop_%d:3" % other.id, channels)
        total = sum(self.env["ecommerce.shop"].with_context(active_test=False).search(
            [("platform", "!=", "own")]).mapped("job_capacity"))
        # The real-time consumer has its slot, counted in root.ecommerce.
        self.assertEqual(channels[:2], ["root:%d" % (total + 1),
                                        "root.ecommerce:%d" % (total + 1)])
        self.assertEqual(channels[-1], "root.ecommerce.realtime:1")
        self.assertEqual(self.env["ecommerce.shop"]._queue_job_channels(2).split(",")[:2],
                         ["root:2", "root.ecommerce:2"])


class TestShopHealth(JobCase):

    def test_a_synced_shop_is_green(self):
        self.load(tf.trade("6101", modified=tf.ago(hours=1)))
        self.shop.with_context(test_queue_job_no_delay=True)._job_sync_orders()
        self.assertEqual(self.health().health_state, "green", self.health().health_reasons)
        self.assertLess(self.health().order_sync_lag_minutes, 15)
        self.assertEqual(self.health().session_days_left, -1)

    def test_a_session_expiring_soon_is_amber_and_counts_down(self):
        self.shop._job_sync_orders()
        self.shop.session_expires_at = fields.Datetime.to_string(
            self.now + timedelta(days=3, hours=1))
        self.assertEqual(self.health().session_days_left, 3)
        self.assertEqual(self.health().health_state, "amber")
        self.assertIn("expires in 3 days", self.health().health_reasons)

    def test_a_shop_never_synced_is_amber(self):
        new = self.env["ecommerce.shop"].create(shop_vals(name="New", code="TB3"))
        self.assertEqual((new.health_state, new.order_sync_lag_minutes), ("amber", -1))
        self.assertIn("never synchronised", new.health_reasons)

    def test_orders_far_behind_the_platform_are_red(self):
        self.shop.order_sync_watermark = fields.Datetime.to_string(
            self.now - timedelta(hours=5))
        self.assertGreaterEqual(self.health().order_sync_lag_minutes, 300)
        self.assertEqual(self.health().health_state, "red")
        self.assertIn("minutes behind", self.health().health_reasons)

    def test_health_menu_opens_the_kanban(self):
        menu = self.env.ref("ecommerce_sync.ecommerce_shop_health_menu")
        self.assertEqual(menu.parent_id, self.env.ref("ecommerce_sync.ecommerce_sync_menu_root"))
        action = self.env.ref("ecommerce_sync.ecommerce_shop_health_action")
        self.assertEqual(action.view_mode, "kanban,form")
        self.assertIn(self.shop, self.env["ecommerce.shop"].search(safe_eval(action.domain)))


class TestShipmentJobs(JobRunnerMixin, ShipmentCase):

    def shipped(self, tid):
        picking = self.imported(tid).picking_ids
        self.validate(picking, self.sf, SF_WAYBILL)
        return picking

    def test_one_job_per_delivery_to_send(self):
        self.load(tf.trade("6201"), tf.trade("6202"))
        self.import_window()
        first, second = (self.order_of(tid).picking_ids for tid in ("6201", "6202"))
        for picking in (first, second):
            self.validate(picking, self.sf, SF_WAYBILL)
        self.env["ecommerce.shop"]._cron_enqueue_shipments()
        self.env["ecommerce.shop"]._cron_enqueue_shipments()
        jobs = self.jobs("_job_send_shipment")
        self.assertEqual(sorted(jobs.mapped("args")), sorted([[first.id], [second.id]]))
        self.assertIn("6201", jobs.filtered(lambda j: j.args == [first.id]).name)
        self.run_pending()
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("exc_info"))
        self.assertEqual((self.shipment(first), self.shipment(second)),
                         (("sent", False), ("sent", False)))
        self.assertEqual(self.sandbox.trade("6201")["status"], "WAIT_BUYER_CONFIRM_GOODS")

    def test_refused_shipment_fails_its_job_until_requeued(self):
        picking = self.shipped("6203")
        trade = self.sandbox.trade("6203")
        self.sandbox.upsert(trades=[dict(trade, status="TRADE_CLOSED_BY_TAOBAO")])
        self.env["ecommerce.shop"]._cron_enqueue_shipments()
        job = self.run_job(self.jobs("_job_send_shipment"))
        self.assertEqual(job.state, "failed")
        self.assertIn(picking.name, job.exc_info)
        self.assertIn("6203", job.exc_info)
        self.assertIn("TRADE_CLOSED_BY_TAOBAO", job.exc_info)
        self.env["ecommerce.shop"]._cron_enqueue_shipments()
        self.assertEqual(len(self.jobs("_job_send_shipment")), 1, "the seller requeues it")
        self.sandbox.upsert(trades=[trade])  # the platform lets it ship again
        job.requeue()
        self.run_job(job)
        self.assertEqual(job.state, "done")
        self.assertEqual(self.shipment(picking), ("sent", False))

    def test_transient_failure_retries_the_delivery_job_later(self):
        picking = self.shipped("6204")
        self.sandbox.faults(["transient@%d" % n for n in range(1, 9)])
        self.env["ecommerce.shop"]._cron_enqueue_shipments()
        job = self.run_job(self.jobs("_job_send_shipment"))
        self.assertEqual((job.state, job.retry), ("pending", 1))
        self.assertGreater(fields.Datetime.from_string(job.eta), datetime.utcnow())
        self.sandbox.faults([])
        self.run_job(job)
        self.assertEqual((job.state, self.shipment(picking)), ("done", ("sent", False)))


class TestStockJobs(JobRunnerMixin, StockPushCase):

    def test_one_job_per_item_whose_quantity_changed(self):
        self.env["ecommerce.shop"]._cron_enqueue_stock()
        jobs = self.jobs("_job_push_item_stock")
        self.assertEqual(sorted(jobs.mapped("args")), [[str(ITEM_A)], [str(ITEM_B)]])
        self.run_pending()
        self.assertEqual(self.platform(), ({4201001: 12, 4201002: 0, 4201003: 5}, 7))
        # Nothing changed since: no new job.
        self.env["ecommerce.shop"]._cron_enqueue_stock()
        self.assertEqual(len(self.jobs("_job_push_item_stock")), 2)
        self.receive(self.b, 3)
        self.env["ecommerce.shop"]._cron_enqueue_stock()
        self.assertEqual(self.jobs("_job_push_item_stock", "pending").mapped("args"),
                         [[str(ITEM_B)]])

    def test_unknown_item_fails_its_job_naming_the_item(self):
        map_c = self.factory.map(ITEM_C)
        self.factory.stock(map_c.product_id, 4)
        self.factory.records(map_c)
        self.env["ecommerce.shop"]._cron_enqueue_stock()
        self.run_pending()
        failed = self.jobs("_job_push_item_stock", "failed")
        self.assertEqual(failed.args, [str(ITEM_C)])
        self.assertIn(str(ITEM_C), failed.name)
        self.assertIn("does not exist", failed.exc_info)
        self.assertEqual(self.health().health_jobs_failed, 1)
        self.sandbox.upsert(items=[sandbox_item(ITEM_C)])
        self.shop.action_requeue_failed_jobs()
        self.run_pending()
        self.assertEqual(failed.state, "done")
        self.assertEqual(int(self.sandbox.item(ITEM_C)["num"]), 4)

    def test_an_order_sync_that_caught_up_pushes_the_stock_right_after(self):
        now = datetime.utcnow().replace(microsecond=0)
        self.shop.write({
            "order_sync_watermark": fields.Datetime.to_string(now - timedelta(minutes=30)),
            "order_check_last": fields.Datetime.to_string(now)})
        self.shop._delayed("order sync", 5)._job_sync_orders()
        self.run_pending()
        self.assertEqual(sorted(self.jobs("_job_push_item_stock", "done").mapped("args")),
                         [[str(ITEM_A)], [str(ITEM_B)]])
        self.assertEqual(self.platform(), ({4201001: 12, 4201002: 0, 4201003: 5}, 7))

    def test_stale_orders_enqueue_no_push(self):
        self.shop.order_sync_error = "The platform cannot be reached"
        self.env["ecommerce.shop"]._cron_enqueue_stock()
        self.assertFalse(self.jobs("_job_push_item_stock"))
        self.assertIn("last order sync failed", self.shop.stock_push_block_reason)


class TestRefundJobs(JobRunnerMixin, RefundCase):

    def test_refund_job_reads_the_window_and_retries_a_platform_failure(self):
        self.put_refunds(refund("6301"))
        self.shop.refund_sync_watermark = fields.Datetime.to_string(
            datetime.utcnow() - timedelta(hours=1))
        before = self.shop.refund_sync_watermark
        self.sandbox.faults(["transient@%d" % n for n in range(1, 9)])
        self.env["ecommerce.shop"]._cron_enqueue_refunds()
        self.env["ecommerce.shop"]._cron_enqueue_refunds()
        job = self.run_job(self.jobs("_job_sync_refunds"))
        self.assertEqual((job.state, job.retry), ("pending", 1))
        self.assertFalse(self.refunds())
        self.assertEqual(self.shop.refund_sync_watermark, before)
        self.sandbox.faults([])
        self.run_job(job)
        self.assertEqual(job.state, "done")
        self.assertEqual(self.refunds().mapped("tid"), ["6301"])
        self.assertGreater(self.shop.refund_sync_watermark, before)
        self.assertTrue(self.shop.refund_sync_last_success)
        self.assertEqual(self.health().health_refunds_open, 1)


@common.at_install(False)
@common.post_install(True)
class TestTwoWorkers(common.TransactionCase):
    """Two workers run the same shop's order job at once, each on its own cursor.

    The data is committed (the workers must see it) and removed afterwards.
    """

    def setUp(self):
        super().setUp()
        self.sandbox = Sandbox()
        self.registry_ = self.env.registry
        now = datetime.utcnow().replace(microsecond=0)
        self.tids = ["79%03d" % i for i in range(25)]
        self.sandbox.reset(trades=[tf.trade(tid, modified=tf.ago(minutes=90 - i))
                                   for i, tid in enumerate(self.tids)])
        with api.Environment.manage(), self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            product = env["product.product"].create({"name": "Two workers widget",
                                                     "type": "consu"})
            shop = env["ecommerce.shop"].create(shop_vals(
                name="Two workers", code="TW2", job_capacity=2, order_check_days=0,
                order_sync_watermark=fields.Datetime.to_string(now - timedelta(hours=2))))
            env["ecommerce.sku.mapping"].create({
                "shop_id": shop.id, "num_iid": tf.NUM_IID, "sku_id": tf.SKU_ID,
                "product_id": product.id})
            self.shop_id, self.product_id = shop.id, product.id

    def tearDown(self):
        with api.Environment.manage(), self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].search([("ecommerce_shop_id", "=", self.shop_id)])
            orders.mapped("picking_ids").action_cancel()
            orders.action_cancel()
            orders.unlink()
            env["ecommerce.shop"].browse(self.shop_id).unlink()
            env["product.product"].browse(self.product_id).active = False
        self.sandbox.reset()
        super().tearDown()

    def worker(self, barrier, outcomes):
        with api.Environment.manage(), self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            barrier.wait(timeout=30)
            try:
                env["ecommerce.shop"].browse(self.shop_id)._job_sync_orders()
                outcomes.append("done")
            except RetryableJobError:
                cr.rollback()
                outcomes.append("retry")

    def test_two_workers_importing_one_shop_store_each_trade_once(self):
        barrier, outcomes = threading.Barrier(2), []
        threads = [threading.Thread(target=self.worker, args=(barrier, outcomes))
                   for _n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        self.assertEqual(len(outcomes), 2, "a worker hung")
        self.assertIn("done", outcomes)
        # The one told to retry runs again once the other has committed.
        for _n in range(outcomes.count("retry")):
            self.worker(threading.Barrier(1), outcomes)
        with self.registry_.cursor() as cr:
            cr.execute("""SELECT ecommerce_tid, COUNT(*) FROM sale_order
                           WHERE ecommerce_shop_id = %s GROUP BY ecommerce_tid""",
                       [self.shop_id])
            counts = dict(cr.fetchall())
        self.assertEqual(sorted(counts), self.tids)
        self.assertEqual(set(counts.values()), {1}, "0 duplicates")
