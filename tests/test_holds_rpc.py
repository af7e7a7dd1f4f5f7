# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""A hold stops the goods, over XML-RPC: a warehouse user without sales rights
tries to validate a delivery whose order a refund holds (issue 19)."""
import time
from datetime import datetime, timedelta

from . import trade_factory as tf
from .common import EcommerceRpcCase

KEEPER = ["stock.group_stock_user"]
PICKING_FIELDS = ["state", "ecommerce_held", "ecommerce_hold_reason"]


class TestHoldRpc(EcommerceRpcCase):

    def setUp(self):
        super().setUp()
        now = datetime.utcnow().replace(microsecond=0)
        stamp = "%Y-%m-%d %H:%M:%S"
        self.shop_id = self.create_shop(
            order_sync_watermark=(now - timedelta(hours=3)).strftime(stamp),
            order_check_last=now.strftime(stamp))
        keeper = self.create_user("keeper", KEEPER)
        # Validating posts in the chatter, which needs the author's address.
        self.rpc("admin", "res.users", "write", [keeper], {"email": "keeper@example.com"})
        product_id = self.rpc("admin", "product.product", "create", {
            "name": "Widget A black", "type": "product", "default_code": "WA-01-S"})
        self.rpc("admin", "ecommerce.sku.mapping", "create", {
            "shop_id": self.shop_id, "num_iid": str(tf.NUM_IID), "sku_id": tf.SKU_ID,
            "product_id": product_id})
        wizard = self.rpc("admin", "stock.change.product.qty", "create", {
            "product_id": product_id, "new_quantity": 5})
        self.rpc("admin", "stock.change.product.qty", "change_product_qty", [wizard])
        self.sandbox.reset(trades=[tf.trade("8101", modified=tf.ago(hours=1))])
        self.assertTrue(self.sync()["created"])
        order_ids = self.rpc("admin", "sale.order", "search", [("ecommerce_tid", "=", "8101")])
        self.picking_id = self.rpc("admin", "sale.order", "read", order_ids,
                                   ["picking_ids"])[0]["picking_ids"][0]

    def sync(self):
        return self.rpc("admin", "ecommerce.shop", "sync_orders", [self.shop_id])

    def picking(self, login="keeper"):
        return self.rpc(login, "stock.picking", "read", [self.picking_id], PICKING_FIELDS)[0]

    def keeper_sets_done(self):
        move_ids = self.rpc("keeper", "stock.move", "search",
                            [("picking_id", "=", self.picking_id)])
        self.rpc("keeper", "stock.move", "write", move_ids, {"quantity_done": 1})

    def test_keeper_cannot_validate_a_held_delivery_until_the_refund_is_refused(self):
        self.assertEqual(self.picking()["state"], "assigned")
        self.sandbox.refund("8101", status="WAIT_SELLER_AGREE", refund_fee="99.00",
                            reason="不想要了")
        self.rpc("admin", "ecommerce.shop", "sync_refunds", [self.shop_id])
        picking = self.picking()
        self.assertTrue(picking["ecommerce_held"])
        for word in ("Widget A black", "99.00", "不想要了"):
            self.assertIn(word, picking["ecommerce_hold_reason"])
        self.assertEqual(picking["state"], "confirmed")  # its units serve other orders
        for method in ("button_validate", "action_done"):
            fault = self.rpc_fault("keeper", "stock.picking", method, [self.picking_id])
            self.assertIn("on hold", fault.faultString)
            self.assertIn("不想要了", fault.faultString)
        self.assertEqual(self.picking()["state"], "confirmed")
        held = self.rpc("keeper", "stock.picking", "search", [("ecommerce_held", "=", True)])
        self.assertEqual(held, [self.picking_id])
        time.sleep(1)
        self.sandbox.refund("8101", status="SELLER_REFUSE_BUYER")
        self.sync()
        picking = self.picking()
        self.assertFalse(picking["ecommerce_held"])
        self.assertEqual(picking["state"], "assigned")
        self.keeper_sets_done()
        # action_done: button_validate answers None, which XML-RPC cannot carry.
        self.rpc("keeper", "stock.picking", "action_done", [self.picking_id])
        self.assertEqual(self.picking()["state"], "done")

    def test_refund_of_one_sub_order_holds_only_its_delivery(self):
        """Holds and shipments are per sub-order: the other sub-order ships on time."""
        mug = self.rpc("admin", "product.product", "create", {
            "name": "Mug", "type": "product", "default_code": "MUG-1"})
        self.rpc("admin", "ecommerce.sku.mapping", "create", {
            "shop_id": self.shop_id, "num_iid": "520000000002", "sku_id": "",
            "product_id": mug})
        wizard = self.rpc("admin", "stock.change.product.qty", "create", {
            "product_id": mug, "new_quantity": 5})
        self.rpc("admin", "stock.change.product.qty", "change_product_qty", [wizard])
        carrier = self.platform_carrier(self.shop_id, "SF", "SF Express")
        self.sandbox.upsert(trades=[tf.trade("8102", [
            tf.line(), tf.line(num_iid=520000000002, sku_id="", outer_sku_id="",
                               outer_iid="MUG-X", title="Mug")], modified=tf.ago(hours=1))])
        since = (datetime.utcnow() - timedelta(hours=3)).strftime("%Y-%m-%d %H:%M:%S")
        self.rpc("admin", "ecommerce.shop", "write", [self.shop_id],
                 {"order_sync_watermark": since})
        self.assertTrue(self.sync()["created"])
        order = self.rpc("admin", "sale.order", "search", [("ecommerce_tid", "=", "8102")])
        self.sandbox.refund("8102", oid="810201", status="WAIT_SELLER_AGREE",
                            refund_fee="20.00", reason="不想要了")
        self.rpc("admin", "ecommerce.shop", "sync_refunds", [self.shop_id])
        pickings = self.rpc("keeper", "stock.picking", "search_read",
                            [("sale_id", "in", order)], PICKING_FIELDS + ["product_id"])
        held = [p for p in pickings if p["ecommerce_held"]]
        ready = [p for p in pickings if not p["ecommerce_held"]]
        self.assertEqual([p["product_id"][0] for p in held], [mug])
        self.assertIn("不想要了", held[0]["ecommerce_hold_reason"])
        self.assertEqual(held[0]["state"], "confirmed")
        self.assertEqual(len(ready), 1)
        self.assertEqual(ready[0]["state"], "assigned")
        fault = self.rpc_fault("keeper", "stock.picking", "action_done", [held[0]["id"]])
        self.assertIn("on hold", fault.faultString)
        for picking, waybill in ((ready[0], "SF1234567890"), (held[0], "SF1234567891")):
            if picking is held[0]:
                time.sleep(1)
                self.sandbox.refund("8102", oid="810201", status="SELLER_REFUSE_BUYER")
                # The sync's window ends at the whole second before it starts: a change
                # in that same second is the next sync's (the test must not race it).
                time.sleep(1)
                self.sync()
                self.assertEqual(self.picking_read(picking["id"]),
                                 {"state": "assigned", "ecommerce_held": False})
            self.rpc("admin", "stock.picking", "write", [picking["id"]], {
                "carrier_id": carrier, "carrier_tracking_ref": waybill})
            self.keeper_ships(picking["id"])
            sent = self.rpc("admin", "ecommerce.shop", "send_shipments", [self.shop_id],
                            picking_ids=[picking["id"]])
            self.assertEqual(sent["sent"], ["8102"])
            orders = {o["oid"]: o for o in self.sandbox.trade("8102")["orders"]["order"]}
            self.assertEqual(orders["810200"]["invoice_no"], "SF1234567890")
            self.assertEqual(orders["810201"].get("invoice_no"),
                             waybill if picking is held[0] else None)
        self.assertEqual(self.sandbox.trade("8102")["status"], "WAIT_BUYER_CONFIRM_GOODS")

    def picking_read(self, picking_id):
        picking = self.rpc("keeper", "stock.picking", "read", [picking_id],
                           ["state", "ecommerce_held"])[0]
        return {"state": picking["state"], "ecommerce_held": picking["ecommerce_held"]}

    def keeper_ships(self, picking_id):
        move_ids = self.rpc("keeper", "stock.move", "search", [("picking_id", "=", picking_id)])
        for move in self.rpc("keeper", "stock.move", "read", move_ids, ["product_uom_qty"]):
            self.rpc("keeper", "stock.move", "write", [move["id"]],
                     {"quantity_done": move["product_uom_qty"]})
        self.rpc("keeper", "stock.picking", "action_done", [picking_id])
        self.assertEqual(self.picking_read(picking_id)["state"], "done")

    def test_send_shipments_and_sync_refunds_refuse_no_shop_or_two(self):
        other = self.create_shop(code="T2", name="Second")
        for ids in ([], [self.shop_id, other]):
            for method in ("send_shipments", "sync_refunds"):
                fault = self.rpc_fault("admin", "ecommerce.shop", method, ids)
                self.assertIn("Call %s on one shop" % method, fault.faultString)
                self.assertNotIn("Expected singleton", fault.faultString)
