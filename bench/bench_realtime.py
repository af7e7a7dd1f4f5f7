# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Real-time benchmark: from a change on Taobao to Odoo having acted on it, through TMC.

Everything is real: OCA queue_job's job runner, Odoo with 2 prefork workers running
the jobs (/queue_job/runjob), the TOP sandbox publishing one TMC message per change.

Design:
  * One shop subscribed to the channel (catalogue and SKU mappings committed first, the
    stock push and the missing-order check off: the measure is the channel's path). Its
    job channel has capacity 2, the 2 job workers: its re-reads run side by side (the
    sync lock shared, a lock per trade, reserving left to the shop's reservation job).
    The consumer has a channel and a worker slot of its own: it mostly waits on the
    platform, and a trade job never waits for it (Odoo runs WORKERS + 1 processes).
  * A driver posts to the sandbox at the peak rate, 20,000 trades an hour, for
    DRIVE_SECONDS x --scale: every trade arrives paid (TradeCreate + TradeBuyerPay), and
    some change later, 10 to 40 s after: 30 % get a new address, 20 % a seller memo, 10 %
    a refund request. Each change has its platform time t0 (just before the post).
  * The bench polls the database every POLL seconds and records the first time it sees
    each change acted on: the order imported; the delivery address changed; the memo on
    the order; the order holding its goods for the refund (hold code "refund": its
    delivery held, or no delivery made). Latency = seen - t0 (+/- POLL).
  * Platform calls per trade: the sandbox's call counter over the run, per trade.
  * The 10-minute pull alone, on a copy of the database made before the run: one pull
    (the order job's chain of windows, in process) over the same trades gives its calls
    per trade and its throughput; its latencies are modelled from them: a change waits
    for the next cron tick (every 600 s, at phases spread over the 10 minutes), then for
    the trades ahead of it in that tick at the measured throughput.
Changes not acted on DRAIN_SECONDS after the driver stops are counted ("not acted on"):
on a machine that cannot keep up with the peak they are the backlog, not lost work.
"""
import copy
import datetime
import json
import os
import random
import subprocess
import sys
import threading
import time

import requests

from bench_jobs import close_env, env_on, query, start_server, stop_server
from bench_orders import create_catalogue
from common import ROOT, Sandbox, create_shop, odoo_env, parse_args, record

sys.path.insert(0, os.path.join(ROOT, "sandbox"))
from generate_data import generate  # noqa: E402

PEAK_PER_HOUR = 20000
DRIVE_SECONDS = 240
DRAIN_SECONDS = 420
POLL = 0.5
WORKERS = 2
CHANGES = (("address", 0.3), ("memo", 0.2), ("refund", 0.1))
CHANGE_DELAY = (10, 40)
PULL_EVERY = 600
TID_BASE = 4100000000000000000
# Trade templates and the catalogue they sell (40 items x 5 SKUs: set-up stays short).
TEMPLATES, ITEMS = 200, 40


def beijing(moment=None):
    moment = moment or datetime.datetime.utcnow()
    return (moment + datetime.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")


def prepare(env, sandbox_url, items):
    manager = env.ref("ecommerce_sync.group_ecommerce_manager")
    env.user.write({"groups_id": [(4, manager.id)]})
    shop = create_shop(env, sandbox_url, "Bench real time", "BR")
    shop.write({"stock_sync_auto": False, "order_check_days": 0, "job_capacity": WORKERS,
                "order_sync_watermark": fields_now(),
                "order_sync_last_success": fields_now()})
    create_catalogue(env, shop, items)
    env.cr.commit()
    return shop


def fields_now():
    return datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S")


class Driver(threading.Thread):
    """Posts new paid trades at the peak rate and their later changes; records t0."""

    def __init__(self, url, templates, seconds, rng, rate):
        super().__init__(daemon=True)
        self.url, self.templates, self.seconds, self.rng = url, templates, seconds, rng
        self.rate = rate
        self.events = []   # [kind, tid, t0, seen]
        self.trades = 0
        self.session = requests.Session()

    def post(self, path, body):
        response = self.session.post(self.url + path, json=body, timeout=60)
        response.raise_for_status()

    def run(self):
        start = time.time()
        interval = 3600.0 / self.rate
        changes = []  # (due, kind, tid)
        while True:
            now = time.time()
            due_new = start + self.trades * interval
            if now - start < self.seconds and now >= due_new:
                self.new_trade(changes, now)
                continue
            ready = sorted(c for c in changes if c[0] <= now)
            for change in ready:
                changes.remove(change)
                self.change(change[1], change[2])
            if now - start >= self.seconds and not changes:
                return
            time.sleep(0.01)

    def new_trade(self, changes, now):
        index = self.trades
        self.trades += 1
        trade = copy.deepcopy(self.templates[index % len(self.templates)])
        tid = str(TID_BASE + index)
        stamp = beijing()
        trade.update(tid=tid, created=stamp, modified=stamp, pay_time=stamp,
                     buyer_nick="bench_buyer_%d" % (index % 500))
        for number, order in enumerate(trade["orders"]["order"]):
            order["oid"] = "%s%02d" % (tid, number)
        t0 = time.time()
        self.post("/_sandbox/upsert", {"trades": [trade]})
        self.events.append(["import", tid, t0, None])
        for kind, share in CHANGES:
            if self.rng.random() < share:
                changes.append((now + self.rng.uniform(*CHANGE_DELAY), kind, tid))

    def change(self, kind, tid):
        body = {"address": {"receiver_address": "Bench road %s" % tid},
                "memo": {"seller_memo": "bench memo %s" % tid},
                "refund": {"oid": "%s00" % tid, "status": "WAIT_SELLER_AGREE"}}[kind]
        t0 = time.time()
        self.post("/_sandbox/trade/%s/%s" % (tid, kind), body)
        self.events.append([kind, tid, t0, None])


CHECKS = {
    "import": "SELECT ecommerce_tid FROM sale_order WHERE ecommerce_shop_id = %s "
              "AND ecommerce_tid = ANY(%s)",
    # The delivery goes to the new address, or (goods already gone) the order says so.
    "address": "SELECT o.ecommerce_tid FROM sale_order o JOIN res_partner p "
               "ON p.id = o.partner_shipping_id WHERE o.ecommerce_shop_id = %s "
               "AND o.ecommerce_tid = ANY(%s) AND (p.street LIKE '%%Bench road%%' "
               "OR o.ecommerce_review_reason LIKE '%%Bench road%%')",
    "memo": "SELECT ecommerce_tid FROM sale_order WHERE ecommerce_shop_id = %s "
            "AND ecommerce_tid = ANY(%s) AND ecommerce_seller_memo LIKE 'bench memo%%'",
    # The order holds its goods: the refund hold (its delivery held), or an order
    # still draft for another hold, which has no delivery to stop.
    "refund": "SELECT ecommerce_tid FROM sale_order WHERE ecommerce_shop_id = %s "
              "AND ecommerce_tid = ANY(%s) AND (ecommerce_hold_codes LIKE '%%refund%%' "
              "OR state = 'draft')",
}


def observe(db, shop_id, events):
    """Mark the events whose effect is in the database now; the number still open."""
    now = time.time()
    open_events = [e for e in list(events) if e[3] is None]
    for kind, sql in CHECKS.items():
        tids = [e[1] for e in open_events if e[0] == kind]
        if not tids:
            continue
        done = {row[0] for row in query(db, sql, (shop_id, tids))}
        for event in open_events:
            if event[0] == kind and event[1] in done:
                event[3] = now
    return sum(1 for e in events if e[3] is None)


def percentile(values, share):
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(share * (len(values) - 1))))], 1)


def figures(latencies):
    return {"p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95),
            "p99": percentile(latencies, 0.99)}


def run_channel(db, shop_id, sandbox_url, templates, seconds, folder, rate):
    conf = os.path.join(folder, "bench_realtime.conf")
    logfile = os.path.join(folder, "bench_realtime_odoo.log")
    env = env_on(db)
    try:
        channels = env["ecommerce.shop"]._queue_job_channels(root_capacity=WORKERS + 1)
    finally:
        close_env(env, db)
    with open(conf, "w") as stream:
        stream.write("[options]\n\n[queue_job]\nchannels = %s\n" % channels)
    server = start_server(db, WORKERS + 1, conf, logfile)
    sandbox = Sandbox(sandbox_url)
    try:
        time.sleep(8)  # the workers load the registry before the first change
        calls_before = sandbox.calls()
        driver = Driver(sandbox_url, templates, seconds, random.Random(5), rate)
        driver.start()
        while driver.is_alive():
            observe(db, shop_id, driver.events)
            time.sleep(POLL)
        deadline = time.time() + DRAIN_SECONDS
        while observe(db, shop_id, driver.events) and time.time() < deadline:
            time.sleep(POLL)
        ended = time.time()
        calls = sandbox.calls() - calls_before
        failed = query(db, "SELECT COUNT(*) FROM queue_job WHERE state = 'failed'")[0][0]
    finally:
        stop_server(server)
    return driver, calls, failed, ended


def run_pull(db, shop_id, sandbox_url, trades):
    """One pull over the run's trades on the copy made before it: (calls, seconds)."""
    env = env_on(db)
    sandbox = Sandbox(sandbox_url)
    try:
        shop = env["ecommerce.shop"].browse(shop_id)
        shop.realtime_unsubscribe()
        env.cr.commit()
        now = datetime.datetime.utcnow()
        before, started = sandbox.calls(), time.time()
        # The pull's own path over the run's hour, in process: the order import of a
        # window (the same importer as the order job, list pages plus detail calls).
        window = ((now - datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S"),
                  now.strftime("%Y-%m-%d %H:%M:%S"))
        for _call in range(20):  # at most 200 trades a call: call again for the rest
            answer = shop.import_orders(*window)
            env.cr.commit()
            if not answer.get("remaining"):
                break
        seconds, calls = time.time() - started, sandbox.calls() - before
        imported = env["sale.order"].search_count([("ecommerce_shop_id", "=", shop_id)])
    finally:
        close_env(env, db)
    if imported != trades:
        print("[bench_realtime] the pull imported %d of %d trades" % (imported, trades),
              file=sys.stderr)
    return calls, seconds


def modelled_pull_latencies(events, per_trade_seconds):
    """Each change waits for the next tick, then for the trades ahead of it in that tick."""
    start = min(e[2] for e in events)
    latencies = []
    for phase in range(0, PULL_EVERY, 30):
        ticks = {}
        for event in events:
            offset = event[2] - start - phase
            tick = phase + PULL_EVERY * (int(offset // PULL_EVERY) + 1)
            ticks.setdefault(tick, []).append(event)
        for tick, batch in ticks.items():
            trades = []
            for event in sorted(batch, key=lambda e: e[2]):
                if event[1] not in trades:
                    trades.append(event[1])
                done = start + tick + (trades.index(event[1]) + 1) * per_trade_seconds
                latencies.append(done - event[2])
    return latencies


def main():
    args = parse_args(lambda parser: parser.add_argument(
        "--rate", type=int, default=PEAK_PER_HOUR,
        help="new trades an hour (the issue's peak by default)"))
    seconds = max(20, int(DRIVE_SECONDS * args.scale))
    data = generate(items=ITEMS, skus_per_item=5, trades=TEMPLATES, days=1, seed=29)
    templates = data["trades"]
    for trade in templates:  # every trade arrives paid, nothing refunded yet
        trade["status"] = "WAIT_SELLER_SEND_GOODS"
        for order in trade["orders"]["order"]:
            order.update(status="WAIT_SELLER_SEND_GOODS", refund_status="NO_REFUND")
            for shipped in ("consign_time", "end_time", "invoice_no", "logistics_company"):
                order.pop(shipped, None)  # a template's parcel: not sent yet here
        for shipped in ("consign_time", "end_time"):
            trade.pop(shipped, None)
    sandbox = Sandbox(args.sandbox_url)
    sandbox.reset({"items": data["items"], "trades": []})
    env = odoo_env(args.db)
    shop = prepare(env, args.sandbox_url, data["items"])
    shop_id = shop.id
    shop.realtime_subscribe()  # permits the topics and queues the first consumer run
    env.cr.commit()
    close_env(env, args.db)
    pull_db = "%s_pull" % args.db
    folder = os.path.dirname(os.path.abspath(args.out))
    try:
        subprocess.check_call(["dropdb", "--if-exists", pull_db])
        subprocess.check_call(["createdb", "-T", args.db, pull_db])
        driver, calls, failed, ended = run_channel(args.db, shop_id, args.sandbox_url,
                                                   templates, seconds, folder, args.rate)
        pull_calls, pull_seconds = run_pull(pull_db, shop_id, args.sandbox_url, driver.trades)
    finally:
        subprocess.call(["dropdb", "--if-exists", pull_db])
    # A change not acted on by the end counts with the time it waited so far: the
    # percentiles are then lower bounds, never flattered by leaving the backlog out.
    with open(os.path.join(folder, "bench_realtime_events.json"), "w") as stream:
        json.dump({"events": driver.events, "ended": ended}, stream)
    unfinished = sum(1 for e in driver.events if e[3] is None)
    for event in driver.events:
        if event[3] is None:
            event[3] = ended
    latencies = [e[3] - e[2] for e in driver.events]
    by_kind = {kind: figures([e[3] - e[2] for e in driver.events if e[0] == kind])
               for kind in CHECKS}
    channel = figures(latencies)
    print("[bench_realtime] %d trades, %d changes in %d s; not acted on %d; failed jobs %d; "
          "channel %s; by kind %s" % (driver.trades, len(driver.events), seconds, unfinished,
                                      failed, channel, by_kind), file=sys.stderr)
    record(args.out, "real time (TMC) at %d trades/h, change -> acted on, 2 job workers"
           % args.rate, seconds,
           len(driver.events), "changes", calls, calls_per_trade=round(
               calls / driver.trades, 2), not_acted_on=unfinished, failed_jobs=failed,
           by_kind=by_kind,
           rate_per_hour=args.rate, **channel)
    pull = figures(modelled_pull_latencies(driver.events, pull_seconds / driver.trades))
    record(args.out, "10-minute pull alone (modelled from one measured pull)", pull_seconds,
           driver.trades, "trades", pull_calls, calls_per_trade=round(
               pull_calls / driver.trades, 2), **pull)


if __name__ == "__main__":
    import odoo
    # odoo_env() needs the thread-local environment registry of Odoo.
    with odoo.api.Environment.manage():
        main()
