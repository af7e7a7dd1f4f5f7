# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Order sync benchmark: 10,000 generated trades (x --scale) through the sandbox.

Products and SKU mappings for the generated catalogue are created and committed
before any clock starts (a 13 % sales tax on every product, so that the
price-included tax handling is part of the work). Then, on that same database:
  1. the baseline: a sample of the same orders (same buyers and addresses, products,
     quantities, paid prices, taxes) created with their partners and confirmed with
     the bare ORM, with the same chatter settings; timed, then rolled back, so that
     the import starts from exactly the database the baseline started from;
  2. the background order sync (the cron's own-cursor path, committing window by
     window) over the first half of the trades, then over the second half with the
     first half already in the database: seconds per order at 0 and at N/2 orders.
"""
import datetime
import os
import sys

from common import ROOT, Sandbox, create_shop, odoo_env, parse_args, record, stopwatch

sys.path.insert(0, os.path.join(ROOT, "sandbox"))
from generate_data import generate  # noqa: E402

TRADES, ITEMS, SKUS_PER_ITEM, DAYS = 10000, 200, 5, 5
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
    """One background sync over ``trades`` loaded in the sandbox; (seconds, calls)."""
    sandbox.reset({"items": sandbox.items, "trades": trades})
    shop.write({"order_sync_watermark": watermark, "order_check_days": 0})
    env.cr.commit()
    calls_before = sandbox.calls()
    with stopwatch() as watch:
        summary = shop._sync_orders_run(commit=True)
    assert not summary.get("error"), summary["error"]
    return watch["seconds"], sandbox.calls() - calls_before, summary


def main():
    args = parse_args()
    count = max(2, int(TRADES * args.scale))
    data = make_data(count)
    sandbox = Sandbox(args.sandbox_url)
    sandbox.items = data["items"]
    env = odoo_env(args.db)
    shop = create_shop(env, args.sandbox_url, "Bench orders", "BO")
    create_catalogue(env, shop, data["items"])
    env.cr.commit()
    trades = sorted(data["trades"], key=lambda t: t["modified"])
    step = max(1, len(trades) // BASELINE_SAMPLE)
    base_per_order = baseline(env, shop, trades[::step][:BASELINE_SAMPLE])
    start = (datetime.datetime.utcnow() - datetime.timedelta(days=DAYS + 1)).strftime(
        "%Y-%m-%d %H:%M:%S")
    half = len(trades) // 2
    first = sync(env, shop, sandbox, trades[:half], start)
    # The second half is read from where the first one ended (Beijing time -> UTC).
    middle = (datetime.datetime.strptime(trades[half - 1]["modified"], "%Y-%m-%d %H:%M:%S")
              - datetime.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")
    second = sync(env, shop, sandbox, trades, middle)
    created = env["sale.order"].search([("ecommerce_shop_id", "=", shop.id)])
    assert len(created) == count, "only %d of %d trades imported" % (len(created), count)
    paid = {t["tid"]: t["payment"] for t in data["trades"]}
    wrong = [o.name for o in created if "%.2f" % o.amount_total != paid[o.ecommerce_tid]]
    assert not wrong, "total != payment for %s" % wrong[:5]
    seconds, calls = first[0] + second[0], first[1] + second[1]
    record(args.out, "orders sync", seconds, count, "orders", calls,
           baseline_seconds=base_per_order * count,
           calls_per_1000=round(calls * 1000.0 / count, 1),
           s_per_order=round(seconds / count, 4),
           s_per_order_at_0=round(first[0] / half, 4),
           s_per_order_at_half=round(second[0] / (count - half), 4),
           baseline_s_per_order=round(base_per_order, 4),
           baseline_sample=min(BASELINE_SAMPLE, len(trades[::step])),
           confirmed=len(created.filtered(lambda o: o.state == "sale")))
    env.cr.close()


if __name__ == "__main__":
    import odoo
    # odoo_env() needs the thread-local environment registry of Odoo.
    with odoo.api.Environment.manage():
        main()
