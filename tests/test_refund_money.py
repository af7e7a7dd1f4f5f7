# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Refunds by amount, booked once (issue 19).

The buyer's refunds happen in the sandbox through its control API; the order
sync and the refund sync read them. A seller checks the order lines and
total, the delivery and the credit notes: a refund before Odoo ships the
sub-order is in the order total, after it a credit note, never both.
"""
import time
from datetime import timedelta
from unittest.mock import patch

from odoo import fields

from ..adapters import RefusedError
from . import trade_factory as tf
from .test_jd_shop import MUG_SKU, JdShopCase, jd_order, utc
from .test_order_import import SyncCase
from .test_refund import RefundCase, credit_note_accounting
from .test_trade_lifecycle import LifecycleCase

# Widget 100.00, two mugs 2 x 25.00, a sample bag 30.00: three sub-orders.
THREE = [tf.line(price=10000, num=1),
         tf.line(num_iid=520000000002, sku_id="", price=2500, num=2, outer_sku_id="",
                 outer_iid="MUG-X", title="Mug"),
         tf.line(num_iid=520000000010, sku_id="", price=3000, num=1, outer_sku_id="",
                 outer_iid="", title="Sample bag")]


class MoneyCase(RefundCase, LifecycleCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sample.property_account_income_id = cls.widget.property_account_income_id

    def imported(self, tid, lines=None, **kw):
        self.load(tf.trade(tid, lines or THREE, modified=tf.ago(hours=1), **kw))
        self.sync()
        order = self.order_of(tid)
        self.assertEqual(order.state, "sale")
        return order

    def line_of(self, order, oid):
        return order.order_line.filtered(lambda line: line.ecommerce_oid == oid)

    def ship_in_odoo(self, order, products=None):
        """Validate the open delivery for ``products`` (all when None); the rest
        goes to a backorder."""
        picking = self.delivery(order)
        for move in picking.move_lines.filtered(lambda m: m.product_id.type == "product"):
            self.env["stock.quant"]._update_available_quantity(
                move.product_id, picking.location_id, move.product_uom_qty)
        picking.action_assign()
        for move in picking.move_lines:
            if products is None or move.product_id in products:
                move.quantity_done = move.product_uom_qty
        action = picking.button_validate()
        if isinstance(action, dict) and action.get("res_model") == \
                "stock.backorder.confirmation":
            self.env["stock.backorder.confirmation"].create(
                {"pick_ids": [(4, picking.id)]}).process()
        self.assertEqual(picking.state, "done")
        return picking

    def consign_on_platform(self, tid, oids):
        """The platform records the parcel of ``oids`` (split shipping)."""
        trade = self.sandbox.trade(tid)
        for order in trade["orders"]["order"]:
            if order["oid"] in oids:
                order.update(status="WAIT_BUYER_CONFIRM_GOODS", consign_time=tf.ago(minutes=2),
                             invoice_no="SF1234567890", logistics_company="SF")
        trade.update(status="SELLER_CONSIGNED_PART", modified=tf.ago(minutes=2))
        self.sandbox.upsert(trades=[trade])

    def credit_notes(self, order):
        return self.env["account.invoice"].search(
            [("type", "=", "out_refund"), ("origin", "=", order.name)])

    def total(self, order):
        return "%.2f" % order.amount_total

    def sync_all(self):
        time.sleep(1)  # a change within the second of the last run is read by the next
        self.sync()
        self.assertEqual(self.shop.sync_refunds()["failed"], [])


class TestPartialRefunds(MoneyCase):

    def test_partial_refund_before_shipping_keeps_the_goods_and_lowers_the_total(self):
        order = self.imported("19101")
        self.assertEqual(self.total(order), "180.00")
        self.sandbox.refund("19101", oid="1910100", status="SUCCESS", refund_fee="5.00",
                            reason="价保")
        self.sync_all()
        widget = self.line_of(order, "1910100")
        self.assertEqual(widget.product_uom_qty, 1)
        self.assertEqual(widget.ecommerce_refund_status, "SUCCESS")
        self.assertEqual(self.total(order), "175.00")
        self.assertEqual(self.shipped_products(order),
                         [("Mug", 2.0), ("Sample bag", 1.0), ("Widget A black", 1.0)])
        self.assertIn("5.00", self.notes(order))
        # The goods still leave, on the platform too; no credit note ever follows.
        self.ship_in_odoo(order)
        self.sandbox.ship("19101")
        self.assertEqual(self.sandbox.trade("19101")["status"], "WAIT_BUYER_CONFIRM_GOODS")
        self.sync_all()
        self.assertFalse(self.credit_notes(order))
        self.assertEqual(self.total(order), "175.00")

    def test_partial_refund_known_at_import_is_in_the_total(self):
        self.load(tf.trade("19102", THREE, modified=tf.ago(hours=1)))
        self.sandbox.refund("19102", oid="1910201", status="SUCCESS", refund_fee="7.50")
        self.sync()
        order = self.order_of("19102")
        self.assertEqual(self.line_of(order, "1910201").product_uom_qty, 2)
        self.assertEqual(self.total(order), "172.50")
        # The refund lowers the money of the mugs' (untaxed) rate: the widget's VAT stays.
        discounts = order.order_line.filtered(
            lambda line: line.product_id == self.shop.discount_product_id)
        self.assertEqual([(d.price_unit, d.tax_id.ids) for d in discounts], [(-7.5, [])])
        self.assertEqual(self.shipped_products(order),
                         [("Mug", 2.0), ("Sample bag", 1.0), ("Widget A black", 1.0)])

    def test_partial_refund_after_import_lowers_the_money_of_its_own_tax_rate(self):
        """The widget (taxed) has 10.00 off on a discount line of its rate; the
        mugs (untaxed) are refunded 7.50 in part after import."""
        order = self.imported("19105", [tf.line(price=10000, num=1, discount=1000)] + THREE[1:])
        self.assertEqual(self.total(order), "170.00")
        tax_before = order.amount_tax
        widget_taxes = self.line_of(order, "1910500").tax_id.ids
        self.assertTrue(widget_taxes)
        self.sandbox.refund("19105", oid="1910501", status="SUCCESS", refund_fee="7.50",
                            reason="价保")
        self.sync_all()
        self.assertEqual(self.total(order), "162.50")
        discounts = order.order_line.filtered(
            lambda line: line.product_id == self.shop.discount_product_id)
        self.assertEqual(sorted((d.price_unit, d.tax_id.ids) for d in discounts),
                         [(-10.0, widget_taxes), (-7.5, [])])
        # The widget's VAT is still on what the buyer paid for it.
        self.assertAlmostEqual(order.amount_tax, tax_before, places=2)
        self.sync_all()  # read again: booked once
        self.assertEqual(self.total(order), "162.50")
        self.assertEqual(len(order.order_line.filtered(
            lambda line: line.product_id == self.shop.discount_product_id)), 2)

    def test_partial_refund_after_shipping_is_a_credit_note_of_the_refund(self):
        order = self.imported("19103")
        self.ship_in_odoo(order)
        self.sandbox.ship("19103")
        self.sandbox.refund("19103", oid="1910300", status="SUCCESS", refund_fee="12.00")
        self.sync_all()
        self.assertEqual(self.total(order), "180.00")
        notes = self.credit_notes(order)
        self.assertEqual(len(notes), 1)
        self.assertAlmostEqual(notes.amount_total, 12.0, places=2)
        self.assertEqual(notes.invoice_line_ids.product_id, self.widget)

    def test_refund_read_before_the_goods_left_is_credited_once_after(self):
        order = self.imported("19104")
        self.sandbox.refund("19104", oid="1910402", status="SUCCESS", refund_fee="3.00")
        time.sleep(1)
        self.shop.sync_refunds()  # before shipping: nothing to book yet
        self.assertFalse(self.credit_notes(order))
        self.ship_in_odoo(order)
        self.sync_all()  # the order sync sees the refund only now
        self.assertEqual(self.total(order), "180.00")
        notes = self.credit_notes(order)
        self.assertEqual(len(notes), 1)
        self.assertAlmostEqual(notes.amount_total, 3.0, places=2)
        self.sync_all()
        self.assertEqual(len(self.credit_notes(order)), 1)


class TestPartlyShippedTrade(MoneyCase):

    def test_refund_after_and_before_shipping_are_each_booked_once(self):
        """A (100) ships and is refunded later; B (50) is refunded before shipping."""
        order = self.imported("19201")
        self.ship_in_odoo(order, self.widget)
        self.consign_on_platform("19201", ["1920100"])
        self.sync_all()
        self.sandbox.refund("19201", oid="1920100", status="SUCCESS", refund_fee="100.00")
        self.sandbox.refund("19201", oid="1920101", status="SUCCESS", refund_fee="50.00")
        self.assertEqual(self.sandbox.trade("19201")["status"], "SELLER_CONSIGNED_PART")
        self.sync_all()
        # B is out of the order and of the backorder; A stays sold, and is credited.
        self.assertEqual(self.line_of(order, "1920101").product_uom_qty, 0)
        self.assertEqual([(m.product_id.name, m.product_uom_qty)
                          for m in self.delivery(order).move_lines
                          if m.state != "cancel"], [("Sample bag", 1.0)])
        self.assertEqual(self.total(order), "130.00")
        notes = self.credit_notes(order)
        self.assertEqual(len(notes), 1)
        self.assertAlmostEqual(notes.amount_total, 100.0, places=2)
        self.assertEqual(notes.invoice_line_ids.product_id, self.widget)
        # Read again: nothing moves.
        self.sync_all()
        self.assertEqual(self.total(order), "130.00")
        self.assertEqual(len(self.credit_notes(order)), 1)


class TestPacksAndBundles(MoneyCase):

    def setUp(self):
        super().setUp()
        mapping = self.env["ecommerce.sku.mapping"]
        mapping.search([("shop_id", "=", self.shop.id),
                        ("num_iid", "=", "520000000002")]).product_qty = 3  # 3瓶装
        self.widget.lst_price, self.sample.lst_price = 30.0, 10.0
        self.sample.type = "product"  # a bundle's stock is counted from its components
        mapping.search([("shop_id", "=", self.shop.id), ("num_iid", "=", str(tf.NUM_IID))]) \
            .write({"component_ids": [
                (0, 0, {"product_id": self.widget.id, "product_qty": 1}),
                (0, 0, {"product_id": self.sample.id, "product_qty": 2})]})

    def test_returned_pack_takes_back_its_units_and_credits_the_refund(self):
        order = self.imported("19301", [tf.line(price=10000, num=1),
                                        tf.line(num_iid=520000000002, sku_id="", price=6000,
                                                num=1, outer_sku_id="", outer_iid="MUG-X",
                                                title="Mug")])
        self.assertEqual(self.shipped_products(order),
                         [("Mug", 3.0), ("Sample bag", 2.0), ("Widget A black", 1.0)])
        self.ship_in_odoo(order)
        self.sandbox.ship("19301")
        self.sandbox.refund("19301", oid="1930101", status="WAIT_SELLER_CONFIRM_GOODS",
                            refund_fee="60.00", good_status="BUYER_RETURNED_GOODS")
        self.sync_all()
        returned = self.refunds().return_picking_id
        self.assertEqual([(m.product_id.name, m.product_uom_qty) for m in returned.move_lines],
                         [("Mug", 3.0)])
        self.sandbox.refund("19301", oid="1930101", status="SUCCESS", refund_fee="60.00")
        self.sync_all()
        self.assertAlmostEqual(self.credit_notes(order).amount_total, 60.0, places=2)
        self.assertEqual(self.total(order), "160.00")

    def test_refunded_bundle_credits_and_takes_back_every_component(self):
        order = self.imported("19302", [tf.line(price=10000, num=1)])
        self.ship_in_odoo(order)
        self.sandbox.ship("19302")
        self.sandbox.refund("19302", oid="19302", status="WAIT_SELLER_CONFIRM_GOODS",
                            refund_fee="100.00", good_status="BUYER_RETURNED_GOODS")
        self.sync_all()
        returned = self.refunds().return_picking_id
        self.assertEqual(sorted((m.product_id.name, m.product_uom_qty)
                                for m in returned.move_lines),
                         [("Sample bag", 2.0), ("Widget A black", 1.0)])
        self.sandbox.refund("19302", oid="19302", status="SUCCESS", refund_fee="100.00")
        self.sync_all()
        note = self.credit_notes(order)
        self.assertAlmostEqual(note.amount_total, 100.0, places=2)
        # Each component at its share of the price: 30 + 2 x 10 listed -> 60 and 40.
        self.assertEqual(sorted((line.product_id.name, round(line.price_total, 2))
                                for line in note.invoice_line_ids),
                         [("Sample bag", 40.0), ("Widget A black", 60.0)])


class TestJdRefundsReachTheirLines(JdShopCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        income = credit_note_accounting(cls.env, cls.shop.company_id, "JDR", "JD sales")
        cls.env["product.category"].search([]).write(
            {"property_account_income_categ_id": income.id})

    def test_refund_of_a_shipped_sku_credits_and_marks_its_line(self):
        self.jd.upsert(orders=[jd_order(7901)])
        self.import_window()
        order = self.order_of(7901)
        picking = order.picking_ids
        picking.force_assign()
        for move in picking.move_lines:
            move.quantity_done = move.product_uom_qty
        picking.action_done()
        self.jd.set_state(7901, "WAIT_GOODS_RECEIVE_CONFIRM")
        self.jd.refund(7901, skuId=MUG_SKU, applyRefundSum=2000, status=3)
        result = self.shop.sync_refunds(utc(60), utc(0))
        self.assertFalse(result.get("error") or result["failed"], result)
        refund = self.env["ecommerce.refund"].search([("shop_id", "=", self.shop.id)])
        mug = order.order_line.filtered(lambda line: line.product_id == self.product("MUG-1"))
        self.assertEqual(refund.sale_line_id, mug)
        self.assertEqual(mug.ecommerce_refund_status, "SUCCESS")
        self.assertEqual(order.order_line.filtered(
            lambda line: line.product_id == self.product("TS-1-BK-S")).ecommerce_refund_status,
            False)
        note = refund.credit_note_id
        self.assertAlmostEqual(note.amount_total, 20.0, places=2)
        self.assertEqual(note.invoice_line_ids.product_id, self.product("MUG-1"))
        # JD says nothing of the goods: its refund of goods that left is the
        # after-sales return, prepared as a draft of the mug alone.
        returned = refund.return_picking_id
        self.assertEqual([(m.product_id.default_code, m.product_uom_qty)
                          for m in returned.move_lines], [("MUG-1", 1.0)])
        self.assertNotEqual(returned.state, "done")
        self.assertEqual(returned.location_dest_id, picking.location_id)
        # The order sync reads the order again: the line keeps its refund status.
        self.jd.set_state(7901, "FINISHED_L")
        self.shop.sync_orders()
        self.assertEqual(mug.ecommerce_refund_status, "SUCCESS")
        self.assertEqual(self.env["account.invoice"].search_count(
            [("type", "=", "out_refund"), ("origin", "=", order.name)]), 1)
        self.shop.sync_refunds(utc(60), utc(0))  # read again: one return only
        self.assertEqual(order.picking_ids.filtered(
            lambda each: each.location_id.usage == "customer"), returned)

    def test_refund_of_a_shipped_jd_pack_takes_back_its_units(self):
        """The mug sells as a pack of 3 (3只装): JD's refund after shipping
        prepares the return of 3 mugs, the T-shirts stay with the buyer."""
        self.env["ecommerce.sku.mapping"].search([
            ("shop_id", "=", self.shop.id), ("sku_id", "=", str(MUG_SKU))]).product_qty = 3
        self.jd.upsert(orders=[jd_order(7902)])
        self.import_window()
        order = self.order_of(7902)
        picking = order.picking_ids
        picking.force_assign()
        for move in picking.move_lines:
            move.quantity_done = move.product_uom_qty
        picking.action_done()
        self.jd.set_state(7902, "WAIT_GOODS_RECEIVE_CONFIRM")
        self.jd.refund(7902, skuId=MUG_SKU, applyRefundSum=2000, status=6)
        result = self.shop.sync_refunds(utc(60), utc(0))
        self.assertFalse(result.get("error") or result["failed"], result)
        refund = self.env["ecommerce.refund"].search([("shop_id", "=", self.shop.id)])
        self.assertAlmostEqual(refund.credit_note_id.amount_total, 20.0, places=2)
        returned = refund.return_picking_id
        self.assertEqual(returned.move_lines.mapped("product_id.default_code"), ["MUG-1"])
        self.assertEqual(sum(returned.move_lines.mapped("product_uom_qty")), 3.0)
        self.assertNotEqual(returned.state, "done")

    def test_jd_refund_before_shipping_prepares_no_return(self):
        self.jd.upsert(orders=[jd_order(7903)])
        self.import_window()
        order = self.order_of(7903)
        self.jd.refund(7903, skuId=MUG_SKU, applyRefundSum=2000, status=3)
        result = self.shop.sync_refunds(utc(60), utc(0))
        self.assertFalse(result.get("error") or result["failed"], result)
        refund = self.env["ecommerce.refund"].search([("shop_id", "=", self.shop.id)])
        self.assertFalse(refund.return_picking_id)
        self.assertFalse(order.picking_ids.filtered(
            lambda each: each.location_id.usage == "customer"))


class TestFailuresStayWithTheirTrade(SyncCase):

    def backlog(self, tid):
        return self.env["ecommerce.trade.backlog"].search(
            [("shop_id", "=", self.shop.id), ("tid", "=", tid)])

    def test_malformed_sub_structures_fail_their_trade_only_into_the_backlog(self):
        null_orders = tf.trade("19401", modified=tf.ago(hours=1))
        null_orders["orders"] = {"order": [None]}
        bad_promotions = tf.trade("19402", modified=tf.ago(hours=1), buyer_message="快点")
        bad_promotions["promotion_details"] = {"promotion_detail": ["满199减20"]}
        self.load(null_orders, bad_promotions, tf.trade("19403", modified=tf.ago(hours=1)))
        summary = self.shop.sync_orders()
        self.assertFalse(summary.get("error"), summary)
        self.assertEqual(self.orders().mapped("ecommerce_tid"), ["19403"])
        self.assertEqual(sorted(f["tid"] for f in summary["failed"]), ["19401", "19402"])
        self.assertTrue(self.backlog("19401"))
        self.assertEqual([(b.num_iid, b.qty) for b in self.backlog("19402")],
                         [(str(tf.NUM_IID), 1.0)])
        self.assertEqual(self.shop.health_trades_refused, 2)
        self.assertEqual(sorted(self.shop._trades_to_retry()), ["19401", "19402"])
        # The watermark moved on: the backlog, not the window, keeps the two.
        self.assertGreater(self.shop.order_sync_watermark,
                           fields.Datetime.to_string(self.now - timedelta(hours=2)))

    def test_a_refused_detail_read_fails_the_trade_with_a_backlog_row(self):
        self.load(tf.trade("19411", modified=tf.ago(hours=1), buyer_message="周末送"),
                  tf.trade("19412", modified=tf.ago(hours=1)))
        adapter = type(self.shop._get_adapter())
        original = adapter.trade_detail

        def refuse(self, tid):
            if tid == "19411":
                raise RefusedError("isv.permission-denied", platform="taobao",
                                   reason="no permission to read this trade")
            return original(self, tid)

        with patch.object(adapter, "trade_detail", refuse):
            summary = self.shop.sync_orders()
        self.assertEqual(self.orders().mapped("ecommerce_tid"), ["19412"])
        self.assertEqual([f["tid"] for f in summary["failed"]], ["19411"])
        self.assertIn("isv.permission-denied", summary["failed"][0]["reason"])
        self.assertEqual(self.backlog("19411").num_iid, str(tf.NUM_IID))
        self.assertEqual(self.shop.health_trades_refused, 1)
        # Retried once the platform answers: imported, and out of the backlog.
        self.assertEqual(len(self.import_window(tids=["19411"])["created"]), 1)
        self.assertFalse(self.backlog("19411"))
