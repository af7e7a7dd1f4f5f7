# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from . import trade_factory as tf
from .common import EcommerceRpcCase

USER = "ecommerce_sync.group_ecommerce_user"
WAYBILL = "SF1234567890"


class TestShipmentRpc(EcommerceRpcCase):
    """send_shipments over XML-RPC, as an E-commerce User would call it."""

    def setUp(self):
        super().setUp()
        self.shop_id = self.create_shop()
        self.create_user("shipper", [USER])
        product_id = self.rpc("admin", "product.product", "create", {
            "name": "Widget A black", "type": "product", "default_code": "WA-01-S"})
        self.rpc("admin", "ecommerce.sku.mapping", "create", {
            "shop_id": self.shop_id, "num_iid": str(tf.NUM_IID), "sku_id": tf.SKU_ID,
            "product_id": product_id})
        self.carrier_id = self.platform_carrier(self.shop_id, "SF", "SF Express")
        self.sandbox.reset(trades=[tf.trade("8001")])
        window = {"date_from": "2000-01-01 00:00:00", "date_to": "2100-01-01 00:00:00"}
        created = self.rpc("admin", "ecommerce.shop", "import_orders", [self.shop_id],
                           **window)["created"]
        self.picking_id = self.rpc("admin", "sale.order", "read", created,
                                   ["picking_ids"])[0]["picking_ids"][0]

    def validate(self, waybill):
        self.rpc("admin", "stock.picking", "write", [self.picking_id], {
            "carrier_id": self.carrier_id, "carrier_tracking_ref": waybill})
        self.rpc("admin", "stock.picking", "force_assign", [self.picking_id])
        move_ids = self.rpc("admin", "stock.move", "search",
                            [("picking_id", "=", self.picking_id)])
        for move in self.rpc("admin", "stock.move", "read", move_ids, ["product_uom_qty"]):
            self.rpc("admin", "stock.move", "write", [move["id"]],
                     {"quantity_done": move["product_uom_qty"]})
        self.rpc("admin", "stock.picking", "action_done", [self.picking_id])

    def send(self, login="shipper", **kwargs):
        return self.rpc(login, "ecommerce.shop", "send_shipments", [self.shop_id], **kwargs)

    def picking(self):
        return self.rpc("admin", "stock.picking", "read", [self.picking_id], [
            "ecommerce_shipment_state", "ecommerce_shipment_reason",
            "ecommerce_shipment_attempts"])[0]

    def test_user_sends_the_due_deliveries_then_nothing_twice(self):
        self.validate(WAYBILL)
        self.assertEqual(self.picking()["ecommerce_shipment_state"], "to_send")
        self.assertEqual(self.send(), {"sent": ["8001"], "skipped": [], "failed": [],
                                       "api_calls": 1})
        trade = self.sandbox.trade("8001")
        self.assertEqual(trade["status"], "WAIT_BUYER_CONFIRM_GOODS")
        self.assertEqual(trade["orders"]["order"][0]["invoice_no"], WAYBILL)
        self.assertEqual(self.picking()["ecommerce_shipment_state"], "sent")
        self.assertEqual(self.send(), {"sent": [], "skipped": [], "failed": [],
                                       "api_calls": 0})
        self.assertEqual(self.send(picking_ids=[self.picking_id])["skipped"], [
            {"picking": self.picking_id, "reason": "Already sent to the platform."}])

    def test_error_states_come_back_in_failed(self):
        self.validate("not-a-waybill")
        summary = self.send(picking_ids=[self.picking_id])
        picking = self.picking()
        self.assertEqual(picking["ecommerce_shipment_state"], "attention")
        self.assertEqual(summary["failed"], [{"tid": "8001", "picking": self.picking_id,
                                              "reason": picking["ecommerce_shipment_reason"]}])
        self.assertEqual(summary["api_calls"], 0)

    def test_bad_arguments_are_named(self):
        for bad in ("12", [1.5], [True], {"id": 1}, [-3]):
            fault = self.rpc_fault("shipper", "ecommerce.shop", "send_shipments",
                                   [self.shop_id], picking_ids=bad)
            self.assertIn("picking_ids must be a list of delivery ids", fault.faultString)
        unknown = self.send(picking_ids=[999999])
        self.assertEqual(unknown["skipped"], [{"picking": 999999,
                                               "reason": "This delivery does not exist."}])

    def test_users_outside_the_group_may_not_send(self):
        self.create_user("clerk", ["base.group_user"])
        self.validate(WAYBILL)
        self.assertRpcAccessError("clerk", "ecommerce.shop", "send_shipments", [self.shop_id])
        self.assertEqual(self.picking()["ecommerce_shipment_state"], "to_send")
