# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Fault-injection soak of the background order, refund, shipment and stock sync (docs/soak.md).

Runs against a database with the addon installed, a running TOP sandbox and (with
--jd-url) a JD sandbox, both started by tools/run_soak.sh with a call log. Every Odoo
step is a separate process (soak/worker.py) that calls the sync entry points, so that
a SIGKILL hits a real Odoo process in the middle of an import. Stdlib + requests only.
"""
import argparse
import collections
import datetime
import json
import os
import random
import re
import signal
import subprocess
import sys
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "sandbox"))
sys.path.insert(0, os.path.join(ROOT, "soak"))
from generate_data import generate  # noqa: E402
from top_sandbox import mask_name, mask_number, mask_street  # noqa: E402
from jd_data import PAYABLE_STATES as JD_PAYABLE, generate_jd  # noqa: E402

PAYABLE = {"WAIT_SELLER_SEND_GOODS", "SELLER_CONSIGNED_PART", "WAIT_BUYER_CONFIRM_GOODS",
           "TRADE_BUYER_SIGNED", "TRADE_FINISHED", "PAID_FORBID_CONSIGN"}
SHIPPED = {"WAIT_BUYER_CONFIRM_GOODS", "TRADE_BUYER_SIGNED", "TRADE_FINISHED"}
RATE_FAULTS = ["transient:0.1", "rate_limit:0.03", "slow:0.03", "malformed:0.03"]
# Refunds (TOP and JD) change while their listing is read: rows shift between pages.
REFUND_CHURN = {"kind": "churn", "every": 1, "insert": 0, "modify": 0, "refund_modify": 1}
RETRIED_FAULTS = {"transient", "rate_limit", "malformed"}
EARLY_FAULTS = {"transient", "rate_limit", "session_expiry"}
TOP_CONSIGNS = {"taobao.logistics.offline.send", "taobao.logistics.dummy.send"}
JD_CONSIGN = "jingdong.pop.order.shipment"
BEIJING = datetime.timedelta(hours=8)
FMT = "%Y-%m-%d %H:%M:%S"
PASS_TIMEOUT = 1800
UNMAPPED_NUM_IID = 529999999999
# The message channel misbehaves too: the pull is the net for what it drops.
TMC_FAULTS = ["drop:0.1", "duplicate:0.2", "reorder:0.2"]
# Counts that fail the soak when above 0.
CHECKED = (
    "duplicates", "lost", "wrong totals", "stock mismatches", "closed not cancelled",
    "cancelled while payable", "orders of unpayable trades", "orders of unknown trades",
    "refused trades not held", "deliveries of refunded sub-orders",
    "deliveries of sub-orders shipped before import", "refunds lost",
    "refunds booked twice", "refunds never booked", "JD refunds booked twice",
    "JD refunds never booked",
    "sub-orders consigned twice", "validated deliveries unsent without reason",
    "sent but not shipped on the platform", "oversold units (listing)",
    "oversold units (product, all shops)", "oversold units (paused shop weekend)",
    "weekends without a paused shop",
    "JD duplicates", "JD lost", "JD orders of unpayable orders", "JD orders consigned twice",
    "goods shipped while held (TOP)", "goods shipped while held (JD)",
    "stock that left without a move (TOP)", "stock that left without a move (JD)",
    "stalled channels", "secrets found",
    "plaintext receivers in the database dump and logs")
# Trades per order or missing-order job in the jobs step: the addon's 200 would leave a
# soak shop of a hundred trades in one job; 30 cuts it as 200 cuts a busy shop.
JOB_TRADES = 30
JOB_FIGURES = ("jobs run", "jobs failed", "missing-order check jobs", "longest job (seconds)",
               "stalled channels")
# Shorter values are no real credentials: the clients do not mask them either.
MIN_SECRET_LEN = 6
REVEALS = 3  # masked receivers a Privacy Viewer reveals per shop


def log(message):
    print("[soak %s] %s" % (time.strftime("%H:%M:%S"), message), flush=True)


def beijing_now():
    return (datetime.datetime.utcnow() + BEIJING).replace(microsecond=0)


class Platform(object):
    """The control API of one sandbox."""

    def __init__(self, url):
        self.url = url

    def get(self, path):
        response = requests.get(self.url + path, timeout=120)
        response.raise_for_status()
        return response.json()

    def post(self, path, payload, ok_codes=(200,)):
        response = requests.post(self.url + path, data=json.dumps(payload), timeout=600,
                                 headers={"Content-Type": "application/json"})
        if response.status_code not in ok_codes:
            response.raise_for_status()
        return response.status_code, response.json()


class Soak(object):
    def __init__(self, args):
        self.args = args
        self.url = args.sandbox_url
        self.top = Platform(args.sandbox_url)
        self.jd = Platform(args.jd_url) if args.jd_url else None
        self.rng = random.Random(args.seed)
        self.fault_counts = collections.Counter()
        self.jd_fault_counts = collections.Counter()
        self.figures = collections.Counter()
        self.closed_by_soak = set()   # imported trades the soak closed on the platform
        self.paid_by_soak = set()
        self.preshipped = set()       # (tid, oid) shipped on the platform before any import
        self.unmapped_tids = set()    # trades with a SKU Odoo has no mapping for
        self.open_refunds = []        # (tid, oid) with a refund request to decide
        self.pack = []                # [num_iid, sku_id] of the pack SKU
        self.forbidden = []
        self.touched = set()          # tids whose lifecycle the soak drives (not closed twice)
        self.oversold = []            # problems found by the stock truth checks
        self.under_offer = 0
        self.shop_id = self.jd_shop_id = None
        self.worker_no = 0

    # -- sandbox and database -------------------------------------------------
    def control(self, path, payload=None):
        if payload is None:
            return self.top.get(path)
        return self.top.post(path, payload)[1]

    def change(self, tid, verb, body=None):
        """One trade change through the sandbox's control verbs; None when refused (409)."""
        status, answer = self.top.post("/_sandbox/trade/%s/%s" % (tid, verb), body or {},
                                       ok_codes=(200, 409))
        if status == 409:
            self.figures["changes refused by the platform"] += 1
            return None
        self.figures["changes applied"] += 1
        self.figures["  %s" % verb] += 1
        return answer

    def set_faults(self, faults):
        """Replace the fault configuration; the sandboxes reset their counters then."""
        self.fault_counts.update(self.control("/_sandbox/stats")["faults"])
        self.control("/_sandbox/faults", {"faults": faults, "seed": self.rng.randint(1, 10 ** 6),
                                          "slow_seconds": 0.3})
        if self.jd:
            self.jd_fault_counts.update(self.jd.get("/_sandbox/stats")["faults"])
            self.jd.post("/_sandbox/faults", {
                "faults": [f for f in faults if not str(f).startswith("session_expiry")],
                "seed": self.rng.randint(1, 10 ** 6), "slow_seconds": 0.3})

    def sql(self, query):
        out = subprocess.check_output(["psql", "-d", self.args.db, "-AtF", "\t", "-c", query])
        return [line.split("\t") for line in out.decode().splitlines() if line]

    def shop_row(self):
        (watermark, paused), = self.sql(
            "SELECT coalesce(order_sync_watermark::text, ''), sync_paused FROM ecommerce_shop "
            "WHERE id = %d" % self.shop_id)
        return watermark, paused == "t"

    def imported(self):
        """{tid: (order state, a delivery done)} of the Taobao shop."""
        return {row[0]: (row[1], row[2] == "t") for row in self.sql(
            "SELECT o.ecommerce_tid, o.state, coalesce(bool_or(p.state = 'done'), false) "
            "FROM sale_order o LEFT JOIN stock_picking p ON p.sale_id = o.id "
            "WHERE o.ecommerce_shop_id = %d GROUP BY 1, 2" % self.shop_id)}

    # -- workers ------------------------------------------------------------------
    def start_worker(self, mode, *extra):
        self.worker_no += 1
        cmd = [sys.executable, os.path.join(ROOT, "soak", "worker.py"), mode,
               "--db", self.args.db, "--sandbox-url", self.url,
               "--seed", str(self.rng.randint(1, 10 ** 6))]
        if self.jd:
            cmd += ["--jd-url", self.jd.url]
        if self.shop_id:
            cmd += ["--shop-id", str(self.shop_id)]
        stderr = open(os.path.join(self.args.out_dir, "worker-%02d-%s.log"
                                   % (self.worker_no, mode)), "w")
        proc = subprocess.Popen(cmd + list(extra), stdout=subprocess.PIPE, stderr=stderr,
                                universal_newlines=True)
        proc.name = "worker %d (%s)" % (self.worker_no, mode)
        line = proc.stdout.readline()
        if line.strip() != "READY":
            proc.wait()
            raise SystemExit("%s did not start: %r" % (proc.name, line))
        return proc

    def finish(self, proc):
        out, _err = proc.communicate(timeout=PASS_TIMEOUT)
        if proc.returncode:
            raise SystemExit("%s failed (exit %s), see %s" % (
                proc.name, proc.returncode, self.args.out_dir))
        result = json.loads(out.strip().splitlines()[-1])
        shown = {k: v for k, v in result.items() if k not in ("shops", "truth", "orders", "moves",
                                                              "pickings", "stock", "logs")}
        log("%s done: %s" % (proc.name, json.dumps(shown)[:300]))
        return result

    def run(self, mode, *extra):
        return self.finish(self.start_worker(mode, *extra))

    def cron_pass(self, stock=False, refunds=True):
        self.figures["cron passes"] += 1
        result = self.run("pass", *(["--stock"] if stock else []) +
                          (["--refunds"] if refunds else []))
        if stock:
            self.check_truth(result["truth"])
        self.after_pass()
        return result

    def realtime(self, *extra):
        """Run the real-time consumer and its jobs after platform changes."""
        result = self.run("realtime", *extra)
        for name in ("messages", "re-reads", "merged"):
            self.figures["channel %s" % name] = result[name]
        self.figures["channel lag (s, largest)"] = max(self.figures["channel lag (s, largest)"],
                                                       result["lag"])
        counts = self.control("/_sandbox/tmc")["counts"]
        for name in ("dropped", "duplicated", "reordered", "redelivered"):
            self.figures["channel %s by the platform" % name] = counts[name]

    def after_pass(self):
        """A paused shop is authorized again by its seller, as after a real expiry."""
        _watermark, paused = self.shop_row()
        if paused:
            self.figures["session pauses"] += 1
            log("shop paused (session expired): the seller authorizes it again")
            self.run("reauth")
            self.figures["re-authorizations"] += 1

    def killed_pass(self):
        """A pass SIGKILLed 1-3 s after its first orders are stored, then restarted."""
        before = len(self.imported())
        proc = self.start_worker("pass")
        deadline = time.time() + 300
        while len(self.imported()) == before and proc.poll() is None and time.time() < deadline:
            time.sleep(0.2)
        time.sleep(self.rng.uniform(1, 3))
        if proc.poll() is not None:
            log("the pass to kill ended first: %s" % proc.stdout.read().strip()[:300])
            return
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        self.figures["worker kills"] += 1
        log("SIGKILLed %s with %d orders stored (watermark %s)"
            % (proc.name, len(self.imported()), self.shop_row()[0]))

    def concurrent_passes(self):
        """Two Odoo processes sync the same shops at the same time."""
        first = self.start_worker("pass")
        second = self.start_worker("pass")
        self.figures["concurrent passes"] += 2
        self.figures["cron passes"] += 2
        time.sleep(3)
        self.mutate()   # platform changes while a pass is paging
        for proc in (first, second):
            self.figures["lock refusals"] += self.finish(proc).get("locked", 0)
        self.after_pass()

    def warehouse(self, deliveries=None, receipts=3):
        """The warehouse validates deliveries and receives goods; then the write-back."""
        result = self.run("ship", "--deliveries", str(deliveries or self.args.deliveries),
                          "--receipts", str(receipts))
        for key in ("validated", "not_available", "failed"):
            self.figures["deliveries %s" % key] += result.get(key, 0)
        for key, figure in (("held refused", "held deliveries refused"),
                            ("shipped while held", "goods shipped while held")):
            for shop_id, count in result.get(key, {}).items():
                platform = "JD" if int(shop_id) == self.jd_shop_id else "TOP"
                self.figures["%s (%s)" % (figure, platform)] += count
        self.figures["receipt lines"] += result.get("received", 0)

    # -- go-live history and platform changes ----------------------------------------
    def trades(self):
        return {t["tid"]: t for t in self.control("/_sandbox/state")["trades"]}

    @staticmethod
    def paid_lines(trade):
        return [o for o in trade["orders"]["order"] if not o.get("is_free_gift")]

    def seed_history(self):
        """Before go-live: trades shipped, finished, part-shipped, forbidden, refunded."""
        state = self.trades()
        waiting = sorted(tid for tid, t in state.items()
                         if t["status"] == "WAIT_SELLER_SEND_GOODS")
        self.rng.shuffle(waiting)
        count = max(2, len(waiting) // 25)
        multi = [tid for tid in waiting if len(self.paid_lines(state[tid])) > 1]
        part, multi = multi[:count], multi[count:]
        refunded, multi = multi[:count], multi[count:]
        rest = [tid for tid in waiting if tid not in part and tid not in refunded]
        for tid in part:   # one sub-order waits for a refund decision: the rest ships
            oid = self.paid_lines(state[tid])[0]["oid"]
            self.change(tid, "refund", {"oid": oid, "status": "WAIT_SELLER_AGREE"})
            self.change(tid, "ship")
            self.change(tid, "refund", {"oid": oid, "status": "SELLER_REFUSE_BUYER"})
        for tid in refunded:   # refunded before shipping, not seen yet
            self.change(tid, "refund", {"oid": self.paid_lines(state[tid])[0]["oid"],
                                        "status": "SUCCESS"})
        for tid in rest[:count]:
            self.change(tid, "ship")
        for tid in rest[count:2 * count]:
            self.change(tid, "ship") and self.change(tid, "finish")
        for tid in rest[2 * count:3 * count]:
            self.change(tid, "forbid")
            self.forbidden.append(tid)
        for tid in rest[3 * count:4 * count]:   # refund requested, decided during the soak
            oid = self.paid_lines(state[tid])[0]["oid"]
            if self.change(tid, "refund", {"oid": oid, "status": "WAIT_SELLER_AGREE"}):
                self.open_refunds.append((tid, oid))
        self.touched.update(part + refunded + rest[:4 * count])
        for tid, trade in self.trades().items():
            for order in trade["orders"]["order"]:
                if order["status"] in SHIPPED or order.get("consign_time"):
                    self.preshipped.add((tid, order["oid"]))
        self.figures["history changes"] = self.figures["changes applied"]
        log("go-live history: %d changes; %d sub-orders shipped before import"
            % (self.figures["history changes"], len(self.preshipped)))

    def add_unmapped_trades(self, count):
        """Trades selling an item Odoo has no mapping for (listed after the item import)."""
        state = self.control("/_sandbox/state")
        item = dict(next(i for i in state["items"] if not (i.get("skus") or {}).get("sku")),
                    num_iid=UNMAPPED_NUM_IID, outer_id="YX-UNMAPPED", title="未映射商品")
        trades = [t for t in state["trades"] if t["status"] == "WAIT_SELLER_SEND_GOODS"
                  and t["tid"] not in self.touched]
        tail = int(max(t["tid"] for t in state["trades"]))
        new = []
        for number, trade in enumerate(trades[:count], 1):
            tid = str(tail + number * 100)
            orders = []
            for index, order in enumerate(trade["orders"]["order"]):
                order = dict(order, oid=str(int(tid) + index + 1))
                if index == 0:
                    order.update(num_iid=UNMAPPED_NUM_IID, sku_id="", outer_iid="YX-UNMAPPED",
                                 outer_sku_id="", sku_properties_name="")
                orders.append(order)
            new.append(dict(trade, tid=tid, orders={"order": orders}))
            self.unmapped_tids.add(tid)
        self.control("/_sandbox/upsert", {"items": [item], "trades": new})

    def mutate(self):
        """One round of platform changes: lifecycle verbs and payments."""
        count = self.args.changes
        state, imported = self.trades(), self.imported()
        changes_before = self.figures["changes applied"]
        self.decide_refunds(state, imported)
        self.allow_forbidden()
        open_ones = sorted(tid for tid, t in state.items()
                           if t["status"] == "WAIT_SELLER_SEND_GOODS" and tid in imported
                           and imported[tid][0] in ("sale", "draft") and not imported[tid][1]
                           and tid not in self.touched and tid not in self.unmapped_tids)
        self.rng.shuffle(open_ones)
        picks = iter(open_ones)
        for tid in take(picks, count):       # closed before shipping
            if self.change(tid, "close"):
                self.closed_by_soak.add(tid)
                self.touched.add(tid)
        for tid in take(picks, count):       # a refund request, decided next round
            oid = self.paid_lines(state[tid])[0]["oid"]
            if self.change(tid, "refund", {"oid": oid, "status": "WAIT_SELLER_AGREE"}):
                self.open_refunds.append((tid, oid))
                self.touched.add(tid)
        for tid in take(picks, count):       # refunded at once (one sub-order)
            self.refund_now(tid, state[tid])
        for tid in take(picks, count // 2 + 1):   # price protection: 部分退款, goods ship
            self.refund_part(tid, state[tid])
        self.refund_pack(state, imported)
        for tid in take(picks, count // 2 + 1):   # shipped in Qianniu, not from Odoo
            if self.change(tid, "ship"):
                self.touched.add(tid)
        for tid in take(picks, count // 2 + 1):
            if self.change(tid, "forbid"):
                self.forbidden.append(tid)
                self.touched.add(tid)
        payable = sorted(tid for tid, t in state.items() if t["status"] in PAYABLE)
        for tid in self.rng.sample(payable, min(count, len(payable))):
            self.change(tid, "address", {
                "receiver_address": "软件园%d号" % self.rng.randint(1, 999),
                "receiver_mobile": "139%08d" % self.rng.randint(0, 10 ** 8 - 1)})
        for tid in self.rng.sample(payable, min(count, len(payable))):
            self.change(tid, "memo", {"seller_memo": "soak memo %d" % self.rng.randint(1, 999),
                                      "seller_flag": self.rng.randint(0, 5)})
        for tid in self.rng.sample(payable, min(count // 2 + 1, len(payable))):
            self.change(tid, "message", {"buyer_message": "请尽快发货 %d" % self.rng.randint(1, 99)})
        self.pay_or_expire(state, count)
        self.mutate_jd(count)
        self.figures["platform changes"] += self.figures["changes applied"] - changes_before
        log("platform changes: %d" % (self.figures["changes applied"] - changes_before))

    def refund_now(self, tid, trade):
        lines = self.paid_lines(trade)
        answer = self.change(tid, "refund", {"oid": lines[0]["oid"], "status": "SUCCESS"})
        self.touched.add(tid)
        if answer and answer["status"] in ("TRADE_CLOSED",):
            self.closed_by_soak.add(tid)

    def refund_part(self, tid, trade):
        line = self.paid_lines(trade)[0]
        fee = round(float(line["payment"]) * self.rng.choice([0.05, 0.1, 0.3]), 2)
        if 0 < fee < float(line["payment"]) and self.change(
                tid, "refund", {"oid": line["oid"], "status": "SUCCESS",
                                "refund_fee": "%.2f" % fee}):
            self.figures["partial refunds"] += 1
            self.touched.add(tid)

    def refund_pack(self, state, imported):
        """The pack SKU on an imported trade not shipped yet, refunded: its line and
        its units leave the order and the delivery (the trade closes if it was alone)."""
        for tid in sorted(imported):
            trade = state.get(tid)
            if not trade or tid in self.touched or imported[tid][1] \
                    or imported[tid][0] not in ("sale", "draft") \
                    or trade["status"] != "WAIT_SELLER_SEND_GOODS":
                continue
            for line in self.paid_lines(trade):
                if [str(line.get("num_iid")), str(line.get("sku_id") or "")] == self.pack \
                        and line.get("refund_status", "NO_REFUND") == "NO_REFUND" \
                        and line.get("status") != "TRADE_CLOSED":
                    answer = self.change(tid, "refund", {"oid": line["oid"], "status": "SUCCESS"})
                    if answer:
                        self.figures["pack refunds"] += 1
                        self.touched.add(tid)
                        if answer["status"] == "TRADE_CLOSED":
                            self.closed_by_soak.add(tid)
                    return

    def decide_refunds(self, state, imported):
        """Refund requests of earlier rounds: some refunded, some refused, some withdrawn."""
        still_open = []
        for tid, oid in self.open_refunds:
            if tid not in imported and tid in state:
                still_open.append((tid, oid))    # decided once Odoo has the order
                continue
            shipped = imported.get(tid, ("", False))[1]
            verdict = "SELLER_REFUSE_BUYER" if shipped else self.rng.choice(
                ["SUCCESS", "SUCCESS", "SELLER_REFUSE_BUYER", "CLOSED"])
            answer = self.change(tid, "refund", {"oid": oid, "status": verdict})
            if answer and answer["status"] == "TRADE_CLOSED":
                self.closed_by_soak.add(tid)
        self.open_refunds = still_open

    def allow_forbidden(self):
        for tid in self.forbidden:
            self.change(tid, "allow")
        self.forbidden = []

    def pay_or_expire(self, state, count):
        now = beijing_now().strftime(FMT)
        unpaid = sorted(tid for tid, t in state.items() if t["status"] == "WAIT_BUYER_PAY")
        picked = self.rng.sample(unpaid, min(2 * count, len(unpaid)))
        changed = []
        for tid in picked[:count]:
            changed.append(self.with_status(state[tid], "WAIT_SELLER_SEND_GOODS", now,
                                            pay_time=now))
            self.paid_by_soak.add(tid)
        self.control("/_sandbox/upsert", {"trades": changed})
        self.figures["changes applied"] += len(changed)
        self.figures["  pay"] += len(changed)
        for tid in picked[count:]:
            self.change(tid, "close")   # closed before payment: TRADE_CLOSED_BY_TAOBAO

    def mutate_jd(self, count):
        if not self.jd:
            return
        orders = [o for o in self.jd.get("/_sandbox/state")["orders"]
                  if o["orderState"] == "WAIT_SELLER_STOCK_OUT"]
        for order in self.rng.sample(orders, min(count, len(orders))):
            self.jd.post("/_sandbox/remarks", {"orderId": order["orderId"],
                                               "venderRemark": "soak %d" % self.rng.randint(1, 99)})
            self.figures["JD changes applied"] += 1

    @staticmethod
    def with_status(trade, status, modified, **times):
        trade = dict(trade, status=status, modified=modified, **times)
        trade["orders"] = {"order": [dict(o, status=status) for o in trade["orders"]["order"]]}
        return trade

    # -- the soak ---------------------------------------------------------------
    def prepare(self):
        args = self.args
        now = beijing_now()
        start = now - datetime.timedelta(days=args.days)
        data = generate(items=args.items, skus_per_item=4, trades=args.trades, days=args.days,
                        seed=args.seed, start=start.strftime(FMT))
        self.control("/_sandbox/reset", data)
        self.control("/_sandbox/privacy", {"masked": True})  # today's platforms
        if self.jd:
            self.jd.post("/_sandbox/privacy", {"masked": True})
            jd_data = generate_jd(data["items"], orders=args.jd_orders, days=args.days,
                                  seed=args.seed, now=now)
            self.jd.post("/_sandbox/reset", jd_data)
            self.figures["JD orders"] = len(jd_data["orders"])
        watermark = (start - BEIJING).strftime(FMT)
        log("%d trades over %d days from %s (Beijing); watermark %s UTC"
            % (len(data["trades"]), args.days, start, watermark))
        self.seed_history()
        result = self.run("setup", "--watermark", watermark)
        self.shop_id, self.jd_shop_id = result["shop_id"], result["jd_shop_id"]
        self.pack = [str(key) for key in result["pack"] or []]
        self.figures["shared products"] = result["shared_products"]
        self.add_unmapped_trades(max(2, args.trades // 100))
        self.control("/_sandbox/tmc", {"faults": TMC_FAULTS, "seed": args.seed,
                                       "redeliver_seconds": 1, "reorder_seconds": 0.5})
        self.realtime("--subscribe")
        log("shops %s: %d SKU mappings, %d stock records, pack SKU %s"
            % ((self.shop_id, self.jd_shop_id), result["mappings"], result["stock_records"],
               result["pack"]))

    def soak(self):
        self.set_faults(RATE_FAULTS)
        started = time.time()
        self.killed_pass()
        self.concurrent_passes()
        self.mutate()
        self.realtime()
        self.cron_pass(stock=True)
        self.warehouse()
        # One session expiry in the middle: one to three calls into the next passes.
        self.set_faults(RATE_FAULTS + ["session_expiry@%d" % self.rng.randint(1, 3)])
        self.cron_pass(stock=True)
        for number in range(self.args.max_passes):
            self.cron_pass(stock=number % 2 == 0)
            self.warehouse()
            if number % 2:
                self.mutate()
                self.realtime()
            watermark, paused = self.shop_row()
            caught_up = watermark and datetime.datetime.strptime(
                watermark[:19], FMT) >= datetime.datetime.utcnow() - datetime.timedelta(minutes=15)
            expired = self.control("/_sandbox/stats")["faults"].get("session_expiry")
            if caught_up and not paused and expired and number >= 1:
                break
        self.mutate()
        self.set_faults(RATE_FAULTS + [REFUND_CHURN])
        self.cron_pass(stock=True)
        self.set_faults(RATE_FAULTS)
        self.warehouse()
        self.paused_weekend()
        self.cron_pass(stock=True)
        self.figures["soak seconds"] = int(time.time() - started)
        # Faults off: the refund decisions still open are taken, then the daily
        # reconciliation, the refund sync, the write-back once the retry delay has
        # passed, and the stock push.
        self.set_faults([])
        self.decide_refunds(self.trades(), self.imported())
        self.allow_forbidden()
        # The daily reconciliation runs through queue_job: the order jobs, then the
        # 3-day missing-order check of a busy shop cut into jobs of its own.
        jobs = self.run("jobs", "--job-trades", str(JOB_TRADES))
        for name in JOB_FIGURES:
            self.figures[name] = jobs[name]
        self.run("refunds")
        self.run("shipments", "--due-now")
        self.check_truth(self.run("stock")["truth"])
        self.figures["receivers revealed"] = self.run(
            "reveal", "--reveals", str(REVEALS))["revealed"]

    def privacy_scan(self, state):
        """Every plaintext receiver the sandboxes hold, searched in a pg_dump of the
        database and in the Odoo logs: Odoo may store the mask, never the plaintext."""
        secrets = set()
        for trade in state["trades"]:
            for key, mask in (("receiver_name", mask_name), ("receiver_mobile", mask_number),
                              ("receiver_phone", mask_number),
                              ("receiver_address", mask_street)):
                secrets.add((trade.get(key) or "", mask))
        jd_orders = self.jd.get("/_sandbox/state")["orders"] if self.jd else []
        for order in jd_orders:
            info = order.get("consigneeInfo") or {}
            for key, mask in (("fullname", mask_name), ("mobile", mask_number),
                              ("telephone", mask_number), ("fullAddress", mask_street)):
                secrets.add((str(info.get(key) or ""), mask))
        # A value its mask does not change (a street without digits) hides nothing.
        secrets = sorted(value for value, mask in secrets if value and mask(value) != value)
        dump = subprocess.run(["pg_dump", "--data-only", self.args.db], check=True,
                              stdout=subprocess.PIPE).stdout.decode("utf-8", "replace")
        logs = [os.path.join(self.args.out_dir, n) for n in sorted(os.listdir(self.args.out_dir))
                if n.startswith("worker-") or n == "install.log"]
        for path in logs:
            with open(path, encoding="utf-8", errors="replace") as stream:
                dump += stream.read()
        found = set(re.findall("|".join(re.escape(s) for s in secrets), dump)) if secrets \
            else set()
        self.figures["plaintext receivers searched"] = len(secrets)
        self.figures["plaintext receivers in the database dump and logs"] = len(found)
        return sorted(found)

    def paused_weekend(self):
        """The Taobao session expires for a weekend while JD sells the same products.

        The order sync pauses the Taobao shop; JD's push must leave room for all Taobao
        still offers (it may sell every unit of it before Monday). For the weekend the
        seller lets JD sell all of the shared products' stock (share 100 %): only what
        Taobao may sell keeps JD from overselling then."""
        if not self.jd:
            return
        shares = self.sql("SELECT id, allocation_percent FROM ecommerce_stock_sync "
                          "WHERE shop_id = %d AND allocation_mode = 'share' "
                          "AND allocation_percent < 100" % self.jd_shop_id)
        self.set_shares(shares, 100)
        self.control("/_sandbox/session", {"expired": True, "tokens": True})
        result = self.run("pass", "--stock")
        if not self.shop_row()[1]:
            self.figures["weekends without a paused shop"] += 1
        self.figures["paused weekends"] += 1
        self.check_weekend(result["truth"])
        self.control("/_sandbox/session", {"expired": False})
        self.after_pass()
        for record_id, percent in shares:
            self.set_shares([(record_id, percent)], percent)

    def set_shares(self, records, percent):
        if records:
            self.sql("UPDATE ecommerce_stock_sync SET allocation_percent = %s WHERE id IN (%s)"
                     % (float(percent), ",".join(str(int(r[0])) for r in records)))

    def check_weekend(self, truth):
        """JD offers no unit that Taobao, paused, may sell too."""
        quantities = self.platform_quantities()
        paused, pushed = collections.defaultdict(float), collections.defaultdict(float)
        for row in truth["listings"]:
            key = (row["shop_id"], row["num_iid"], row["sku_id"])
            qty = quantities.get(key, 0)
            for pid, units in row["parts"].items():
                if row["shop_id"] == self.shop_id:
                    paused[(row["location_id"], pid)] += qty * units
                elif not row["blocked"] and not row["error"]:
                    pushed[(row["location_id"], pid)] += qty * units
        for (loc, pid), units in pushed.items():
            free = max(0.0, truth["deliverable"].get(str(loc), {}).get(pid, 0.0))
            excess = min(units, units + paused.get((loc, pid), 0.0) - free)
            if paused.get((loc, pid)) and excess > 1e-6:
                self.oversold.append(("paused weekend", pid, units, free))
                self.figures["oversold units (paused shop weekend)"] += int(excess + 0.999)

    # -- stock truth ----------------------------------------------------------------
    def platform_quantities(self):
        quantities = {}
        for item in self.control("/_sandbox/state")["items"]:
            quantities[(self.shop_id, str(item["num_iid"]), "")] = int(item.get("num") or 0)
            for sku in (item.get("skus") or {}).get("sku") or []:
                quantities[(self.shop_id, str(item["num_iid"]), str(sku["sku_id"]))] = \
                    int(sku["quantity"])
        if self.jd:
            for ware in self.jd.get("/_sandbox/state")["wares"]:
                for sku in ware["skus"]:
                    quantities[(self.jd_shop_id, str(ware["wareId"]), str(sku["skuId"]))] = \
                        int(sku.get("stockNum") or 0)
        return quantities

    def check_truth(self, truth):
        """After a stock push: no listing offers more than Odoo can deliver of it."""
        quantities = self.platform_quantities()
        self.figures["stock truth checks"] += 1
        offered = collections.defaultdict(float)
        unchecked = set()
        for row in truth["listings"]:
            key = (row["shop_id"], row["num_iid"], row["sku_id"])
            products = [(row["location_id"], pid, units) for pid, units in row["parts"].items()]
            if row["blocked"] or row["error"] or key not in quantities:
                self.figures["listings not checked (push blocked or failed)"] += 1
                unchecked.update((loc, pid) for loc, pid, _u in products)
                continue
            qty = quantities[key]
            self.figures["listings checked"] += 1
            if qty > row["bound"]:
                self.oversold.append(("listing", key, qty, row["bound"]))
                self.figures["oversold units (listing)"] += qty - row["bound"]
            self.under_offer = max(self.under_offer, row["bound"] - qty)
            for loc, pid, units in products:
                offered[(loc, pid)] += qty * units
        for (loc, pid), units in offered.items():
            free = max(0.0, truth["deliverable"].get(str(loc), {}).get(pid, 0.0))
            if (loc, pid) not in unchecked and units > free + 1e-6:
                self.oversold.append(("product", pid, units, free))
                self.figures["oversold units (product, all shops)"] += int(units - free + 0.999)
        self.figures["largest under-offer (units)"] = self.under_offer

    # -- checks -------------------------------------------------------------------
    def check(self):
        state = self.control("/_sandbox/state")
        platform = {t["tid"]: t for t in state["trades"]}
        db = self.run("dump")
        with open(os.path.join(self.args.out_dir, "sandbox-state.json"), "w") as stream:
            json.dump(state, stream)   # for the inspection of a failed run
        f = self.figures
        problems = collections.defaultdict(list)
        orders = [o for o in db["orders"] if o["shop_id"] == self.shop_id]
        self.check_trades(platform, orders, db, problems)
        self.check_lifecycle(platform, state["refunds"], db, problems)
        self.check_refund_booking(db, problems)
        self.check_shipments(platform, db, problems)
        self.check_stock(db, problems)
        self.check_left_without_move(platform, db, problems)
        if self.jd:
            self.check_jd(db, problems)
        problems["plaintext receivers in the database dump and logs"] = self.privacy_scan(state)
        for kind in ("lost", "duplicates", "wrong totals", "closed not cancelled",
                     "cancelled while payable", "orders of unpayable trades",
                     "orders of unknown trades", "refused trades not held"):
            f[kind] = len(problems[kind])
        problems["oversold"] = self.oversold
        f["refused by the sync"] = len({r["tid"] for r in db["refused"]
                                        if r["shop_id"] == self.shop_id})
        f["sync logs"] = len(db["logs"])
        f["secrets found"] = self.count_secrets()
        self.count_retries()
        return problems

    def check_trades(self, platform, orders, db, problems):
        f = self.figures
        by_tid = collections.defaultdict(list)
        for order in orders:
            by_tid[order["tid"]].append(order)
        held = {r["tid"] for r in db["backlog"] if r["shop_id"] == self.shop_id}
        booked = self.booked_lines(db, self.shop_id)
        fees = {(str(r["tid"]), str(r["oid"])): float(r["refund_fee"])
                for r in self.control("/_sandbox/state")["refunds"]}
        f["trades"] = len(platform)
        for tid, trade in platform.items():
            found = by_tid.get(tid, [])
            status = trade["status"]
            if tid in self.unmapped_tids:
                f["refused trades (unmapped SKU)"] += 1
                if found or tid not in held:
                    problems["refused trades not held"].append(tid)
                continue
            if status in PAYABLE or tid in self.closed_by_soak:
                f["payable"] += 1
                if not found:
                    problems["lost"].append(tid)
                    continue
                f["imported"] += 1
                if len(found) > 1:
                    problems["duplicates"].append(tid)
                expected = float(trade["payment"]) - sum(
                    self.refund_in_total(tid, o, booked, fees)
                    for o in trade["orders"]["order"] if o.get("refund_status") == "SUCCESS")
                if any(o["state"] != "cancel" and abs(o["amount_total"] - expected) > 0.005
                       for o in found):
                    problems["wrong totals"].append((tid, expected,
                                                     [o["amount_total"] for o in found]))
                if tid in self.closed_by_soak and any(o["state"] != "cancel" for o in found):
                    problems["closed not cancelled"].append(tid)
                if status in PAYABLE and any(o["state"] == "cancel" for o in found):
                    problems["cancelled while payable"].append(tid)
            elif found:
                # Closed before payment, still unpaid, or closed before the sync saw it paid.
                problems["orders of unpayable trades"].append(tid)
        for tid in set(by_tid) - set(platform):
            problems["orders of unknown trades"].append(tid)
        f["held orders (draft)"] = sum(1 for o in orders if o["state"] in ("draft", "sent"))

    @staticmethod
    def booked_lines(db, shop_id):
        """(tid, oid) -> refund money the order line says its total gave up."""
        booked = {}
        for line in db["lines"]:
            if line["shop_id"] == shop_id:
                key = (line["tid"], line["oid"])
                booked[key] = max(booked.get(key, 0.0), line["booked"])
        return booked

    @staticmethod
    def refund_in_total(tid, order, booked, fees):
        """What a succeeded refund takes off the order total: nothing when it is
        a credit note (its line shipped from Odoo first), else its amount."""
        key = (tid, order["oid"])
        if key in booked and not booked[key]:
            return 0.0
        payment = float(order["payment"])
        return min(fees.get(key, payment), payment) if key in booked else payment

    def check_refund_booking(self, db, problems):
        """Each succeeded refund of a live order booked once: in the order total
        or as a credit note, never both, never neither."""
        shops = [("", self.shop_id)] + ([("JD ", self.jd_shop_id)] if self.jd else [])
        for label, shop_id in shops:
            live = {o["tid"] for o in db["orders"]
                    if o["shop_id"] == shop_id and o["state"] != "cancel"}
            booked = self.booked_lines(db, shop_id)
            twice, never = [], []
            for refund in db["refunds"]:
                if refund["shop_id"] != shop_id or refund["status"] != "SUCCESS" \
                        or refund["tid"] not in live:
                    continue
                key = (refund["tid"], refund["oid"])
                # A Taobao sub-order refunded whole before import has no line at all.
                in_total = booked.get(key, 0.0) > 0 or (not label and key not in booked)
                if in_total and refund["credited"]:
                    twice.append(refund["refund_id"])
                elif not in_total and not refund["credited"]:
                    never.append(refund["refund_id"])
            problems[label + "refunds booked twice"] = twice
            problems[label + "refunds never booked"] = never
            self.figures[label + "refunds booked twice"] = len(twice)
            self.figures[label + "refunds never booked"] = len(never)

    def check_lifecycle(self, platform, refunds, db, problems):
        live = collections.defaultdict(list)   # (tid, oid) -> moves not cancelled
        for move in db["moves"]:
            if move["shop_id"] == self.shop_id and move["state"] != "cancel":
                live[(move["tid"], move["oid"])].append(move)
        # Refunded whole (the sub-order closed); a partial refund still ships.
        refunded = {(tid, o["oid"]) for tid, t in platform.items()
                    for o in t["orders"]["order"] if o.get("refund_status") == "SUCCESS"
                    and o.get("status") == "TRADE_CLOSED"}
        self.figures["refunded sub-orders"] = len(refunded)
        problems["deliveries of refunded sub-orders"] = sorted(k for k in refunded if k in live)
        problems["deliveries of sub-orders shipped before import"] = sorted(
            k for k in self.preshipped if k in live)
        stored = {r["refund_id"] for r in db["refunds"] if r["shop_id"] == self.shop_id}
        self.figures["platform refunds"] = len(refunds)
        problems["refunds lost"] = sorted(str(r["refund_id"]) for r in refunds
                                          if str(r["refund_id"]) not in stored)
        for kind in ("deliveries of refunded sub-orders",
                     "deliveries of sub-orders shipped before import", "refunds lost"):
            self.figures[kind] = len(problems[kind])

    def check_shipments(self, platform, db, problems):
        consigns = self.consigns(self.args.call_log, platform)
        problems["sub-orders consigned twice"] = sorted(k for k, n in consigns.items() if n > 1)
        done = [p for p in db["pickings"] if p["state"] == "done"]
        shipped_by = collections.defaultdict(set)   # picking -> sub-orders its moves carried
        for move in db["moves"]:
            if move["state"] == "done" and move["oid"]:
                shipped_by[move["picking_id"]].add(move["oid"])
        self.figures["deliveries done"] = len(done)
        self.figures["deliveries sent"] = sum(1 for p in done if p["shipment"] == "sent")
        self.figures["deliveries needing attention"] = sum(
            1 for p in done if p["shipment"] in ("attention", "error"))
        self.figures["deliveries shipped on the platform"] = sum(
            1 for p in done if p["shipment"] == "platform")
        problems["validated deliveries unsent without reason"] = [
            (p["tid"], p["shipment"]) for p in done
            if p["shipment"] not in ("sent", "platform")
            and not (p["shipment"] in ("attention", "error") and p["reason"].strip())]
        for picking in done:
            if picking["shipment"] != "sent" or picking["shop_id"] != self.shop_id:
                continue
            trade = platform.get(picking["tid"]) or {"orders": {"order": []}}
            for order in trade["orders"]["order"]:
                if order["oid"] in shipped_by[picking["id"]] \
                        and order.get("invoice_no") != picking["waybill"]:
                    problems["sent but not shipped on the platform"].append(
                        (picking["tid"], order["oid"]))
        if self.jd:
            jd_orders = {o["orderId"]: o for o in self.jd.get("/_sandbox/state")["orders"]}
            for picking in done:
                if picking["shop_id"] == self.jd_shop_id and picking["shipment"] == "sent" \
                        and jd_orders.get(picking["tid"], {}).get("waybill") != picking["waybill"]:
                    problems["sent but not shipped on the platform"].append(picking["tid"])
            jd_consigns = self.consigns(self.args.jd_call_log, None)
            problems["JD orders consigned twice"] = sorted(
                k for k, n in jd_consigns.items() if n > 1)
            self.figures["JD orders consigned"] = len(jd_consigns)
        self.figures["sub-orders consigned by Odoo"] = len(consigns)
        for kind in ("sub-orders consigned twice", "validated deliveries unsent without reason",
                     "sent but not shipped on the platform", "JD orders consigned twice"):
            self.figures[kind] = len(problems[kind])

    @staticmethod
    def consigns(call_log, platform):
        """{sub-order (or JD order): accepted consign calls} from a sandbox call log."""
        counter = collections.Counter()
        with open(call_log, encoding="utf-8") as stream:
            for line in stream:
                entry = json.loads(line)
                # Transient and rate-limit faults answer before the call is handled; a
                # malformed answer comes after it: that call shipped and counts.
                if not entry.get("ok") or EARLY_FAULTS.intersection(entry.get("fault") or []):
                    continue
                params = entry.get("params") or {}
                if platform is None:
                    if entry.get("method") == JD_CONSIGN:
                        body = json.loads(params.get("360buy_param_json") or "{}")
                        counter[str(body.get("orderId"))] += 1
                    continue
                if entry.get("method") not in TOP_CONSIGNS:
                    continue
                tid = str(params.get("tid"))
                # The sandbox refuses to ship a sub-order twice; what must not happen is
                # Odoo reporting the same sub-orders again. Without is_split a call ships
                # whatever is left of the trade: counted as the sub-order "all".
                oids = str(params.get("sub_tid") or "").split(",") \
                    if str(params.get("is_split")) == "1" else ["all"]
                for oid in oids:
                    counter[(tid, oid)] += 1
        return counter

    def check_stock(self, db, problems):
        quantities = self.platform_quantities()
        for record in db["stock"]:
            if not record["sync"] or record["last_error"]:
                continue
            self.figures["stock records"] += 1
            key = (record["shop_id"], record["num_iid"], record["sku_id"])
            if quantities.get(key) != record["last_pushed_qty"]:
                problems["stock mismatches"].append((key, quantities.get(key),
                                                     record["last_pushed_qty"]))
        self.figures["stock mismatches"] = len(problems["stock mismatches"])

    def check_left_without_move(self, platform, db, problems):
        """Sub-orders (JD: orders) the platform shipped whose goods Odoo still holds:
        an open delivery move and none done."""
        moves = collections.defaultdict(set)   # (shop, tid, oid) -> move states
        for move in db["moves"]:
            moves[(move["shop_id"], move["tid"], move["oid"])].add(move["state"])

        def still_here(key):
            states = moves.get(key, set())
            return bool(states - {"done", "cancel"}) and "done" not in states
        problems["stock that left without a move (TOP)"] = sorted(
            (tid, o["oid"]) for tid, t in platform.items() for o in t["orders"]["order"]
            if o.get("consign_time") and still_here((self.shop_id, tid, o["oid"])))
        jd_left = []
        if self.jd:
            for order in self.jd.get("/_sandbox/state")["orders"]:
                if order["orderState"] in ("WAIT_GOODS_RECEIVE_CONFIRM", "FINISHED_L"):
                    jd_left += [key for key in moves if key[0] == self.jd_shop_id
                                and key[1] == str(order["orderId"]) and still_here(key)]
        problems["stock that left without a move (JD)"] = sorted(jd_left)
        for kind in ("stock that left without a move (TOP)",
                     "stock that left without a move (JD)"):
            self.figures[kind] = len(problems[kind])

    def check_jd(self, db, problems):
        orders = collections.defaultdict(list)
        for order in db["orders"]:
            if order["shop_id"] == self.jd_shop_id:
                orders[order["tid"]].append(order)
        platform = {o["orderId"]: o for o in self.jd.get("/_sandbox/state")["orders"]}
        for order_id, order in platform.items():
            if order["orderState"] in JD_PAYABLE:
                self.figures["JD payable"] += 1
                if not orders.get(order_id):
                    problems["JD lost"].append(order_id)
                elif len(orders[order_id]) > 1:
                    problems["JD duplicates"].append(order_id)
                else:
                    self.figures["JD imported"] += 1
            elif orders.get(order_id):
                problems["JD orders of unpayable orders"].append(order_id)
        for kind in ("JD lost", "JD duplicates", "JD orders of unpayable orders"):
            self.figures[kind] = len(problems[kind])

    def count_secrets(self):
        """Secrets (App Secrets, sessions, refresh and access tokens) in the failed jobs,
        the sync logs, the chatter, the shops' error texts and the workers' logs."""
        found = self.run("secrets")
        secrets = set(found["secrets"]) | {os.environ.get(name) for name in (
            "SANDBOX_APP_SECRET", "SANDBOX_SESSION", "JD_SANDBOX_APP_SECRET",
            "JD_SANDBOX_TOKEN")}
        secrets = {secret for secret in secrets if secret and len(secret) >= MIN_SECRET_LEN}
        texts = list(found["texts"])
        for name in sorted(os.listdir(self.args.out_dir)):
            if name.startswith("worker-"):
                with open(os.path.join(self.args.out_dir, name), encoding="utf-8",
                          errors="replace") as stream:
                    texts.append(stream.read())
        count = 0
        for secret in secrets:
            hits = sum(text.count(secret) for text in texts)
            if hits:
                log("a secret (%s...) is shown %d times" % (secret[:3], hits))
            count += hits
        return count

    def count_retries(self):
        """Injected faults that the client retried: the same request follows it."""
        entries = []
        with open(self.args.call_log, encoding="utf-8") as stream:
            for line in stream:
                entry = json.loads(line)
                params = dict(entry.get("params") or {})
                params.pop("timestamp", None)
                entries.append((entry.get("method"), json.dumps(params, sort_keys=True),
                                entry.get("fault") or []))
        retried = 0
        for index, (method, params, fault) in enumerate(entries):
            if not RETRIED_FAULTS.intersection(fault):
                continue
            if any(e[0] == method and e[1] == params for e in entries[index + 1:index + 40]):
                retried += 1
        self.figures["retries"] = retried
        self.figures["gateway calls"] = len(entries)

    def report(self, problems):
        f = self.figures
        faults = dict(self.fault_counts)
        jd_faults = dict(self.jd_fault_counts)
        rows = [("trades", f["trades"]), ("payable", f["payable"]), ("imported", f["imported"]),
                ("JD orders", f["JD orders"]), ("JD payable", f["JD payable"]),
                ("JD imported", f["JD imported"]),
                ("faults injected (TOP)", sum(faults.values()))]
        rows += [("  %s" % kind, n) for kind, n in sorted(faults.items()) if n]
        rows += [("faults injected (JD)", sum(jd_faults.values()))]
        rows += [("  %s" % kind, n) for kind, n in sorted(jd_faults.items()) if n]
        rows += [(name, f[name]) for name in (
            "retries", "gateway calls", "cron passes", "worker kills", "concurrent passes",
            "lock refusals", "session pauses", "paused weekends", "re-authorizations",
            "history changes",
            "platform changes", "changes applied")]
        rows += [(name, n) for name, n in sorted(f.items()) if name.startswith("  ")]
        rows += [(name, f[name]) for name in (
            "changes refused by the platform", "JD changes applied",
            "refused by the sync", "refused trades (unmapped SKU)", "held orders (draft)",
            "refunded sub-orders", "partial refunds", "pack refunds", "platform refunds",
            "deliveries validated", "deliveries not_available", "deliveries failed",
            "held deliveries refused (TOP)", "held deliveries refused (JD)", "receipt lines",
            "deliveries done", "deliveries sent", "deliveries needing attention",
            "deliveries shipped on the platform",
            "sub-orders consigned by Odoo", "JD orders consigned", "stock records",
            "shared products", "stock truth checks", "listings checked",
            "listings not checked (push blocked or failed)", "largest under-offer (units)",
            "jobs run", "jobs failed", "missing-order check jobs", "longest job (seconds)",
            "receivers revealed", "plaintext receivers searched", "channel messages",
            "channel re-reads", "channel merged", "channel lag (s, largest)",
            "channel dropped by the platform", "channel duplicated by the platform",
            "channel reordered by the platform", "channel redelivered by the platform",
            "soak seconds")]
        rows += [(name, f[name]) for name in CHECKED]
        width = max(len(name) for name, _n in rows)
        print("-" * (width + 10))
        for name, value in rows:
            print("%-*s %8s" % (width, name, value))
        print("-" * (width + 10))
        for kind, values in problems.items():
            if values:
                print("%s: %s" % (kind, values[:10]))
        failed = any(f[k] for k in CHECKED)
        print("SOAK %s" % ("FAILED" if failed else "OK"), flush=True)
        with open(os.path.join(self.args.out_dir, "figures.json"), "w") as stream:
            json.dump(dict(f, faults=faults, jd_faults=jd_faults), stream, indent=1,
                      sort_keys=True)
        return 1 if failed else 0


def take(iterator, count):
    return [tid for _n, tid in zip(range(count), iterator)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--sandbox-url", default=os.environ.get("SANDBOX_URL"))
    parser.add_argument("--jd-url", default=os.environ.get("JD_SANDBOX_URL"))
    parser.add_argument("--call-log", required=True, help="the TOP sandbox's --call-log file")
    parser.add_argument("--jd-call-log", help="the JD sandbox's --call-log file")
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--trades", type=int, default=300)
    parser.add_argument("--jd-orders", type=int, default=0,
                        help="JD orders (default: a fifth of --trades)")
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--changes", type=int, default=4,
                        help="trades per kind of change per round of platform changes")
    parser.add_argument("--deliveries", type=int, default=30,
                        help="deliveries the warehouse validates per round")
    parser.add_argument("--max-passes", type=int, default=12)
    args = parser.parse_args()
    args.jd_orders = args.jd_orders or max(20, args.trades // 5)
    if args.jd_url and not args.jd_call_log:
        parser.error("--jd-url needs --jd-call-log")
    soak = Soak(args)
    soak.prepare()
    soak.soak()
    sys.exit(soak.report(soak.check()))


if __name__ == "__main__":
    main()
