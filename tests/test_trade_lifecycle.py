# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Trade lifecycle (issue 10): ship only what is still to ship; changes follow each trade.

Trades change in the sandbox through its control API, as buyers and Taobao
change them; the sync re-reads them and the tests check what a seller
checks: the order, its lines and total, its delivery, its chatter.
"""
import time
from datetime import timedelta

from odoo import fields

from . import trade_factory as tf
from .test_order_import import SyncCase

TWO = [tf.line(price=10000, num=1),
       tf.line(num_iid=520000000002, sku_id="", price=3000, num=2, outer_sku_id="",
               outer_iid="MUG-X", title="Mug")]


class LifecycleCase(SyncCase):

    def sync(self):
        summary = self.shop.sync_orders()
        self.assertFalse(summary.get("error"), summary)
        return summary

    def delivery(self, order):
        return order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))

    def shipped_products(self, order):
        moves = order.picking_ids.mapped("move_lines").filtered(lambda m: m.state != "cancel")
        return sorted((m.product_id.name, m.product_uom_qty) for m in moves)

    def notes(self, order):
        return "\n".join(order.message_ids.mapped("body"))


class TestFirstImport(LifecycleCase):

    def test_trade_first_seen_finished_is_recorded_without_a_delivery(self):
        self.load(tf.trade("9001", status="TRADE_FINISHED"))
        summary = self.import_window(status="")
        order = self.order_of("9001")
        self.assertEqual(summary["created"], [order.id])
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.picking_ids)
        self.assertEqual("%.2f" % order.amount_total, "99.00")
        self.assertEqual(self.widget.qty_available, 0)

    def test_trade_first_seen_shipped_can_be_skipped_by_the_shop(self):
        self.shop.order_history_policy = "skip"
        self.load(tf.trade("9002", status="WAIT_BUYER_CONFIRM_GOODS"))
        summary = self.import_window(status="")
        self.assertEqual(summary["skipped"], ["9002"])
        self.assertFalse(self.order_of("9002"))

    def test_part_shipped_trade_ships_only_what_is_left(self):
        trade = tf.trade("9003", TWO, status="SELLER_CONSIGNED_PART")
        first = trade["orders"]["order"][0]
        first.update(status="WAIT_BUYER_CONFIRM_GOODS", consign_time=tf.ago(hours=1),
                     invoice_no="SF1234567890")
        self.load(trade)
        self.import_window(status="SELLER_CONSIGNED_PART")
        order = self.order_of("9003")
        self.assertEqual(order.state, "sale")
        self.assertEqual(self.shipped_products(order), [("Mug", 2.0)])
        self.assertEqual("%.2f" % order.amount_total, trade["payment"])

    def test_forbidden_trade_is_held_then_released_when_shipping_is_allowed(self):
        self.load(tf.trade("9004", status="PAID_FORBID_CONSIGN", modified=tf.ago(hours=1)))
        summary = self.sync()
        order = self.order_of("9004")
        self.assertEqual(order.state, "draft")
        self.assertTrue(order.ecommerce_review_needed)
        self.assertIn("PAID_FORBID_CONSIGN", order.ecommerce_review_reason)
        self.assertEqual([h["tid"] for h in summary["held"]], ["9004"])
        self.sandbox.allow("9004")
        summary = self.sync()
        self.assertEqual(summary["updated"], ["9004"])
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.ecommerce_review_needed)
        self.assertEqual(self.shipped_products(order), [("Widget A black", 1.0)])

    def test_refund_in_progress_at_import_holds_the_order(self):
        trade = tf.trade("9005", TWO)
        trade["orders"]["order"][1]["refund_status"] = "WAIT_SELLER_AGREE"
        self.load(trade)
        summary = self.import_window()
        order = self.order_of("9005")
        self.assertEqual(order.state, "draft")
        self.assertIn("refund", order.ecommerce_review_reason)
        self.assertIn("Mug", summary["held"][0]["reason"])

    def test_refunded_sub_order_is_neither_shipped_nor_charged(self):
        trade = tf.trade("9006", TWO, post_fee=800)
        mug = trade["orders"]["order"][1]
        mug.update(refund_status="SUCCESS", status="TRADE_CLOSED")
        self.load(trade)
        self.import_window()
        order = self.order_of("9006")
        self.assertEqual(self.shipped_products(order), [("Widget A black", 1.0)])
        # 100.00 widget + 8.00 postage: the refunded 60.00 of mugs is not due.
        self.assertEqual("%.2f" % order.amount_total, "108.00")
        self.assertNotIn(self.mug, order.order_line.mapped("product_id"))

    def test_orders_are_in_cny(self):
        self.load(tf.trade("9007"))
        self.import_window()
        self.assertEqual(self.order_of("9007").pricelist_id.currency_id,
                         self.env.ref("base.CNY"))

    def test_go_live_date_keeps_older_trades_out_of_the_background_sync(self):
        self.shop.order_import_from = fields.Datetime.to_string(self.now - timedelta(hours=1))
        self.load(tf.trade("9008", created=tf.ago(hours=2), modified=tf.ago(minutes=30)),
                  tf.trade("9009", created=tf.ago(minutes=40), modified=tf.ago(minutes=30)))
        summary = self.sync()
        self.assertEqual(self.env["sale.order"].browse(summary["created"]).mapped(
            "ecommerce_tid"), ["9009"])
        self.assertEqual(summary["skipped"], ["9008"])
        log = self.env["ecommerce.sync.log"].search([("shop_id", "=", self.shop.id)], limit=1)
        self.assertIn("go-live", log.line_ids.filtered(lambda line: line.tid == "9008").reason)
        # A seller importing by hand still may.
        self.assertEqual(len(self.import_window(tids=["9008"])["created"]), 1)


class TestChangesAfterImport(LifecycleCase):

    def imported(self, tid, lines=None, **kw):
        self.load(tf.trade(tid, lines or TWO, modified=tf.ago(hours=1), **kw))
        self.sync()
        order = self.order_of(tid)
        self.assertEqual(order.state, "sale")
        return order

    def test_refund_requested_then_done_before_shipping(self):
        order = self.imported("9101")
        mug_oid = "910101"
        self.sandbox.refund("9101", oid=mug_oid, status="WAIT_SELLER_AGREE", refund_fee="60.00",
                            reason="不想要了")
        summary = self.sync()
        self.assertEqual(summary["updated"], ["9101"])
        self.assertTrue(order.ecommerce_review_needed)
        self.assertIn("Mug", order.ecommerce_review_reason)
        self.assertIn(mug_oid, self.notes(order))
        mug_line = order.order_line.filtered(lambda line: line.ecommerce_oid == mug_oid)
        self.assertEqual(mug_line.ecommerce_refund_status, "WAIT_SELLER_AGREE")

        # A second change within the same second moves the platform's `modified` one
        # second ahead of this run's end; the next run's overlap would read it, but
        # this test reads it now.
        time.sleep(1)
        self.sandbox.refund("9101", oid=mug_oid, status="SUCCESS")
        summary = self.sync()
        self.assertEqual(summary["updated"], ["9101"], summary)
        self.assertEqual(mug_line.product_uom_qty, 0, self.notes(order))
        self.assertEqual(self.shipped_products(order), [("Widget A black", 1.0)])
        self.assertEqual("%.2f" % order.amount_total, "100.00")
        self.assertFalse(order.ecommerce_review_needed)
        self.assertEqual(order.state, "sale")

    def test_whole_trade_closed_before_shipping_cancels(self):
        order = self.imported("9102")
        self.sandbox.close("9102")
        summary = self.sync()
        self.assertEqual(summary["cancelled"], ["9102"])
        self.assertEqual(order.state, "cancel")

    def test_address_changed_before_shipping_moves_the_delivery(self):
        order = self.imported("9103")
        old = order.partner_shipping_id
        self.sandbox.change_address("9103", receiver_address="学院路8号",
                                    receiver_name="李四")
        self.sync()
        self.assertNotEqual(order.partner_shipping_id, old)
        self.assertIn("学院路8号", order.partner_shipping_id.street)
        self.assertEqual(self.delivery(order).partner_id, order.partner_shipping_id)
        self.assertEqual(order.partner_shipping_id.parent_id, order.partner_id)

    def test_memo_added_after_import_holds_the_order_with_its_text(self):
        order = self.imported("9104")
        self.sandbox.set_memo("9104", "改发顺丰", flag=2)
        summary = self.sync()
        self.assertTrue(order.ecommerce_review_needed)
        self.assertIn("改发顺丰", order.ecommerce_review_reason)
        self.assertEqual(order.ecommerce_seller_memo, "改发顺丰")
        self.assertEqual(summary["held"][0]["tid"], "9104")

    def test_reading_the_same_trade_twice_changes_nothing(self):
        order = self.imported("9105")
        self.sandbox.set_memo("9105", "加急")
        self.sync()
        messages = len(order.message_ids)
        state = (order.state, order.amount_total, order.partner_shipping_id,
                 order.ecommerce_review_reason)
        # The next run lists the same trade again (the sync reads with an overlap).
        self.shop.order_sync_watermark = fields.Datetime.to_string(
            self.now - timedelta(hours=3))
        summary = self.sync()
        self.assertEqual(summary["updated"], [])
        self.assertEqual(summary["created"], [])
        self.assertEqual(len(order.message_ids), messages)
        self.assertEqual((order.state, order.amount_total, order.partner_shipping_id,
                          order.ecommerce_review_reason), state)

    def test_address_changed_after_shipping_only_flags(self):
        order = self.imported("9106", lines=[tf.line()])
        picking = self.delivery(order)
        self.env["stock.quant"]._update_available_quantity(
            self.widget, picking.location_id, 5)
        picking.action_assign()
        picking.move_lines.quantity_done = 1
        picking.action_done()
        old = order.partner_shipping_id
        self.sandbox.change_address("9106", receiver_address="学院路9号")
        self.sync()
        self.assertEqual(order.partner_shipping_id, old)
        self.assertTrue(order.ecommerce_review_needed)
        self.assertIn("after shipping", order.ecommerce_review_reason)


class TestPacksBundlesAndBacklog(LifecycleCase):

    def test_pack_and_bundle_ship_their_units_at_the_paid_total(self):
        pack = self.env["ecommerce.sku.mapping"].search([
            ("shop_id", "=", self.shop.id), ("num_iid", "=", "520000000002")])
        pack.product_qty = 3  # "3瓶装": one platform unit ships three mugs
        widget_sku = self.env["ecommerce.sku.mapping"].search([
            ("shop_id", "=", self.shop.id), ("num_iid", "=", str(tf.NUM_IID))])
        self.widget.lst_price, self.sample.lst_price = 30.0, 10.0
        self.sample.type = "product"  # a bundle's stock is counted from its components
        widget_sku.write({"component_ids": [
            (0, 0, {"product_id": self.widget.id, "product_qty": 1}),
            (0, 0, {"product_id": self.sample.id, "product_qty": 2})]})
        trade = tf.trade("9201", TWO, post_fee=500)
        self.load(trade)
        self.import_window()
        order = self.order_of("9201")
        self.assertEqual("%.2f" % order.amount_total, trade["payment"])
        self.assertEqual(self.shipped_products(order), [
            ("Mug", 6.0), ("Sample bag", 2.0), ("Widget A black", 1.0)])
        bundle_lines = order.order_line.filtered(lambda line: line.ecommerce_oid == "920100")
        self.assertAlmostEqual(sum(bundle_lines.mapped("price_subtotal")) +
                               sum(bundle_lines.mapped("price_tax")), 100.00)

    def test_refused_trade_is_kept_as_sold_until_imported(self):
        unmapped = tf.line(num_iid=520000000777, sku_id="4000000000777", outer_sku_id="",
                           num=2)
        self.load(tf.trade("9202", [unmapped]))
        summary = self.import_window()
        self.assertEqual([f["tid"] for f in summary["failed"]], ["9202"])
        backlog = self.env["ecommerce.trade.backlog"].search([
            ("shop_id", "=", self.shop.id), ("tid", "=", "9202")])
        self.assertEqual((backlog.num_iid, backlog.sku_id, backlog.qty),
                         ("520000000777", "4000000000777", 2.0))
        self.env["ecommerce.sku.mapping"].create({
            "shop_id": self.shop.id, "num_iid": "520000000777", "sku_id": "4000000000777",
            "product_id": self.widget.id})
        self.assertEqual(len(self.import_window()["created"]), 1)
        self.assertFalse(backlog.exists())
