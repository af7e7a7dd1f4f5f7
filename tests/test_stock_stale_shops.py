# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Stock is as fresh as the stalest shop selling it (issue 20), over XML-RPC.

One product sold by a Taobao shop, a JD shop and an own web shop. When the
Taobao shop's session expires, the others must not offer again the units
Taobao may sell meanwhile; checked on the platforms' own stock numbers.
"""
from datetime import datetime

from .common import EcommerceRpcCase
from .jd_common import JdSandbox, beijing, jd_shop_vals
from .stock_factory import PLATFORM_QTY, sandbox_item

TB_ITEM = 6201001
JD_WARE, JD_SKU = 62001, 620011


def jd_ware(stock=PLATFORM_QTY):
    return {"wareId": JD_WARE, "title": "马克杯", "itemNum": "MUG-9", "wareStatus": 8,
            "jdPrice": "20.00", "modified": beijing(30), "skus": [
                {"skuId": JD_SKU, "outerId": "MUG-9", "status": 1, "jdPrice": "20.00",
                 "stockNum": stock, "saleAttrs": [], "modified": beijing(30)}]}


class TestStaleShopHoldsStock(EcommerceRpcCase):

    def setUp(self):
        super().setUp()
        self.jd = JdSandbox()
        self.jd.reset(wares=[jd_ware()])
        self.sandbox.reset(items=[sandbox_item(TB_ITEM)])
        self.taobao = self.create_shop(name="Taobao Flagship")
        self.jd_shop = self.rpc("admin", "ecommerce.shop", "create",
                                jd_shop_vals(name="JD Store"))
        self.web = self.rpc("admin", "ecommerce.shop", "create",
                            {"name": "Mini-program", "code": "WX", "platform": "own"})
        self.product = self.rpc("admin", "product.product", "create",
                                {"name": "Mug", "type": "product", "default_code": "MUG-9"})
        for shop, num_iid, sku_id in ((self.taobao, TB_ITEM, ""), (self.jd_shop, JD_WARE, JD_SKU),
                                      (self.web, "MUG-9", "")):
            self.rpc("admin", "ecommerce.sku.mapping", "create", {
                "shop_id": shop, "num_iid": str(num_iid), "sku_id": str(sku_id),
                "product_id": self.product})
        self.set_stock(15)
        for shop in (self.taobao, self.jd_shop):
            self.make_fresh(shop)

    # -- helpers ------------------------------------------------------------
    def make_fresh(self, shop):
        """As after a complete order sync: what the background sync writes."""
        self.rpc("admin", "ecommerce.shop", "write", [shop], {
            "order_sync_last_success": datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S"),
            "order_sync_error": False, "order_unshipped_pass_last":
                datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S")})

    def set_stock(self, qty):
        [shop] = self.rpc("admin", "ecommerce.shop", "read", [self.taobao], ["warehouse_id"])
        [warehouse] = self.rpc("admin", "stock.warehouse", "read", [shop["warehouse_id"][0]],
                               ["lot_stock_id"])
        [product] = self.rpc("admin", "product.product", "read", [self.product],
                             ["product_tmpl_id"])
        wizard = self.rpc("admin", "stock.change.product.qty", "create", {
            "product_id": self.product, "product_tmpl_id": product["product_tmpl_id"][0],
            "location_id": warehouse["lot_stock_id"][0], "new_quantity": qty})
        self.rpc("admin", "stock.change.product.qty", "change_product_qty", [wizard])

    def share(self, shop, percent):
        records = self.rpc("admin", "ecommerce.stock.sync", "search",
                           [("shop_id", "=", shop)])
        self.rpc("admin", "ecommerce.stock.sync", "write", records,
                 {"allocation_percent": percent})

    def push(self, shop):
        return self.rpc("admin", "ecommerce.shop", "push_stock", [shop])

    def taobao_qty(self):
        return int(self.sandbox.item(TB_ITEM)["num"])

    def jd_qty(self):
        return self.jd.sku_stock()[JD_SKU]

    def web_stock(self):
        key = self.rpc("admin", "ecommerce.shop", "generate_own_key", [self.web])["key"]
        return self.rpc("admin", "ecommerce.shop", "get_sellable_stock", [self.web], key=key)

    def expire_taobao(self):
        """The Taobao session expires: its next order sync pauses the shop."""
        self.sandbox.expire_session()
        result = self.rpc("admin", "ecommerce.shop", "sync_orders", [self.taobao])
        self.assertTrue(result["error"])
        [shop] = self.rpc("admin", "ecommerce.shop", "read", [self.taobao], ["sync_paused"])
        self.assertTrue(shop["sync_paused"])

    # -- tests --------------------------------------------------------------
    def test_other_shops_are_lowered_by_what_the_paused_shop_was_offered(self):
        self.share(self.taobao, 40)
        self.assertEqual(self.push(self.taobao)["pushed"], 1)
        self.assertEqual(self.taobao_qty(), 6)
        self.assertEqual(self.push(self.jd_shop)["held_back"], [])
        self.assertEqual(self.jd_qty(), 15)

        self.expire_taobao()
        result = self.push(self.jd_shop)
        # Taobao can sell at most the 6 it was offered: JD offers the 9 others only.
        self.assertEqual(self.jd_qty(), 9)
        [held] = result["held_back"]
        self.assertEqual((held["num_iid"], held["sku_id"], held["qty"]),
                         (str(JD_WARE), str(JD_SKU), 9))
        self.assertIn("Lowered by 6 units", held["reason"])
        self.assertIn("Taobao Flagship", held["reason"])
        self.assertIn("authorize the shop again", held["reason"])
        self.assertFalse(result["orders_stale"])  # JD's own orders are fresh
        web = self.web_stock()
        self.assertEqual(web["quantities"], {"MUG-9": 9})
        self.assertIn("Taobao Flagship", web["held_back"][0]["reason"])

        # The seller authorizes Taobao again and its orders are synced: all back.
        self.sandbox.expire_session(False)
        self.rpc("admin", "ecommerce.shop", "action_resume_sync", [self.taobao])
        self.make_fresh(self.taobao)
        self.assertEqual(self.push(self.jd_shop)["held_back"], [])
        self.assertEqual(self.jd_qty(), 15)
        self.assertEqual(self.web_stock()["quantities"], {"MUG-9": 15})

    def test_unknown_quantity_of_a_stale_shop_offers_zero_or_keeps_the_last(self):
        self.push(self.jd_shop)
        self.assertEqual(self.jd_qty(), 15)
        # Taobao's listing was never pushed by Odoo: nothing bounds what it sells.
        self.expire_taobao()
        result = self.push(self.jd_shop)
        self.assertEqual(self.jd_qty(), 0)
        self.assertEqual(result["held_back"][0]["qty"], 0)
        self.assertIn("Taobao Flagship", result["held_back"][0]["reason"])
        self.assertEqual(self.web_stock()["quantities"], {"MUG-9": 0})

        self.rpc("admin", "ecommerce.shop", "write", [self.jd_shop, self.web],
                 {"stock_stale_policy": "skip"})
        self.jd.reset(wares=[jd_ware(stock=7)])  # what JD holds after selling 8
        result = self.push(self.jd_shop)
        self.assertEqual(self.jd_qty(), 7)  # not pushed: JD keeps its own count
        self.assertEqual(result["pushed"], 0)
        self.assertIn("Taobao Flagship", result["skipped"][0]["reason"])
        web = self.web_stock()
        self.assertEqual(web["quantities"], {})
        self.assertIn("Taobao Flagship", web["skipped"][0]["reason"])

    def test_a_lagging_shop_lowers_the_others_by_all_it_shows(self):
        self.push(self.taobao)
        self.assertEqual(self.taobao_qty(), 15)
        self.rpc("admin", "ecommerce.shop", "write", [self.taobao],
                 {"order_sync_last_success": "2020-01-01 00:00:00"})
        result = self.push(self.jd_shop)
        # Taobao may sell all the 15 it shows: JD offers none of the shared stock.
        self.assertEqual(self.jd_qty(), 0)
        self.assertIn("more than the 30 allowed", result["held_back"][0]["reason"])
        [record] = self.rpc("admin", "ecommerce.stock.sync", "search_read",
                            [("shop_id", "=", self.jd_shop)], ["sellable_qty"])
        self.assertEqual(record["sellable_qty"], 0)
