"""Stock push benchmark: 2,000 items with 10 SKUs each (x --scale) pushed to the sandbox.

Fixtures (products, SKU mappings with their stock sync records, quants) are loaded and
committed before the clock starts; then the first push (everything
changed) and a second push (nothing changed, must make no TOP call) are timed.
"""
import random
import sys
import time

import requests

from common import Sandbox, create_shop, odoo_env, parse_args, record, stopwatch

SKUS_PER_ITEM = 10
FIRST_NUM_IID, FIRST_SKU_ID = 600000000001, 7000000000001
QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}


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
            product_id, product_tmpl_id, active, create_uid, write_uid, create_date, write_date)
        SELECT %s, %s, r.num_iid, r.sku_id, 'B' || r.sku_id, r.product_id, p.product_tmpl_id,
               TRUE, 1, 1, now(), now()
          FROM unnest(%s::text[], %s::text[], %s::int[]) AS r(num_iid, sku_id, product_id)
          JOIN product_product p ON p.id = r.product_id""",
               (shop.id, company, [str(r[0]) for r in rows], [str(r[1]) for r in rows],
                [r[2] for r in rows]))
    cr.execute("""
        INSERT INTO ecommerce_stock_sync (mapping_id, shop_id, company_id, product_id,
            num_iid, sku_id, location_id, sync, last_pushed_qty, create_uid, write_uid,
            create_date, write_date)
        SELECT id, shop_id, company_id, product_id, num_iid, sku_id, %s, TRUE, 0, 1, 1,
               now(), now()
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
    env.cr.close()


if __name__ == "__main__":
    import odoo
    # odoo_env() needs the thread-local environment registry that Odoo's
    # own entry points set up.
    with odoo.api.Environment.manage():
        main()
