# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Shipment write-back benchmark: 1,000 validated deliveries (x --scale) sent to the sandbox.

Before the clock starts, generated trades are imported, their deliveries validated
with an SF waybill each, and everything committed. Then the cron's own run
(a commit per shipment) sends them all: the measured workload. The goal is one
platform call per shipment; each trade is checked on the sandbox afterwards.
"""
import datetime
import sys

import requests
from bench_orders import create_catalogue, make_data
from common import Sandbox, create_shop, odoo_env, parse_args, record, stopwatch

TRADES, DAYS = 1000, 5


def validate_all(env, shop, orders):
    """Ship every delivery in full with its own SF waybill; returns the pickings."""
    companies = env["ecommerce.logistics.company"].search([("code", "=", "SF")])
    fee = env["product.product"].create({"name": "Bench postage", "type": "service"})
    carrier = env["delivery.carrier"].create({
        "name": "Bench SF", "product_id": fee.id, "integration_level": "rate",
        "ecommerce_company_ids": [(6, 0, companies.ids)]})
    pickings = orders.mapped("picking_ids")
    for index, picking in enumerate(pickings):
        picking.write({"carrier_id": carrier.id,
                       "carrier_tracking_ref": "SF%010d" % (1000000000 + index)})
        picking.force_assign()
        for move in picking.move_lines:
            move.quantity_done = move.product_uom_qty
        picking.action_done()
    return pickings


def main():
    args = parse_args()
    count = max(1, int(TRADES * args.scale))
    data = make_data(count)
    sandbox = Sandbox(args.sandbox_url)
    sandbox.reset(data)
    env = odoo_env(args.db)
    shop = create_shop(env, args.sandbox_url, "Bench shipments", "BS")
    create_catalogue(env, shop, data["items"])
    shop.action_fetch_logistics_companies()
    now = datetime.datetime.utcnow()
    date_from = (now - datetime.timedelta(days=DAYS + 1)).strftime("%Y-%m-%d %H:%M:%S")
    date_to = (now + datetime.timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M:%S")
    orders = env["sale.order"].browse(shop.import_orders(date_from, date_to)["created"])
    # Orders held for the seller's review (messages, memos) are shipped too: the
    # write-back does not care why an order waited.
    for order in orders.filtered(lambda o: o.state == "draft"):
        order.action_confirm()
    pickings = validate_all(env, shop, orders)
    print("%d trades, %d orders, %d deliveries" % (count, len(orders), len(pickings)),
          file=sys.stderr)
    env.cr.commit()
    calls_before = sandbox.calls()
    with stopwatch() as watch:
        result = shop._send_shipments_run(None, commit=True)
        env.cr.commit()
    top_calls = sandbox.calls() - calls_before
    print("sent %d, skipped %d, failed %d: %s" % (
        len(result["sent"]), len(result["skipped"]), len(result["failed"]),
        result["failed"][:3]), file=sys.stderr)
    assert len(result["sent"]) == len(pickings), "only %d of %d deliveries sent" % (
        len(result["sent"]), len(pickings))
    trades = requests.get(args.sandbox_url + "/_sandbox/state", timeout=600).json()["trades"]
    shipped = {str(t["tid"]) for t in trades if t["status"] == "WAIT_BUYER_CONFIRM_GOODS"}
    missing = set(result["sent"]) - shipped
    assert not missing, "not shipped on the platform: %s" % sorted(missing)[:5]
    record(args.out, "shipments write-back", watch["seconds"], len(pickings), "shipments",
           top_calls, calls_per_shipment=round(top_calls / float(len(pickings)), 3),
           s_per_shipment=round(watch["seconds"] / len(pickings), 4))
    env.cr.close()


if __name__ == "__main__":
    import odoo
    # odoo_env() needs the thread-local environment registry of Odoo.
    with odoo.api.Environment.manage():
        main()
