# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The released version's half of the upgrade test (tools/test_upgrade.sh).

    fill.py data OUT.json   the sandbox's platform: the last day of the demo shop
    fill.py fill            a seller's database made through the RELEASED version's own
                            API, then a snapshot of every record into $UPGRADE_STATE

The database gets a shop connected to the TOP sandbox, products and SKU mappings from
its items, a day of orders in several states (confirmed, held for a buyer message, one
refused for an unmapped SKU), two refunds (one open, which holds its goods, one done),
the shop's watermarks, and queue jobs in every state: pending, enqueued, started (a
worker that died), failed (the refused trade) and done.
Fails with a message (exit status 1) when the released version does not behave as
expected: the upgrade would then be tested on a database that proves nothing.
"""
import json
import os
import sys
from datetime import datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rpc  # noqa: E402  (a sibling script)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO_DATA = os.path.join(ROOT, "sandbox", "demo_data.json")
# The demo trades of the last hours before the demo file's reference time; with
# --rebase-times they are the last hours before now, inside a first sync's window.
HOURS = 16
FMT = "%Y-%m-%d %H:%M:%S"


def make_data(path):
    with open(DEMO_DATA) as stream:
        demo = json.load(stream)
    since = (datetime.strptime(demo["reference_time"], FMT)
             - timedelta(hours=HOURS)).strftime(FMT)
    trades = [t for t in demo["trades"] if t["created"] >= since]
    used = {o["num_iid"] for t in trades for o in t["orders"]["order"]}
    demo.update(trades=trades, items=[i for i in demo["items"] if i["num_iid"] in used])
    with open(path, "w") as stream:
        json.dump(demo, stream, ensure_ascii=False)


def fail(message, *args):
    sys.exit("upgrade fill: " + message % args)


def sold_trades(sandbox):
    """The sandbox's trades waiting to ship, by number of sub-orders (single ones first)."""
    trades = [t for t in sandbox.state()["trades"] if t["status"] == "WAIT_SELLER_SEND_GOODS"]
    return sorted(trades, key=lambda t: (len(t["orders"]["order"]), t["tid"]))


def connect_shop(odoo, sandbox_url):
    shop_id = odoo.call("ecommerce.shop", "create", {
        "name": "Upgrade shop", "code": "UPG", "platform": "sandbox",
        "app_key": os.environ["SANDBOX_APP_KEY"], "app_secret": os.environ["SANDBOX_APP_SECRET"],
        "app_url": sandbox_url, "auth_url": sandbox_url + "/oauth/authorize",
        "token_url": sandbox_url + "/oauth/token", "session_key": os.environ["SANDBOX_SESSION"]})
    answer = odoo.call("ecommerce.shop", "test_connection", [shop_id])
    if not answer.get("ok", answer.get("success", True)):
        fail("the shop does not connect: %s", answer)
    return shop_id


def map_items(odoo, sandbox, shop_id):
    """Import every item but one, whose trade is then refused (a failed job later)."""
    trades = sold_trades(sandbox)
    counts = {}
    for trade in trades:
        for order in trade["orders"]["order"]:
            counts[str(order["num_iid"])] = counts.get(str(order["num_iid"]), 0) + 1
    left_out = next(str(o["num_iid"]) for t in trades for o in t["orders"]["order"]
                    if counts[str(o["num_iid"])] == 1 and len(t["orders"]["order"]) == 1)
    items = sorted({str(i["num_iid"]) for i in sandbox.state()["items"]} - {left_out})
    answer = odoo.call("ecommerce.shop", "import_platform_items", [shop_id], num_iids=items)
    if answer["errors"]:
        fail("items not imported: %s", answer["errors"])
    return left_out


def import_orders(odoo, shop_id):
    summary = odoo.call("ecommerce.shop", "sync_orders", [shop_id])
    if not summary.get("created") or not summary.get("failed"):
        fail("the first sync should create orders and refuse one: %s", summary)
    return summary


def first_oid(sandbox, tid):
    trade = next(t for t in sandbox.state()["trades"] if t["tid"] == tid)
    return trade["orders"]["order"][0]["oid"]


def open_refunds(odoo, sandbox, shop_id, summary):
    """One refund waiting for the seller (it holds its goods) and one paid back."""
    orders = odoo.call("sale.order", "search_read",
                       [("id", "in", summary["created"]), ("state", "=", "sale")],
                       ["ecommerce_tid"], order="id")
    if len(orders) < 3:
        fail("fewer than three confirmed orders: %s", orders)
    waiting, done = orders[0]["ecommerce_tid"], orders[1]["ecommerce_tid"]
    sandbox.refund(waiting, "WAIT_SELLER_AGREE", oid=first_oid(sandbox, waiting),
                   reason="不想要了")
    sandbox.refund(done, "SUCCESS", oid=first_oid(sandbox, done), reason="拍错了")
    answer = odoo.call("ecommerce.shop", "sync_refunds", [shop_id])
    if answer.get("created") != 2 or answer.get("failed"):
        fail("the refunds were not imported: %s", answer)
    return {"refund_waiting": waiting, "refund_done": done}


def run_crons(odoo, *names):
    """The crons' "Run Manually": they enqueue the jobs."""
    for name in names:
        odoo.call("ir.cron", "method_direct_trigger", [odoo.xmlid("ecommerce_sync." + name)])
    return {j["method_name"]: j["uuid"] for j in odoo.call(
        "queue.job", "search_read", [("state", "=", "pending")], ["uuid", "method_name"])}


def set_job_state(odoo, uuid, state, **values):
    """What the runner writes: enqueued when handed to a worker, started by the worker."""
    job_ids = odoo.call("queue.job", "search", [("uuid", "=", uuid)])
    odoo.call("queue.job", "write", job_ids, dict(values, state=state))


def jobs_in_every_state(odoo):
    """A failed retry (the refused trade), a done refund sync, an order sync whose worker
    died (started), the next order sync handed to a worker (enqueued) and the next
    refund sync waiting in its channel (pending)."""
    jobs = run_crons(odoo, "ir_cron_sync_orders", "ir_cron_sync_refunds")
    needed = ("_job_sync_orders", "_job_sync_refunds", "_job_retry_trade")
    if any(name not in jobs for name in needed):
        fail("the crons enqueued %s, not %s", sorted(jobs), needed)
    failed = odoo.run_job(jobs["_job_retry_trade"])
    done = odoo.run_job(jobs["_job_sync_refunds"])
    if (failed["state"], done["state"]) != ("failed", "done"):
        fail("jobs ran to %s and %s", failed, done)
    set_job_state(odoo, jobs["_job_sync_orders"], "started",
                  date_started=datetime.utcnow().strftime(FMT))
    again = run_crons(odoo, "ir_cron_sync_orders", "ir_cron_sync_refunds")
    if "_job_sync_orders" not in again or "_job_sync_refunds" not in again:
        fail("the crons enqueued no second round: %s", sorted(again))
    set_job_state(odoo, again["_job_sync_orders"], "enqueued")
    states = {j["state"] for j in odoo.call("queue.job", "search_read", [], ["state"])}
    missing = {"pending", "enqueued", "started", "failed", "done"} - states
    if missing:
        fail("no job in state %s", ", ".join(sorted(missing)))


def snapshot(odoo):
    """{model: {"fields": [...], "records": {id: values}}} of the seller's data."""
    result = {}
    for model, domain in odoo.data_models():
        names = odoo.stored_fields(model)
        records = odoo.call(model, "search_read", domain, names, context={"active_test": False})
        result[model] = {"fields": names, "records": {str(r["id"]): r for r in records}}
    return result


def fill():
    odoo, sandbox = rpc.from_env()
    shop_id = connect_shop(odoo, sandbox.url)
    left_out = map_items(odoo, sandbox, shop_id)
    summary = import_orders(odoo, shop_id)
    state = {"shop_id": shop_id, "unmapped_item": left_out, "created": summary["created"],
             "refused": [f["tid"] for f in summary["failed"]],
             "held": odoo.call("sale.order", "search", [("ecommerce_review_needed", "=", True)])}
    if not state["held"]:
        fail("no order held for review after the first sync: %s", summary)
    state.update(open_refunds(odoo, sandbox, shop_id, summary))
    jobs_in_every_state(odoo)
    state["snapshot"] = snapshot(odoo)
    with open(os.environ["UPGRADE_STATE"], "w") as stream:
        json.dump(state, stream, ensure_ascii=False, indent=1, sort_keys=True)
    counts = {m: len(v["records"]) for m, v in state["snapshot"].items()}
    print("filled: %s" % json.dumps(counts, sort_keys=True))


if __name__ == "__main__":
    if sys.argv[1:2] == ["data"]:
        make_data(sys.argv[2])
    elif sys.argv[1:] == ["fill"]:
        fill()
    else:
        sys.exit(__doc__)
