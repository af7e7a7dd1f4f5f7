# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo.exceptions import UserError

from .common import APP_KEY, EcommerceCase


class TestShopConnection(EcommerceCase):
    """The "Test connection" button explains each failure in plain words."""

    def assertFails(self, expected_family, expected_words, **shop_changes):
        self.shop.sudo().write(shop_changes)
        result = self.shop.test_connection()
        self.assertFalse(result["ok"], result)
        self.assertEqual(result["family"], expected_family)
        self.assertIn(expected_words, result["message"])
        self.assertEqual(self.shop.connection_status, "failed")
        self.assertEqual(self.shop.connection_message, result["message"])
        return result

    def test_working_credentials(self):
        result = self.shop.test_connection()
        self.assertTrue(result["ok"], result)
        self.assertIn("Connected", result["message"])
        self.assertEqual(self.shop.connection_status, "ok")
        calls = self.sandbox.stats()["by_method"]
        self.assertEqual(calls.get("taobao.time.get"), 1)
        self.assertEqual(calls.get("taobao.items.onsale.get"), 1)

    def test_unknown_app_key(self):
        self.assertFails("auth", "does not know this App Key", app_key="99999999")

    def test_wrong_app_secret_is_a_signature_error(self):
        self.assertFails("auth", "App Secret does not match", app_secret="wrong")

    def test_expired_session(self):
        self.sandbox.expire_session()
        result = self.assertFails("session", "invalid or has expired")
        self.assertNotIn(self.shop.sudo().session_key, result["message"])

    def test_invalid_session(self):
        self.assertFails("session", "invalid or has expired", session_key="made-up")

    def test_unreachable_host(self):
        self.assertFails("transport", "cannot be reached", app_url="http://127.0.0.1:9")

    def test_garbled_answer(self):
        self.sandbox.faults(["malformed:1.0"])
        self.assertFails("malformed", "not a TOP gateway answer")

    def test_missing_session_key(self):
        self.shop.sudo().session_key = False
        with self.assertRaises(UserError) as caught:
            self.shop.test_connection()
        self.assertIn("no session key", caught.exception.name)

    def test_secret_never_appears_in_the_message(self):
        self.shop.sudo().app_secret = "s3cr3t-value"
        result = self.shop.test_connection()
        self.assertNotIn("s3cr3t-value", result["message"])
        self.assertEqual(self.shop.app_key, APP_KEY)
