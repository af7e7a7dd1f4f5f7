# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Frame of the benchmark scripts: an Odoo environment, the sandbox, and measurements.

Each bench_*.py script runs in its own process (peak memory is per process) against
a database prepared by tools/run_bench.sh, and appends one JSON line per workload to
the --out file; tools/run_bench.sh prints them as one table.
"""
import argparse
import cProfile
import io
import json
import os
import resource
import sys
import pstats
import time
from contextlib import contextmanager

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_args(extra=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--sandbox-url", default=os.environ.get("SANDBOX_URL"))
    parser.add_argument("--out", required=True)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the full workload (CI uses a small one)")
    if extra:
        extra(parser)
    return parser.parse_args()


def odoo_env(db):
    """An Odoo environment (superuser) on ``db``; the caller commits."""
    import odoo
    from odoo import api, SUPERUSER_ID
    odoo.tools.config.parse_config(["--addons-path", os.path.join(ROOT, ".run", "addons"),
                                    "--data-dir", os.path.join(ROOT, ".run", "filestore"),
                                    "-d", db, "--log-level", "warn"])
    # Environments need a registry of live environments; a benchmark process owns
    # it for its whole life, so the context is entered and never left.
    api.Environment.manage().__enter__()
    registry = odoo.registry(db)
    cr = registry.cursor()
    return api.Environment(cr, SUPERUSER_ID, {})


def create_shop(env, sandbox_url, name, code):
    """A shop on the sandbox, with the credentials the bench command started it with."""
    return env["ecommerce.shop"].create({
        "name": name, "code": code, "platform": "sandbox", "app_url": sandbox_url,
        "app_key": os.environ.get("SANDBOX_APP_KEY", "12345678"),
        "app_secret": os.environ.get("SANDBOX_APP_SECRET", "sandbox-secret"),
        "session_key": os.environ.get("SANDBOX_SESSION", "sandbox-session")})


class Sandbox(object):
    def __init__(self, url):
        self.url = url

    def post(self, path, payload):
        response = requests.post(self.url + path, data=json.dumps(payload), timeout=600,
                                 headers={"Content-Type": "application/json"})
        response.raise_for_status()
        return response.json() if response.content else {}

    def reset(self, data):
        return self.post("/_sandbox/reset", data)

    def state(self):
        return requests.get(self.url + "/_sandbox/state", timeout=600).json()

    def calls(self):
        return requests.get(self.url + "/_sandbox/stats", timeout=60).json()["calls"]


def peak_memory_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


@contextmanager
def stopwatch():
    box = {}
    start = time.perf_counter()
    yield box
    box["seconds"] = time.perf_counter() - start


@contextmanager
def profiled(name, profiles=None):
    """cProfile the block when BENCH_PROFILE names a folder: NAME.pstats and the top
    40 functions by own time in NAME.txt. Off by default: profiling slows the clock.
    ``profiles`` ({name: Profile}) adds up the blocks of one name."""
    folder = os.environ.get("BENCH_PROFILE")
    if not folder:
        yield
        return
    profile = (profiles if profiles is not None else {}).setdefault(name, cProfile.Profile())
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        os.makedirs(folder, exist_ok=True)
        profile.dump_stats(os.path.join(folder, name + ".pstats"))
        text = io.StringIO()
        stats = pstats.Stats(profile, stream=text)
        stats.sort_stats("tottime").print_stats(40)
        stats.sort_stats("cumulative").print_stats(60)
        with open(os.path.join(folder, name + ".txt"), "w") as stream:
            stream.write(text.getvalue())


def record(out, workload, seconds, count, unit, top_calls, baseline_seconds=None, **extra):
    """Append one result row; baseline_seconds is the bare-ORM time of the same work."""
    row = {"workload": workload, "seconds": round(seconds, 2), "count": count, "unit": unit,
           "per_second": round(count / seconds, 1) if seconds else None,
           "top_calls": top_calls, "peak_mem_mb": round(peak_memory_mb(), 1),
           "baseline_seconds": round(baseline_seconds, 2) if baseline_seconds else None,
           "overhead_ratio": round(seconds / baseline_seconds, 2) if baseline_seconds else None}
    row.update(extra)
    with open(out, "a") as stream:
        stream.write(json.dumps(row) + "\n")
    print(json.dumps(row), file=sys.stderr)
    return row
