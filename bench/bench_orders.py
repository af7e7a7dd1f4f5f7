# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Order sync benchmark at full scale: 10,000 trades (x --scale) through the sandbox.

Products and SKU mappings for the generated catalogue are created and committed
before any clock starts (a 13 % sales tax on every product, so that the
price-included tax handling is part of the work). Then, on that same database:
  1. the baseline: a sample of the run's orders (same buyers and addresses, products,
     quantities, paid prices, taxes) created with their partners and confirmed with
     the bare ORM, with the same chatter settings; timed, then rolled back, so that
     the import starts from exactly the database the baseline started from;
  2. the full run: the background order sync (the cron's own-cursor path, committing
     window by window) over the 10,000 trades, its first 1,000 timed on their own
     (seconds per order with an empty database);
  3. probes of 1,000 more trades with 10,000 and then 50,000+ orders already in the
     database (grown from 11,000 by copying orders in SQL, see clone_orders.py); the
     probes' buyers are new to the database, like the buyers of the first 1,000;
  4. a last probe with "Always Read Full Trade Details" off: the detail calls left
     are those of trades whose list row says they need one.
Peak memory is the process's peak resident size during each stage (reset in between).
Every stage starts with ANALYZE, as autovacuum would have run in production.
"""
import datetime
import math
import os
import re
import sys

from clone_orders import clone_orders
from common import (ROOT, Sandbox, create_shop, odoo_env, parse_args, profiled, record,
                    stopwatch)

sys.path.insert(0, os.path.join(ROOT, "sandbox"))
from generate_data import generate  # noqa: E402

TRADES, ITEMS, SKUS_PER_ITEM, DAYS = 10000, 200, 5, 5
PROBE, BIG = 1000, 50000
# The bare-ORM baseline is timed on an even sample: its seconds per order is what the
# ratio needs.
BASELINE_SAMPLE = 300


def make_data(count):
    data = generate(items=ITEMS, skus_per_item=SKUS_PER_ITEM, trades=count, days=DAYS,
                    seed=23)
    for trade in data["trades"]:  # every trade paid and waiting for shipment
        trade["status"] = "WAIT_SELLER_SEND_GOODS"
        for order in trade["orders"]["order"]:
            order["status"] = "WAIT_SELLER_SEND_GOODS"
            order["refund_status"] = "NO_REFUND"
    return data


def create_catalogue(env, shop, items):
    tax = env["account.tax"].create({
        "name": "VAT 13% bench", "amount": 13.0, "amount_type": "percent",
        "type_tax_use": "sale", "company_id": shop.company_id.id})
    products, mappings = env["product.product"], []
    for item in items:
        for sku in item["skus"]["sku"] or [None]:
            code = (sku or item).get("outer_id") or str(item["num_iid"])
            product = products.create({"name": item["title"], "type": "product",
                                       "default_code": code, "taxes_id": [(6, 0, tax.ids)]})
            mappings.append({"shop_id": shop.id, "num_iid": str(item["num_iid"]),
                             "sku_id": str(sku["sku_id"]) if sku else "",
                             "product_id": product.id})
    for vals in mappings:
        env["ecommerce.sku.mapping"].create(vals)


def baseline(env, shop, trades):
    """Seconds per order of the bare ORM doing the same orders, rolled back after."""
    from odoo.addons.ecommerce_sync.mapping.trade_mapping import plan_trade
    # Each product with its own prefetch, as the importer reads them: sharing one
    # prefetch with the whole catalogue makes every cache miss re-read all of it,
    # which would time the ORM misused instead of the ORM.
    products = {(m.num_iid, m.sku_id or ""): m.product_id.with_prefetch()
                for m in env["ecommerce.sku.mapping"].search([("shop_id", "=", shop.id)])}
    plans = [plan_trade(trade) for trade in trades]
    env.clear()  # a cold cache, like the import
    partners = env["res.partner"].with_context(
        mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True)
    orders = env["sale.order"].with_context(
        mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True)
    with stopwatch() as watch:
        for plan in plans:
            buyer = partners.create({"name": plan["buyer_nick"], "customer": True})
            ship = partners.create({"name": plan["address"]["name"] or plan["buyer_nick"],
                                    "parent_id": buyer.id, "type": "delivery",
                                    "street": plan["address"]["full"]})
            lines = []
            for line in plan["lines"]:
                product = products[(line["num_iid"], line["sku_id"])]
                lines.append((0, 0, {"product_id": product.id, "name": product.name,
                                     "product_uom_qty": line["qty"],
                                     "product_uom": product.uom_id.id,
                                     "price_unit": float(line["price_unit"]),
                                     "tax_id": [(6, 0, product.taxes_id.ids)]}))
            order = orders.create({"partner_id": buyer.id, "partner_shipping_id": ship.id,
                                   "warehouse_id": shop.warehouse_id.id,
                                   "order_line": lines})
            if not plan["holds"]:  # the sync holds the others for a person
                order.action_confirm()
    env.cr.rollback()
    env.clear()
    return watch["seconds"] / len(plans)


def sync(env, shop, sandbox, trades, watermark):
    """One background sync over ``trades`` loaded in the sandbox: a stage result."""
    sandbox.reset({"items": sandbox.items, "trades": trades})
    shop.write({"order_sync_watermark": watermark, "order_check_days": 0})
    env.cr.commit()
    # Current planner statistics for every stage, as autovacuum keeps them in production:
    # a server without autovacuum would time a stage on tables last analyzed when empty.
    env.cr.execute("ANALYZE")
    env.cr.commit()
    env.clear()
    calls_before = sandbox.calls()
    reset_peak_memory()
    with stopwatch() as watch, profiled("orders_%d" % len(trades)):
        summary = shop._sync_orders_run(commit=True)
    assert not summary.get("error"), summary["error"]
    assert not summary.get("failed"), summary["failed"][:5]
    return {"seconds": watch["seconds"], "calls": sandbox.calls() - calls_before,
            "count": len(trades), "memory": stage_peak_memory_mb()}


def after(trade):
    """The watermark right after ``trade`` (its Beijing modified time, in UTC)."""
    modified = datetime.datetime.strptime(trade["modified"], "%Y-%m-%d %H:%M:%S")
    return (modified - datetime.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")


def renew_buyers(trades, tag):
    """Buyers new to the database: a probe creates as many partners as the first trades."""
    for trade in trades:
        trade["buyer_nick"] = "%s-%s" % (trade["buyer_nick"], tag)


def reset_peak_memory():
    # Linux: writing 5 to clear_refs resets the peak resident size (VmHWM).
    with open("/proc/self/clear_refs", "w") as stream:
        stream.write("5")


def stage_peak_memory_mb():
    with open("/proc/self/status") as stream:
        return int(re.search(r"VmHWM:\s+(\d+) kB", stream.read()).group(1)) / 1024.0


def record_stage(args, workload, stage, **extra):
    return record(args.out, workload, stage["seconds"], stage["count"], "orders",
                  stage["calls"], stage_peak_mb=round(stage["memory"], 1),
                  s_per_order=round(stage["seconds"] / stage["count"], 4),
                  calls_per_1000=round(stage["calls"] * 1000.0 / stage["count"], 1), **extra)


def check_orders(env, shop, data, expected):
    orders = env["sale.order"].search([("ecommerce_shop_id", "=", shop.id),
                                       ("ecommerce_tid", "not like", "-c")])
    assert len(orders) == expected, "%d orders for %d trades" % (len(orders), expected)
    paid = {t["tid"]: t["payment"] for t in data["trades"]}
    wrong = [o.name for o in orders if "%.2f" % o.amount_total != paid[o.ecommerce_tid]]
    assert not wrong, "total != payment for %s" % wrong[:5]


def main():
    args = parse_args()
    count = max(4, int(TRADES * args.scale))
    probe = max(2, int(PROBE * args.scale))
    data = make_data(count + 3 * probe)
    sandbox = Sandbox(args.sandbox_url)
    sandbox.items = data["items"]
    env = odoo_env(args.db)
    shop = create_shop(env, args.sandbox_url, "Bench orders", "BO")
    create_catalogue(env, shop, data["items"])
    env.cr.commit()
    trades = sorted(data["trades"], key=lambda t: t["modified"])
    run, tail = trades[:count], trades[count:]
    probes = [tail[:probe], tail[probe:2 * probe], tail[2 * probe:]]
    for tag, batch in zip(("p10k", "pbig", "plean"), probes):
        renew_buyers(batch, tag)
    step = max(1, len(run) // BASELINE_SAMPLE)
    sample = run[::step][:BASELINE_SAMPLE]
    base_per_order = baseline(env, shop, sample)
    start = (datetime.datetime.utcnow() - datetime.timedelta(days=DAYS + 1)).strftime(
        "%Y-%m-%d %H:%M:%S")
    first = sync(env, shop, sandbox, run[:probe], start)
    rest = sync(env, shop, sandbox, run[probe:], after(run[probe - 1]))
    full = {"seconds": first["seconds"] + rest["seconds"], "calls": first["calls"] + rest["calls"],
            "count": count, "memory": max(first["memory"], rest["memory"])}
    record_stage(args, "orders sync, full run", full,
                 baseline_seconds=base_per_order * count,
                 baseline_s_per_order=round(base_per_order, 4), baseline_sample=len(sample),
                 stage_peak_mb_first=round(first["memory"], 1))
    record_stage(args, "orders sync, probe with 0 orders before", first, orders_before=0)
    at_run = sync(env, shop, sandbox, probes[0], after(run[-1]))
    record_stage(args, "orders sync, probe with {:,} orders before".format(count), at_run,
                 orders_before=count)
    existing = count + probe
    copies = int(math.ceil((BIG * args.scale - existing) / float(existing)))
    env.clear()
    grown = clone_orders(env.cr, copies)
    env.cr.commit()
    at_big = sync(env, shop, sandbox, probes[1], after(probes[0][-1]))
    record_stage(args, "orders sync, probe with {:,} orders before".format(grown), at_big,
                 orders_before=grown)
    shop.order_full_detail = False
    lean = sync(env, shop, sandbox, probes[2], after(probes[1][-1]))
    record_stage(args, "orders sync, probe reading details only where needed", lean,
                 orders_before=grown + probe)
    check_orders(env, shop, data, count + 3 * probe)
    env.cr.close()


if __name__ == "__main__":
    import odoo
    # odoo_env() needs the thread-local environment registry of Odoo.
    with odoo.api.Environment.manage():
        main()
