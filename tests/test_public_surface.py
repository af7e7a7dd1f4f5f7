# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The public surface is the documented one (issue 20): no job entry point over
RPC, a company rule on every model with a company, old sync logs removed."""
import inspect
from datetime import datetime, timedelta

from odoo import fields

from .common import EcommerceCase, EcommerceRpcCase


class TestJobsAreNotRpc(EcommerceRpcCase):

    def test_job_methods_are_private_to_rpc(self):
        shop_id = self.create_shop()
        methods = [name for name, method in inspect.getmembers(
            type(self.env["ecommerce.shop"]), predicate=inspect.isfunction)
            if getattr(method, "delayable", None)]
        self.assertGreaterEqual(len(methods), 7)
        for name in methods:
            self.assertTrue(name.startswith("_job_"), name)
            fault = self.rpc_fault("admin", "ecommerce.shop", name, [shop_id])
            self.assertIn("Private methods", fault.faultString)


class TestCompanyRules(EcommerceRpcCase):

    def test_every_model_with_a_company_has_its_global_rule(self):
        fields_ = self.rpc("admin", "ir.model.fields", "search_read",
                           [("model", "like", "ecommerce.%"), ("name", "=", "company_id"),
                            ("store", "=", True)], ["model_id", "model"])
        models = {f["model"]: f["model_id"][0] for f in fields_}
        self.assertIn("ecommerce.trade.backlog", models)
        for model, model_id in models.items():
            rules = self.rpc("admin", "ir.rule", "search_read",
                             [("model_id", "=", model_id), ("global", "=", True)],
                             ["domain_force"])
            self.assertTrue([r for r in rules if "company_id" in r["domain_force"]], model)


class TestBacklogOfAnotherCompany(EcommerceCase):

    def test_a_user_of_another_company_sees_no_backlog(self):
        self.env["ecommerce.trade.backlog"].create({
            "shop_id": self.shop.id, "tid": "9901", "num_iid": "1", "qty": 1})
        other = self.env["res.company"].create({"name": "Other company"})
        user = self.make_user("other_clerk", ["ecommerce_sync.group_ecommerce_user"])
        user.write({"company_ids": [(6, 0, other.ids)], "company_id": other.id})
        backlog = self.env["ecommerce.trade.backlog"].sudo(user)
        self.assertEqual(backlog.search_count([("tid", "=", "9901")]), 0)
        own = self.make_user("own_clerk", ["ecommerce_sync.group_ecommerce_user"])
        self.assertEqual(self.env["ecommerce.trade.backlog"].sudo(own).search_count(
            [("tid", "=", "9901")]), 1)


class TestSyncLogCleanup(EcommerceCase):

    def log(self, shop, days_ago):
        return self.env["ecommerce.sync.log"].create({
            "shop_id": shop.id, "kind": "order_sync",
            "date_start": fields.Datetime.to_string(datetime.utcnow() - timedelta(days=days_ago)),
            "line_ids": [(0, 0, {"tid": "1", "result": "failed", "reason": "x"})]})

    def test_logs_older_than_the_shop_setting_are_removed_daily(self):
        self.assertEqual(self.shop.sync_log_keep_days, 90)
        old, recent = self.log(self.shop, 91), self.log(self.shop, 89)
        keeper = self.shop.copy({"name": "Keeps all", "code": "KA", "sync_log_keep_days": 0})
        short = self.shop.copy({"name": "Keeps a week", "code": "KW", "sync_log_keep_days": 7})
        kept_forever, week_old = self.log(keeper, 400), self.log(short, 8)
        line = old.line_ids
        cron = self.env.ref("ecommerce_sync.ir_cron_clean_sync_logs")
        self.assertEqual((cron.code, cron.interval_type), ("model._cron_clean_sync_logs()",
                                                           "days"))
        self.env["ecommerce.sync.log"]._cron_clean_sync_logs()
        self.assertFalse(old.exists())
        self.assertFalse(line.exists())
        self.assertFalse(week_old.exists())
        self.assertTrue(recent.exists())
        self.assertTrue(kept_forever.exists())
