# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Who may see and drive what, over real XML-RPC (issue 7).

Complements test_security.py (shop secrets, shops of another company) and
test_oauth.py (truncated signature, replayed state): every model of the addon,
every public sync method, the other ways a secret could leave (read_group,
export, search domains and orderings, name_search) and OAuth states that are
well-formed but signed with another key or bound to another shop.
"""
import base64
import hashlib
import hmac
import json
import time
from datetime import datetime, timedelta
from urllib.parse import parse_qs, quote, urlparse

import requests

from odoo.tests import common

from . import trade_factory as tf
from .common import APP_SECRET, SESSION, EcommerceRpcCase
from .item_factory import item

USER = "ecommerce_sync.group_ecommerce_user"
MANAGER = "ecommerce_sync.group_ecommerce_manager"
SALESMAN = "sales_team.group_sale_salesman"
INTERNAL = "base.group_user"
MODELS = ("ecommerce.shop", "ecommerce.sku.mapping", "ecommerce.stock.sync",
          "ecommerce.sync.log", "ecommerce.sync.log.line")
SECRET_FIELDS = ("app_secret", "session_key", "refresh_token", "oauth_state_nonce")
REFRESH = "refresh-token-of-shop-a"
FMT = "%Y-%m-%d %H:%M:%S"
WRITE_PROBE = {"ecommerce.shop": {"name": "x"}, "ecommerce.sku.mapping": {"title": "x"},
               "ecommerce.stock.sync": {"sync": False}, "ecommerce.sync.log": {"message": "x"},
               "ecommerce.sync.log.line": {"reason": "x"}, "sale.order": {"note": "x"}}


def window():
    now = datetime.utcnow()
    return {"date_from": (now - timedelta(hours=24)).strftime(FMT),
            "date_to": (now + timedelta(minutes=1)).strftime(FMT)}


def sync_methods():
    """(method, kwargs) of every public sync method of ecommerce.shop."""
    return [("test_connection", {}), ("search_platform_items", {}),
            ("import_platform_items", {"num_iids": ["5201"]}),
            ("check_missing_orders", window()), ("import_orders", window()),
            ("sync_orders", {}), ("push_stock", {})]


class ScopeCase(EcommerceRpcCase):
    """Shop A (main company) with a mapping, its stock sync record, an imported
    order and the sync log of that import."""

    def setUp(self):
        super().setUp()
        self.shop_id = self.create_shop(refresh_token=REFRESH)
        self.product_id = self.rpc("admin", "product.product", "create", {
            "name": "Widget A black", "type": "product", "default_code": "WA-01-S"})
        self.mapping_id = self.rpc("admin", "ecommerce.sku.mapping", "create", {
            "shop_id": self.shop_id, "num_iid": str(tf.NUM_IID), "sku_id": tf.SKU_ID,
            "product_id": self.product_id})
        self.stock_ids = self.rpc("admin", "ecommerce.stock.sync", "search",
                                  [("mapping_id", "=", self.mapping_id)])
        self.assertEqual(len(self.stock_ids), 1)
        self.sandbox.reset(trades=[tf.trade("8001"), tf.trade("8002", lines=[tf.line(
            num_iid=520000000666, sku_id="4000000000666", outer_sku_id="")])],
            items=[item(5201, "Mug", price="9.00", outer_id="MUG-SEC")])
        summary = self.rpc("admin", "ecommerce.shop", "import_orders", [self.shop_id],
                           **window())
        self.assertEqual(len(summary["created"]), 1)
        self.order_id = summary["created"][0]
        self.log_ids = self.rpc("admin", "ecommerce.sync.log", "search",
                                [("shop_id", "=", self.shop_id)])
        self.log_line_ids = self.rpc("admin", "ecommerce.sync.log.line", "search",
                                     [("log_id", "in", self.log_ids)])
        self.assertEqual((len(self.log_ids), len(self.log_line_ids)), (1, 1))

    def record_ids(self):
        return {"ecommerce.shop": [self.shop_id], "ecommerce.sku.mapping": [self.mapping_id],
                "ecommerce.stock.sync": self.stock_ids, "ecommerce.sync.log": self.log_ids,
                "ecommerce.sync.log.line": self.log_line_ids, "sale.order": [self.order_id]}


class TestOutsiders(ScopeCase):

    def test_users_outside_the_ecommerce_groups_are_refused(self):
        self.create_user("salesman", [SALESMAN])
        self.create_user("clerk", [INTERNAL])
        calls_before = self.sandbox.stats()["calls"]
        for login in ("salesman", "clerk"):
            for model in MODELS:
                self.assertRpcAccessError(login, model, "search_read", [])
                self.assertRpcAccessError(login, model, "read", self.record_ids()[model])
            for method, kwargs in sync_methods():
                with self.subTest(login=login, method=method):
                    self.assertRpcAccessError(login, "ecommerce.shop", method,
                                              [self.shop_id], **kwargs)
            self.assertRpcAccessError(login, "ecommerce.stock.sync", "push_stock",
                                      self.stock_ids)
            self.assertRpcAccessError(login, "ecommerce.sku.mapping", "create", {
                "shop_id": self.shop_id, "num_iid": "1", "product_id": self.product_id})
        # Refused before any platform call.
        self.assertEqual(self.sandbox.stats()["calls"], calls_before)
        # Nothing was imported or written by the refused calls.
        self.assertEqual(self.rpc("admin", "sale.order", "search_count",
                                  [("ecommerce_shop_id", "=", self.shop_id)]), 1)
        self.assertEqual(self.rpc("admin", "ecommerce.sync.log", "search_count", []), 1)


class TestEcommerceUserAndSecrets(ScopeCase):

    def setUp(self):
        super().setUp()
        self.create_user("ecuser", [USER])
        self.secrets = (APP_SECRET, SESSION, REFRESH)

    def assertNoSecret(self, value):
        text = json.dumps(value, ensure_ascii=False, default=str)
        for secret in self.secrets:
            self.assertNotIn(secret, text)

    def test_user_drives_every_sync_method_without_seeing_a_secret(self):
        results = {}
        for method, kwargs in sync_methods():
            results[method] = self.rpc("ecuser", "ecommerce.shop", method, [self.shop_id],
                                       **kwargs)
            self.assertNoSecret(results[method])
        self.assertTrue(results["test_connection"]["ok"], results["test_connection"])
        self.assertEqual([i["num_iid"] for i in results["search_platform_items"]["items"]],
                         ["5201"])
        self.assertEqual(results["import_platform_items"]["templates_created"], 1)
        self.assertEqual(results["check_missing_orders"],
                         {"missing": ["8002"], "imported": ["8001"]})
        self.assertEqual(results["import_orders"]["skipped"], ["8001"])
        self.assertEqual([f["tid"] for f in results["import_orders"]["failed"]], ["8002"])
        self.assertEqual(results["push_stock"]["errors"][0]["num_iid"], str(tf.NUM_IID))
        pushed = self.rpc("ecuser", "ecommerce.stock.sync", "push_stock", self.stock_ids)
        self.assertEqual(pushed["pushed"] + len(pushed["errors"]), 1)
        # The logs the user can read carry no secret either.
        logs = self.rpc("ecuser", "ecommerce.sync.log", "search_read", [])
        self.assertEqual(len(logs), 3)  # the admin's import, the user's import and sync
        self.assertNoSecret(logs)
        self.assertNoSecret(self.rpc("ecuser", "ecommerce.sync.log.line", "search_read", []))

    def test_secrets_do_not_leave_through_other_reads(self):
        [shop] = self.rpc("ecuser", "ecommerce.shop", "search_read", [])
        self.assertEqual(shop["id"], self.shop_id)
        self.assertFalse(set(SECRET_FIELDS) & set(shop))
        self.assertNoSecret(shop)
        for field in SECRET_FIELDS:
            with self.subTest(field=field):
                self.assertRpcAccessError("ecuser", "ecommerce.shop", "search_read", [],
                                          [field, "name"])
                self.assertRpcAccessError("ecuser", "ecommerce.shop", "read_group", [],
                                          [field], [field])
                self.assertRpcAccessError("ecuser", "ecommerce.shop", "read_group", [],
                                          ["name"], ["name"], orderby=field)
                self.assertRpcAccessError("ecuser", "ecommerce.shop", "export_data",
                                          [self.shop_id], [field])
                self.assertRpcAccessError("ecuser", "ecommerce.shop", "export_data",
                                          [self.shop_id], ["name", field])
                # A search on a secret would answer yes/no questions about it.
                self.assertRpcAccessError("ecuser", "ecommerce.shop", "search_count",
                                          [(field, "=like", "%")])
                self.assertRpcAccessError("ecuser", "ecommerce.shop", "search",
                                          ["|", ("code", "=", "x"), (field, "!=", False)])
                self.assertRpcAccessError("ecuser", "ecommerce.shop", "search_read", [],
                                          ["name"], order="%s desc" % field)
                self.assertRpcAccessError("ecuser", "ecommerce.stock.sync", "search",
                                          [("shop_id.%s" % field, "=", APP_SECRET)])
        groups = self.rpc("ecuser", "ecommerce.shop", "read_group", [], ["name"], ["name"])
        self.assertEqual([(g["name"], g["name_count"]) for g in groups], [("Sandbox shop", 1)])
        self.assertNoSecret(groups)
        exported = self.rpc("ecuser", "ecommerce.shop", "export_data", [self.shop_id],
                            ["name", "code", "app_key"])
        self.assertEqual(exported, {"datas": [["Sandbox shop", "TB", shop["app_key"]]]})
        names = self.rpc("ecuser", "ecommerce.shop", "name_search", "")
        self.assertEqual(names, [[self.shop_id, "Sandbox shop"]])
        self.assertEqual(self.rpc("ecuser", "ecommerce.shop", "name_search", SESSION), [])
        # Managers keep every way to work with the secrets.
        self.create_user("ecmanager", [MANAGER])
        self.assertEqual(self.rpc("ecmanager", "ecommerce.shop", "search_count",
                                  [("session_key", "=", SESSION)]), 1)
        groups = self.rpc("ecmanager", "ecommerce.shop", "read_group", [],
                          ["refresh_token"], ["refresh_token"])
        self.assertEqual([g["refresh_token"] for g in groups], [REFRESH])


class TestOtherCompany(ScopeCase):

    def setUp(self):
        super().setUp()
        self.other = self.rpc("admin", "res.company", "create", {"name": "Company B"})
        user = self.create_user("buser", [MANAGER])
        self.rpc("admin", "res.users", "write", [user],
                 {"company_ids": [(6, 0, [self.other])], "company_id": self.other})

    def test_records_of_company_a_are_invisible_to_company_b(self):
        for model, ids in sorted(self.record_ids().items()):
            with self.subTest(model=model):
                self.assertEqual(self.rpc("buser", model, "search_read", [], ["id"]), [])
                self.assertEqual(self.rpc("buser", model, "search_count", []), 0)
                self.assertRpcAccessError("buser", model, "read", ids)
                self.assertRpcAccessError("buser", model, "write", ids, WRITE_PROBE[model])
                # Company A's user sees them all.
                self.assertEqual(len(self.rpc("admin", model, "read", ids, ["id"])), len(ids))
        # The buyers (names, phones, addresses) of company A stay hidden too.
        self.assertEqual(self.rpc("buser", "res.partner", "search_read",
                                  [("ecommerce_shop_id", "=", self.shop_id)], ["name"]), [])
        self.assertEqual(self.rpc("admin", "res.partner", "search_count",
                                  [("ecommerce_shop_id", "=", self.shop_id)]), 2)
        # No record of company B can be attached to shop A.
        self.assertRpcAccessError("buser", "ecommerce.sku.mapping", "create", {
            "shop_id": self.shop_id, "num_iid": "1", "product_id": self.product_id})

    def test_company_b_cannot_drive_the_shop_of_company_a(self):
        calls_before = self.sandbox.stats()["calls"]
        for method, kwargs in sync_methods():
            with self.subTest(method=method):
                self.assertRpcAccessError("buser", "ecommerce.shop", method, [self.shop_id],
                                          **kwargs)
        self.assertRpcAccessError("buser", "ecommerce.stock.sync", "push_stock",
                                  self.stock_ids)
        self.assertRpcAccessError("buser", "ecommerce.shop", "action_authorize",
                                  [self.shop_id])
        self.assertEqual(self.sandbox.stats()["calls"], calls_before)
        self.assertEqual(self.rpc("admin", "ecommerce.sync.log", "search_count", []), 1)


class TestForgedOAuthStates(EcommerceRpcCase):
    """Well-formed states that Odoo did not issue for this shop."""

    def setUp(self):
        super().setUp()
        self.rpc("admin", "ir.config_parameter", "set_param", "web.base.url",
                 "http://%s:%s" % (common.HOST, common.PORT))
        self.shop_a = self.create_shop(session_key=False)
        self.shop_b = self.create_shop(session_key=False, code="TB2", name="Second shop")
        self.authenticate("admin", "admin")

    def authorize(self, shop_id):
        action = self.rpc("admin", "ecommerce.shop", "action_authorize", [shop_id])
        answer = requests.get(action["url"], allow_redirects=False, timeout=10)
        query = parse_qs(urlparse(answer.headers["Location"]).query)
        return query["code"][0], query["state"][0]

    @staticmethod
    def payload(state):
        body = state.split(".", 1)[0]
        return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))

    def sign(self, data, secret):
        body = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()) \
            .decode().rstrip("=")
        key = ("ecommerce_sync.oauth:%s" % secret).encode()
        return "%s.%s" % (body, hmac.new(key, body.encode(), hashlib.sha256).hexdigest())

    def callback(self, code, state):
        # Not followed: the redirect of a success leads to the whole web client.
        return self.opener.get("http://%s:%s/ecommerce_sync/oauth/callback?code=%s&state=%s"
                               % (common.HOST, common.PORT, quote(code), quote(state)),
                               allow_redirects=False, timeout=30)

    def sessions(self):
        rows = self.rpc("admin", "ecommerce.shop", "read", [self.shop_a, self.shop_b],
                        ["session_key"])
        return {row["id"]: row["session_key"] for row in rows}

    def db_secret(self):
        return self.rpc("admin", "ir.config_parameter", "get_param", "database.secret")

    def test_state_signed_with_another_key_is_refused(self):
        code, state = self.authorize(self.shop_a)
        data = self.payload(state)
        self.assertEqual(data["shop"], self.shop_a)
        answer = self.callback(code, self.sign(data, "not-the-database-secret"))
        self.assertEqual(answer.status_code, 403)
        self.assertIn("The authorisation answer is not valid (forged state).", answer.text)
        self.assertEqual(self.sessions(), {self.shop_a: False, self.shop_b: False})
        # The genuine answer still works: the forgery consumed nothing.
        answer = self.callback(code, state)
        self.assertEqual(answer.status_code, 302)
        self.assertTrue(answer.headers["Location"].endswith(
            "/web#id=%d&model=ecommerce.shop&view_type=form" % self.shop_a))
        self.assertTrue(self.sessions()[self.shop_a])
        self.assertFalse(self.sessions()[self.shop_b])

    def test_state_moved_to_another_shop_is_refused(self):
        code, state = self.authorize(self.shop_a)
        data = dict(self.payload(state), shop=self.shop_b)
        # Payload edited, signature kept: forged.
        body = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()) \
            .decode().rstrip("=")
        answer = self.callback(code, "%s.%s" % (body, state.split(".", 1)[1]))
        self.assertEqual(answer.status_code, 403)
        self.assertIn("forged state", answer.text)
        # Even correctly signed (a leaked database secret), shop A's nonce does
        # not open shop B.
        answer = self.callback(code, self.sign(data, self.db_secret()))
        self.assertEqual(answer.status_code, 403)
        self.assertIn("already used or replaced", answer.text)
        self.assertEqual(self.sessions(), {self.shop_a: False, self.shop_b: False})

    def test_expired_and_superseded_states_are_refused(self):
        code, state = self.authorize(self.shop_a)
        expired = dict(self.payload(state), exp=int(time.time()) - 1)
        answer = self.callback(code, self.sign(expired, self.db_secret()))
        self.assertEqual(answer.status_code, 403)
        self.assertIn("has expired", answer.text)
        _code2, newer = self.authorize(self.shop_a)
        self.assertNotEqual(newer, state)
        answer = self.callback(code, state)
        self.assertEqual(answer.status_code, 403)
        self.assertIn("already used or replaced", answer.text)
        self.assertEqual(self.sessions(), {self.shop_a: False, self.shop_b: False})
