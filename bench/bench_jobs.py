# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Job runner benchmark: the background order import with 1, then 2 queue_job workers.

Everything is real: OCA queue_job's job runner, Odoo prefork HTTP workers that run the
jobs the runner hands out (/queue_job/runjob), and the TOP sandbox over loopback HTTP.

Design:
  * 4 shops (BJ1..BJ4) read the same sandbox trades (same credentials) and each imports
    every trade as its own order ((shop, tid) is unique per shop): 4 x trades orders.
    Why 4 shops: the windows of one shop chain (each order job stores one window, moves
    the watermark and enqueues the next one), and every shop has its own channel of
    capacity 1 (``job_capacity``), so one shop never runs two order jobs at once.
    The parallelism a second worker can use comes from shops; 4 shops keep 2 workers
    busy until near the end (the last shop's tail runs alone).
  * The shops, catalogue and SKU mappings are made once and committed, then the database
    is copied twice (createdb -T) so that both runs start from the identical database;
    the copies are dropped at the end, also on error.
  * For N in (1, 2): the order cron enqueues one job per shop on copy N, then Odoo serves
    copy N with --workers=N and the runner (channels root:N, one per shop of capacity 1)
    until no job is left to run. Stock pushes (stock_sync_auto off) and the missing-order
    check (order_check_days 0) are kept out of the work.
  * The time is the span of the jobs, max(date_done) - min(date_started) of the queue_job
    rows, not the wall time: the server's boot (registry loading in every worker) and
    the 1 s polling would otherwise weigh on both runs alike and hide the speed-up. The
    dates are stored to the second, so the span is +/- 1 s.
  * Workers get limit_time_cpu / limit_time_real as docs/operations.md advises for job hosts
    (a job reads one day of one shop): Odoo's defaults (60 / 120 s) would kill a worker
    in the middle of a big window at full scale and leave its job started for ever.
  * Checks after each run: no failed job, every shop has one order per trade, no
    duplicate (shop, ecommerce_tid).
  * Nothing is set up ahead for the jobs beyond what the addon itself does: a shop gets
    its CNY pricelist when it is created and a taxed product the price-included twin of
    its tax when it is mapped, so the jobs of the four shops do not race for them (the
    job-runner end-to-end test and tests/test_jobs.py cover that race).
Peak memory in the table is the bench process's, not the server's.
"""
import datetime
import os
import socket
import subprocess
import sys
import time

import psycopg2

from bench_orders import DAYS, create_catalogue, make_data
from common import ROOT, Sandbox, create_shop, odoo_env, parse_args, record

SHOPS = 4
# Trades every shop imports at the full size: 4 x 500 = 2,000 orders a run.
TRADES = 500
WORKERS = (1, 2)
TIMEOUT = 30 * 60     # seconds to wait for the jobs of one run
LIMIT_TIME_CPU, LIMIT_TIME_REAL = 600, 900
STOP_TIMEOUT = 120    # seconds for the server to stop after SIGTERM


def free_ports(count):
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def query(db, sql, params=None):
    connection = psycopg2.connect(dbname=db)
    try:
        with connection.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall()
    finally:
        connection.close()


def close_env(env, db):
    """Close the env's cursor and every pooled connection of Odoo to ``db``."""
    import odoo
    env.cr.close()
    odoo.sql_db.close_db(db)
    odoo.modules.registry.Registry.delete(db)


def env_on(db):
    """A superuser environment on another database of this process.

    odoo_env() parses Odoo's configuration, which Odoo 11 cannot do twice in one
    process (KeyError 'load_language'): the registry of the copy is opened directly.
    """
    import odoo
    registry = odoo.registry(db)
    return odoo.api.Environment(registry.cursor(), odoo.SUPERUSER_ID, {})


def prepare(env, sandbox_url, data):
    """The 4 shops, the catalogue and every shop's SKU mappings, committed."""
    first_trade = min(t["modified"] for t in data["trades"])  # Beijing time
    watermark = datetime.datetime.utcnow() - datetime.timedelta(days=DAYS + 1)
    assert watermark + datetime.timedelta(hours=8) < datetime.datetime.strptime(
        first_trade, "%Y-%m-%d %H:%M:%S"), "watermark not before the first trade"
    shops = env["ecommerce.shop"]
    for index in range(1, SHOPS + 1):
        shop = create_shop(env, sandbox_url, "Bench jobs %d" % index, "BJ%d" % index)
        # Before any mapping: a mapping's stock sync record takes stock_sync_auto.
        shop.write({"stock_sync_auto": False, "order_check_days": 0, "job_capacity": 1,
                    "order_sync_watermark": watermark.strftime("%Y-%m-%d %H:%M:%S")})
        shops |= shop
    create_catalogue(env, shops[0], data["items"])
    mappings = env["ecommerce.sku.mapping"].search([("shop_id", "=", shops[0].id)])
    for shop in shops[1:]:
        for mapping in mappings:
            env["ecommerce.sku.mapping"].create({
                "shop_id": shop.id, "num_iid": mapping.num_iid, "sku_id": mapping.sku_id or "",
                "product_id": mapping.product_id.id})
    env.cr.commit()
    return shops.ids


def enqueue(db, workers):
    """The order cron's jobs on ``db``, committed; the runner's channels for ``workers``."""
    env = env_on(db)
    try:
        env["ecommerce.shop"]._cron_enqueue_orders()
        channels = env["ecommerce.shop"]._queue_job_channels(root_capacity=workers)
        env.cr.commit()
    finally:
        close_env(env, db)
    return channels


def start_server(db, workers, conf, logfile):
    http_port, longpolling_port = free_ports(2)
    command = [os.path.join(ROOT, "tools", "odoo.sh"), "-d", db, "--db-filter=^%s$" % db,
               "--http-port=%d" % http_port, "--longpolling-port=%d" % longpolling_port,
               "--workers=%d" % workers, "--max-cron-threads=0",
               "--limit-time-cpu=%d" % LIMIT_TIME_CPU, "--limit-time-real=%d" % LIMIT_TIME_REAL,
               "--log-level=info", "--logfile=%s" % logfile]
    env = dict(os.environ, ODOO_JOB_RUNNER_CONF=conf)
    # A session of its own: the server and its workers are one process group to stop.
    return subprocess.Popen(command, env=env, stdout=sys.stderr, stderr=sys.stderr,
                            start_new_session=True)


def stop_server(server):
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, 9)
        server.wait()


def wait_for_jobs(db, server, logfile):
    deadline = time.time() + TIMEOUT
    while True:
        left = query(db, "SELECT COUNT(*) FROM queue_job WHERE state NOT IN ('done', 'failed')")
        if not left[0][0]:
            return
        if server.poll() is not None:
            raise RuntimeError("Odoo (workers) exited with %s while %d jobs were left; see %s"
                               % (server.returncode, left[0][0], logfile))
        if time.time() > deadline:
            raise RuntimeError("%d jobs still not done after %d s; see %s"
                               % (left[0][0], TIMEOUT, logfile))
        time.sleep(1)


def check(db, shop_ids, trades, workers):
    """Assert the run's outcome; (span of the jobs, sum of their times, job count)."""
    states = dict(query(db, "SELECT state, COUNT(*) FROM queue_job GROUP BY state"))
    failed = query(db, "SELECT name, exc_info FROM queue_job WHERE state = 'failed' LIMIT 3")
    assert not failed, "%d workers: %d failed jobs, e.g. %s: %s" % (
        workers, states.get("failed"), failed[0][0], (failed[0][1] or "")[-500:])
    methods = dict(query(db, "SELECT method_name, COUNT(*) FROM queue_job GROUP BY 1"))
    assert set(methods) == {"_job_sync_orders"}, "%d workers: other jobs than order windows " \
        "ran: %s" % (workers, methods)
    counts = dict(query(db, """SELECT s.id, COUNT(o.id) FROM ecommerce_shop s
                                 LEFT JOIN sale_order o ON o.ecommerce_shop_id = s.id
                                WHERE s.id IN %s GROUP BY s.id""", [tuple(shop_ids)]))
    wrong = {shop: count for shop, count in counts.items() if count != trades}
    assert not wrong, "%d workers: orders per shop %s, expected %d each" % (
        workers, wrong, trades)
    duplicates = query(db, """SELECT ecommerce_shop_id, ecommerce_tid, COUNT(*) FROM sale_order
                               WHERE ecommerce_shop_id IS NOT NULL
                               GROUP BY 1, 2 HAVING COUNT(*) > 1 LIMIT 5""")
    assert not duplicates, "%d workers: duplicate (shop, tid, count): %s" % (
        workers, duplicates)
    # In SQL: Odoo's psycopg2 type casters turn timestamps into strings in this process.
    (span, busy), = query(db, """
        SELECT EXTRACT(EPOCH FROM MAX(date_done) - MIN(date_started)),
               EXTRACT(EPOCH FROM SUM(date_done - date_started)) FROM queue_job""")
    assert span is not None, "%d workers: no job has start and end dates" % workers
    return float(span), float(busy), sum(methods.values())


def run(db, workers, shop_ids, trades, sandbox, folder):
    """One measured run on ``db``: (seconds, sandbox calls)."""
    conf = os.path.join(folder, "bench_jobs_w%d.conf" % workers)
    logfile = os.path.join(folder, "bench_jobs_w%d.log" % workers)
    channels = enqueue(db, workers)
    with open(conf, "w") as stream:
        stream.write("[options]\n\n[queue_job]\nchannels = %s\n" % channels)
    calls_before = sandbox.calls()
    started = time.time()
    server = start_server(db, workers, conf, logfile)
    try:
        wait_for_jobs(db, server, logfile)
    finally:
        stop_server(server)
    wall = time.time() - started
    calls = sandbox.calls() - calls_before
    seconds, busy, jobs = check(db, shop_ids, trades, workers)
    print("[bench_jobs] %d worker(s): %d jobs, span %.0f s, sum of the jobs' times %.0f s, "
          "wall %.1f s (boot and polling included), %d TOP calls, channels %s"
          % (workers, jobs, seconds, busy, wall, calls, channels), file=sys.stderr)
    return seconds, calls


def main():
    args = parse_args()
    trades = max(8, int(TRADES * args.scale))
    data = make_data(trades)
    sandbox = Sandbox(args.sandbox_url)
    sandbox.reset({"items": data["items"], "trades": data["trades"]})
    env = odoo_env(args.db)
    shop_ids = prepare(env, args.sandbox_url, data)
    close_env(env, args.db)
    copies = {n: "%s_w%d" % (args.db, n) for n in WORKERS}
    folder = os.path.dirname(os.path.abspath(args.out))
    results = {}
    try:
        for copy in copies.values():
            subprocess.check_call(["dropdb", "--if-exists", copy])
            subprocess.check_call(["createdb", "-T", args.db, copy])
        for n in WORKERS:
            results[n] = run(copies[n], n, shop_ids, trades, sandbox, folder)
    finally:
        for copy in copies.values():
            subprocess.call(["dropdb", "--if-exists", copy])
    orders = SHOPS * trades
    (seconds1, calls1), (seconds2, calls2) = results[1], results[2]
    record(args.out, "orders sync, 1 job worker", seconds1, orders, "orders", calls1)
    record(args.out, "orders sync, 2 job workers", seconds2, orders, "orders", calls2,
           speed_up=round(seconds1 / seconds2, 2) if seconds2 else None, workers=2,
           shops=SHOPS)


if __name__ == "__main__":
    import odoo
    # odoo_env() needs the thread-local environment registry of Odoo.
    with odoo.api.Environment.manage():
        main()
