# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Carrier rules (issue 23) over XML-RPC: the first matching rule by priority
picks the carrier of a Taobao, JD or own-shop delivery when the order is
confirmed; nothing matches: the shop's default; a carrier changed by hand stays."""
from . import trade_factory as tf
from .jd_common import JdSandbox, jd_shop_vals
from .test_jd_shop import JD_CATEGORIES, jd_order, jd_wares, utc
from .test_order_desk import DeskCase
from .test_own_shop_rpc import own_order


class TestCarrierRules(DeskCase):

    def setUp(self):
        super().setUp()
        fee = self.rpc("admin", "product.product", "create",
                       {"name": "Postage", "type": "service"})
        self.carriers = {name: self.rpc("admin", "delivery.carrier", "create", {
            "name": name, "product_id": fee}) for name in ("EMS", "Deppon", "SF", "YTO")}
        xinjiang = self.rpc("admin", "ir.model.data", "xmlid_to_res_id", "l10n_cn.state_XJ")
        self.rule_ids = [self.rpc("admin", "ecommerce.carrier.rule", "create", vals) for vals in (
            {"name": "Remote", "sequence": 1, "carrier_id": self.carriers["EMS"],
             "state_ids": [(6, 0, [xinjiang])], "cities": "深圳市"},
            {"name": "Heavy", "sequence": 2, "carrier_id": self.carriers["Deppon"],
             "weight_min": 5},
            {"name": "COD", "sequence": 3, "carrier_id": self.carriers["SF"], "cod": "cod"})]

    def carrier_of(self, order_id):
        order = self.rpc("admin", "sale.order", "read", [order_id],
                         ["carrier_id", "picking_ids"])[0]
        pickings = self.rpc("admin", "stock.picking", "read", order["picking_ids"],
                            ["carrier_id"])
        names = {p["carrier_id"] and p["carrier_id"][1] for p in pickings}
        self.assertEqual(names, {order["carrier_id"] and order["carrier_id"][1]})
        return names.pop()

    def test_taobao_rules_by_priority_then_the_shop_default_then_by_hand(self):
        shop_id = self.create_shop()
        self.rpc("admin", "ecommerce.shop", "write", [shop_id],
                 {"default_carrier_id": self.carriers["YTO"]})
        heavy = self.rpc("admin", "product.product", "create", {
            "name": "Widget A black", "type": "product", "default_code": "WA-01-S",
            "weight": 3.0})
        self.rpc("admin", "ecommerce.sku.mapping", "create", {
            "shop_id": shop_id, "num_iid": str(tf.NUM_IID), "sku_id": tf.SKU_ID,
            "product_id": heavy})
        remote = dict(tf.ADDRESS, receiver_state="新疆维吾尔自治区", receiver_city="乌鲁木齐市")
        self.sandbox.reset(trades=[
            tf.trade("2501", lines=[tf.line(num=2)], address=remote),  # remote before heavy
            tf.trade("2502", lines=[tf.line(num=2)]),                  # 6 kg
            tf.trade("2503", type="cod"),
            tf.trade("2504")])
        result = self.rpc("admin", "ecommerce.shop", "import_orders", [shop_id],
                          utc(24 * 60), utc(-1))
        ids = {o["ecommerce_tid"]: o["id"] for o in self.rpc(
            "admin", "sale.order", "read", result["created"], ["ecommerce_tid"])}
        self.assertEqual({tid: self.carrier_of(i) for tid, i in ids.items()},
                         {"2501": "EMS", "2502": "Deppon", "2503": "SF", "2504": "YTO"})
        self.rpc("admin", "sale.order", "ecommerce_desk_set_carrier", [ids["2502"]],
                 self.carriers["SF"])
        self.assertEqual(self.carrier_of(ids["2502"]), "SF")
        # The rule change is in the rule's chatter.
        self.rpc("admin", "ecommerce.carrier.rule", "write", [self.rule_ids[1]],
                 {"weight_min": 10})
        notes = self.rpc("admin", "mail.message", "search_read", [
            ("model", "=", "ecommerce.carrier.rule"), ("res_id", "=", self.rule_ids[1])],
            ["body"])
        self.assertTrue(any("5.0 → 10.0" in n["body"] for n in notes), notes)

    def test_jd_city_rule_and_own_shop_falls_back_to_its_default(self):
        jd = JdSandbox()
        jd.reset(wares=jd_wares(), orders=[jd_order(2511)], category_attrs=JD_CATEGORIES)
        jd_shop = self.rpc("admin", "ecommerce.shop", "create", jd_shop_vals(code="JDC"))
        self.rpc("admin", "ecommerce.shop", "import_platform_items", [jd_shop])
        [jd_order_id] = self.rpc("admin", "ecommerce.shop", "import_orders", [jd_shop],
                                 utc(120), utc(0))["created"]
        self.assertEqual(self.carrier_of(jd_order_id), "EMS")  # 深圳市 is on the list
        _own, push = self.own_shop(default_carrier_id=self.carriers["YTO"])
        [order_id] = push(own_order("C1"))
        self.assertEqual(self.carrier_of(order_id), "YTO")
