# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""What the upgrade test's two halves share: XML-RPC, the sandbox's control API, and
which records count as the seller's data.

Only the public surface: XML-RPC as admin, queue_job's own /queue_job/runjob (what its
runner calls), and the sandbox's /_sandbox/ control API. Nothing here imports Odoo or
the addon, so the same code drives the released version and the working tree.
"""
import json
import os
import xmlrpc.client

import requests

# Stored fields that move on their own (bookkeeping, caches of the ORM).
VOLATILE_FIELDS = {"write_date", "write_uid", "__last_update", "display_name",
                   "message_unread", "message_unread_counter", "message_needaction",
                   "message_needaction_counter", "message_has_error",
                   "message_has_error_counter"}
# The seller's data besides the ecommerce.* models, as (model, domain).
RELATED_DATA = [
    ("sale.order", [("ecommerce_shop_id", "!=", False)]),
    ("sale.order.line", [("order_id.ecommerce_shop_id", "!=", False)]),
    ("stock.picking", [("ecommerce_shop_id", "!=", False)]),
    ("stock.move", [("picking_id.ecommerce_shop_id", "!=", False)]),
    ("product.product", [("product_tmpl_id.ecommerce_num_iid", "!=", False)]),
    ("queue.job", []),
    ("queue.job.channel", [("complete_name", "like", "root.ecommerce%")]),
]
# Stored fields a migration script of migrations/ rewrites on purpose, {model: {field}}:
# the upgrade test checks their new values in a test of their own (readme/HISTORY.rst).
CHANGED_BY_MIGRATION = {}


class Odoo(object):
    """execute_kw as admin on one database."""

    def __init__(self, url, db, login="admin", password="admin"):
        self.url, self.db, self.password = url.rstrip("/"), db, password
        common = xmlrpc.client.ServerProxy(self.url + "/xmlrpc/2/common", allow_none=True)
        self.uid = common.authenticate(db, login, password, {})
        if not self.uid:
            raise RuntimeError("cannot log in to %s as %s" % (db, login))
        self.models = xmlrpc.client.ServerProxy(self.url + "/xmlrpc/2/object", allow_none=True)

    def call(self, model, method, *args, **kwargs):
        return self.models.execute_kw(self.db, self.uid, self.password, model, method,
                                      list(args), kwargs)

    def xmlid(self, xmlid):
        return self.call("ir.model.data", "xmlid_to_res_id", xmlid, True)

    def run_job(self, uuid):
        """Run one job as queue_job's runner does: enqueued, then GET /runjob."""
        job_id = self.call("queue.job", "search", [("uuid", "=", uuid)])
        self.call("queue.job", "write", job_id, {"state": "enqueued"})
        requests.get(self.url + "/queue_job/runjob",
                     params={"db": self.db, "job_uuid": uuid}, timeout=300)
        return self.call("queue.job", "read", job_id, ["state", "exc_info", "result"])[0]

    def stored_fields(self, model):
        """Names of the stored, non-x2many fields of ``model`` in this version."""
        described = self.call(model, "fields_get", [], ["store", "type"])
        return sorted(name for name, info in described.items()
                      if info.get("store") and info["type"] not in ("one2many", "binary")
                      and name not in VOLATILE_FIELDS)

    def data_models(self):
        """The addon's own models (not wizards) and the seller's related data."""
        models = self.call("ir.model", "search_read",
                           [("model", "like", "ecommerce.%"), ("transient", "=", False)],
                           ["model"])
        return sorted((m["model"], []) for m in models if self.has_table(m["model"])) \
            + RELATED_DATA

    def has_table(self, model):
        """False for an AbstractModel (the importers, the health figures): no records,
        and no access rule either, which every model with a table has."""
        return bool(self.call("ir.model.access", "search_count", [("model_id.model", "=", model)]))


class Sandbox(object):
    """The TOP sandbox's control API (not part of TOP)."""

    def __init__(self, url):
        self.url = url

    def post(self, path, payload=None):
        response = requests.post(self.url + path, data=json.dumps(payload or {}),
                                 headers={"Content-Type": "application/json"}, timeout=30)
        response.raise_for_status()
        return response.json() if response.content else {}

    def state(self):
        return requests.get(self.url + "/_sandbox/state", timeout=30).json()

    def refund(self, tid, status, **fields):
        return self.post("/_sandbox/trade/%s/refund" % tid, dict(fields, status=status))


def from_env():
    return (Odoo(os.environ["ODOO_URL"], os.environ["ODOO_DB"]),
            Sandbox(os.environ["SANDBOX_URL"]))


def load_state():
    with open(os.environ["UPGRADE_STATE"]) as stream:
        return json.load(stream)
