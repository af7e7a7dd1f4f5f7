# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Shared fixtures of the addon's tests: the running TOP sandbox and a shop on it.

The test command (tools/run_tests.sh) starts the sandbox and exports its URL and
credentials. Without SANDBOX_URL (a plain `odoo -i ecommerce_sync --test-enable`,
as OCA CI or runbot run it) the tests start the sandbox themselves, in a thread
of the Odoo process. Every test drives it over HTTP like Odoo drives Taobao, and
sets the platform's data through the sandbox's control API (/_sandbox/...).
"""
import atexit
import json
import logging
import os
import threading
import xmlrpc.client

import requests

from odoo.tests import common

_logger = logging.getLogger(__name__)
APP_KEY = os.environ.get("SANDBOX_APP_KEY", "12345678")
APP_SECRET = os.environ.get("SANDBOX_APP_SECRET", "sandbox-secret")
SESSION = os.environ.get("SANDBOX_SESSION", "sandbox-session")
SANDBOX_DATA = os.path.join(os.path.dirname(__file__), "data", "sandbox_base.json")


def start_sandbox_in_process():
    """Serve the TOP sandbox on a free loopback port in a daemon thread; returns its URL.

    Called once, when this module is first imported (Odoo imports tests/ only to
    run them), and stopped when the process exits.
    """
    from http.server import ThreadingHTTPServer
    from ..sandbox import top_sandbox
    args = top_sandbox.parse_args([
        "--port", "0", "--data", SANDBOX_DATA, "--app-key", APP_KEY,
        "--app-secret", APP_SECRET, "--session", SESSION, "--plain-receivers"])
    server = ThreadingHTTPServer((args.host, args.port), top_sandbox.Handler)
    server.daemon_threads = True
    server.sandbox = top_sandbox.Sandbox(args)
    return serve_in_thread(server, "TOP sandbox")


def serve_in_thread(server, label):
    """Serve ``server`` in a daemon thread until the process exits; returns its URL."""
    thread = threading.Thread(target=server.serve_forever, name=label, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()
    atexit.register(stop)
    url = "http://127.0.0.1:%d" % server.server_address[1]
    _logger.info("%s started in-process on %s", label, url)
    return url


SANDBOX_URL = os.environ.get("SANDBOX_URL") or start_sandbox_in_process()


class Sandbox(object):
    """Client of the sandbox's control API (not part of TOP)."""

    def __init__(self, url=SANDBOX_URL):
        self.url = url

    def _post(self, path, payload=None):
        response = requests.post(self.url + path, data=json.dumps(payload or {}),
                                 headers={"Content-Type": "application/json"}, timeout=30)
        response.raise_for_status()
        return response.json() if response.content else {}

    def reset(self, items=None, trades=None, refunds=None):
        return self._post("/_sandbox/reset", {"items": items or [], "trades": trades or [],
                                              "refunds": refunds or []})

    def upsert(self, items=None, trades=None, refunds=None):
        return self._post("/_sandbox/upsert", {"items": items or [], "trades": trades or [],
                                               "refunds": refunds or []})

    def faults(self, faults, seed=1, slow_seconds=0.2, deny_methods=()):
        return self._post("/_sandbox/faults",
                          {"faults": faults, "seed": seed, "slow_seconds": slow_seconds,
                           "deny_methods": list(deny_methods)})

    def expire_session(self, expired=True):
        return self._post("/_sandbox/session", {"expired": expired})

    def state(self):
        return requests.get(self.url + "/_sandbox/state", timeout=30).json()

    def privacy(self, **settings):
        """Masked mode and decrypt quota (``masked``, ``decrypt_quota``); no settings
        reads the mode, the day's decrypts and (JD) the access logs."""
        if not settings:
            return requests.get(self.url + "/_sandbox/privacy", timeout=30).json()
        return self._post("/_sandbox/privacy", settings)

    def stats(self):
        return requests.get(self.url + "/_sandbox/stats", timeout=30).json()

    # Trade changes over time (sandbox/README.md, "Trade changes"); each bumps `modified`.
    def _change(self, tid, verb, payload=None):
        return self._post("/_sandbox/trade/%s/%s" % (tid, verb), payload)

    def refund(self, tid, oid=None, status="WAIT_SELLER_AGREE", refund_fee=None, **fields):
        """Open or move the refund of sub-order `oid`; fields: reason, desc, good_status,
        has_good_return, company_name, sid."""
        payload = dict(fields, oid=oid, status=status)
        if refund_fee is not None:
            payload["refund_fee"] = refund_fee
        return self._change(tid, "refund", payload)

    def change_address(self, tid, **receiver_fields):
        return self._change(tid, "address", receiver_fields)

    def set_memo(self, tid, memo, flag=None):
        return self._change(tid, "memo", {"seller_memo": memo, "seller_flag": flag})

    def set_message(self, tid, message):
        return self._change(tid, "message", {"buyer_message": message})

    def ship(self, tid, company_code=None, out_sid=None, sub_tid=None):
        return self._change(tid, "ship", {"company_code": company_code, "out_sid": out_sid,
                                          "sub_tid": sub_tid})

    def finish(self, tid):
        return self._change(tid, "finish")

    def close(self, tid):
        return self._change(tid, "close")

    def forbid(self, tid):
        return self._change(tid, "forbid")

    def allow(self, tid):
        return self._change(tid, "allow")

    def refunds(self):
        return self.state()["refunds"]

    def item(self, num_iid):
        return next(i for i in self.state()["items"] if int(i["num_iid"]) == int(num_iid))

    def trade(self, tid):
        return next(t for t in self.state()["trades"] if str(t["tid"]) == str(tid))


def shop_vals(**overrides):
    vals = {
        "name": "Sandbox shop",
        "code": "TB",
        "platform": "sandbox",
        "app_key": APP_KEY,
        "app_secret": APP_SECRET,
        "app_url": SANDBOX_URL,
        "auth_url": SANDBOX_URL + "/oauth/authorize",
        "token_url": SANDBOX_URL + "/oauth/token",
        "session_key": SESSION,
    }
    vals.update(overrides)
    return vals


@common.at_install(False)
@common.post_install(True)
class EcommerceCase(common.SavepointCase):
    """A shop connected to the sandbox, which starts empty for every test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = Sandbox()
        cls.sandbox.reset()
        cls.shop = cls.env["ecommerce.shop"].create(shop_vals())

    def setUp(self):
        super().setUp()
        self.sandbox.reset()

    @classmethod
    def make_user(cls, login, groups):
        return cls.env["res.users"].with_context(no_reset_password=True).create({
            "name": login.title(), "login": login, "password": login,
            "email": "%s@example.com" % login,
            "groups_id": [(6, 0, [cls.env.ref(g).id for g in groups])],
        })


@common.at_install(False)
@common.post_install(True)
class EcommerceRpcCase(common.HttpCase):
    """Calls the addon through real XML-RPC on the Odoo test server.

    Records are created through XML-RPC too: the HTTP side runs on its own test
    cursor and would not see records made through self.env (Odoo 11).
    """

    def setUp(self):
        super().setUp()
        self.sandbox = Sandbox()
        self.sandbox.reset()
        self.db = common.get_db_name()

    def rpc(self, login, model, method, *args, **kwargs):
        """Call as `login`, whose password is its login (admin/admin too)."""
        uid = self.xmlrpc_common.authenticate(self.db, login, login, {})
        self.assertTrue(uid, "login %s failed" % login)
        return self.xmlrpc_object.execute_kw(self.db, uid, login, model, method,
                                             list(args), kwargs)

    def platform_carrier(self, shop_id, code, name, platform="taobao"):
        """A delivery carrier mapped to the platform's logistics company ``code``,
        its companies fetched from the platform first."""
        self.rpc("admin", "ecommerce.shop", "action_fetch_logistics_companies", [shop_id])
        companies = self.rpc("admin", "ecommerce.logistics.company", "search",
                             [("code", "=", code), ("platform", "=", platform)])
        fee = self.rpc("admin", "product.product", "create",
                       {"name": "Postage", "type": "service"})
        return self.rpc("admin", "delivery.carrier", "create", {
            "name": name, "product_id": fee, "ecommerce_company_ids": [(6, 0, companies)]})

    def rpc_fault(self, *args, **kwargs):
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self.rpc(*args, **kwargs)
        return caught.exception

    def assertRpcAccessError(self, *args, **kwargs):
        """The call is refused with Odoo's access-error fault (code 4)."""
        fault = self.rpc_fault(*args, **kwargs)
        self.assertEqual(fault.faultCode, 4, fault.faultString)
        return fault.faultString

    def authenticate_as(self, login):
        """Log the HTTP session in as a user created over XML-RPC.

        HttpCase.authenticate() reads the user on the test's own cursor, which
        cannot see users made through XML-RPC (Odoo 11); build the session on
        the shared test cursor instead.
        """
        from odoo import api
        from odoo.service import security
        uid = self.xmlrpc_common.authenticate(self.db, login, login, {})
        env = api.Environment(self.registry.test_cr, uid, {})
        session = self.session
        session.db, session.uid, session.login = self.db, uid, login
        session.session_token = security.compute_session_token(session, env)
        session.context = env["res.users"].context_get() or {}
        odoo_root = __import__("odoo.http", fromlist=["root"]).root
        odoo_root.session_store.save(session)

    def create_user(self, login, groups):
        group_ids = [self.rpc("admin", "ir.model.data", "xmlid_to_res_id", g) for g in groups]
        return self.rpc("admin", "res.users", "create", {
            "name": login.title(), "login": login, "password": login,
            "groups_id": [(6, 0, group_ids)]})

    def create_shop(self, **overrides):
        return self.rpc("admin", "ecommerce.shop", "create", shop_vals(**overrides))
