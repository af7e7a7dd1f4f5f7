"""Fault-injection soak of the cron-driven order and stock sync (docs/soak.md).

Runs against a database with the addon installed and a running TOP sandbox (started by
tools/run_soak.sh with --call-log). Every Odoo pass is a separate process
(soak/worker.py) that calls the cron entry points, so that a SIGKILL hits a real
Odoo process in the middle of an import. Stdlib + requests only.
"""
import argparse
import collections
import datetime
import json
import os
import random
import signal
import subprocess
import sys
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "sandbox"))
from generate_data import generate  # noqa: E402

PAYABLE = {"WAIT_SELLER_SEND_GOODS", "SELLER_CONSIGNED_PART", "WAIT_BUYER_CONFIRM_GOODS",
           "TRADE_BUYER_SIGNED", "TRADE_FINISHED", "PAID_FORBID_CONSIGN"}
RATE_FAULTS = ["transient:0.1", "rate_limit:0.03", "slow:0.03", "malformed:0.03"]
RETRIED_FAULTS = {"transient", "rate_limit", "malformed"}
BEIJING = datetime.timedelta(hours=8)
FMT = "%Y-%m-%d %H:%M:%S"
PASS_TIMEOUT = 1800


def log(message):
    print("[soak %s] %s" % (time.strftime("%H:%M:%S"), message), flush=True)


def beijing_now():
    return (datetime.datetime.utcnow() + BEIJING).replace(microsecond=0)


class Soak(object):
    def __init__(self, args):
        self.args = args
        self.url = args.sandbox_url
        self.rng = random.Random(args.seed)
        self.fault_counts = collections.Counter()
        self.figures = collections.Counter()
        self.closed_by_soak = set()   # imported trades the soak closed on the platform
        self.paid_by_soak = set()
        self.shop_id = None
        self.worker_no = 0

    # -- sandbox and database -------------------------------------------------
    def control(self, path, payload=None):
        if payload is None:
            response = requests.get(self.url + path, timeout=120)
        else:
            response = requests.post(self.url + path, data=json.dumps(payload), timeout=600,
                                     headers={"Content-Type": "application/json"})
        response.raise_for_status()
        return response.json()

    def set_faults(self, faults):
        """Replace the fault configuration; the sandbox resets its counters then."""
        self.fault_counts.update(self.control("/_sandbox/stats")["faults"])
        self.control("/_sandbox/faults", {"faults": faults, "seed": self.rng.randint(1, 10 ** 6),
                                          "slow_seconds": 0.3})

    def sql(self, query):
        out = subprocess.check_output(["psql", "-d", self.args.db, "-AtF", "\t", "-c", query])
        return [line.split("\t") for line in out.decode().splitlines() if line]

    def shop_row(self):
        (watermark, paused), = self.sql(
            "SELECT coalesce(order_sync_watermark::text, ''), sync_paused FROM ecommerce_shop "
            "WHERE id = %d" % self.shop_id)
        return watermark, paused == "t"

    def imported(self):
        return {row[0]: row[1] for row in self.sql(
            "SELECT ecommerce_tid, state FROM sale_order WHERE ecommerce_shop_id = %d"
            % self.shop_id)}

    # -- workers ------------------------------------------------------------------
    def start_worker(self, mode, *extra):
        self.worker_no += 1
        cmd = [sys.executable, os.path.join(ROOT, "soak", "worker.py"), mode,
               "--db", self.args.db, "--sandbox-url", self.url]
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
        log("%s done: %s" % (proc.name, result.get("state")))
        return result

    def run(self, mode, *extra):
        return self.finish(self.start_worker(mode, *extra))

    def cron_pass(self, stock=False):
        self.figures["cron passes"] += 1
        result = self.run("pass", *(["--stock"] if stock else []))
        self.after_pass()
        return result

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
            log("the pass to kill ended first: %s" % proc.stdout.read().strip())
            return
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        self.figures["worker kills"] += 1
        log("SIGKILLed %s with %d orders stored (watermark %s)"
            % (proc.name, len(self.imported()), self.shop_row()[0]))

    def concurrent_passes(self):
        """Two Odoo processes sync the same shop at the same time."""
        first = self.start_worker("pass")
        second = self.start_worker("pass")
        self.figures["concurrent passes"] += 2
        self.figures["cron passes"] += 2
        time.sleep(3)
        self.mutate(self.args.changes)   # platform changes while a pass is paging
        for proc in (first, second):
            if not self.finish(proc).get("logged"):
                self.figures["lock refusals"] += 1
        self.after_pass()

    # -- platform changes during the soak ---------------------------------------
    def mutate(self, count):
        """Close some imported unshipped trades; pay or expire some unpaid ones."""
        state = {t["tid"]: t for t in self.control("/_sandbox/state")["trades"]}
        imported = self.imported()
        now = beijing_now().strftime(FMT)
        unshipped = sorted(tid for tid, t in state.items()
                           if t["status"] == "WAIT_SELLER_SEND_GOODS"
                           and imported.get(tid) in ("sale", "draft")
                           and tid not in self.closed_by_soak)
        unpaid = sorted(tid for tid, t in state.items() if t["status"] == "WAIT_BUYER_PAY")
        changed = []
        for tid in self.rng.sample(unshipped, min(count, len(unshipped))):
            changed.append(self.with_status(state[tid], "TRADE_CLOSED", now, end_time=now,
                                            refund_status="SUCCESS"))
            self.closed_by_soak.add(tid)
        picked = self.rng.sample(unpaid, min(2 * count, len(unpaid)))
        for tid in picked[:count]:
            changed.append(self.with_status(state[tid], "WAIT_SELLER_SEND_GOODS", now,
                                            pay_time=now))
            self.paid_by_soak.add(tid)
        for tid in picked[count:]:
            changed.append(self.with_status(state[tid], "TRADE_CLOSED_BY_TAOBAO", now,
                                            end_time=now))
        self.control("/_sandbox/upsert", {"trades": changed})
        self.figures["platform changes"] += len(changed)
        log("platform changes: %d trades (closed, paid, closed unpaid)" % len(changed))

    @staticmethod
    def with_status(trade, status, modified, refund_status=None, **times):
        trade = dict(trade, status=status, modified=modified, **times)
        orders = []
        for order in trade["orders"]["order"]:
            order = dict(order, status=status,
                         **{k: v for k, v in times.items() if k == "end_time"})
            if refund_status:
                order["refund_status"] = refund_status
            orders.append(order)
        trade["orders"] = {"order": orders}
        return trade

    # -- the soak ---------------------------------------------------------------
    def prepare(self):
        args = self.args
        start = beijing_now() - datetime.timedelta(days=args.days)
        data = generate(items=args.items, skus_per_item=4, trades=args.trades, days=args.days,
                        seed=args.seed, start=start.strftime(FMT))
        self.control("/_sandbox/reset", data)
        watermark = (start - BEIJING).strftime(FMT)
        log("%d trades over %d days from %s (Beijing); watermark %s UTC"
            % (len(data["trades"]), args.days, start, watermark))
        result = self.run("setup", "--watermark", watermark)
        self.shop_id = result["shop_id"]
        log("shop %d: %d SKU mappings, %d stock records"
            % (self.shop_id, result["mappings"], result["stock_records"]))

    def soak(self):
        self.set_faults(RATE_FAULTS)
        started = time.time()
        self.killed_pass()
        self.concurrent_passes()
        self.mutate(self.args.changes)
        self.cron_pass(stock=True)
        # One session expiry in the middle: one to three calls into the next passes.
        self.set_faults(RATE_FAULTS + ["session_expiry@%d" % self.rng.randint(1, 3)])
        self.cron_pass(stock=True)
        for number in range(self.args.max_passes):
            self.cron_pass(stock=number % 2 == 0)
            watermark, paused = self.shop_row()
            caught_up = watermark and datetime.datetime.strptime(
                watermark[:19], FMT) >= datetime.datetime.utcnow() - datetime.timedelta(minutes=15)
            expired = self.control("/_sandbox/stats")["faults"].get("session_expiry")
            if caught_up and not paused and expired and number >= 1:
                break
        self.mutate(self.args.changes)
        self.cron_pass()
        self.figures["soak seconds"] = int(time.time() - started)
        # Faults off: the daily reconciliation once, then the stock push once.
        self.set_faults([])
        self.run("reconcile")
        self.run("stock")

    # -- checks -------------------------------------------------------------------
    def check(self):
        platform = {t["tid"]: t for t in self.control("/_sandbox/state")["trades"]}
        items = self.control("/_sandbox/state")["items"]
        db = self.run("dump")
        by_tid = collections.defaultdict(list)
        for order in db["orders"]:
            by_tid[order["tid"]].append(order)
        f = self.figures
        f["trades"] = len(platform)
        problems = collections.defaultdict(list)
        for tid, trade in platform.items():
            orders = by_tid.get(tid, [])
            status = trade["status"]
            if status in PAYABLE or tid in self.closed_by_soak:
                f["payable"] += 1
                if not orders:
                    problems["lost"].append(tid)
                    continue
                f["imported"] += 1
                if len(orders) > 1:
                    problems["duplicates"].append(tid)
                if any("%.2f" % o["amount_total"] != trade["payment"] for o in orders):
                    problems["wrong totals"].append(tid)
                if tid in self.closed_by_soak and any(o["state"] != "cancel" for o in orders):
                    problems["closed not cancelled"].append(tid)
                if status in PAYABLE and any(o["state"] == "cancel" for o in orders):
                    problems["cancelled while payable"].append(tid)
            elif orders:
                # Closed before payment, still unpaid, or closed before the sync saw it paid.
                problems["orders of unpayable trades"].append(tid)
        for tid in set(by_tid) - set(platform):
            problems["orders of unknown trades"].append(tid)
        quantities = {}
        for item in items:
            skus = (item.get("skus") or {}).get("sku") or []
            quantities[(str(item["num_iid"]), "")] = int(item.get("num") or 0)
            for sku in skus:
                quantities[(str(item["num_iid"]), str(sku["sku_id"]))] = int(sku["quantity"])
        for record in db["stock"]:
            if not record["sync"]:
                continue
            f["stock records"] += 1
            key = (record["num_iid"], record["sku_id"])
            if quantities.get(key) != record["sellable_qty"]:
                problems["stock mismatches"].append((key, quantities.get(key),
                                                     record["sellable_qty"]))
        for kind in ("lost", "duplicates", "wrong totals", "stock mismatches",
                     "closed not cancelled", "cancelled while payable",
                     "orders of unpayable trades", "orders of unknown trades"):
            f[kind] = len(problems[kind])
        f["refused by the sync"] = len({r["tid"] for r in db["refused"]})
        f["sync logs"] = len(db["logs"])
        self.count_retries()
        return problems

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
        rows = [("trades", f["trades"]), ("payable", f["payable"]), ("imported", f["imported"]),
                ("faults injected", sum(faults.values()))]
        rows += [("  %s" % kind, n) for kind, n in sorted(faults.items()) if n]
        rows += [(name, f[name]) for name in (
            "retries", "gateway calls", "cron passes", "worker kills", "concurrent passes",
            "lock refusals", "session pauses", "re-authorizations", "platform changes",
            "refused by the sync", "stock records", "soak seconds",
            "duplicates", "lost", "wrong totals", "stock mismatches", "closed not cancelled",
            "cancelled while payable", "orders of unpayable trades",
            "orders of unknown trades")]
        width = max(len(name) for name, _n in rows)
        print("-" * (width + 10))
        for name, value in rows:
            print("%-*s %8s" % (width, name, value))
        print("-" * (width + 10))
        for kind, values in problems.items():
            if values:
                print("%s: %s" % (kind, values[:10]))
        failed = any(f[k] for k in ("duplicates", "lost", "wrong totals", "stock mismatches",
                                    "closed not cancelled", "cancelled while payable",
                                    "orders of unpayable trades", "orders of unknown trades"))
        print("SOAK %s" % ("FAILED" if failed else "OK"), flush=True)
        with open(os.path.join(self.args.out_dir, "figures.json"), "w") as stream:
            json.dump(dict(f, faults=faults), stream, indent=1, sort_keys=True)
        return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--sandbox-url", default=os.environ.get("SANDBOX_URL"))
    parser.add_argument("--call-log", required=True, help="the sandbox's --call-log file")
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--trades", type=int, default=3000)
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--changes", type=int, default=10,
                        help="trades closed / paid / expired per round of platform changes")
    parser.add_argument("--max-passes", type=int, default=12)
    args = parser.parse_args()
    soak = Soak(args)
    soak.prepare()
    soak.soak()
    sys.exit(soak.report(soak.check()))


if __name__ == "__main__":
    main()
