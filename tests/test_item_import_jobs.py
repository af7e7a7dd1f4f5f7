# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Big catalogues go to item-import jobs. A module of its own: its class-level
transaction must be closed before test_jobs' two-worker test opens cursors of its own."""
from .common import EcommerceCase
from .item_factory import item, tshirt
from .test_jobs import JobRunnerMixin


class TestItemImportJobs(JobRunnerMixin, EcommerceCase):
    """More items than the inline limit are imported by jobs, not by the request."""

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param(
            "ecommerce_sync.item_import_inline_limit", "2")

    def templates(self, *num_iids):
        return self.env["product.template"].search(
            [("ecommerce_num_iid", "in", [str(n) for n in num_iids])])

    def test_a_big_catalogue_goes_to_jobs_and_a_refused_item_fails_its_own(self):
        clashing = tshirt(5202, code="X")
        for row in clashing["skus"]["sku"]:
            row["outer_id"] = "SAME"  # two SKUs with one merchant code: refused
        self.sandbox.reset(items=[tshirt(), clashing,
                                  item(5301, "保温杯", "69.00", outer_id="CUP-1")])
        result = self.shop.import_platform_items()
        self.assertEqual((result["queued"], result["jobs"], result["errors"]), (3, 1, []))
        self.assertFalse(self.templates(5201, 5202, 5301), "nothing imported in the request")
        batch = self.jobs("_job_import_items")
        self.assertEqual(sorted(batch.args[0]), ["5201", "5202", "5301"])
        self.run_job(batch)
        self.assertEqual(batch.state, "done")
        self.assertEqual(sorted(self.templates(5201, 5202, 5301).mapped("ecommerce_num_iid")),
                         ["5201", "5301"])
        own = self.jobs("_job_import_items", state="pending")
        self.assertEqual(own.args, [["5202"]])
        self.run_job(own)
        self.assertEqual(own.state, "failed")
        self.assertIn("5202", own.name)
        self.assertIn("SAME", own.exc_info)
        self.assertEqual(self.health().health_jobs_failed, 1)
        # Fixed on the platform, then requeued: the item imports.
        self.sandbox.upsert(items=[tshirt(5202, code="X")])
        self.shop.action_requeue_failed_jobs()
        self.run_job(own)
        self.assertEqual(own.state, "done")
        self.assertEqual(len(self.templates(5202).product_variant_ids), 4)

    def test_up_to_the_limit_the_request_imports_them(self):
        self.sandbox.reset(items=[tshirt(), item(5301, "保温杯", "69.00", outer_id="CUP-1")])
        result = self.shop.import_platform_items()
        self.assertEqual((result["templates_created"], result.get("queued")), (2, None))
        self.assertFalse(self.jobs("_job_import_items"))
