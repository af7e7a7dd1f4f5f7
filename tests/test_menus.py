# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from .common import EcommerceCase

USER = "ecommerce_sync.group_ecommerce_user"


class TestMenus(EcommerceCase):

    def test_sales_menu_holds_the_ecommerce_sync_entries(self):
        root = self.env.ref("ecommerce_sync.ecommerce_sync_menu_root")
        self.assertEqual(root.parent_id, self.env.ref("sale.sale_menu_root"))
        self.assertEqual(root.name, "E-commerce Sync")
        names = root.child_id.mapped("name")
        self.assertIn("Shops", names)
        for menu in root.child_id:
            self.assertTrue(menu.action, "menu %s has no action" % menu.name)
            self.assertTrue(menu.action.exists())

    def test_menus_follow_the_groups(self):
        user = self.make_user("menuuser", [USER])
        plain = self.make_user("plainuser", ["sales_team.group_sale_salesman"])
        root = self.env.ref("ecommerce_sync.ecommerce_sync_menu_root")
        visible = self.env["ir.ui.menu"].sudo(user)._visible_menu_ids()
        self.assertIn(root.id, visible)
        self.assertIn(self.env.ref("ecommerce_sync.ecommerce_shop_menu").id, visible)
        visible = self.env["ir.ui.menu"].sudo(plain)._visible_menu_ids()
        self.assertNotIn(root.id, visible)

    def test_menu_is_translated_for_chinese_users(self):
        self.env["res.lang"].load_lang("zh_CN")
        self.env["ir.translation"].load_module_terms(["ecommerce_sync"], ["zh_CN"])
        root = self.env.ref("ecommerce_sync.ecommerce_sync_menu_root")
        self.assertEqual(root.with_context(lang="zh_CN").name, "电商订单同步")
        shops = self.env.ref("ecommerce_sync.ecommerce_shop_menu")
        self.assertEqual(shops.with_context(lang="zh_CN").name, "电商店铺")


class TestScheduledJobs(EcommerceCase):
    """Odoo 11 crons silently do nothing without state=code, and stop after one run
    with the default numbercall."""

    def test_background_jobs_are_configured_to_run_forever_as_root(self):
        for xmlid, method in (("ir_cron_check_sessions", "_cron_check_sessions"),
                              ("ir_cron_sync_orders", "_cron_enqueue_orders"),
                              ("ir_cron_push_stock", "_cron_enqueue_stock")):
            cron = self.env.ref("ecommerce_sync." + xmlid)
            self.assertEqual(cron.state, "code", xmlid)
            self.assertEqual(cron.numbercall, -1, xmlid)
            self.assertTrue(cron.active, xmlid)
            self.assertEqual(cron.user_id, self.env.ref("base.user_root"), xmlid)
            self.assertEqual(cron.model_id.model, "ecommerce.shop", xmlid)
            self.assertIn("model.%s(" % method, cron.code)
            self.assertTrue(hasattr(self.env["ecommerce.shop"], method), xmlid)
