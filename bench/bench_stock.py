# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Stock push benchmark: 2,000 items with 10 SKUs each (x --scale) pushed to the sandbox.

Fixtures (products, SKU mappings with their stock sync records, quants) are loaded and
committed before the clock starts; then the first push (everything
changed) and a second push (nothing changed, must make no TOP call) are timed.
Then 5,000 open orders (x --scale: held e-commerce quotations and trades not imported
yet) hold units back: the computation of every sellable quantity is timed with its
query count (grouped queries: it must not grow with the SKUs or the orders), and the
push of what changed must make at most one call per changed item.
"""
import random
import sys
import time

import requests

from common import Sandbox, create_shop, odoo_env, parse_args, record, stopwatch

SKUS_PER_ITEM = 10
FIRST_NUM_IID, FIRST_SKU_ID = 600000000001, 7000000000001
QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
OPEN_ORDERS = 5000
# Of the open orders, the share that are trades not imported yet (the rest are held
# quotations of two lines each).
BACKLOG_SHARE = 0.2
# The quantity computation runs a fixed number of queries per location, whatever the
# number of SKUs or orders; a per-record query would show as thousands.
MAX_QUERIES = 20


def build_items(count):
    rng = random.Random(7)
    items, quantities = [], {}
    for n in range(count):
        num_iid = FIRST_NUM_IID + n
        skus = []
        for k in range(SKUS_PER_ITEM):
            sku_id = FIRST_SKU_ID + n * SKUS_PER_ITEM + k
            skus.append({"sku_id": sku_id, "quantity": 999, "outer_id": "B%d" % sku_id,
                         "price": "9.90", "status": "normal"})
            quantities[(num_iid, sku_id)] = rng.randint(0, 50)
        items.append({"num_iid": num_iid, "title": "Bench item %d" % n, "num": 999 * 10,
                      "approve_status": "onsale", "price": "9.90", "skus": {"sku": skus}})
    return items, quantities


def make_shop(env, sandbox_url):
    return create_shop(env, sandbox_url, "Bench shop", "BENCH")


def load_fixtures(env, shop, items, quantities):
    """Products through the ORM (one template per item, a variant per SKU); the
    mappings, their stock sync records and the quants by bulk INSERT, since
    creating 20,000 of each through the ORM takes longer than the push itself
    and is not what is measured."""
    start = time.time()
    products = make_variants(env, items)
    print("fixtures: %d variants, %.0f s" % (len(products), time.time() - start), file=sys.stderr)
    rows = [(num_iid, sku_id, products[sku_id], qty)
            for (num_iid, sku_id), qty in sorted(quantities.items())]
    insert_mappings(env, shop, rows)
    env.cr.commit()
    print("fixtures: done, %.0f s" % (time.time() - start), file=sys.stderr)


def make_variants(env, items):
    attribute = env["product.attribute"].create({"name": "Bench size"})
    values = env["product.attribute.value"]
    for k in range(SKUS_PER_ITEM):
        values |= values.create({"name": "S%d" % k, "attribute_id": attribute.id})
    templates = env["product.template"].with_context(**QUIET)
    products = {}
    for n, item in enumerate(items):
        template = templates.create({
            "name": item["title"], "type": "product",
            "attribute_line_ids": [(0, 0, {"attribute_id": attribute.id,
                                           "value_ids": [(6, 0, values.ids)]})]})
        variants = template.product_variant_ids.sorted("id")
        for sku, variant in zip(item["skus"]["sku"], variants):
            products[sku["sku_id"]] = variant.id
        if n % 200 == 199:
            env.cr.commit()
            env.clear()
    return products


def insert_mappings(env, shop, rows):
    cr = env.cr
    location = shop.warehouse_id.lot_stock_id
    company = shop.company_id.id
    cr.execute("""
        INSERT INTO ecommerce_sku_mapping (shop_id, company_id, num_iid, sku_id, outer_id,
            product_id, product_tmpl_id, product_qty, active, create_uid, write_uid,
            create_date, write_date)
        SELECT %s, %s, r.num_iid, r.sku_id, 'B' || r.sku_id, r.product_id, p.product_tmpl_id,
               1.0, TRUE, 1, 1, now(), now()
          FROM unnest(%s::text[], %s::text[], %s::int[]) AS r(num_iid, sku_id, product_id)
          JOIN product_product p ON p.id = r.product_id""",
               (shop.id, company, [str(r[0]) for r in rows], [str(r[1]) for r in rows],
                [r[2] for r in rows]))
    cr.execute("""
        INSERT INTO ecommerce_stock_sync (mapping_id, shop_id, company_id, product_id,
            num_iid, sku_id, location_id, sync, last_pushed_qty, allocation_mode,
            allocation_percent, allocation_cap, fixed_qty, create_uid, write_uid,
            create_date, write_date)
        SELECT id, shop_id, company_id, product_id, num_iid, sku_id, %s, TRUE, 0, 'share',
               100.0, 0, 0, 1, 1, now(), now()
          FROM ecommerce_sku_mapping WHERE shop_id = %s""", (location.id, shop.id))
    stocked = [r for r in rows if r[3]]
    cr.execute("""
        INSERT INTO stock_quant (product_id, location_id, company_id, quantity,
            reserved_quantity, in_date, create_uid, write_uid, create_date, write_date)
        SELECT r.product_id, %s, %s, r.qty, 0, now(), 1, 1, now(), now()
          FROM unnest(%s::int[], %s::float[]) AS r(product_id, qty)""",
               (location.id, location.company_id.id, [r[2] for r in stocked],
                [float(r[3]) for r in stocked]))
    env.clear()


def check_platform(url, quantities):
    state = requests.get(url + "/_sandbox/state", timeout=600).json()
    platform = {(int(s["num_iid"]), int(s["sku_id"])): int(s["quantity"])
                for item in state["items"] for s in item["skus"]["sku"]}
    assert platform == quantities, "the platform does not hold the pushed quantities"


def timed_push(env, shop, sandbox):
    """One push of the whole shop on a cold cache: (result, seconds, TOP calls)."""
    env.clear()
    calls = sandbox.calls()
    with stopwatch() as watch:
        result = shop.push_stock()
        env.cr.commit()
    return result, watch["seconds"], sandbox.calls() - calls


def insert_open_orders(env, shop, rows, count):
    """``count`` open orders on the SKUs of ``rows`` [(num_iid, sku_id, product id)]:
    held quotations copied by INSERT ... SELECT from one made through the ORM, and
    trades not imported yet as backlog rows. Returns the units held per product."""
    rng = random.Random(11)
    backlog = int(count * BACKLOG_SHARE)
    held_orders = count - backlog
    product = env["product.product"].browse(rows[0][2])
    template = env["sale.order"].with_context(**QUIET).create({
        "partner_id": env["res.partner"].create({"name": "Bench buyer"}).id,
        "ecommerce_shop_id": shop.id, "ecommerce_tid": "BENCH-0",
        "warehouse_id": shop.warehouse_id.id,
        "order_line": [(0, 0, {"product_id": product.id, "name": "x", "product_uom_qty": 1,
                               "product_uom": product.uom_id.id, "price_unit": 1.0})]})
    order_ids = copy_rows(env, "sale_order", template.id, held_orders,
                          {"name": "'BENCH-' || n", "ecommerce_tid": "'BENCH-' || n"})
    lines = [(order_id, rng.choice(rows)[2], rng.randint(1, 3))
             for order_id in order_ids for _k in range(2)]
    copy_lines(env, template.order_line.id, lines)
    env.cr.execute("DELETE FROM sale_order WHERE id = %s", [template.id])
    trades = [(str(rng.choice(rows)[0]), rng.choice(rows), rng.randint(1, 2))
              for _k in range(backlog)]
    env.cr.execute("""
        INSERT INTO ecommerce_trade_backlog (shop_id, company_id, tid, num_iid, sku_id, qty,
            reason, create_uid, write_uid, create_date, write_date)
        SELECT %s, %s, 'BT-' || r.n, r.num_iid, r.sku_id, r.qty, 'bench', 1, 1, now(), now()
          FROM unnest(%s::int[], %s::text[], %s::text[], %s::float[]) AS r(n, num_iid, sku_id, qty)
        """, (shop.id, shop.company_id.id, list(range(len(trades))),
              [str(t[1][0]) for t in trades], [str(t[1][1]) for t in trades],
              [float(t[2]) for t in trades]))
    env.cr.commit()
    held = {}
    for _order_id, product_id, qty in lines:
        held[product_id] = held.get(product_id, 0) + qty
    for _tid, row, qty in trades:
        held[row[2]] = held.get(row[2], 0) + qty
    return held


def _columns(env, table, skip):
    env.cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s",
                   [table])
    return [c for (c,) in env.cr.fetchall() if c not in skip]


def copy_rows(env, table, source_id, count, overrides):
    """``count`` copies of row ``source_id`` of ``table``; ``overrides`` are SQL
    expressions of the series number ``n``. Returns the new ids."""
    columns = _columns(env, table, {"id"} | set(overrides))
    names = ", ".join('"%s"' % c for c in columns)
    env.cr.execute('INSERT INTO "%s" (%s, %s) SELECT %s, %s FROM "%s", generate_series(1, %%s) n '
                   "WHERE id = %%s RETURNING id" % (
                       table, ", ".join(overrides), names, ", ".join(overrides.values()),
                       names, table), [count, source_id])
    return [i for (i,) in env.cr.fetchall()]


def copy_lines(env, source_id, lines):
    """Order lines [(order id, product id, qty)] copied from line ``source_id``."""
    keys = ("order_id", "product_id", "product_uom_qty")
    columns = _columns(env, "sale_order_line", {"id"} | set(keys))
    names = ", ".join('"%s"' % c for c in columns)
    env.cr.execute(
        'INSERT INTO sale_order_line (%s, %s) SELECT r.o, r.p, r.q, %s FROM sale_order_line, '
        "unnest(%%s::int[], %%s::int[], %%s::float[]) AS r(o, p, q) WHERE id = %%s" % (
            ", ".join(keys), names, names),
        [[line[0] for line in lines], [line[1] for line in lines],
         [float(line[2]) for line in lines], source_id])


def timed_quantities(env, shop):
    """Every sellable quantity of the shop on a cold cache: (wanted, seconds, queries)."""
    env.clear()
    records = env["ecommerce.stock.sync"].search([("shop_id", "=", shop.id)])
    rows = records._read_push_rows()
    queries = env.cr.sql_log_count
    with stopwatch() as watch:
        wanted, _skipped = records._plan_quantities(rows)
    return wanted, watch["seconds"], env.cr.sql_log_count - queries


def main():
    args = parse_args()
    items, quantities = build_items(max(1, int(2000 * args.scale)))
    sandbox = Sandbox(args.sandbox_url)
    sandbox.reset({"items": items, "trades": []})
    env = odoo_env(args.db)
    shop = make_shop(env, args.sandbox_url)
    load_fixtures(env, shop, items, quantities)
    env.clear()
    result, seconds, first_calls = timed_push(env, shop, sandbox)
    assert not result["errors"], result["errors"][:3]
    assert result["pushed"] == len(quantities), result
    assert first_calls <= len(items), (first_calls, len(items))
    check_platform(args.sandbox_url, quantities)
    record(args.out, "stock push", seconds, len(quantities), "SKUs", first_calls,
           items=len(items), api_calls=result["api_calls"])

    result, seconds, second_calls = timed_push(env, shop, sandbox)
    assert second_calls == 0 and result["unchanged"] == len(quantities), result
    record(args.out, "stock push (unchanged)", seconds, len(quantities), "SKUs",
           second_calls)
    bench_open_orders(env, shop, sandbox, quantities, args)
    env.cr.close()


def bench_open_orders(env, shop, sandbox, quantities, args):
    """Open orders hold units back: time every sellable quantity, then push what changed."""
    rows = [(num_iid, sku_id, product_id) for (num_iid, sku_id), product_id in
            sorted(mapped_products(env, shop).items())]
    open_orders = max(1, int(OPEN_ORDERS * args.scale))
    held = insert_open_orders(env, shop, rows, open_orders)
    wanted, seconds, queries = timed_quantities(env, shop)
    expected = {(str(n), str(s)): max(0, quantities[(n, s)] - int(held.get(p, 0)))
                for n, s, p in rows}
    assert {target: qty for (_shop, target), qty in wanted.items()} == expected
    assert queries <= MAX_QUERIES, queries
    record(args.out, "sellable quantities (%d open orders)" % open_orders, seconds,
           len(wanted), "SKUs", 0, queries=queries)
    changed = {n for (n, s), qty in expected.items() if qty != quantities[(int(n), int(s))]}
    result, seconds, calls = timed_push(env, shop, sandbox)
    assert not result["errors"], result["errors"][:3]
    assert calls <= len(changed), (calls, len(changed))
    record(args.out, "stock push (after open orders)", seconds, result["pushed"], "SKUs",
           calls, changed_items=len(changed))


def mapped_products(env, shop):
    """{(num_iid, sku_id) as ints: product id} of the shop's mappings."""
    env.cr.execute("SELECT num_iid, sku_id, product_id FROM ecommerce_sku_mapping "
                   "WHERE shop_id = %s", [shop.id])
    return {(int(n), int(s)): p for n, s, p in env.cr.fetchall()}


if __name__ == "__main__":
    import odoo
    # odoo_env() needs the thread-local environment registry that Odoo's
    # own entry points set up.
    with odoo.api.Environment.manage():
        main()
