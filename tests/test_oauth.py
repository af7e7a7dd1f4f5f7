# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlparse

import requests

from odoo import fields
from odoo.tests import common

from .common import EcommerceCase, EcommerceRpcCase, SESSION

MANAGER = "ecommerce_sync.group_ecommerce_manager"
# The seller the sandbox's token endpoint names (sandbox/top_sandbox.py).
SELLER_NICK = "悦享生活旗舰店"
SELLER_ID = "2200000000001"
USER = "ecommerce_sync.group_ecommerce_user"


class TestOAuthRoundTrip(EcommerceRpcCase):
    """Authorize button -> sandbox authorize page -> Odoo callback -> stored session."""

    def setUp(self):
        super().setUp()
        self.rpc("admin", "ir.config_parameter", "set_param", "web.base.url",
                 "http://%s:%s" % (common.HOST, common.PORT))
        self.shop_id = self.create_shop(session_key=False)
        self.authenticate("admin", "admin")

    def authorize(self, login="admin"):
        """Press Authorize and let the sandbox approve; returns the callback URL."""
        action = self.rpc(login, "ecommerce.shop", "action_authorize", [self.shop_id])
        self.assertEqual(action["type"], "ir.actions.act_url")
        query = parse_qs(urlparse(action["url"]).query)
        self.assertEqual(query["response_type"], ["code"])
        self.assertEqual(query["client_id"], [self.sandbox_app_key()])
        self.assertTrue(query["redirect_uri"][0].endswith("/ecommerce_sync/oauth/callback"))
        answer = requests.get(action["url"], allow_redirects=False, timeout=10)
        self.assertEqual(answer.status_code, 302)
        return answer.headers["Location"]

    def url_open(self, url, data=None, timeout=30):
        """The callback's own answer: the Odoo web client it redirects to is not
        under test, and loading it takes most of the test's time."""
        if url.startswith("/"):
            url = "http://%s:%s%s" % (common.HOST, common.PORT, url)
        return self.opener.get(url, timeout=timeout, allow_redirects=False)

    def assert_back_on_the_shop(self, answer):
        self.assertEqual(answer.status_code, 302, answer.text)
        self.assertIn("/web#id=%d&model=ecommerce.shop" % self.shop_id,
                      answer.headers["Location"])

    def sandbox_app_key(self):
        shop = self.rpc("admin", "ecommerce.shop", "read", [self.shop_id], ["app_key"])[0]
        return shop["app_key"]

    def shop(self):
        return self.rpc("admin", "ecommerce.shop", "read", [self.shop_id], [
            "session_key", "session_expires_at", "refresh_token", "session_status",
            "can_refresh", "sync_paused"])[0]

    def test_code_is_exchanged_for_a_session(self):
        callback = self.authorize()
        self.assert_back_on_the_shop(self.url_open(callback))
        shop = self.shop()
        self.assertTrue(shop["session_key"])
        self.assertNotEqual(shop["session_key"], SESSION)
        self.assertTrue(shop["session_expires_at"])
        self.assertTrue(shop["can_refresh"])
        self.assertEqual(shop["session_status"], "valid")
        result = self.rpc("admin", "ecommerce.shop", "test_connection", [self.shop_id])
        self.assertTrue(result["ok"], result)

    def test_replayed_state_is_refused(self):
        callback = self.authorize()
        self.assert_back_on_the_shop(self.url_open(callback))
        first = self.shop()["session_key"]
        replay = self.url_open(callback)
        self.assertEqual(replay.status_code, 403)
        self.assertIn("already used", replay.text)
        self.assertEqual(self.shop()["session_key"], first)

    def test_forged_state_is_refused(self):
        callback = self.authorize()
        query = parse_qs(urlparse(callback).query)
        forged_state = query["state"][0][:-4] + "0000"
        answer = self.url_open("/ecommerce_sync/oauth/callback?code=%s&state=%s"
                               % (query["code"][0], forged_state))
        self.assertEqual(answer.status_code, 403)
        self.assertIn("forged", answer.text)
        self.assertFalse(self.shop()["session_key"])

    def test_state_of_another_database_secret_is_refused(self):
        answer = self.url_open("/ecommerce_sync/oauth/callback?code=x&state=eyJzaG9wIjogMX0.abc")
        self.assertEqual(answer.status_code, 403)
        self.assertFalse(self.shop()["session_key"])

    def test_non_manager_cannot_complete_the_flow(self):
        callback = self.authorize()
        self.create_user("ecuser", [USER])
        self.authenticate_as("ecuser")
        answer = self.url_open(callback)
        self.assertEqual(answer.status_code, 403)
        self.assertFalse(self.shop()["session_key"])

    def test_refusal_on_the_platform_is_reported(self):
        answer = self.url_open("/ecommerce_sync/oauth/callback?error=access_denied"
                               "&error_description=authorize%20reject")
        self.assertEqual(answer.status_code, 400)
        self.assertIn("authorize reject", answer.text)

    def bind(self):
        """Authorise once: the shop is bound to the sandbox's seller."""
        self.assert_back_on_the_shop(self.url_open(self.authorize()))
        shop = self.rpc("admin", "ecommerce.shop", "read", [self.shop_id], [
            "platform_user_nick", "platform_user_id", "session_key"])[0]
        self.assertEqual((shop["platform_user_nick"], shop["platform_user_id"]),
                         (SELLER_NICK, SELLER_ID))
        return shop["session_key"]

    def chatter(self):
        return self.rpc("admin", "mail.message", "search_read", [
            ("model", "=", "ecommerce.shop"), ("res_id", "=", self.shop_id)], ["body"])

    def assert_refused(self, bound, other, session_key):
        answer = self.url_open(self.authorize())
        self.assertEqual(answer.status_code, 409)
        reason = ("Authorisation refused: this shop belongs to the seller %s, but the "
                  "seller %s authorised the app. The shop keeps its current session."
                  % (bound, other))
        self.assertIn(reason, answer.text)
        self.assertIn(reason, self.chatter()[0]["body"])
        self.assertEqual(self.shop()["session_key"], session_key)
        result = self.rpc("admin", "ecommerce.shop", "test_connection", [self.shop_id])
        self.assertTrue(result["ok"], result)

    def test_the_same_seller_can_authorise_again(self):
        first = self.bind()
        self.assert_back_on_the_shop(self.url_open(self.authorize()))
        self.assertNotEqual(self.shop()["session_key"], first)

    def test_another_seller_id_is_refused(self):
        session_key = self.bind()
        # The sandbox has one seller id: bind the shop to another one instead.
        self.rpc("admin", "ecommerce.shop", "write", [self.shop_id],
                 {"platform_user_id": "2200000000999", "platform_user_nick": "别人的小店"})
        self.assert_refused("别人的小店", SELLER_NICK, session_key)
        shop = self.rpc("admin", "ecommerce.shop", "read", [self.shop_id],
                        ["platform_user_nick", "platform_user_id"])[0]
        self.assertEqual((shop["platform_user_nick"], shop["platform_user_id"]),
                         ("别人的小店", "2200000000999"))

    def test_another_seller_nick_is_refused_where_no_id_is_known(self):
        """Shops authorised before the seller id was kept are bound by nick."""
        session_key = self.bind()
        self.rpc("admin", "ecommerce.shop", "write", [self.shop_id],
                 {"platform_user_id": False, "platform_user_nick": "别人的小店"})
        self.assert_refused("别人的小店", SELLER_NICK, session_key)

    def test_renamed_seller_keeps_the_shop(self):
        """Same seller id, new nick: the seller renamed the store, not another seller."""
        self.bind()
        self.sandbox._post("/_sandbox/reset", {"items": [], "trades": [],
                                               "seller_nick": "悦享生活新店"})
        self.assert_back_on_the_shop(self.url_open(self.authorize()))
        shop = self.rpc("admin", "ecommerce.shop", "read", [self.shop_id],
                        ["platform_user_nick", "platform_user_id"])[0]
        self.assertEqual((shop["platform_user_nick"], shop["platform_user_id"]),
                         ("悦享生活新店", SELLER_ID))

    def test_refresh_replaces_the_session(self):
        self.assert_back_on_the_shop(self.url_open(self.authorize()))
        before = self.shop()
        self.rpc("admin", "ecommerce.shop", "refresh_session", [self.shop_id])
        after = self.shop()
        self.assertNotEqual(after["session_key"], before["session_key"])
        self.assertNotEqual(after["refresh_token"], False)
        result = self.rpc("admin", "ecommerce.shop", "test_connection", [self.shop_id])
        self.assertTrue(result["ok"], result)


class TestSessionLifecycle(EcommerceCase):
    """Refresh before expiry, warning where refresh is impossible, pause on failure."""

    def soon(self, **delta):
        return fields.Datetime.to_string(datetime.utcnow() + timedelta(**delta))

    def messages(self):
        return self.env["mail.message"].search([
            ("model", "=", "ecommerce.shop"), ("res_id", "=", self.shop.id)])

    def test_unrefreshable_session_warns_once_ahead_of_expiry(self):
        self.shop.sudo().write({"session_expires_at": self.soon(days=3)})
        self.assertEqual(self.shop.session_status, "expiring")
        before = len(self.messages())
        self.env["ecommerce.shop"]._cron_check_sessions()
        self.env["ecommerce.shop"]._cron_check_sessions()
        new = self.messages()[:len(self.messages()) - before]
        self.assertEqual(len(new), 1)
        self.assertIn("cannot be refreshed", new.body)
        self.assertFalse(self.shop.sync_paused)

    def test_expired_session_pauses_background_jobs_with_one_message(self):
        self.sandbox.expire_session()
        before = len(self.messages())
        self.env["ecommerce.shop"]._cron_check_sessions()
        self.env["ecommerce.shop"]._cron_check_sessions()
        self.assertTrue(self.shop.sync_paused)
        self.assertIn("invalid or has expired", self.shop.sync_pause_reason)
        self.assertEqual(len(self.messages()) - before, 1)
        self.assertNotIn(self.shop, self.env["ecommerce.shop"]._active_sync_shops())

    def test_valid_session_is_not_paused(self):
        self.env["ecommerce.shop"]._cron_check_sessions()
        self.assertFalse(self.shop.sync_paused)

    def test_refreshable_session_is_refreshed_by_the_cron(self):
        token = self.shop._oauth_client().exchange_code(self._code(), "http://localhost/cb")
        self.shop._store_token(token)
        self.shop.sudo().write({"session_expires_at": self.soon(hours=2)})
        old = self.shop.sudo().session_key
        self.env["ecommerce.shop"]._cron_check_sessions()
        self.assertNotEqual(self.shop.sudo().session_key, old)
        self.assertGreater(self.shop.session_expires_at, self.soon(hours=3))
        self.assertTrue(self.shop.test_connection()["ok"])

    def _code(self):
        answer = requests.get(self.shop.auth_url, params={
            "response_type": "code", "client_id": self.shop.app_key,
            "redirect_uri": "http://localhost/cb", "state": "s"},
            allow_redirects=False, timeout=10)
        return parse_qs(urlparse(answer.headers["Location"]).query)["code"][0]
