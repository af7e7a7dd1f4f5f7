# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Benchmark: import a generated catalogue (2,000 items / 20,000 SKUs x scale).

The items are imported in one call, with the inline limit raised to the catalogue's size,
so that the time is the import's own work; above that limit a real call hands the items
to jobs of 20, and bench_jobs measures the job runner."""
import os
import sys

from common import (ROOT, Sandbox, create_shop, odoo_env, parse_args, profiled, record,
                    stopwatch)

sys.path.insert(0, os.path.join(ROOT, "sandbox"))
from generate_data import generate  # noqa: E402

ITEMS, SKUS_PER_ITEM = 2000, 10


def main():
    args = parse_args()
    items = max(1, int(ITEMS * args.scale))
    data = generate(items=items, skus_per_item=SKUS_PER_ITEM, trades=0, seed=11,
                    no_sku_ratio=0.0)
    data["trades"] = []
    sku_count = sum(len(i["skus"]["sku"]) or 1 for i in data["items"])
    sandbox = Sandbox(args.sandbox_url)
    sandbox.reset(data)
    env = odoo_env(args.db)
    shop = create_shop(env, args.sandbox_url, "Bench items", "BENCHI")
    env["ir.config_parameter"].set_param("ecommerce_sync.item_import_inline_limit",
                                         str(len(data["items"])))
    env.cr.commit()
    calls_before = sandbox.calls()
    with stopwatch() as watch, profiled("items"):
        result = shop.import_platform_items()
        env.cr.commit()
    top_calls = sandbox.calls() - calls_before
    print("result: %s" % {k: (v if isinstance(v, int) else len(v)) for k, v in result.items()},
          file=sys.stderr)
    assert not result["errors"], result["errors"][:5]
    record(args.out, "items import", watch["seconds"], sku_count, "SKUs", top_calls,
           items=len(data["items"]), templates=result["templates_created"],
           variants=result["variants_created"], linked=result["linked"])
    env.cr.close()


if __name__ == "__main__":
    import odoo
    # odoo_env() needs the thread-local environment registry of Odoo.
    with odoo.api.Environment.manage():
        main()
