"""Order import benchmark: 10,000 generated trades (x --scale) through the sandbox.

Products and SKU mappings for the generated catalogue are created and committed
before the clock starts (a 13 % sales tax on every product, so that the
price-included tax handling is part of the work). Then:
  1. import_orders() over the whole window, commit: the measured workload;
  2. the same orders (same partners, products, quantities, prices, taxes) created
     and confirmed again directly with the ORM under fresh names, with the same
     chatter settings (no tracking, no creation notes): the baseline. Partners
     exist already, so the baseline does not include creating them.
"""
import datetime
import os
import sys

from common import ROOT, Sandbox, create_shop, odoo_env, parse_args, record, stopwatch

sys.path.insert(0, os.path.join(ROOT, "sandbox"))
from generate_data import generate  # noqa: E402

TRADES, ITEMS, SKUS_PER_ITEM, DAYS = 10000, 200, 5, 5
# The bare-ORM baseline is timed on an even sample: its seconds per order is what the
# ratio needs, and recreating all 10,000 orders would double the run for no information.
BASELINE_SAMPLE = 1000


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


def baseline(env, orders):
    """Create and confirm the same orders with the bare ORM; returns seconds."""
    specs = []
    for order in orders:
        specs.append((order, {
            "name": "BASE-" + order.name, "partner_id": order.partner_id.id,
            "partner_shipping_id": order.partner_shipping_id.id,
            "company_id": order.company_id.id, "warehouse_id": order.warehouse_id.id,
            "order_line": [(0, 0, {"product_id": line.product_id.id, "name": line.name,
                                   "product_uom_qty": line.product_uom_qty,
                                   "product_uom": line.product_uom.id,
                                   "price_unit": line.price_unit,
                                   "tax_id": [(6, 0, line.tax_id.ids)]})
                           for line in order.order_line]}))
    env.clear()  # time the baseline on a cold cache, like the import
    # Same chatter settings as the import, so the ratio is the sync's own cost.
    orders_model = env["sale.order"].with_context(
        mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True)
    with stopwatch() as watch:
        for order, vals in specs:
            copy = orders_model.create(vals)
            if order.state == "sale":
                copy.action_confirm()
        env.cr.commit()
    return watch["seconds"]


def main():
    args = parse_args()
    count = max(1, int(TRADES * args.scale))
    data = make_data(count)
    sandbox = Sandbox(args.sandbox_url)
    sandbox.reset(data)
    env = odoo_env(args.db)
    shop = create_shop(env, args.sandbox_url, "Bench orders", "BO")
    create_catalogue(env, shop, data["items"])
    env.cr.commit()
    now = datetime.datetime.utcnow()
    date_from = (now - datetime.timedelta(days=DAYS + 1)).strftime("%Y-%m-%d %H:%M:%S")
    date_to = (now + datetime.timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M:%S")
    calls_before = sandbox.calls()
    with stopwatch() as watch:
        result = shop.import_orders(date_from, date_to)
        env.cr.commit()
    top_calls = sandbox.calls() - calls_before
    created = env["sale.order"].browse(result["created"])
    print("created %d, skipped %d, failed %d: %s" % (
        len(created), len(result["skipped"]), len(result["failed"]), result["failed"][:3]),
        file=sys.stderr)
    assert len(created) == count, "only %d of %d trades imported" % (len(created), count)
    paid = {t["tid"]: t["payment"] for t in data["trades"]}
    wrong = [o.name for o in created if "%.2f" % o.amount_total != paid[o.ecommerce_tid]]
    assert not wrong, "total != payment for %s" % wrong[:5]
    step = max(1, len(created) // BASELINE_SAMPLE)
    sample = created[::step][:BASELINE_SAMPLE]
    base_per_order = baseline(env, sample) / len(sample)
    record(args.out, "orders import", watch["seconds"], len(created), "orders", top_calls,
           baseline_seconds=base_per_order * len(created),
           calls_per_1000=round(top_calls * 1000.0 / len(created), 1),
           s_per_order=round(watch["seconds"] / len(created), 4),
           baseline_s_per_order=round(base_per_order, 4), baseline_sample=len(sample),
           confirmed=len(created.filtered(lambda o: o.state == "sale")))
    env.cr.close()


if __name__ == "__main__":
    import odoo
    # odoo_env() needs the thread-local environment registry of Odoo.
    with odoo.api.Environment.manage():
        main()
