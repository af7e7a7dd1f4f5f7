# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

# Fed to `odoo shell` by tools/test_job_runner.sh, once per step (E2E_STEP):
#   setup    a shop on the sandbox with trades, its SKU mapped, capacity 2
#   enqueue  the order cron, plus a retry job for every trade: work that collides on purpose
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


def shop():
    return Shop.search([("code", "=", "E2E")], limit=1)


if STEP == "setup":
    tf = trade_factory()
    trades = [tf.trade("88%04d" % i, modified=tf.ago(minutes=100 - i)) for i in range(TRADES)]
    requests.post(SANDBOX + "/_sandbox/reset",
                  json={"items": [], "trades": trades, "refunds": []}, timeout=30)
    product = env["product.product"].create({"name": "E2E widget", "type": "consu"})
    new = Shop.create({
        "name": "E2E shop", "code": "E2E", "platform": "sandbox",
        "app_key": os.environ["SANDBOX_APP_KEY"], "app_secret": os.environ["SANDBOX_APP_SECRET"],
        "app_url": SANDBOX, "session_key": os.environ["SANDBOX_SESSION"],
        "job_capacity": 2, "order_check_days": 0, "order_full_detail": False})
    env["ecommerce.sku.mapping"].create({"shop_id": new.id, "num_iid": tf.NUM_IID,
                                         "sku_id": tf.SKU_ID, "product_id": product.id})
    env.cr.commit()
elif STEP == "enqueue":
    Shop._cron_enqueue_orders()
    shop()._enqueue_trade_retries(["88%04d" % i for i in range(TRADES)])
    env.cr.commit()
elif STEP == "check":
    env.cr.execute("SELECT state, COUNT(*) FROM queue_job GROUP BY state")
    jobs = dict(env.cr.fetchall())
    env.cr.execute("""SELECT COUNT(*), COUNT(DISTINCT ecommerce_tid) FROM sale_order
                       WHERE ecommerce_shop_id = %s""", [shop().id])
    orders, distinct = env.cr.fetchone()
    env.cr.execute("SELECT COUNT(DISTINCT channel) FROM queue_job")
    print("E2E_RESULT " + json.dumps({"jobs": jobs, "orders": orders, "distinct_tids": distinct,
                                      "expected": TRADES, "channels": env.cr.fetchone()[0]}))
