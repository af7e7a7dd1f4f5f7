# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""A hold stops the goods; goods that left, left (issue 19).

Trades change in the sandbox after the order was confirmed automatically; the
sync re-reads them. The tests check what the warehouse and the seller see: the
delivery's state and reservation, whether a warehouse user may validate it,
the stock, and what the platform was told.
"""
import time
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError

from . import trade_factory as tf
from .common import shop_vals
from .test_jd_shop import MUG_SKU, JdShopCase, jd_order, utc
from .test_shipment import SF_WAYBILL, ShipmentCase
from .test_trade_lifecycle import TWO

KEEPER_GROUPS = ["stock.group_stock_user"]


class HoldCase(ShipmentCase):
    """A shop whose background sync resumes from 3 hours ago, with stock."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.keeper = cls.make_user("keeper", KEEPER_GROUPS)

    def setUp(self):
        super().setUp()
        self.now = fields.Datetime.from_string(fields.Datetime.now())
        self.shop.write({
            "order_sync_watermark": fields.Datetime.to_string(self.now - timedelta(hours=3)),
            "order_check_last": fields.Datetime.to_string(self.now)})
        stock = self.shop.warehouse_id.lot_stock_id
        for product in (self.widget, self.mug):
            self.env["stock.quant"]._update_available_quantity(product, stock, 5)

    def sync(self):
        summary = self.shop.sync_orders()
        self.assertFalse(summary.get("error"), summary)
        return summary

    def confirmed(self, tid, lines=None, **kw):
        self.load(tf.trade(tid, lines, modified=tf.ago(hours=1), **kw))
        self.sync()
        order = self.order_of(tid)
        self.assertEqual(order.state, "sale")
        picking = order.picking_ids
        self.assertEqual(picking.state, "assigned")
        return order, picking

    def reserved(self, picking):
        return sum(picking.move_lines.mapped("reserved_availability"))

    def keeper_validates(self, picking):
        """The warehouse user's Validate button (the immediate-transfer path)."""
        result = picking.sudo(self.keeper).button_validate()
        if isinstance(result, dict) and result.get("res_model") == "stock.immediate.transfer":
            self.env["stock.immediate.transfer"].sudo(self.keeper).browse(
                result["res_id"]).process()
        return picking.state

    def assertRefused(self, picking, *words):
        for attempt in (picking.sudo(self.keeper).button_validate,
                        picking.sudo(self.keeper).action_done):
            with self.assertRaises(UserError) as caught:
                attempt()
            for word in words:
                self.assertIn(word, caught.exception.name)
        self.assertNotEqual(picking.state, "done")

    def notes(self, record):
        return "\n".join(record.message_ids.mapped("body"))


class TestHoldStopsTheGoods(HoldCase):

    def test_forbidden_after_confirmation_holds_the_delivery_until_allowed(self):
        order, picking = self.confirmed("9501")
        self.sandbox.forbid("9501")
        self.sync()
        self.assertTrue(picking.ecommerce_held)
        self.assertIn("PAID_FORBID_CONSIGN", picking.ecommerce_hold_reason)
        self.assertEqual(self.reserved(picking), 0)
        self.assertEqual(picking.state, "confirmed")
        quants = self.env["stock.quant"].search([
            ("product_id", "=", self.widget.id),
            ("location_id", "=", self.shop.warehouse_id.lot_stock_id.id)])
        self.assertEqual(sum(quants.mapped("reserved_quantity")), 0)
        self.assertRefused(picking, picking.name, "PAID_FORBID_CONSIGN")
        picking.sudo(self.keeper).action_assign()  # "Check availability" reserves nothing
        self.assertEqual(self.reserved(picking), 0)
        held = self.env["stock.picking"].search([("ecommerce_held", "=", True)])
        self.assertEqual(held, picking)
        time.sleep(1)
        self.sandbox.allow("9501")
        self.sync()
        self.assertFalse(picking.ecommerce_held)
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(self.keeper_validates(picking), "done")
        self.assertEqual(picking.ecommerce_shipment_state, "to_send")

    def test_refund_of_one_sub_order_holds_only_its_goods(self):
        order, picking = self.confirmed("9502", TWO)
        self.sandbox.refund("9502", oid="950201", status="WAIT_SELLER_AGREE",
                            refund_fee="45.00", reason="不想要了")
        self.shop.sync_refunds()
        # The mug's sub-order waits in a delivery of its own, the widget's is ready.
        held = order.picking_ids.filtered("ecommerce_held")
        self.assertEqual(held.move_lines.product_id, self.mug)
        self.assertEqual(self.reserved(held), 0)
        for word in ("Mug", "45.00", "不想要了"):
            self.assertIn(word, held.ecommerce_hold_reason)
            self.assertIn(word, self.notes(order))
        self.assertRefused(held, "Mug")
        self.assertEqual(picking.move_lines.product_id, self.widget)
        self.assertFalse(picking.ecommerce_held)
        self.assertEqual(picking.state, "assigned")
        # The trade re-read agrees: nothing new, the mug still held.
        self.sync()
        self.assertTrue(held.ecommerce_held)
        self.assertFalse(picking.ecommerce_held)
        picking.write({"carrier_id": self.sf.id, "carrier_tracking_ref": SF_WAYBILL})
        self.assertEqual(self.keeper_validates(picking), "done")
        self.assertEqual(self.send(picking)["sent"], ["9502"])
        self.assertEqual(picking.ecommerce_sent_sub_ids, "950200")
        platform = self.platform_orders("9502")
        self.assertEqual(platform["950200"][:2], ("WAIT_BUYER_CONFIRM_GOODS", SF_WAYBILL))
        self.assertEqual(platform["950201"][0], "WAIT_SELLER_SEND_GOODS")
        time.sleep(1)
        self.sandbox.refund("9502", oid="950201", status="CLOSED")  # the seller refused
        time.sleep(1)  # the consign bumped the trade twice: this change may be a second ahead
        self.sync()
        self.assertFalse(held.ecommerce_held)
        self.assertFalse(order.ecommerce_review_needed)
        self.assertEqual(held.state, "assigned")
        held.write({"carrier_id": self.sf.id, "carrier_tracking_ref": "SF1234567891"})
        self.assertEqual(self.keeper_validates(held), "done")
        self.assertEqual(self.send(held)["sent"], ["9502"])
        self.assertEqual(self.platform_orders("9502")["950201"][:2],
                         ("WAIT_BUYER_CONFIRM_GOODS", "SF1234567891"))
        self.assertEqual(self.sandbox.trade("9502")["status"], "WAIT_BUYER_CONFIRM_GOODS")

    def test_memo_do_not_ship_holds_until_the_seller_marks_it_reviewed(self):
        order, picking = self.confirmed("9503")
        self.sandbox.set_memo("9503", "不要发货", flag=1)
        self.sync()
        self.assertIn("不要发货", picking.ecommerce_hold_reason)
        self.assertRefused(picking, "不要发货")
        order.action_ecommerce_reviewed()
        self.assertFalse(picking.ecommerce_held)
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(self.keeper_validates(picking), "done")

    def test_a_seller_rule_holds_through_the_same_hook(self):
        order, picking = self.confirmed("9504")
        order._ecommerce_hold("rule", "Rule: buyer on the blacklist")
        self.assertRefused(picking, "blacklist")
        order._ecommerce_lift_hold(["rule"])
        self.assertEqual(picking.state, "assigned")

    def test_hold_after_validation_flags_the_delivery_for_after_sales(self):
        order, picking = self.confirmed("9505")
        self.validate(picking, self.sf, SF_WAYBILL)
        self.sandbox.set_memo("9505", "不要发货")
        self.sync()
        self.assertEqual(picking.state, "done")
        self.assertIn("不要发货", picking.ecommerce_after_sales)
        self.assertIn("After-sales", self.notes(picking))
        self.assertTrue(order.ecommerce_review_needed)

    def test_refund_of_the_sub_order_in_the_backorder_holds_the_backorder(self):
        order, picking = self.confirmed("9506", TWO)
        backorder = self.validate(picking, self.sf, SF_WAYBILL, only=self.widget)
        self.assertEqual(backorder.move_lines.product_id, self.mug)
        self.assertEqual(self.send(picking)["sent"], ["9506"])
        self.sandbox.refund("9506", oid="950601", status="WAIT_SELLER_AGREE",
                            refund_fee="60.00")
        time.sleep(1)  # two changes within a second: the second is a second ahead
        self.sync()
        self.assertTrue(backorder.ecommerce_held)
        self.assertIn("Mug", backorder.ecommerce_hold_reason)
        self.assertFalse(picking.ecommerce_after_sales)
        self.assertRefused(backorder, "Mug")

    def test_sub_order_refunded_in_full_leaves_the_order_the_other_still_ships(self):
        order, picking = self.confirmed("9508", TWO)
        self.sandbox.refund("9508", oid="950801", status="WAIT_SELLER_AGREE",
                            refund_fee="60.00")
        self.shop.sync_refunds()
        held = order.picking_ids.filtered("ecommerce_held")
        self.assertEqual(held.move_lines.product_id, self.mug)
        time.sleep(1)
        self.sandbox.refund("9508", oid="950801", status="SUCCESS")
        time.sleep(1)
        self.sync()
        mug_line = order.order_line.filtered(lambda line: line.ecommerce_oid == "950801")
        self.assertEqual(mug_line.product_uom_qty, 0)
        self.assertEqual(held.state, "cancel")
        self.assertFalse(order.picking_ids.filtered("ecommerce_held"))
        self.assertEqual(picking.move_lines.product_id, self.widget)
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(self.keeper_validates(picking), "done")

    def test_refund_holds_its_sub_order_in_a_backorder_carrying_both(self):
        order, picking = self.confirmed("9507", [
            tf.line(price=10000, num=2),
            tf.line(num_iid=520000000002, sku_id="", price=3000, num=1, outer_sku_id="",
                    outer_iid="MUG-X", title="Mug")])
        picking.write({"carrier_id": self.sf.id, "carrier_tracking_ref": SF_WAYBILL})
        # One widget leaves; the other and the mug wait in the backorder.
        picking.move_lines.filtered(lambda m: m.product_id == self.widget).quantity_done = 1
        picking.action_done()
        backorder = order.picking_ids - picking
        self.assertEqual(len(backorder.move_lines), 2)
        self.sandbox.refund("9507", oid="950701", status="WAIT_SELLER_AGREE",
                            refund_fee="30.00")
        time.sleep(1)
        self.sync()
        held = order.picking_ids.filtered("ecommerce_held")
        self.assertEqual(held.move_lines.product_id, self.mug)
        self.assertEqual(held.backorder_id, backorder)
        self.assertRefused(held, "Mug")
        self.assertFalse(backorder.ecommerce_held)
        self.assertEqual(backorder.move_lines.product_id, self.widget)
        self.assertEqual(backorder.state, "assigned")
        self.assertEqual(self.keeper_validates(backorder), "done")
        self.assertEqual(self.widget.qty_available, 3)
        self.assertEqual(self.mug.qty_available, 5)


class TestSplitSendAfterRefusedRefund(HoldCase):

    def test_sub_order_left_out_is_sent_with_the_parcel_when_the_refund_is_refused(self):
        order, picking = self.confirmed("9601", TWO)
        # The buyer asks while the parcel is being packed: validated before the sync.
        self.sandbox.refund("9601", oid="960101", status="WAIT_SELLER_AGREE",
                            refund_fee="60.00")
        self.validate(picking, self.sf, SF_WAYBILL)
        self.shop.sync_refunds()
        self.assertIn("after the goods left", picking.ecommerce_after_sales)
        self.assertEqual(self.send(picking)["sent"], ["9601"])
        self.assertEqual(picking.ecommerce_shipment_state, "part_sent")
        self.assertEqual(picking.ecommerce_unsent_sub_ids, "960101")
        self.assertEqual(self.platform_orders("9601")["960101"][0], "WAIT_SELLER_SEND_GOODS")
        time.sleep(1)
        self.sandbox.refund("9601", oid="960101", status="CLOSED")
        self.shop.sync_refunds()
        self.assertEqual(picking.ecommerce_shipment_state, "to_send")
        self.assertEqual(self.send(picking)["sent"], ["9601"])
        self.assertEqual(picking.ecommerce_shipment_state, "sent")
        self.assertFalse(picking.ecommerce_unsent_sub_ids)
        platform = self.platform_orders("9601")
        self.assertEqual(platform["960101"][:2], ("WAIT_BUYER_CONFIRM_GOODS", SF_WAYBILL))
        self.assertEqual(self.sandbox.trade("9601")["status"], "WAIT_BUYER_CONFIRM_GOODS")

    def test_goods_sent_back_through_the_sandbox_prepare_the_return(self):
        order, picking = self.confirmed("9602")
        self.validate(picking, self.sf, SF_WAYBILL)
        self.assertEqual(self.send(picking)["sent"], ["9602"])
        self.sandbox.refund("9602", status="WAIT_SELLER_AGREE", reason="质量问题")
        self.shop.sync_refunds()
        self.assertIn("after the goods left", picking.ecommerce_after_sales)
        time.sleep(1)
        self.sandbox.refund("9602", status="WAIT_BUYER_RETURN_GOODS")
        time.sleep(1)
        self.sandbox.refund("9602", status="WAIT_SELLER_CONFIRM_GOODS", sid="SF1000000001")
        self.shop.sync_refunds()
        record = self.env["ecommerce.refund"].search([("tid", "=", "9602")])
        self.assertEqual(record.good_status, "BUYER_RETURNED_GOODS")
        self.assertEqual(record.return_picking_id.move_lines.product_id, self.widget)


class TestGoodsThatLeftLeft(HoldCase):

    def test_trade_first_seen_shipped_after_go_live_takes_its_stock(self):
        self.shop.order_import_from = fields.Datetime.to_string(self.now - timedelta(hours=3))
        self.load(tf.trade("9701", status="WAIT_BUYER_CONFIRM_GOODS",
                           modified=tf.ago(hours=1)))
        self.sync()
        order = self.order_of("9701")
        picking = order.picking_ids
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.ecommerce_shipment_state, "platform")
        self.assertEqual(self.widget.qty_available, 4)
        self.assertIn("shipped on the platform", self.notes(order))
        calls = self.sandbox.stats()["calls"]
        self.assertEqual(self.shop.send_shipments()["sent"], [])
        self.assertEqual(self.send(picking)["sent"], [])
        self.assertEqual(self.sandbox.stats()["calls"], calls)

    def test_history_before_go_live_moves_no_stock(self):
        self.shop.order_import_from = fields.Datetime.to_string(self.now - timedelta(hours=1))
        self.load(tf.trade("9702", status="WAIT_BUYER_CONFIRM_GOODS"))
        self.import_window(status="")
        self.assertFalse(self.order_of("9702").picking_ids)
        self.assertEqual(self.widget.qty_available, 5)

    def test_sub_order_shipped_in_qianniu_after_import_leaves_once(self):
        order, picking = self.confirmed("9703", TWO)
        self.sandbox.ship("9703", out_sid=SF_WAYBILL, sub_tid="970300")
        time.sleep(1)  # shipping bumps the trade twice: a second ahead
        self.sync()
        part = order.picking_ids.filtered(lambda p: p.state == "done")
        self.assertEqual(part.move_lines.product_id, self.widget)
        self.assertEqual(part.ecommerce_shipment_state, "platform")
        self.assertEqual(self.widget.qty_available, 4)
        self.assertIn("970300", self.notes(part))
        rest = order.picking_ids.filtered(lambda p: p.state != "done")
        self.assertEqual(rest.move_lines.product_id, self.mug)
        # Read again: nothing moves twice.
        self.shop.order_sync_watermark = fields.Datetime.to_string(
            self.now - timedelta(hours=3))
        self.sync()
        self.assertEqual(self.widget.qty_available, 4)
        self.assertEqual(len(order.picking_ids), 2)
        self.validate(rest, self.sf, "SF1234567891")
        self.assertEqual(self.send(rest)["sent"], ["9703"])
        self.assertEqual(self.platform_orders("9703")["970301"][:2],
                         ("WAIT_BUYER_CONFIRM_GOODS", "SF1234567891"))

    def test_a_promotion_gift_leaves_with_the_last_sub_order_shipped_in_qianniu(self):
        """The platform's gift (no sub-order of its own) went in the parcel shipped in
        千牛: no delivery is left holding only the gift, unsent and unreportable."""
        order, picking = self.confirmed("9707", promo_gifts=[(520000000002, "Mug", 1)])
        self.assertEqual(picking.move_lines.mapped("product_id"), self.widget | self.mug)
        self.sandbox.ship("9707", out_sid=SF_WAYBILL)
        time.sleep(1)  # shipping bumps the trade twice: a second ahead
        self.sync()
        self.assertEqual(order.picking_ids, picking)
        self.assertEqual((picking.state, picking.ecommerce_shipment_state), ("done", "platform"))
        self.assertEqual((self.widget.qty_available, self.mug.qty_available), (4, 4))

    def test_goods_shipped_on_the_platform_leave_even_while_held(self):
        order, picking = self.confirmed("9704", TWO)
        self.sandbox.set_memo("9704", "等通知再发")
        time.sleep(1)
        self.sync()
        self.assertTrue(picking.ecommerce_held)
        self.sandbox.ship("9704", out_sid=SF_WAYBILL, sub_tid="970400")
        time.sleep(1)
        self.sync()
        part = order.picking_ids.filtered(lambda p: p.state == "done")
        self.assertEqual(part.move_lines.product_id, self.widget)
        self.assertEqual(self.widget.qty_available, 4)
        self.assertTrue(picking.ecommerce_held)  # the mugs still wait for the seller
        self.assertEqual(picking.move_lines.product_id, self.mug)


class TestArgumentChecks(HoldCase):

    def test_send_shipments_and_sync_refunds_need_one_shop(self):
        shops = self.env["ecommerce.shop"]
        two = self.shop | shops.create(shop_vals(code="T2", name="Second"))
        for records in (shops, two):
            for method in ("send_shipments", "sync_refunds"):
                with self.assertRaises(UserError) as caught:
                    getattr(records, method)()
                self.assertIn("Call %s on one shop" % method, caught.exception.name)


class TestJdLockAfterConfirmation(JdShopCase):

    def test_jd_lock_after_confirmation_holds_the_delivery_until_unlocked(self):
        self.jd.upsert(orders=[jd_order(7901)])
        self.assertFalse(self.shop.sync_orders().get("error"))
        order = self.order_of(7901)
        picking = order.picking_ids
        self.assertEqual(order.state, "sale")
        self.jd.set_state(7901, "LOCKED")  # the buyer applied for a refund
        time.sleep(1)
        self.shop.sync_orders()
        self.assertTrue(picking.ecommerce_held)
        with self.assertRaises(UserError):
            picking.action_done()
        self.jd.set_state(7901, "WAIT_SELLER_STOCK_OUT")
        time.sleep(1)
        self.shop.sync_orders()
        self.assertFalse(picking.ecommerce_held)
        self.assertFalse(order.ecommerce_review_needed)

    def test_jd_refund_of_one_sku_holds_only_that_sku(self):
        self.jd.upsert(orders=[jd_order(7902)])
        self.assertFalse(self.shop.sync_orders().get("error"))
        order = self.order_of(7902)
        picking = order.picking_ids
        self.assertEqual(order.state, "sale")
        self.jd.refund(7902, skuId=MUG_SKU, applyRefundSum=2000)  # JD locks the order
        time.sleep(1)
        self.assertFalse(self.shop.sync_refunds(utc(60), utc(0)).get("error"))
        self.shop.sync_orders()
        held = order.picking_ids.filtered("ecommerce_held")
        self.assertEqual(held.move_lines.product_id, self.product("MUG-1"))
        self.assertIn(self.product("MUG-1").name, held.ecommerce_hold_reason)
        with self.assertRaises(UserError):
            held.action_done()
        self.assertFalse(picking.ecommerce_held)
        self.assertEqual(picking.move_lines.product_id, self.product("TS-1-BK-S"))
        picking.force_assign()
        for move in picking.move_lines:
            move.quantity_done = move.product_uom_qty
        picking.action_done()
        self.assertEqual(picking.state, "done")
