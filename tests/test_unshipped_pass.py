# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Every unshipped trade is accounted for, whatever its age (issue 20), over XML-RPC.

A trade paid eleven days ago and still waiting to ship is outside the order
increment and the 3-day missing-order check: the daily pass over every trade
the platform still has waiting to ship stores it, and until that pass has run
once, the stock push says the orders are stale.
"""
from datetime import datetime, timedelta

from . import trade_factory as tf
from .common import EcommerceRpcCase
from .stock_factory import sandbox_item, sku_quantities

SKU = int(tf.SKU_ID)


class TestUnshippedPass(EcommerceRpcCase):

    def setUp(self):
        super().setUp()
        self.shop_id = self.create_shop(name="Taobao Flagship")
        self.product = self.rpc("admin", "product.product", "create", {
            "name": "Widget", "type": "product", "default_code": "WA-01-S",
            "list_price": 99.0})
        self.rpc("admin", "ecommerce.sku.mapping", "create", {
            "shop_id": self.shop_id, "num_iid": str(tf.NUM_IID), "sku_id": tf.SKU_ID,
            "product_id": self.product})
        self.set_stock(10)
        self.sandbox.reset(items=[sandbox_item(tf.NUM_IID, (SKU,))], trades=[
            tf.trade("7001", [tf.line(num=2)], created=tf.ago(days=11)),
            tf.trade("7002", [tf.line(num=3)], created=tf.ago(days=40)),
            tf.trade("7003", [tf.line(num=4)], created=tf.ago(days=20),
                     status="WAIT_BUYER_CONFIRM_GOODS"),
            # Older than the 3 months the platform lists: out of anyone's reach.
            tf.trade("7004", [tf.line(num=1)], created=tf.ago(days=100)),
        ])

    def set_stock(self, qty):
        [shop] = self.rpc("admin", "ecommerce.shop", "read", [self.shop_id], ["warehouse_id"])
        [warehouse] = self.rpc("admin", "stock.warehouse", "read", [shop["warehouse_id"][0]],
                               ["lot_stock_id"])
        [product] = self.rpc("admin", "product.product", "read", [self.product],
                             ["product_tmpl_id"])
        wizard = self.rpc("admin", "stock.change.product.qty", "create", {
            "product_id": self.product, "product_tmpl_id": product["product_tmpl_id"][0],
            "location_id": warehouse["lot_stock_id"][0], "new_quantity": qty})
        self.rpc("admin", "stock.change.product.qty", "change_product_qty", [wizard])

    def orders(self):
        return sorted(o["ecommerce_tid"] for o in self.rpc(
            "admin", "sale.order", "search_read", [("ecommerce_shop_id", "=", self.shop_id)],
            ["ecommerce_tid"]))

    def shop(self, *names):
        return self.rpc("admin", "ecommerce.shop", "read", [self.shop_id], list(names))[0]

    def platform_qty(self):
        return sku_quantities(self.sandbox.item(tf.NUM_IID))[SKU]

    def test_first_sync_stores_every_unshipped_trade_before_stock_is_trusted(self):
        result = self.rpc("admin", "ecommerce.shop", "push_stock", [self.shop_id])
        self.assertIn("waiting to ship were never all listed", result["orders_stale"])

        summary = self.rpc("admin", "ecommerce.shop", "sync_orders", [self.shop_id])
        self.assertFalse(summary.get("error"), summary)
        # The 11- and 40-day-old trades waiting to ship are orders now; the shipped one
        # and the one the platform no longer lists are not.
        self.assertEqual(self.orders(), ["7001", "7002"])
        self.assertTrue(self.shop("order_unshipped_pass_last")["order_unshipped_pass_last"])

        result = self.rpc("admin", "ecommerce.shop", "push_stock", [self.shop_id])
        self.assertFalse(result["orders_stale"])
        self.assertEqual(self.platform_qty(), 10 - 2 - 3)

    def test_the_pass_runs_once_a_day(self):
        self.rpc("admin", "ecommerce.shop", "sync_orders", [self.shop_id])
        first = self.shop("order_unshipped_pass_last")["order_unshipped_pass_last"]
        # A trade of 30 days ago appears (paid late): the next day's pass stores it.
        self.sandbox.upsert(trades=[tf.trade("7005", created=tf.ago(days=30))])
        self.rpc("admin", "ecommerce.shop", "sync_orders", [self.shop_id])
        self.assertEqual(self.orders(), ["7001", "7002"])
        self.assertEqual(self.shop("order_unshipped_pass_last")["order_unshipped_pass_last"],
                         first)
        yesterday = (datetime.utcnow() - timedelta(days=1, minutes=1)).strftime(
            "%Y-%m-%d %H:%M:%S")
        self.rpc("admin", "ecommerce.shop", "write", [self.shop_id],
                 {"order_unshipped_pass_last": yesterday})
        self.rpc("admin", "ecommerce.shop", "sync_orders", [self.shop_id])
        self.assertEqual(self.orders(), ["7001", "7002", "7005"])

    def test_a_trade_waiting_to_ship_from_before_go_live_is_an_order(self):
        """Go-live 15 days ago: the 40-day-old trade still waiting to ship is not
        history, its goods still leave the stock counted at go-live."""
        go_live = (datetime.utcnow() - timedelta(days=15)).strftime("%Y-%m-%d %H:%M:%S")
        self.rpc("admin", "ecommerce.shop", "write", [self.shop_id],
                 {"order_import_from": go_live})
        summary = self.rpc("admin", "ecommerce.shop", "sync_orders", [self.shop_id])
        self.assertFalse(summary.get("error"), summary)
        # The shipped trade of 20 days ago stays history the background sync skips.
        self.assertEqual(self.orders(), ["7001", "7002"])
        [order] = self.rpc("admin", "sale.order", "search_read", [
            ("ecommerce_shop_id", "=", self.shop_id), ("ecommerce_tid", "=", "7002")],
            ["state", "picking_ids"])
        self.assertEqual(order["state"], "sale")
        moves = self.rpc("admin", "stock.move", "search_read", [
            ("picking_id", "in", order["picking_ids"])], ["product_uom_qty", "state"])
        self.assertEqual([(m["product_uom_qty"], m["state"] == "done") for m in moves],
                         [(3.0, False)])
        result = self.rpc("admin", "ecommerce.shop", "push_stock", [self.shop_id])
        self.assertFalse(result["orders_stale"])
        self.assertEqual(self.platform_qty(), 10 - 2 - 3)
