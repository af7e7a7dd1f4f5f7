"""One Odoo worker process of the fault-injection soak (see docs/soak.md).

Opens the database like bench/common.py and does one thing, then exits:

  setup     create the shop on the sandbox, import its items, put stock on the products,
            set the order watermark to --watermark (UTC); prints the shop id
  pass      one cron pass exactly as ir.cron runs it:
            ecommerce.shop._cron_sync_orders(use_new_cursor=True) [+ _cron_push_stock]
  reauth    the seller authorizes the shop again (action_authorize -> sandbox's OAuth page
            -> oauth_complete), which resumes a paused shop
  reconcile make the daily missing-order check due, then one cron pass
  stock     one stock cron pass: ecommerce.shop._cron_push_stock(use_new_cursor=True)
  dump      JSON of the shop, its orders, stock sync records and sync logs (for the checks)

Prints "READY" once the registry is loaded (the orchestrator times its SIGKILL from it)
and one JSON line with the shop's state when done.
"""
import argparse
import json
import os
import sys
from urllib.parse import parse_qs, urlparse

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from common import odoo_env  # noqa: E402


def shop_state(env, shop_id):
    env.cr.execute("SELECT order_sync_watermark, sync_paused, order_check_last "
                   "FROM ecommerce_shop WHERE id = %s", [shop_id])
    watermark, paused, check_last = env.cr.fetchone()
    env.cr.execute("SELECT count(*) FROM sale_order WHERE ecommerce_shop_id = %s", [shop_id])
    return {"watermark": str(watermark) if watermark else None, "paused": bool(paused),
            "check_last": str(check_last) if check_last else None,
            "orders": env.cr.fetchone()[0]}


def setup(env, args):
    from odoo import fields
    manager = env.ref("ecommerce_sync.group_ecommerce_manager")
    env.user.write({"groups_id": [(4, manager.id)]})  # the seller authorizes as a manager
    url = args.sandbox_url
    shop = env["ecommerce.shop"].create({
        "name": "Soak shop", "code": "SK", "platform": "sandbox",
        "app_key": os.environ.get("SANDBOX_APP_KEY", "12345678"),
        "app_secret": os.environ.get("SANDBOX_APP_SECRET", "sandbox-secret"),
        "session_key": os.environ.get("SANDBOX_SESSION", "sandbox-session"),
        "app_url": url, "auth_url": url + "/oauth/authorize",
        "token_url": url + "/oauth/token"})
    env["ir.config_parameter"].sudo().set_param("web.base.url", "http://127.0.0.1:8069")
    result = shop.import_platform_items()
    if result["errors"]:
        raise SystemExit("item import failed: %s" % result["errors"][:3])
    env.cr.commit()
    # Stock sync records exist for every mapping (stock_sync_auto); give every mapped
    # product some stock so that the push has quantities to check.
    location = shop.warehouse_id.lot_stock_id
    mappings = env["ecommerce.sku.mapping"].search([("shop_id", "=", shop.id)])
    env["ecommerce.stock.sync"]._create_for_mappings(mappings)
    for index, product in enumerate(mappings.mapped("product_id").sorted("id")):
        product.type == "product" or product.write({"type": "product"})
        env["stock.quant"]._update_available_quantity(product, location, 20 + index % 50)
    # The daily missing-order check ran "just now": during the soak only the increment
    # (the cron's main path) imports; the final reconciliation is run on purpose.
    shop.write({"order_sync_watermark": args.watermark,
                "order_check_last": fields.Datetime.now()})
    env.cr.commit()
    return {"shop_id": shop.id, "mappings": len(mappings),
            "stock_records": env["ecommerce.stock.sync"].search_count(
                [("shop_id", "=", shop.id)])}


def reauth(env, shop):
    action = shop.action_authorize()
    env.cr.commit()
    answer = requests.get(action["url"], allow_redirects=False, timeout=30)
    query = parse_qs(urlparse(answer.headers["Location"]).query)
    env["ecommerce.shop"].oauth_complete(query["state"][0], query["code"][0])
    env.cr.commit()


def dump(env, shop_id):
    env.cr.execute("""SELECT ecommerce_tid, amount_total, state, ecommerce_status, id
                        FROM sale_order WHERE ecommerce_shop_id = %s""", [shop_id])
    orders = [{"tid": t, "amount_total": float(a), "state": s, "status": st, "id": i}
              for t, a, s, st, i in env.cr.fetchall()]
    records = env["ecommerce.stock.sync"].search([("shop_id", "=", shop_id)])
    stock = [{"num_iid": r.num_iid, "sku_id": r.sku_id or "", "sync": r.sync,
              "sellable_qty": r.sellable_qty, "last_pushed_qty": r.last_pushed_qty,
              "last_error": r.last_error or ""} for r in records]
    env.cr.execute("""SELECT kind, state, created_count, updated_count, cancelled_count,
                             skipped_count, failed_count, top_calls, message
                        FROM ecommerce_sync_log WHERE shop_id = %s ORDER BY id""", [shop_id])
    keys = ("kind", "state", "created", "updated", "cancelled", "skipped", "failed",
            "top_calls", "message")
    logs = [dict(zip(keys, row)) for row in env.cr.fetchall()]
    env.cr.execute("""SELECT l.tid, l.result, l.reason FROM ecommerce_sync_log_line l
                        JOIN ecommerce_sync_log g ON g.id = l.log_id
                       WHERE g.shop_id = %s AND l.result = 'failed'""", [shop_id])
    refused = [{"tid": t, "reason": r} for t, _res, r in env.cr.fetchall()]
    return {"orders": orders, "stock": stock, "logs": logs, "refused": refused}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["setup", "pass", "reauth", "reconcile", "stock",
                                         "dump"])
    parser.add_argument("--db", required=True)
    parser.add_argument("--sandbox-url", default=os.environ.get("SANDBOX_URL"))
    parser.add_argument("--shop-id", type=int)
    parser.add_argument("--watermark")
    parser.add_argument("--stock", action="store_true", help="pass: the stock cron too")
    args = parser.parse_args()
    env = odoo_env(args.db)
    print("READY", flush=True)
    shops = env["ecommerce.shop"]
    out = {}
    if args.mode == "setup":
        out = setup(env, args)
        args.shop_id = out["shop_id"]
    elif args.mode == "pass":
        logs_before = env["ecommerce.sync.log"].search_count([("kind", "=", "order_sync")])
        env.cr.commit()  # no snapshot held during the pass
        shops._cron_sync_orders(use_new_cursor=True)
        env.cr.rollback()
        # No new log: the shop was refused (advisory lock held by another process).
        out["logged"] = env["ecommerce.sync.log"].search_count(
            [("kind", "=", "order_sync")]) - logs_before
        if args.stock:
            shops._cron_push_stock(use_new_cursor=True)
            env.cr.commit()
    elif args.mode == "reauth":
        reauth(env, shops.browse(args.shop_id))
    elif args.mode == "reconcile":
        shops.browse(args.shop_id).write({"order_check_last": False})
        env.cr.commit()
        shops._cron_sync_orders(use_new_cursor=True)
    elif args.mode == "stock":
        shops._cron_push_stock(use_new_cursor=True)
        env.cr.commit()
    elif args.mode == "dump":
        out = dump(env, args.shop_id)
    if args.shop_id:
        env.cr.rollback()
        out.update(state=shop_state(env, args.shop_id))
    print(json.dumps(out), flush=True)
    env.cr.close()


if __name__ == "__main__":
    import odoo
    # odoo_env() needs the thread-local environment registry of Odoo.
    with odoo.api.Environment.manage():
        main()
