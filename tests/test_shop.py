# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger

from .common import EcommerceCase, shop_vals


class TestShop(EcommerceCase):

    def test_defaults_come_from_company_and_addon(self):
        shop = self.env["ecommerce.shop"].create({"name": "Defaults", "code": "DF"})
        company = self.env.user.company_id
        self.assertEqual(shop.company_id, company)
        self.assertEqual(shop.warehouse_id.company_id, company)
        self.assertEqual(shop.postage_product_id,
                         self.env.ref("ecommerce_sync.product_ecommerce_postage"))
        self.assertEqual(shop.discount_product_id,
                         self.env.ref("ecommerce_sync.product_ecommerce_discount"))
        self.assertEqual(shop.gift_product_id,
                         self.env.ref("ecommerce_sync.product_ecommerce_gift"))
        self.assertEqual(shop.postage_product_id.type, "service")
        self.assertFalse(shop.postage_product_id.taxes_id)
        self.assertEqual(shop.platform, "sandbox")
        self.assertEqual(shop.session_status, "missing")
        self.assertEqual(shop.connection_status, "unknown")

    def test_default_journal_is_a_sales_journal_of_the_company(self):
        self.env["account.journal"].create({"name": "Bank", "code": "BNKX", "type": "bank"})
        self.env["account.journal"].create({
            "name": "Sales Journal (CNY)", "code": "SCNY", "type": "sale"})
        shop = self.env["ecommerce.shop"].create({"name": "J", "code": "J1"})
        self.assertEqual(shop.journal_id.type, "sale")
        self.assertEqual(shop.journal_id.company_id, shop.company_id)

    def test_platform_onchange_fills_the_gateway_and_oauth_urls(self):
        shop = self.env["ecommerce.shop"].new({"name": "N", "code": "N", "platform": "taobao"})
        shop._onchange_platform()
        self.assertEqual(shop.app_url, "https://eco.taobao.com/router/rest")
        self.assertEqual(shop.auth_url, "https://oauth.taobao.com/authorize")
        self.assertEqual(shop.token_url, "https://oauth.taobao.com/token")
        shop.platform = "sandbox"
        shop._onchange_platform()
        self.assertEqual(shop.app_url, "https://gw.api.tbsandbox.com/router/rest")

    def test_bare_gateway_host_is_normalised(self):
        shop = self.env["ecommerce.shop"].create(
            shop_vals(code="BH", app_url="gw.api.tbsandbox.com"))
        self.assertEqual(shop.app_url, "https://gw.api.tbsandbox.com/router/rest")
        shop.write({"app_url": "http://127.0.0.1:8123/"})
        self.assertEqual(shop.app_url, "http://127.0.0.1:8123/router/rest")

    def test_garbage_gateway_url_is_refused(self):
        with self.assertRaises(UserError):
            self.env["ecommerce.shop"].create(shop_vals(code="BAD", app_url="not a url"))

    def test_prefix_is_unique_per_company(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.env["ecommerce.shop"].create(shop_vals(code="TB"))
        other = self.env["res.company"].create({"name": "Other company"})
        shop = self.env["ecommerce.shop"].create(shop_vals(
            code="TB", company_id=other.id,
            warehouse_id=self.env["stock.warehouse"].search(
                [("company_id", "=", other.id)], limit=1).id))
        self.assertEqual(shop.code, "TB")

    def test_prefix_must_fit_in_an_order_number(self):
        for code in ("A B", "淘宝", "X" * 17, "A/B"):
            with self.assertRaises(ValidationError):
                with self.env.cr.savepoint():
                    self.env["ecommerce.shop"].create(shop_vals(code=code))

    def test_jd_and_own_shops_are_accepted_but_say_sync_is_unsupported(self):
        for platform in ("own",):  # JD shops sync since issue 14 (test_jd_shop)
            shop = self.env["ecommerce.shop"].create(shop_vals(
                code=platform.upper(), platform=platform))
            with self.assertRaises(UserError) as caught:
                shop.test_connection()
            self.assertIn("not supported yet", caught.exception.name)

    def test_new_session_key_resumes_a_paused_shop(self):
        self.shop.sudo().write({"sync_paused": True, "sync_pause_reason": "expired"})
        self.shop.session_key = "a-new-session"
        self.assertFalse(self.shop.sync_paused)
        self.assertFalse(self.shop.sync_pause_reason)
