# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""A day of 2,000 trades (x --scale) through the order desk with a real seller's rule
set: 10 audit rules, 3 carrier rules, 2 gift rules with limits.

The same trades are imported twice on the same database: without any rule (timed, then
rolled back) and with the rule set (timed). Then it checks what a seller checks: every
order is held exactly when one of its rules says so, every delivery has the carrier its
rules give, no gift rule gave more than its limits, and every late delivery is counted
by the shop's warning. Merging (合单) is not built yet: not measured. Orders the rules
hold are not confirmed (no reservation, no delivery), so the run with rules does less
stock work than the run without: the difference is not the cost of the rules alone.
"""
import datetime
import random
import sys

from bench_orders import create_catalogue, make_data
from common import Sandbox, create_shop, odoo_env, parse_args, record, stopwatch

TRADES = 2000
BLOCKED = 3
AMOUNT_LIMIT, BIG_SHOP_LIMIT = 800.0, 1500.0
KEYWORDS, INVOICE_WORDS = "加急, 改地址", "发票"
REMOTE_CITIES = "乌鲁木齐市, 拉萨市"


def prepare_trades(data, rng):
    """Some trades promise a ship-by time, some already late, some COD."""
    from odoo import fields
    from odoo.addons.ecommerce_sync.top_client import beijing_str
    now = fields.Datetime.from_string(fields.Datetime.now())
    for index, trade in enumerate(data["trades"]):
        hours = rng.choice([-3, 2, 30, None, None])
        if hours is not None:
            trade["delivery_time"] = beijing_str(now + datetime.timedelta(hours=hours))
        if index % 17 == 0:
            trade["type"] = "cod"
    return data["trades"]


def stock_everything(env, shop, qty=100000):
    location = shop.warehouse_id.lot_stock_id
    quants = env["stock.quant"]
    for product in env["product.product"].search([("type", "=", "product")]):
        quants._update_available_quantity(product, location, qty)


def seller_rules(env, shop, blocked):
    """The rule set of a seller: 10 audit rules, 3 carrier rules, 2 gift rules."""
    ref = env.ref
    rules = env["exception.rule"]
    ref("ecommerce_sync.desk_rule_message").write({"active": True,
                                                   "ecommerce_pass_texts": "谢谢\n好评"})
    ref("ecommerce_sync.desk_rule_keyword").write({"active": True,
                                                   "ecommerce_keywords": KEYWORDS})
    ref("ecommerce_sync.desk_rule_amount").write({"active": True,
                                                  "ecommerce_amount": AMOUNT_LIMIT})
    ref("ecommerce_sync.desk_rule_region").write({"active": True,
                                                  "ecommerce_cities": REMOTE_CITIES})
    ref("ecommerce_sync.desk_rule_buyer").write({"active": True,
                                                 "ecommerce_buyers": "\n".join(sorted(blocked))})
    ref("ecommerce_sync.desk_rule_stock").write({"active": True})
    ref("ecommerce_sync.desk_rule_age").write({"active": True, "ecommerce_hours": 24 * 30})
    base = {"rule_group": "sale", "model": "sale.order", "active": True, "code": "#"}
    rules.create(dict(base, name="Invoice asked", ecommerce_check="keyword",
                      ecommerce_keywords=INVOICE_WORDS))
    rules.create(dict(base, name="Big order of this shop", ecommerce_check="amount",
                      ecommerce_amount=BIG_SHOP_LIMIT, ecommerce_shop_ids=[(6, 0, shop.ids)]))
    rules.create(dict(base, name="Remote province", ecommerce_check="region",
                      ecommerce_state_ids=[(6, 0, [ref("l10n_cn.state_XZ").id])]))
    fee = env["product.product"].create({"name": "Postage", "type": "service"})
    carriers = {name: env["delivery.carrier"].create({"name": name, "product_id": fee.id})
                for name in ("EMS", "SF", "ZTO", "YTO")}
    shop.default_carrier_id = carriers["YTO"]
    carrier_rules = env["ecommerce.carrier.rule"]
    carrier_rules.create({"name": "Remote", "sequence": 1, "carrier_id": carriers["EMS"].id,
                          "cities": REMOTE_CITIES})
    carrier_rules.create({"name": "COD", "sequence": 2, "carrier_id": carriers["SF"].id,
                          "cod": "cod"})
    carrier_rules.create({"name": "Big", "sequence": 3, "carrier_id": carriers["ZTO"].id,
                          "amount_min": 300})
    sample = env["product.product"].create({"name": "Sample", "type": "consu"})
    gifts = env["ecommerce.gift.rule"]
    gifts.create({"name": "One per buyer", "per_buyer_limit": 1, "total_limit": 150,
                  "tier_ids": [(0, 0, {"amount_min": 0, "product_id": sample.id,
                                       "quantity": 1})]})
    gifts.create({"name": "Spend more", "total_limit": 40, "tier_ids": [
        (0, 0, {"amount_min": 200, "product_id": sample.id, "quantity": 1}),
        (0, 0, {"amount_min": 600, "product_id": sample.id, "quantity": 2})]})
    return carriers


def import_day(env, shop, trades):
    importer = env["ecommerce.order.importer"]._for_shop(shop)
    with stopwatch() as watch:
        summary = importer.import_rows(trades)
    assert not summary["failed"], summary["failed"][:3]
    return watch["seconds"], summary


def expected_hold(order, blocked):
    """Whether the seller's rules hold ``order``, decided here from the order itself."""
    texts = [t for t in (order.ecommerce_buyer_message, order.ecommerce_seller_memo)
             if t and t.strip(" !！。") not in ("谢谢", "好评")]
    words = " ".join(t for t in (order.ecommerce_buyer_message, order.ecommerce_seller_memo)
                     if t)
    city = (order.partner_shipping_id.city or "").strip()
    return bool(texts) or any(w in words for w in ("加急", "改地址", "发票")) \
        or order.amount_total > AMOUNT_LIMIT \
        or city in ("乌鲁木齐市", "拉萨市") \
        or order.partner_shipping_id.state_id.code == "XZ" \
        or bool({order.partner_id.ecommerce_buyer_nick, order.partner_id.name} & blocked)


def expected_carrier(order, carriers):
    if (order.partner_shipping_id.city or "").strip() in ("乌鲁木齐市", "拉萨市"):
        return carriers["EMS"]
    if order.ecommerce_cod:
        return carriers["SF"]
    return carriers["ZTO"] if order.amount_total >= 300 else carriers["YTO"]


def check(env, shop, blocked, carriers):
    orders = env["sale.order"].search([("ecommerce_shop_id", "=", shop.id)])
    wrong_hold = orders.filtered(lambda o: bool(o.state == "draft" and "rule" in (
        o.ecommerce_hold_codes or "")) != expected_hold(o, blocked))
    assert not wrong_hold, [(o.name, o.ecommerce_review_reason) for o in wrong_hold[:5]]
    confirmed = orders.filtered(lambda o: o.state == "sale")
    wrong_carrier = confirmed.filtered(lambda o: o.carrier_id != expected_carrier(o, carriers))
    assert not wrong_carrier, wrong_carrier[:5].mapped("name")
    for rule in env["ecommerce.gift.rule"].search([]):
        assert rule.given_count <= rule.total_limit, (rule.name, rule.given_count)
        lines = env["sale.order.line"].search([("ecommerce_gift_rule_id", "=", rule.id)])
        if rule.per_buyer_limit:
            per_buyer = {}
            for line in lines:
                buyer = line.order_id.partner_id
                per_buyer[buyer] = per_buyer.get(buyer, 0) + line.product_uom_qty
            assert max(per_buyer.values() or [0]) <= rule.per_buyer_limit, rule.name
    from odoo import fields
    counts = shop.desk_deadline_counts()
    now = fields.Datetime.now()
    late = env["stock.picking"].search_count([
        ("sale_id.ecommerce_shop_id", "=", shop.id), ("state", "not in", ("done", "cancel")),
        ("ecommerce_ship_by", "<", now)])
    assert counts["late"] == late, (counts, late)
    return {"held": len(orders.filtered(lambda o: o.state == "draft")),
            "confirmed": len(confirmed), "late_warned": counts["late"],
            "due_soon": counts["due_soon"],
            "gifts": sum(env["ecommerce.gift.rule"].search([]).mapped("given_count"))}


def main():
    args = parse_args()
    count = max(50, int(TRADES * args.scale))
    env = odoo_env(args.db)
    sandbox = Sandbox(args.sandbox_url)
    data = make_data(count)
    rng = random.Random(23)
    trades = prepare_trades(data, rng)
    shop = create_shop(env, args.sandbox_url, "Desk bench shop", "DB")
    create_catalogue(env, shop, data["items"])
    stock_everything(env, shop)
    sandbox.reset({"items": data["items"], "trades": trades})
    # Without rules: the ready rules off, no carrier or gift rule.
    env["exception.rule"].search([]).write({"active": False})
    env.cr.commit()
    bare, _summary = import_day(env, shop, trades)
    env.cr.rollback()
    env.clear()
    blocked = {t["buyer_nick"] for t in trades[:BLOCKED * 7:7]}
    carriers = seller_rules(env, shop, blocked)
    env.cr.commit()
    calls_before = sandbox.calls()
    ruled, _summary = import_day(env, shop, trades)
    calls = sandbox.calls() - calls_before
    env.cr.commit()
    # The figures first: a failed check below must not hide them.
    print("without rules %.2f s, with rules %.2f s, %d orders" % (bare, ruled, count),
          file=sys.stderr)
    outcome = check(env, shop, blocked, carriers)
    record(args.out, "order desk: import with 10 audit, 3 carrier, 2 gift rules", ruled,
           count, "orders", calls, baseline_seconds=bare,
           seconds_per_order_without_rules=round(bare / count, 4),
           seconds_per_order_with_rules=round(ruled / count, 4),
           added_by_rules_pct=round(100.0 * (ruled - bare) / bare, 1), **outcome)


if __name__ == "__main__":
    import odoo
    # odoo_env() needs the thread-local environment registry of Odoo.
    with odoo.api.Environment.manage():
        main()
