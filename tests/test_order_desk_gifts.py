# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Gift rules (issue 23) over XML-RPC: buying a product or reaching an amount
tier adds a gift line at price 0 naming its rule, at most N per buyer and in
total, while stock lasts; on Taobao, JD and the own shop."""
from . import trade_factory as tf
from .jd_common import JdSandbox, jd_shop_vals
from .test_jd_shop import JD_CATEGORIES, jd_order, jd_wares, utc
from .test_order_desk import DeskCase
from .test_own_shop_rpc import own_order


class TestGiftRules(DeskCase):

    def gifts(self, order_id):
        lines = self.rpc("admin", "sale.order.line", "search_read", [
            ("order_id", "=", order_id), ("ecommerce_gift_rule_id", "!=", False)],
            ["product_id", "product_uom_qty", "price_total", "ecommerce_gift_rule_id", "name"])
        return [(line["product_id"][1], line["product_uom_qty"], line["price_total"],
                 line["ecommerce_gift_rule_id"][1]) for line in lines]

    def product(self, name, code, qty=None):
        product = self.rpc("admin", "product.product", "create", {
            "name": name, "type": "product", "default_code": code, "taxes_id": [(6, 0, [])]})
        if qty is not None:
            self.stock(product, qty)
        return product

    def test_taobao_gift_per_buyer_and_in_total_then_amount_tiers(self):
        shop_id = self.create_shop()
        widget = self.product("Widget A black", "WA-01-S", 50)
        self.rpc("admin", "ecommerce.sku.mapping", "create", {
            "shop_id": shop_id, "num_iid": str(tf.NUM_IID), "sku_id": tf.SKU_ID,
            "product_id": widget})
        sample = self.product("Sample bag", "BAG", 10)
        mug = self.product("Mug", "MUG", 1)   # the stock lasts for one mug
        rule = self.rpc("admin", "ecommerce.gift.rule", "create", {
            "name": "Widget sample", "product_ids": [(6, 0, [widget])],
            "per_buyer_limit": 1, "total_limit": 2,
            "tier_ids": [(0, 0, {"amount_min": 0, "product_id": sample, "quantity": 1})]})
        self.rpc("admin", "ecommerce.gift.rule", "create", {
            "name": "Big spender", "tier_ids": [
                (0, 0, {"amount_min": 150, "product_id": mug, "quantity": 1}),
                (0, 0, {"amount_min": 500, "product_id": sample, "quantity": 3})]})
        self.sandbox.reset(trades=[
            tf.trade("2601", buyer_nick="tb_anna", created=tf.ago(hours=5)),
            tf.trade("2602", buyer_nick="tb_anna", created=tf.ago(hours=4)),
            tf.trade("2603", buyer_nick="tb_bo", created=tf.ago(hours=3),
                     lines=[tf.line(price=20000)]),
            tf.trade("2604", buyer_nick="tb_cy", created=tf.ago(hours=2),
                     lines=[tf.line(price=20000)])])
        for tid in ("2601", "2602", "2603", "2604"):  # one by one: the order they came in
            self.rpc("admin", "ecommerce.shop", "import_orders", [shop_id], utc(24 * 60),
                     utc(-1), tids=[tid])
        orders = {o["ecommerce_tid"]: o for o in self.rpc(
            "admin", "sale.order", "search_read", [("ecommerce_shop_id", "=", shop_id)],
            ["ecommerce_tid", "amount_total", "state"])}
        gifts = {tid: self.gifts(o["id"]) for tid, o in orders.items()}
        self.assertEqual(gifts, {
            "2601": [("[BAG] Sample bag", 1.0, 0.0, "Widget sample")],
            "2602": [],                                            # one per buyer
            "2603": [("[BAG] Sample bag", 1.0, 0.0, "Widget sample"),
                     ("[MUG] Mug", 1.0, 0.0, "Big spender")],
            "2604": []})                            # 2 in total; the only mug is gone
        self.assertEqual(orders["2603"]["amount_total"], 200.0)
        self.assertEqual(orders["2603"]["state"], "sale")
        [given] = self.rpc("admin", "ecommerce.gift.rule", "read", [rule], ["given_count"])
        self.assertEqual(given["given_count"], 2)

    def test_jd_and_own_shop_orders_get_their_gift(self):
        sample = self.product("Sample bag", "BAG", 10)
        self.rpc("admin", "ecommerce.gift.rule", "create", {
            "name": "Everyone", "tier_ids": [
                (0, 0, {"amount_min": 100, "product_id": sample, "quantity": 2})]})
        jd = JdSandbox()
        jd.reset(wares=jd_wares(), orders=[jd_order(2611)], category_attrs=JD_CATEGORIES)
        jd_shop = self.rpc("admin", "ecommerce.shop", "create", jd_shop_vals(code="JDG"))
        self.rpc("admin", "ecommerce.shop", "import_platform_items", [jd_shop])
        [jd_id] = self.rpc("admin", "ecommerce.shop", "import_orders", [jd_shop],
                           utc(120), utc(0))["created"]
        self.assertEqual(self.gifts(jd_id), [("[BAG] Sample bag", 2.0, 0.0, "Everyone")])
        _own, push = self.own_shop(stock=5)
        [order_id] = push(own_order("G1"))
        self.assertEqual(self.gifts(order_id),
                         [("[BAG] Sample bag", 2.0, 0.0, "Everyone")])
