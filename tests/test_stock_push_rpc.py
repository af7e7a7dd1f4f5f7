# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import datetime

from .common import EcommerceRpcCase
from .stock_factory import PLATFORM_QTY, sandbox_item, sku_quantities

USER = "ecommerce_sync.group_ecommerce_user"
ITEM_A, ITEM_B = 5301001, 5301002
SKUS_A = (4301001, 4301002)


class TestStockPushRpc(EcommerceRpcCase):
    """push_stock over XML-RPC, with everything created over XML-RPC too."""

    def setUp(self):
        super().setUp()
        self.sandbox.reset(items=[sandbox_item(ITEM_A, SKUS_A), sandbox_item(ITEM_B)])
        self.shop_id = self.create_shop()
        self.rpc("admin", "ecommerce.shop", "write", [self.shop_id],
                 {"order_sync_last_success": self.now(),
                  "order_unshipped_pass_last": self.now()})
        [shop] = self.rpc("admin", "ecommerce.shop", "read", [self.shop_id], ["warehouse_id"])
        [warehouse] = self.rpc("admin", "stock.warehouse", "read", [shop["warehouse_id"][0]],
                               ["lot_stock_id"])
        self.location_id = warehouse["lot_stock_id"][0]
        self.products = {}
        for num_iid, sku_id, qty in ((ITEM_A, SKUS_A[0], 6), (ITEM_A, SKUS_A[1], 0),
                                     (ITEM_B, "", 3)):
            product = self.rpc("admin", "product.product", "create",
                               {"name": "RPC %s" % (sku_id or num_iid), "type": "product"})
            self.rpc("admin", "ecommerce.sku.mapping", "create", {
                "shop_id": self.shop_id, "num_iid": str(num_iid), "sku_id": str(sku_id),
                "product_id": product})
            if qty:
                self.set_stock(product, qty)
            self.products[sku_id or num_iid] = product

    @staticmethod
    def now():
        return datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S")

    def set_stock(self, product, qty):
        [template] = self.rpc("admin", "product.product", "read", [product], ["product_tmpl_id"])
        wizard = self.rpc("admin", "stock.change.product.qty", "create", {
            "product_id": product, "product_tmpl_id": template["product_tmpl_id"][0],
            "location_id": self.location_id, "new_quantity": qty})
        self.rpc("admin", "stock.change.product.qty", "change_product_qty", [wizard])

    def platform(self):
        return (sku_quantities(self.sandbox.item(ITEM_A)), int(self.sandbox.item(ITEM_B)["num"]))

    def test_push_stock_over_xmlrpc(self):
        result = self.rpc("admin", "ecommerce.shop", "push_stock", [self.shop_id])
        self.assertEqual(result, {"pushed": 3, "unchanged": 0, "api_calls": 2, "errors": [],
                                  "skipped": [], "held_back": [], "orders_stale": False})
        self.assertEqual(self.platform(), ({4301001: 6, 4301002: 0}, 3))
        records = self.rpc("admin", "ecommerce.stock.sync", "search_read",
                           [("shop_id", "=", self.shop_id)], ["last_pushed_qty", "sku_id"])
        self.assertEqual(sorted((r["sku_id"], r["last_pushed_qty"]) for r in records),
                         [("", 3), (str(SKUS_A[0]), 6), (str(SKUS_A[1]), 0)])
        result = self.rpc("admin", "ecommerce.shop", "push_stock", [self.shop_id])
        self.assertEqual(result, {"pushed": 0, "unchanged": 3, "api_calls": 0, "errors": [],
                                  "skipped": [], "held_back": [], "orders_stale": False})

    def test_force_and_product_filter_keywords(self):
        self.rpc("admin", "ecommerce.shop", "push_stock", [self.shop_id])
        self.sandbox.upsert(items=[sandbox_item(ITEM_B, quantity=50)])
        result = self.rpc("admin", "ecommerce.shop", "push_stock", [self.shop_id],
                          product_ids=[self.products[ITEM_B]], force=True)
        self.assertEqual((result["pushed"], result["api_calls"]), (1, 1))
        self.assertEqual(self.platform()[1], 3)

    def test_errors_come_back_per_sku(self):
        self.sandbox.reset(items=[sandbox_item(ITEM_B)])
        result = self.rpc("admin", "ecommerce.shop", "push_stock", [self.shop_id])
        self.assertEqual(result["pushed"], 1)
        self.assertEqual(sorted(e["sku_id"] for e in result["errors"]),
                         sorted(str(s) for s in SKUS_A))
        self.assertTrue(all(e["num_iid"] == str(ITEM_A) and e["reason"]
                            for e in result["errors"]))

    def test_ecommerce_user_pushes_and_outsider_is_refused(self):
        self.create_user("stockrpc", [USER])
        self.create_user("outsider", ["sales_team.group_sale_salesman"])
        self.assertRpcAccessError("outsider", "ecommerce.shop", "push_stock", [self.shop_id])
        self.assertEqual(self.sandbox.stats()["calls"], 0)
        self.assertEqual(self.platform(), ({s: PLATFORM_QTY for s in SKUS_A}, PLATFORM_QTY))
        result = self.rpc("stockrpc", "ecommerce.shop", "push_stock", [self.shop_id])
        self.assertEqual(result["pushed"], 3)
        self.assertEqual(self.platform()[1], 3)

    def test_rules_over_xmlrpc_skipped_shares_and_stale_orders(self):
        consumable = self.rpc("admin", "product.product", "create",
                              {"name": "RPC voucher", "type": "consu"})
        self.rpc("admin", "ecommerce.sku.mapping", "create", {
            "shop_id": self.shop_id, "num_iid": "5301009", "product_id": consumable})
        [record_b] = self.rpc("admin", "ecommerce.stock.sync", "search",
                              [("shop_id", "=", self.shop_id), ("num_iid", "=", str(ITEM_B))])
        self.rpc("admin", "ecommerce.stock.sync", "write", [record_b],
                 {"allocation_percent": 50})
        self.rpc("admin", "ecommerce.shop", "write", [self.shop_id],
                 {"order_sync_error": "Network down"})
        result = self.rpc("admin", "ecommerce.shop", "push_stock", [self.shop_id])
        self.assertEqual(result["pushed"], 3)
        self.assertEqual([(s["num_iid"], s["sku_id"]) for s in result["skipped"]],
                         [("5301009", "")])
        self.assertIn("fixed quantity", result["skipped"][0]["reason"])
        self.assertIn("Network down", result["orders_stale"])
        self.assertEqual(self.platform(), ({4301001: 6, 4301002: 0}, 1))  # 50 % of 3

    def test_product_ids_must_be_a_list_of_ids(self):
        for wrong in (5, "12", [True], ["12"]):
            fault = self.rpc_fault("admin", "ecommerce.shop", "push_stock", [self.shop_id],
                                   product_ids=wrong)
            self.assertIn("product_ids", fault.faultString)
        self.assertEqual(self.sandbox.stats()["calls"], 0)
