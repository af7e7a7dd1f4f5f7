# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import datetime, timedelta

from . import trade_factory as tf
from .common import EcommerceRpcCase

FMT = "%Y-%m-%d %H:%M:%S"


class TestOrderImportRpc(EcommerceRpcCase):

    def setUp(self):
        super().setUp()
        self.shop_id = self.create_shop()
        self.product_id = self.rpc("admin", "product.product", "create", {
            "name": "Widget A black", "type": "product", "default_code": "WA-01-S"})
        self.rpc("admin", "ecommerce.sku.mapping", "create", {
            "shop_id": self.shop_id, "num_iid": str(tf.NUM_IID), "sku_id": tf.SKU_ID,
            "product_id": self.product_id})
        now = datetime.utcnow()
        self.date_from = (now - timedelta(hours=24)).strftime(FMT)
        self.date_to = (now + timedelta(minutes=1)).strftime(FMT)
        self.sandbox.reset(trades=[
            tf.trade("6001", [tf.line(price=9900, num=2)], post_fee=800),
            tf.trade("6002", [tf.line(num_iid=520000000666, sku_id="4000000000666",
                                      outer_sku_id="")]),
            tf.trade("6003", buyer_message="请周末送货"),
        ])

    def call(self, method, login="admin", **kwargs):
        return self.rpc(login, "ecommerce.shop", method, [self.shop_id], **kwargs)

    def window(self):
        return {"date_from": self.date_from, "date_to": self.date_to}

    def test_check_then_import_then_reimport(self):
        self.assertEqual(self.call("check_missing_orders", **self.window()),
                         {"missing": ["6001", "6002", "6003"], "imported": []})
        summary = self.call("import_orders", **self.window())
        self.assertEqual(len(summary["created"]), 2)
        self.assertEqual(summary["skipped"], [])
        self.assertEqual(summary["failed"], [{
            "tid": "6002",
            "reason": "SKU 4000000000666 of item 520000000666 is not mapped (merchant code "
                      "WA-01 matches no product)."}])
        orders = self.rpc("admin", "sale.order", "read", summary["created"], [
            "name", "client_order_ref", "partner_id", "partner_shipping_id", "amount_total",
            "state", "picking_ids", "order_line", "ecommerce_tid", "ecommerce_buyer_message",
            "ecommerce_review_needed"])
        by_tid = {o["ecommerce_tid"]: o for o in orders}
        plain, held = by_tid["6001"], by_tid["6003"]
        self.assertEqual((plain["name"], plain["client_order_ref"]), ("TB6001", "6001"))
        self.assertEqual(plain["partner_id"][1], "tb_buyer")
        self.assertIn("张三", plain["partner_shipping_id"][1])
        self.assertEqual(plain["amount_total"], 206.0)
        self.assertEqual(plain["state"], "sale")
        self.assertEqual(len(plain["picking_ids"]), 1)
        lines = self.rpc("admin", "sale.order.line", "read", plain["order_line"],
                         ["product_id", "product_uom_qty", "price_unit"])
        self.assertEqual([(line["product_id"][0], line["product_uom_qty"], line["price_unit"])
                          for line in lines][0], (self.product_id, 2.0, 99.0))
        self.assertEqual(lines[1]["price_unit"], 8.0)
        self.assertEqual((held["state"], held["ecommerce_review_needed"], held["picking_ids"]),
                         ("draft", True, []))
        self.assertEqual(held["ecommerce_buyer_message"], "请周末送货")

        again = self.call("import_orders", **self.window())
        self.assertEqual(again, {"created": [], "skipped": ["6001", "6003"],
                                 "failed": again["failed"], "held": []})
        self.assertEqual(self.call("check_missing_orders", **self.window()),
                         {"missing": ["6002"], "imported": ["6001", "6003"]})
        count = self.rpc("admin", "sale.order", "search_count",
                         [("ecommerce_tid", "in", ["6001", "6003"])])
        self.assertEqual(count, 2)

    def test_import_selected_tids_as_ecommerce_user(self):
        self.create_user("seller", ["ecommerce_sync.group_ecommerce_user"])
        summary = self.call("import_orders", login="seller", tids=["6001"], **self.window())
        self.assertEqual(len(summary["created"]), 1)
        order = self.rpc("seller", "sale.order", "read", summary["created"], ["name", "state"])
        self.assertEqual((order[0]["name"], order[0]["state"]), ("TB6001", "sale"))

    def test_user_without_ecommerce_rights_is_refused(self):
        self.create_user("clerk", ["base.group_user"])
        text = self.assertRpcAccessError("clerk", "ecommerce.shop", "import_orders",
                                         [self.shop_id], **self.window())
        self.assertIn("Document model: ecommerce.shop", text)
        self.assertEqual(self.rpc("admin", "sale.order", "search_count",
                                  [("ecommerce_tid", "!=", False)]), 0)

    def call_fault(self, method, login, **kwargs):
        fault = self.rpc_fault(login, "ecommerce.shop", method, [self.shop_id], **kwargs)
        return getattr(fault, "faultString", fault)

    def test_bad_window_is_explained(self):
        fault = self.call_fault("import_orders", "admin", date_from=self.date_to,
                                date_to=self.date_from)
        self.assertIn("the end after the start", fault)

    def test_sync_orders_returns_the_summary(self):
        summary = self.call("sync_orders")
        self.assertEqual(len(summary["created"]), 2)
        self.assertEqual([f["tid"] for f in summary["failed"]], ["6002"])
        self.assertEqual((summary["updated"], summary["cancelled"]), ([], []))
        again = self.call("sync_orders")
        self.assertEqual(again["created"], [])
        logs = self.rpc("admin", "ecommerce.sync.log", "search_read",
                        [("shop_id", "=", self.shop_id)], ["kind", "created_count"])
        self.assertEqual(sorted((line["kind"], line["created_count"]) for line in logs),
                         [("order_sync", 0), ("order_sync", 2)])

    def test_wizard_over_rpc(self):
        wizard_id = self.rpc("admin", "ecommerce.order.import.wizard", "create",
                             {"shop_id": self.shop_id, **self.window()})
        self.rpc("admin", "ecommerce.order.import.wizard", "action_check_missing", [wizard_id])
        self.rpc("admin", "ecommerce.order.import.wizard", "action_import_orders", [wizard_id])
        wizard = self.rpc("admin", "ecommerce.order.import.wizard", "read", [wizard_id],
                          ["result", "order_ids"])[0]
        self.assertEqual(len(wizard["order_ids"]), 2)
        self.assertIn("Created 2 orders, skipped 0, refused 1", wizard["result"])
