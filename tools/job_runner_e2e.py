# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

# Fed to `odoo shell` by tools/test_job_runner.sh, once per step (E2E_STEP):
#   setup    two shops on the sandbox with the same trades, their SKU mapped to a product
#            with a tax not included in the price, capacity 2 each
#   enqueue  the order cron, plus a retry job for every trade: work that collides on purpose,
#            within a shop and across the shops (both need the tax's price-included twin)
#   check    prints E2E_RESULT {...}: jobs by state, orders, duplicates
import importlib.util
import json
import os

import requests

from odoo.modules.module import get_module_path

env = globals()["env"]  # given by odoo shell
STEP = os.environ["E2E_STEP"]
TRADES = int(os.environ.get("E2E_TRADES", "40"))
SANDBOX = os.environ["SANDBOX_URL"]
Shop = env["ecommerce.shop"]


def trade_factory():
    path = os.path.join(get_module_path("ecommerce_sync"), "tests", "trade_factory.py")
    spec = importlib.util.spec_from_file_location("e2e_trade_factory", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CODES = ("E2E", "E2F")


def shops():
    return Shop.search([("code", "in", CODES)])


if STEP == "setup":
    tf = trade_factory()
    trades = [tf.trade("88%04d" % i, modified=tf.ago(minutes=100 - i)) for i in range(TRADES)]
    requests.post(SANDBOX + "/_sandbox/reset",
                  json={"items": [], "trades": trades, "refunds": []}, timeout=30)
    tax = env["account.tax"].create({"name": "E2E VAT 13%", "amount": 13.0,
                                     "amount_type": "percent", "type_tax_use": "sale"})
    product = env["product.product"].create({"name": "E2E widget", "type": "consu",
                                             "taxes_id": [(6, 0, tax.ids)]})
    for code in CODES:
        new = Shop.create({
            "name": "%s shop" % code, "code": code, "platform": "sandbox",
            "app_key": os.environ["SANDBOX_APP_KEY"],
            "app_secret": os.environ["SANDBOX_APP_SECRET"],
            "app_url": SANDBOX, "session_key": os.environ["SANDBOX_SESSION"],
            "job_capacity": 2, "order_check_days": 0, "order_full_detail": False})
        env["ecommerce.sku.mapping"].create({"shop_id": new.id, "num_iid": tf.NUM_IID,
                                             "sku_id": tf.SKU_ID, "product_id": product.id})
    env.cr.commit()
elif STEP == "enqueue":
    Shop._cron_enqueue_orders()
    for each in shops():
        each._enqueue_trade_retries(["88%04d" % i for i in range(TRADES)])
    env.cr.commit()
elif STEP == "check":
    env.cr.execute("SELECT state, COUNT(*) FROM queue_job GROUP BY state")
    jobs = dict(env.cr.fetchall())
    env.cr.execute("""SELECT COUNT(*), COUNT(DISTINCT (ecommerce_shop_id, ecommerce_tid)),
                             COUNT(*) FILTER (WHERE state = 'sale') FROM sale_order
                       WHERE ecommerce_shop_id IN %s""", [tuple(shops().ids)])
    orders, distinct, confirmed = env.cr.fetchone()
    env.cr.execute("SELECT COUNT(DISTINCT channel) FROM queue_job")
    channels = env.cr.fetchone()[0]
    env.cr.execute("SELECT COUNT(*) FROM account_tax WHERE name = %s",
                   ["E2E VAT 13% (included in price)"])
    print("E2E_RESULT " + json.dumps({"jobs": jobs, "orders": orders, "distinct_tids": distinct,
                                      "confirmed": confirmed, "twins": env.cr.fetchone()[0],
                                      "expected": TRADES * len(CODES), "channels": channels}))
