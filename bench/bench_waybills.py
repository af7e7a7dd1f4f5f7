# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""E-waybill benchmark: waybills for 1,000 deliveries (x --scale), then their labels
printed through the print component emulator.

Before the clock starts, generated trades (masked receivers) are imported and the
shop's waybill accounts read. Measured: ``ecommerce_get_waybills`` on every delivery
(goal: ceil(n / 10) ii.get calls), then one print task per document over the
component's WebSocket, each waited for (as the web client does), all checked in order.
"""
import datetime
import math
import os
import subprocess
import sys
import time

import requests
from bench_orders import create_catalogue, make_data
from common import ROOT, Sandbox, create_shop, odoo_env, parse_args, record, stopwatch

sys.path.insert(0, ROOT)
from sandbox import print_component  # noqa: E402  (the emulator's own client)

DELIVERIES, DAYS = 1000, 5
# Generated trades of unmapped or closed goods make no delivery: more trades than
# deliveries measured.
TRADES = 1500


def prepare(env, args, count):
    data = make_data(count)
    sandbox = Sandbox(args.sandbox_url)
    sandbox.reset(data)
    sandbox.post("/_sandbox/privacy", {"masked": True})
    shop = create_shop(env, args.sandbox_url, "Bench waybills", "BW")
    create_catalogue(env, shop, data["items"])
    shop.action_fetch_logistics_companies()
    companies = env["ecommerce.logistics.company"].search([("code", "=", "ZTO")])
    fee = env["product.product"].create({"name": "Bench postage", "type": "service"})
    env["delivery.carrier"].create({"name": "Bench ZTO", "product_id": fee.id,
                                    "ecommerce_company_ids": [(6, 0, companies.ids)]})
    sandbox.post("/_sandbox/waybill", {"quantity": {"ZTO": count * 2}})
    env["ecommerce.waybill.account"].sync_accounts(shop.id)
    now = datetime.datetime.utcnow()
    date_from = (now - datetime.timedelta(days=DAYS + 1)).strftime("%Y-%m-%d %H:%M:%S")
    date_to = (now + datetime.timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M:%S")
    result = shop.import_orders(date_from, date_to)
    created = result["created"]
    while result.get("remaining"):  # at most 200 trades an import call
        env.cr.commit()
        result = shop.import_orders(date_from, date_to, tids=result["remaining"])
        created += result["created"]
    orders = env["sale.order"].browse(created)
    for order in orders.filtered(lambda o: o.state == "draft"):
        order.action_confirm()
    # a held order's delivery takes no waybill: release them for the measure
    orders.filtered("ecommerce_hold_codes")._ecommerce_lift_hold(
        ["message", "forbidden", "refund"])
    env.cr.commit()
    pickings = orders.mapped("picking_ids").filtered(lambda p: p.state != "cancel")
    return sandbox, pickings[:max(1, int(DELIVERIES * args.scale))]


def start_component(folder):
    ready = os.path.join(folder, "component.port")
    if os.path.exists(ready):
        os.remove(ready)
    proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "sandbox",
                                                          "print_component.py"),
                             "--port", "0", "--ready-file", ready],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _n in range(300):
        if os.path.exists(ready):
            break
        time.sleep(0.05)
    with open(ready) as handle:
        return proc, int(handle.read())


def print_all(port, docs):
    client = print_component.Client("127.0.0.1", port)
    statuses = []
    for index, doc in enumerate(docs):
        client.send({"cmd": "print", "requestID": "b%d" % index, "version": "1.0",
                     "task": {"taskID": "t%d" % index, "preview": False, "printer": "",
                              "documents": [{"documentID": doc["documentID"],
                                             "contents": doc["contents"]}]}})
        client.receive()
        statuses.append(client.receive()["taskStatus"])
    client.close()
    return statuses


def main():
    args = parse_args()
    env = odoo_env(args.db)
    sandbox, pickings = prepare(env, args, max(1, int(TRADES * args.scale)))
    print("%d deliveries" % len(pickings), file=sys.stderr)
    calls_before = sandbox.calls()
    with stopwatch() as watch:
        summary = pickings.ecommerce_get_waybills()
        env.cr.commit()
    calls = sandbox.calls() - calls_before
    issued = len(summary["issued"])
    assert issued == len(pickings), "%d of %d deliveries got a waybill: %s" % (
        issued, len(pickings), (summary["skipped"] + summary["failed"])[:3])
    assert calls == math.ceil(len(pickings) / 10.0), "%d ii.get calls" % calls
    record(args.out, "e-waybills (ii.get)", watch["seconds"], issued, "deliveries", calls,
           calls_per_delivery=round(calls / float(issued), 3),
           s_per_delivery=round(watch["seconds"] / issued, 4))
    docs = pickings.ecommerce_print_documents()["documents"]
    folder = os.path.dirname(os.path.abspath(args.out))
    proc, port = start_component(folder)
    try:
        with stopwatch() as printing:
            statuses = print_all(port, docs)
        printed = requests.get("http://127.0.0.1:%d/_component/documents" % port,
                               timeout=60).json()["documents"]
    finally:
        proc.terminate()
        proc.wait(10)
    assert statuses == ["printed"] * len(docs), "not all printed"
    assert [d["waybill_code"] for d in printed] == [d["waybill"] for d in docs]
    record(args.out, "label printing (component)", printing["seconds"], len(docs),
           "documents", 0, s_per_document=round(printing["seconds"] / len(docs), 4))
    env.cr.close()


if __name__ == "__main__":
    import odoo
    with odoo.api.Environment.manage():
        main()
