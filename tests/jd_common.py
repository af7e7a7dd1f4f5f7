# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The JD sandbox for the addon's tests, and a JD shop on it.

With JD_SANDBOX_URL unset (the usual case, also under OCA CI) the JD sandbox
runs in a thread of the Odoo process on a free loopback port, like the TOP
sandbox of tests/common.py; each test sets the JD shop's data through the
sandbox's control API (/_sandbox/...).
"""
import os
from datetime import datetime, timedelta

from .common import Sandbox, serve_in_thread

JD_APP_KEY = os.environ.get("JD_SANDBOX_APP_KEY", "JDAPPKEY01")
JD_APP_SECRET = os.environ.get("JD_SANDBOX_APP_SECRET", "jd-sandbox-secret-789")
JD_TOKEN = os.environ.get("JD_SANDBOX_TOKEN", "jdtoken-abcdef123456")
BEIJING = timedelta(hours=8)


def start_jd_sandbox_in_process():
    """Serve the JD sandbox (empty) in a daemon thread; returns its base URL."""
    from ..sandbox import jd_sandbox
    args = jd_sandbox.parse_args(["--port", "0", "--app-key", JD_APP_KEY,
                                  "--app-secret", JD_APP_SECRET, "--access-token", JD_TOKEN,
                                  "--plain-receivers"])
    return serve_in_thread(jd_sandbox.make_server(args), "JD sandbox")


JD_SANDBOX_URL = os.environ.get("JD_SANDBOX_URL") or start_jd_sandbox_in_process()


def beijing(minutes_ago=0):
    """A JD time string (Beijing), ``minutes_ago`` before now."""
    moment = datetime.utcnow() + BEIJING - timedelta(minutes=minutes_ago)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


class JdSandbox(Sandbox):
    """Client of the JD sandbox's control API (not part of JOS)."""

    def __init__(self, url=JD_SANDBOX_URL):
        super().__init__(url)

    def reset(self, wares=None, orders=None, refunds=None, category_attrs=None):
        return self._post("/_sandbox/reset", {"wares": wares or [], "orders": orders or [],
                                              "refunds": refunds or [],
                                              "category_attrs": category_attrs or {}})

    def upsert(self, wares=None, orders=None, refunds=None):
        return self._post("/_sandbox/upsert", {"wares": wares or [], "orders": orders or [],
                                               "refunds": refunds or []})

    def set_state(self, order_id, state):
        return self._post("/_sandbox/order_state", {"orderId": str(order_id), "state": state})

    def refund(self, order_id, **fields):
        return self._post("/_sandbox/refund", dict(fields, orderId=str(order_id)))

    def order(self, order_id):
        return next(o for o in self.state()["orders"] if o["orderId"] == str(order_id))

    def sku_stock(self):
        return {s["skuId"]: s.get("stockNum") for w in self.state()["wares"]
                for s in w["skus"]}


def jd_shop_vals(**overrides):
    vals = {
        "name": "JD sandbox shop", "code": "JD", "platform": "jd",
        "app_key": JD_APP_KEY, "app_secret": JD_APP_SECRET,
        "app_url": JD_SANDBOX_URL + "/routerjson",
        "auth_url": JD_SANDBOX_URL + "/oauth2/to_login",
        "token_url": JD_SANDBOX_URL + "/oauth2/access_token",
        "session_key": JD_TOKEN,
    }
    vals.update(overrides)
    return vals
