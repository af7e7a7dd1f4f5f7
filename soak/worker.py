# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""One Odoo worker process of the fault-injection soak (see docs/soak.md).

Opens the database like bench/common.py and does one thing, then exits:

  setup      the Taobao shop (and with --jd-url a JD shop), their items, stock, carriers;
             watermarks = --watermark (UTC); prints the shop ids
  pass       one background pass as the crons run it, each shop on its own cursor:
             _sync_orders_run(commit=True) [+ _sync_refunds_run] [+ the stock push,
             then the stock truth below]
  reauth     the seller authorizes the Taobao shop again (action_authorize -> the
             sandbox's OAuth page -> oauth_complete), which resumes a paused shop
  reconcile  make the daily missing-order check due, then one order pass
  jobs       the same through queue_job: the order crons' jobs (windows, then the
             missing-order check in jobs of its own) run here one by one as the runner
             runs them (--job-trades per job); prints the jobs run and failed, the
             longest job and the stalled channels
  stock      the stock push of every shop
  refunds    the refund sync of every shop
  ship       the warehouse validates deliveries of confirmed orders (carrier + waybill)
             and receives goods (--deliveries N, --receipts N); then the write-back
  shipments  the shipment write-back of every shop (--due-now: the retry delay passed)
  truth      what Odoo can really deliver per pushed listing (the oversell check's bound)
  dump       orders, lines, moves, pickings, refunds, stock records, logs
  secrets    the shops' secrets now, and the texts of jobs, sync logs, chatter, shops

The sync entry points are called directly (the plain per-shop methods, not a job
runner), so that a SIGKILL hits a real Odoo process in the middle of an import.
"""
import argparse
import json
import os
import random
import sys
import traceback
from collections import defaultdict
from urllib.parse import parse_qs, urlparse

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from common import odoo_env  # noqa: E402

LOCKED_TEXT = "is running right now"   # the order lock's refusal (English texts in the soak)
PACK_UNITS = 2.0
SHARED_PERCENT = 50.0


def log(message):
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def on_shop_cursor(env, shop_id, job):
    """``job(shop)`` on a cursor of its own, as the crons run a shop; committed at the end.

    Any failure is logged and reported, never raised: one shop must not stop the other.
    """
    from odoo import api
    with env.registry.cursor() as cr:
        shop = api.Environment(cr, env.uid, env.context)["ecommerce.shop"].browse(shop_id)
        try:
            return job(shop)
        except Exception as err:  # noqa: B902 - report whatever stops a shop's run
            cr.rollback()
            log("shop %s: %s: %r" % (shop_id, getattr(job, "__name__", "job"), err))
            return {"error": repr(err)}


def counts(summary):
    if not isinstance(summary, dict):
        return summary
    return {k: len(v) if isinstance(v, (list, dict)) else v for k, v in summary.items()}


# -- setup ------------------------------------------------------------------------------
def setup(env, args):
    from odoo import fields
    manager = env.ref("ecommerce_sync.group_ecommerce_manager")
    env.user.write({"groups_id": [(4, manager.id)]})  # the seller authorizes as a manager
    env["ir.config_parameter"].sudo().set_param("web.base.url", "http://127.0.0.1:8069")
    url = args.sandbox_url
    shops = env["ecommerce.shop"].create({
        "name": "Soak shop", "code": "SK", "platform": "sandbox",
        "app_key": os.environ.get("SANDBOX_APP_KEY", "12345678"),
        "app_secret": os.environ.get("SANDBOX_APP_SECRET", "sandbox-secret"),
        "session_key": os.environ.get("SANDBOX_SESSION", "sandbox-session"),
        "app_url": url, "auth_url": url + "/oauth/authorize",
        "token_url": url + "/oauth/token"})
    if args.jd_url:
        shops |= env["ecommerce.shop"].create({
            "name": "Soak JD shop", "code": "SJ", "platform": "jd",
            "app_key": os.environ["JD_SANDBOX_APP_KEY"],
            "app_secret": os.environ["JD_SANDBOX_APP_SECRET"],
            "session_key": os.environ["JD_SANDBOX_TOKEN"],
            "app_url": args.jd_url + "/routerjson", "auth_url": args.jd_url + "/oauth2/to_login",
            "token_url": args.jd_url + "/oauth2/access_token"})
    out = {"shop_id": shops[0].id, "jd_shop_id": shops[1].id if len(shops) > 1 else None}
    for shop in shops:
        result = shop.import_platform_items()
        if result["errors"]:
            raise SystemExit("%s: item import failed: %s" % (shop.name, result["errors"][:3]))
        shop.action_fetch_logistics_companies()
    env.cr.commit()
    mappings = env["ecommerce.sku.mapping"].search([("shop_id", "in", shops.ids)])
    out.update(setup_stock(env, shops, mappings))
    setup_carrier(env)
    shops.write({"order_sync_watermark": args.watermark, "refund_sync_watermark": args.watermark,
                 # The daily missing-order check ran "just now": during the soak only the
                 # increment (the cron's main path) imports; the reconciliation runs on purpose.
                 "order_check_last": fields.Datetime.now()})
    env.cr.commit()
    out["mappings"] = len(mappings)
    out["stock_records"] = env["ecommerce.stock.sync"].search_count(
        [("shop_id", "in", shops.ids)])
    return out


def setup_stock(env, shops, mappings):
    """Stock on every mapped product; one pack SKU; shared products split 50/50."""
    env["ecommerce.stock.sync"]._create_for_mappings(mappings)
    for index, product in enumerate(mappings.mapped("product_id").sorted("id")):
        product.type == "product" or product.write({"type": "product"})
        for shop in shops[:1]:
            env["stock.quant"]._update_available_quantity(
                product, shop.warehouse_id.lot_stock_id, 20 + index % 50)
    by_product = defaultdict(lambda: env["ecommerce.sku.mapping"])
    for mapping in mappings:
        by_product[mapping.product_id.id] |= mapping
    shared = [m for m in by_product.values() if len(m.mapped("shop_id")) > 1]
    for group in shared:
        group.mapped("stock_sync_ids").write({"allocation_percent": SHARED_PERCENT})
    # A pack: one Taobao SKU that sells two units of its product (the product has no
    # other listing, so the pack's units are all the listing can offer).
    singles = [m for m in by_product.values() if len(m) == 1 and m.shop_id == shops[0]
               and m.sku_id]
    pack = singles[len(singles) // 2] if singles else env["ecommerce.sku.mapping"]
    pack.write({"product_qty": PACK_UNITS})
    return {"shared_products": len(shared), "pack": [pack.num_iid, pack.sku_id or ""]
            if pack else None}


def setup_carrier(env):
    """SF Express, mapped to SF on Taobao and on JD: what the warehouse ships with."""
    companies = env["ecommerce.logistics.company"].search(
        ["|", "&", ("platform", "=", "taobao"), ("code", "=", "SF"),
         "&", ("platform", "=", "jd"), ("code", "=", "467")])
    # Free: the buyer paid the postage on the platform. A priced carrier adds its fee
    # to the order when the delivery is validated (delivery module), which would make
    # the order's total differ from the platform's payment.
    fee = env["product.product"].create({"name": "Soak postage", "type": "service",
                                         "list_price": 0.0})
    env["delivery.carrier"].create({"name": "Soak SF Express", "product_id": fee.id,
                                    "fixed_price": 0.0,
                                    "ecommerce_company_ids": [(6, 0, companies.ids)]})


def reauth(env, shop):
    action = shop.action_authorize()
    env.cr.commit()
    answer = requests.get(action["url"], allow_redirects=False, timeout=30)
    query = parse_qs(urlparse(answer.headers["Location"]).query)
    env["ecommerce.shop"].oauth_complete(query["state"][0], query["code"][0])
    env.cr.commit()


# -- passes -------------------------------------------------------------------------------
def shop_ids(env):
    return env["ecommerce.shop"]._active_sync_shops().ids


def sync_orders(shop):
    return shop._sync_orders_run(commit=True)


def sync_refunds(shop):
    return shop._sync_refunds_run(commit=True)


def push_stock(shop):
    # _run_isolated: a session failure pauses the shop, as in the stock cron.
    return shop._run_isolated(lambda s: s._cron_push_shop_stock(commit=True))


def send_shipments(shop):
    return shop._send_shipments_run(None, commit=True)


def run_pass(env, args):
    out = {"orders": {}, "locked": 0}
    env.cr.commit()  # no snapshot held during the pass
    for shop_id in shop_ids(env):
        result = on_shop_cursor(env, shop_id, sync_orders)
        if LOCKED_TEXT in str(result.get("error") or ""):
            out["locked"] += 1
        out["orders"][shop_id] = counts(result)
    if args.refunds:
        out["refunds"] = run_each(env, sync_refunds)
    if args.stock:
        out["stock"] = run_each(env, push_stock)
        out["truth"] = truth(env)   # right after the push, before anything else changes
    return out


def run_each(env, job):
    env.cr.commit()
    return {shop_id: counts(on_shop_cursor(env, shop_id, job)) for shop_id in shop_ids(env)}


# -- the warehouse ------------------------------------------------------------------------
def ship(env, args):
    """Validate up to --deliveries ready deliveries of e-commerce orders; receive goods."""
    rng = random.Random(args.seed)
    carrier = env["delivery.carrier"].search([("name", "=", "Soak SF Express")], limit=1)
    # Every open delivery, held ones too: a warehouse does not read the sales flags,
    # the hold itself must stop it.
    pickings = env["stock.picking"].search([
        ("ecommerce_shop_id", "!=", False), ("picking_type_code", "=", "outgoing"),
        ("state", "in", ("confirmed", "assigned", "partially_available")),
        ("sale_id.state", "=", "sale")])
    out = {"validated": 0, "not_available": 0, "failed": 0, "received": 0,
           "held refused": {}, "shipped while held": {}}
    for picking in rng.sample(list(pickings), min(args.deliveries, len(pickings))):
        if picking.ecommerce_held:
            try_held(env, picking, out)
            continue
        picking.action_assign()
        if picking.state != "assigned":
            out["not_available"] += 1  # a seller ships only what is there
            continue
        try:
            with env.cr.savepoint():
                picking.write({"carrier_id": carrier.id,
                               "carrier_tracking_ref": "SF%012d" % (picking.id * 7919)})
                for move in picking.move_lines:
                    move.quantity_done = move.product_uom_qty
                picking.action_done()
            out["validated"] += 1
        except Exception as err:  # noqa: B902 - counted, the soak reports it
            out["failed"] += 1
            log("validating %s: %r" % (picking.name, err))
        env.cr.commit()
    out["received"] = receive(env, rng, args.receipts)
    env.cr.commit()
    out["shipments"] = write_back(env)
    return out


def try_held(env, picking, out):
    """Try to validate a held delivery as it is; the hold must refuse it."""
    from odoo.exceptions import UserError
    shop = str(picking.ecommerce_shop_id.id)
    try:
        with env.cr.savepoint():
            for move in picking.move_lines:
                move.quantity_done = move.product_uom_qty
            picking.action_done()
        out["shipped while held"][shop] = out["shipped while held"].get(shop, 0) + 1
        env.cr.commit()
    except UserError:
        out["held refused"][shop] = out["held refused"].get(shop, 0) + 1


def write_back(env):
    shops = env["ecommerce.shop"]._shops_with_due_shipments()
    env.cr.commit()
    return {shop_id: counts(on_shop_cursor(env, shop_id, send_shipments)) for shop_id in shops}


def receive(env, rng, count):
    """Receipts of a few mapped products into the main warehouse, validated."""
    if not count:
        return 0
    warehouse = env["ecommerce.shop"].search([], order="id", limit=1).warehouse_id
    products = env["ecommerce.sku.mapping"].search([]).mapped("product_id")
    supplier = env.ref("stock.stock_location_suppliers")
    picking = env["stock.picking"].create({
        "picking_type_id": warehouse.in_type_id.id, "location_id": supplier.id,
        "location_dest_id": warehouse.lot_stock_id.id, "move_lines": [
            (0, 0, {"name": "soak receipt", "product_id": product.id,
                    "product_uom": product.uom_id.id, "product_uom_qty": rng.randint(3, 15),
                    "location_id": supplier.id, "location_dest_id": warehouse.lot_stock_id.id})
            for product in rng.sample(list(products), min(count, len(products)))]})
    picking.action_confirm()
    picking.action_assign()
    for move in picking.move_lines:
        move.quantity_done = move.product_uom_qty
    picking.action_done()
    return len(picking.move_lines)


def due_now(env):
    """The retry delay after a network failure or rate limit has passed."""
    env.cr.execute("""UPDATE stock_picking SET ecommerce_shipment_next_try = NULL
                       WHERE ecommerce_shipment_state = 'to_send'""")
    env.cr.commit()


# -- stock truth --------------------------------------------------------------------------
def truth(env):
    """Per flagged listing: the most Odoo can deliver of it, computed apart from the push.

    Deliverable units of a product: on hand in the listing's location tree, minus every
    outgoing move from that tree not done nor cancelled, minus the lines of held
    e-commerce orders (no delivery yet), minus the units of trades not imported
    (backlog, through the SKU's pack units or bundle components). A listing may offer
    the complete sets of its share of that, at most its cap; a fixed one its quantity.
    """
    cr = env.cr
    cr.execute("""
        SELECT s.id, s.shop_id, sh.platform, m.id, m.num_iid, COALESCE(m.sku_id, ''),
               s.location_id, s.allocation_mode, s.allocation_percent, s.allocation_cap,
               s.fixed_qty, s.last_error IS NOT NULL, COALESCE(sh.stock_push_block_reason, ''),
               s.last_pushed_qty
          FROM ecommerce_stock_sync s
          JOIN ecommerce_sku_mapping m ON m.id = s.mapping_id
          JOIN ecommerce_shop sh ON sh.id = s.shop_id
         WHERE s.sync AND m.active""")
    rows = cr.fetchall()
    cr.execute("""SELECT m.id, COALESCE(c.product_id, m.product_id),
                         COALESCE(c.product_qty, m.product_qty)
                    FROM ecommerce_sku_mapping m
                    LEFT JOIN ecommerce_sku_mapping_component c ON c.mapping_id = m.id""")
    parts = defaultdict(dict)
    for mapping_id, product_id, units in cr.fetchall():
        parts[mapping_id][product_id] = float(units)
    deliverable = {}
    for location_id in {row[6] for row in rows}:
        deliverable[location_id] = deliverable_units(env, location_id)
    listings = []
    for (record_id, shop_id, platform, mapping_id, num_iid, sku_id, location_id, mode, percent,
         cap, fixed, has_error, blocked, last_pushed) in rows:
        free = deliverable[location_id]
        if mode == "fixed":
            bound = fixed
        else:
            sets = min(int(max(0.0, free.get(pid, 0.0)) * (percent or 0) / 100.0 / units + 1e-9)
                       for pid, units in parts[mapping_id].items()) if parts[mapping_id] else 0
            bound = min(sets, cap) if cap else sets
        listings.append({"shop_id": shop_id, "platform": platform, "num_iid": num_iid,
                         "sku_id": sku_id, "bound": bound, "error": has_error,
                         "blocked": bool(blocked), "last_pushed": last_pushed,
                         "location_id": location_id,
                         "parts": {str(k): v for k, v in parts[mapping_id].items()}})
    return {"listings": listings,
            "deliverable": {str(loc): {str(p): q for p, q in free.items()}
                            for loc, free in deliverable.items()}}


def deliverable_units(env, location_id):
    cr = env.cr
    tree = tuple(env["stock.location"].search([("id", "child_of", location_id)]).ids)
    free = defaultdict(float)
    cr.execute("""SELECT product_id, SUM(quantity) FROM stock_quant
                   WHERE location_id IN %s GROUP BY product_id""", [tree])
    for product_id, qty in cr.fetchall():
        free[product_id] += qty
    cr.execute("""SELECT product_id, SUM(product_qty) FROM stock_move
                   WHERE location_id IN %s AND location_dest_id NOT IN %s
                     AND state NOT IN ('done', 'cancel', 'draft') GROUP BY product_id""",
               [tree, tree])
    for product_id, qty in cr.fetchall():
        free[product_id] -= qty
    cr.execute("""SELECT l.product_id, SUM(l.product_uom_qty / lu.factor * pu.factor)
                    FROM sale_order_line l
                    JOIN sale_order o ON o.id = l.order_id
                    JOIN product_uom lu ON lu.id = l.product_uom
                    JOIN product_product p ON p.id = l.product_id
                    JOIN product_template t ON t.id = p.product_tmpl_id
                    JOIN product_uom pu ON pu.id = t.uom_id
                   WHERE o.ecommerce_shop_id IS NOT NULL AND o.state IN ('draft', 'sent')
                     AND t.type = 'product'
                   GROUP BY l.product_id""")
    for product_id, qty in cr.fetchall():
        free[product_id] -= qty
    cr.execute("""SELECT COALESCE(c.product_id, m.product_id),
                         SUM(b.qty * COALESCE(c.product_qty, m.product_qty))
                    FROM ecommerce_trade_backlog b
                    JOIN ecommerce_sku_mapping m
                      ON m.shop_id = b.shop_id AND m.num_iid = b.num_iid
                     AND COALESCE(m.sku_id, '') = COALESCE(b.sku_id, '')
                    LEFT JOIN ecommerce_sku_mapping_component c ON c.mapping_id = m.id
                   GROUP BY 1""")
    for product_id, qty in cr.fetchall():
        free[product_id] -= qty
    return dict(free)


# -- dump ---------------------------------------------------------------------------------
def fetch(env, query, keys, params=None):
    env.cr.execute(query, params or [])
    return [dict(zip(keys, row)) for row in env.cr.fetchall()]


def dump(env):
    orders = fetch(env, """SELECT ecommerce_shop_id, ecommerce_tid, amount_total::float, state,
                                  ecommerce_status, id, ecommerce_review_needed
                             FROM sale_order WHERE ecommerce_shop_id IS NOT NULL""",
                   ("shop_id", "tid", "amount_total", "state", "status", "id", "review"))
    moves = fetch(env, """
        SELECT o.ecommerce_shop_id, o.ecommerce_tid, l.ecommerce_oid, m.state, m.product_qty,
               m.picking_id
          FROM stock_move m
          JOIN sale_order_line l ON l.id = m.sale_line_id
          JOIN sale_order o ON o.id = l.order_id
          JOIN stock_location d ON d.id = m.location_dest_id
         WHERE o.ecommerce_shop_id IS NOT NULL AND d.usage = 'customer'""",
                  ("shop_id", "tid", "oid", "state", "qty", "picking_id"))
    pickings = fetch(env, """
        SELECT p.ecommerce_shop_id, o.ecommerce_tid, p.id, p.state,
               COALESCE(p.ecommerce_shipment_state, ''), COALESCE(p.ecommerce_shipment_reason, ''),
               COALESCE(p.ecommerce_sent_sub_ids, ''), COALESCE(p.carrier_tracking_ref, '')
          FROM stock_picking p JOIN sale_order o ON o.id = p.sale_id
          JOIN stock_picking_type t ON t.id = p.picking_type_id
         WHERE p.ecommerce_shop_id IS NOT NULL AND t.code = 'outgoing'""",
                     ("shop_id", "tid", "id", "state", "shipment", "reason", "sub_ids",
                      "waybill"))
    refunds = fetch(env, """SELECT shop_id, refund_id, tid, COALESCE(oid, ''),
                                   COALESCE(status, ''), credit_note_id IS NOT NULL
                              FROM ecommerce_refund""",
                    ("shop_id", "refund_id", "tid", "oid", "status", "credited"))
    lines = fetch(env, """
        SELECT o.ecommerce_shop_id, o.ecommerce_tid, l.ecommerce_oid,
               COALESCE(l.ecommerce_refund_booked, 0)::float
          FROM sale_order_line l JOIN sale_order o ON o.id = l.order_id
         WHERE o.ecommerce_shop_id IS NOT NULL AND l.ecommerce_oid IS NOT NULL""",
                  ("shop_id", "tid", "oid", "booked"))
    stock = fetch(env, """SELECT s.shop_id, m.num_iid, COALESCE(m.sku_id, ''), s.sync,
                                 s.last_pushed_qty, COALESCE(s.last_error, '')
                            FROM ecommerce_stock_sync s
                            JOIN ecommerce_sku_mapping m ON m.id = s.mapping_id""",
                  ("shop_id", "num_iid", "sku_id", "sync", "last_pushed_qty", "last_error"))
    logs = fetch(env, """SELECT shop_id, kind, state, message FROM ecommerce_sync_log
                          ORDER BY id""", ("shop_id", "kind", "state", "message"))
    refused = fetch(env, """SELECT g.shop_id, l.tid, l.reason FROM ecommerce_sync_log_line l
                              JOIN ecommerce_sync_log g ON g.id = l.log_id
                             WHERE l.result = 'failed'""", ("shop_id", "tid", "reason"))
    backlog = fetch(env, "SELECT shop_id, tid, num_iid, qty FROM ecommerce_trade_backlog",
                    ("shop_id", "tid", "num_iid", "qty"))
    return {"orders": orders, "moves": moves, "pickings": pickings, "refunds": refunds,
            "lines": lines,
            "stock": stock, "logs": logs, "refused": refused, "backlog": backlog}


def run_jobs(env, job_trades, limit=500):
    """The reconciliation through jobs, each run as /queue_job/runjob runs it.

    ``job_trades`` replaces the trades per job (JOB_TRADES, 200): a soak shop of a
    few hundred trades is then cut as a shop of a few thousand would be.
    """
    from odoo.addons.queue_job.exception import RetryableJobError
    from odoo.addons.queue_job.job import Job
    from odoo.addons.ecommerce_sync.models import ecommerce_job_planner
    ecommerce_job_planner.JOB_TRADES = job_trades
    env["ecommerce.shop"].search([]).write({"order_check_last": False})
    env["ecommerce.shop"]._cron_enqueue_orders()
    env.cr.commit()
    ran = failed = 0
    while ran < limit:
        env.cr.execute("""SELECT uuid FROM queue_job
                           WHERE state = 'pending' AND channel LIKE 'root.ecommerce.%%'
                             AND (eta IS NULL OR eta <= (now() AT TIME ZONE 'UTC'))
                           ORDER BY priority, id LIMIT 1""")
        row = env.cr.fetchone()
        if not row:
            break
        job = Job.load(env, row[0])
        job.set_started()
        job.store()
        env.cr.commit()
        ran += 1
        try:
            job.perform()
            job.set_done()
        except RetryableJobError as err:
            env.cr.rollback()
            env.clear()
            job.postpone(result=str(err), seconds=err.seconds)
            job.set_pending(reset_retry=False)
        except Exception:  # pylint: disable=broad-except
            env.cr.rollback()
            env.clear()
            text = traceback.format_exc()
            log(text)  # the runner logs the traceback it stores
            job.set_failed(exc_info=text)
            failed += 1
        job.store()
        env.cr.commit()
    env.cr.execute("""SELECT COALESCE(MAX(EXTRACT(EPOCH FROM date_done - date_started)), 0)
                        FROM queue_job WHERE channel LIKE 'root.ecommerce.%%'""")
    longest = round(float(env.cr.fetchone()[0]), 1)
    shops = env["ecommerce.shop"].search([])
    stalled = env["queue.job"].search_count(env["ecommerce.shop"]._stalled_jobs_domain())
    stalled += len([shop for shop in shops if shop.health_jobs_stalled])
    env.cr.execute("""SELECT COUNT(*) FROM queue_job
                       WHERE channel LIKE 'root.ecommerce.%%' AND state = 'started'""")
    left_started = env.cr.fetchone()[0]
    env.cr.execute("""SELECT COUNT(*) FROM queue_job WHERE channel LIKE 'root.ecommerce.%%'
                         AND method_name = '_job_check_missing_orders'""")
    checks = env.cr.fetchone()[0]
    return {"jobs run": ran, "jobs failed": failed, "longest job (seconds)": longest,
            "missing-order check jobs": checks,
            "stalled channels": stalled + left_started}


def run_realtime(env, subscribe, rounds=30):
    """The real-time consumer and the jobs it queues, run in turns as the runner would,
    with no wait for the consumer's idle delay: until a read finds nothing and no job
    of the shops waits. Commits after each job, as the runner does."""
    from odoo.addons.queue_job.job import Job
    shops = env["ecommerce.shop"].search([("platform", "=", "sandbox")])
    if subscribe:
        shops.realtime_subscribe()
        env.cr.commit()
    channels = env["ecommerce.realtime.channel"].search([])
    ran = 0
    for _round in range(rounds):
        env.cr.execute("""SELECT uuid FROM queue_job WHERE state = 'pending'
                           AND channel = 'root.ecommerce.realtime' ORDER BY id""")
        uuids = [row[0] for row in env.cr.fetchall()]
        for uuid in uuids:
            perform_job(env, Job.load(env, uuid))
        before = sum(channels.mapped("messages_total"))
        channels.invalidate_cache()
        fetched = sum(channels.mapped("messages_total")) - before
        env.cr.execute("""SELECT uuid FROM queue_job WHERE state = 'pending'
                           AND channel LIKE 'root.ecommerce.shop_%%' ORDER BY priority, id""")
        shop_jobs = [row[0] for row in env.cr.fetchall()]
        for uuid in shop_jobs:
            perform_job(env, Job.load(env, uuid))
        ran += len(shop_jobs)
        if not fetched and not shop_jobs:
            break
    channels.invalidate_cache()
    return {"messages": sum(channels.mapped("messages_total")),
            "re-reads": sum(channels.mapped("jobs_total")),
            "merged": sum(channels.mapped("merged_total")), "jobs run": ran,
            "lag": max(channels.mapped("lag_seconds") or [0])}


def perform_job(env, job):
    """One job as /queue_job/runjob runs it: started, performed, done or failed."""
    from odoo.addons.queue_job.exception import RetryableJobError
    job.set_started()
    job.store()
    env.cr.commit()
    try:
        job.perform()
        job.set_done()
    except RetryableJobError as err:
        env.cr.rollback()
        env.clear()
        job.postpone(result=str(err), seconds=err.seconds)
        job.set_pending(reset_retry=False)
    except Exception:  # pylint: disable=broad-except
        env.cr.rollback()
        env.clear()
        text = traceback.format_exc()
        log(text)
        job.set_failed(exc_info=text)
    job.store()
    env.cr.commit()


def secret_texts(env):
    """The secrets the shops hold now, and every text a seller or the log may show."""
    env.cr.execute("""SELECT app_secret, session_key, refresh_token FROM ecommerce_shop""")
    secrets = sorted({value for row in env.cr.fetchall() for value in row if value})
    texts = []
    for query in ("SELECT exc_info FROM queue_job", "SELECT result FROM queue_job",
                  "SELECT message FROM ecommerce_sync_log",
                  "SELECT reason FROM ecommerce_sync_log_line",
                  "SELECT body FROM mail_message",
                  """SELECT CONCAT_WS(' ', order_sync_error, refund_sync_error,
                                      sync_pause_reason, connection_message)
                       FROM ecommerce_shop"""):
        env.cr.execute(query)
        texts += [row[0] for row in env.cr.fetchall() if row[0]]
    return {"secrets": secrets, "texts": texts}


def reveal(env, count):
    """A Privacy Viewer reveals ``count`` masked receivers per shop, as a packer
    writing a waybill by hand would: the plaintext must end up nowhere."""
    viewer = env.ref("ecommerce_sync.group_ecommerce_privacy_viewer")
    env.user.write({"groups_id": [(4, viewer.id)]})
    revealed = 0
    for shop in env["ecommerce.shop"].search([]):
        orders = env["sale.order"].search([("ecommerce_shop_id", "=", shop.id)], order="id")
        for order in orders.filtered("ecommerce_receiver_masked")[:count]:
            revealed += bool(order.ecommerce_reveal_receiver("manual_waybill")["ok"])
    env.cr.commit()
    return {"revealed": revealed}


def shop_states(env):
    env.cr.execute("""SELECT id, order_sync_watermark, sync_paused,
                             COALESCE(stock_push_block_reason, '')
                        FROM ecommerce_shop ORDER BY id""")
    return {shop_id: {"watermark": str(watermark) if watermark else None,
                      "paused": bool(paused), "stock_blocked": blocked}
            for shop_id, watermark, paused, blocked in env.cr.fetchall()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["setup", "pass", "reauth", "reconcile", "stock",
                                         "refunds", "ship", "shipments", "truth", "dump",
                                         "jobs", "secrets", "reveal", "realtime"])
    parser.add_argument("--db", required=True)
    parser.add_argument("--sandbox-url", default=os.environ.get("SANDBOX_URL"))
    parser.add_argument("--jd-url", default=os.environ.get("JD_SANDBOX_URL"))
    parser.add_argument("--shop-id", type=int)
    parser.add_argument("--watermark")
    parser.add_argument("--stock", action="store_true", help="pass: the stock push too")
    parser.add_argument("--refunds", action="store_true", help="pass: the refund sync too")
    parser.add_argument("--deliveries", type=int, default=0)
    parser.add_argument("--receipts", type=int, default=0)
    parser.add_argument("--due-now", action="store_true")
    parser.add_argument("--reveals", type=int, default=0, help="reveal: receivers per shop")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--subscribe", action="store_true",
                        help="realtime: subscribe the TOP shop to the message channel first")
    parser.add_argument("--job-trades", type=int, default=200,
                        help="jobs: trades per order or missing-order job")
    args = parser.parse_args()
    env = odoo_env(args.db)
    print("READY", flush=True)
    out = {}
    if args.mode == "setup":
        out = setup(env, args)
    elif args.mode == "pass":
        out = run_pass(env, args)
    elif args.mode == "reauth":
        reauth(env, env["ecommerce.shop"].browse(args.shop_id))
    elif args.mode == "reconcile":
        env["ecommerce.shop"].search([]).write({"order_check_last": False})
        env.cr.commit()
        out = run_pass(env, args)
    elif args.mode == "stock":
        out = {"stock": run_each(env, push_stock), "truth": truth(env)}
    elif args.mode == "refunds":
        out = run_each(env, sync_refunds)
    elif args.mode == "ship":
        out = ship(env, args)
    elif args.mode == "shipments":
        if args.due_now:
            due_now(env)
        out = write_back(env)
    elif args.mode == "truth":
        out = truth(env)
    elif args.mode == "jobs":
        out = run_jobs(env, args.job_trades)
    elif args.mode == "secrets":
        out = secret_texts(env)
    elif args.mode == "dump":
        out = dump(env)
    elif args.mode == "reveal":
        out = reveal(env, args.reveals)
    elif args.mode == "realtime":
        out = run_realtime(env, args.subscribe)
    env.cr.rollback()
    out = dict(out, shops=shop_states(env))
    print(json.dumps(out, default=str), flush=True)
    env.cr.close()


if __name__ == "__main__":
    import odoo
    # odoo_env() needs the thread-local environment registry of Odoo.
    with odoo.api.Environment.manage():
        main()
