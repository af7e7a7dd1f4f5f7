# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Deadlines, presale and cash on delivery on the order desk (issue 23), over
XML-RPC against the TOP and JD sandboxes: the platform's ship-by time reaches the
order and its delivery, the shop counts what is due soon and late, a presale
waits for its final payment, a COD trade ships with the online send."""
import time
from datetime import datetime, timedelta

from odoo import fields

from . import trade_factory as tf
from .jd_common import JdSandbox, jd_shop_vals
from .test_jd_shop import JD_CATEGORIES, jd_order, jd_wares, utc
from .test_order_desk import DeskCase

WAYBILL = "SF1234567890"


def utc_str(**delta):
    return fields.Datetime.to_string(datetime.utcnow().replace(microsecond=0) + timedelta(
        **delta))


class TestTaobaoDeadlines(DeskCase):

    def setUp(self):
        super().setUp()
        self.shop_id = self.create_shop(order_sync_watermark=utc(180),
                                        order_check_last=utc(0))
        product = self.rpc("admin", "product.product", "create", {
            "name": "Widget A black", "type": "product", "default_code": "WA-01-S"})
        self.rpc("admin", "ecommerce.sku.mapping", "create", {
            "shop_id": self.shop_id, "num_iid": str(tf.NUM_IID), "sku_id": tf.SKU_ID,
            "product_id": product})
        self.stock(product, 50)

    def sync(self):
        result = self.rpc("admin", "ecommerce.shop", "sync_orders", [self.shop_id])
        self.assertFalse(result.get("failed"), result)
        return result

    def order_of(self, tid, extra=()):
        ids = self.rpc("admin", "sale.order", "search", [
            ("ecommerce_shop_id", "=", self.shop_id), ("ecommerce_tid", "=", tid)])
        return self.rpc("admin", "sale.order", "read", ids, ORDER + list(extra))[0]

    def test_ship_by_reaches_order_and_delivery_and_the_shop_counts_due_and_late(self):
        self.sandbox.reset(trades=[
            tf.trade("2401", delivery_time=tf.ago(hours=-2)),           # due in 2 h
            tf.trade("2402", created=tf.ago(hours=2), modified=tf.ago(minutes=30),
                     delivery_time=tf.ago(hours=1)),                     # late
            tf.trade("2403")])                                           # shop: 48 h
        self.sync()
        due, late, plain = (self.order_of(t) for t in ("2401", "2402", "2403"))
        self.assertAlmostEqualTime(due["ecommerce_ship_by"], utc_str(hours=2))
        self.assertAlmostEqualTime(late["ecommerce_ship_by"], utc_str(hours=-1))
        self.assertAlmostEqualTime(plain["ecommerce_ship_by"], utc_str(hours=46))
        picking = self.rpc("admin", "stock.picking", "read", due["picking_ids"],
                           ["ecommerce_ship_by"])[0]
        self.assertEqual(picking["ecommerce_ship_by"], due["ecommerce_ship_by"])
        counts = self.rpc("admin", "ecommerce.shop", "desk_deadline_counts", [self.shop_id])
        self.assertEqual(counts, {"due_soon": 1, "late": 1, "warning_hours": 6})
        [shop] = self.rpc("admin", "ecommerce.shop", "read", [self.shop_id],
                          ["desk_due_soon_count", "desk_late_count"])
        self.assertEqual((shop["desk_due_soon_count"], shop["desk_late_count"]), (1, 1))
        # A longer warning time: the 48 h promise is due soon too.
        self.rpc("admin", "ecommerce.shop", "write", [self.shop_id], {"desk_warning_hours": 50})
        counts = self.rpc("admin", "ecommerce.shop", "desk_deadline_counts", [self.shop_id])
        self.assertEqual((counts["due_soon"], counts["late"]), (2, 1))
        # The desk lists the earliest due first.
        self.rpc("admin", "sale.order", "ecommerce_desk_hold",
                 [due["id"], late["id"], plain["id"]], "盘点")
        listed = self.rpc("admin", "sale.order", "search", [
            ("ecommerce_review_needed", "=", True)], order="ecommerce_ship_by")
        self.assertEqual(listed, [late["id"], due["id"], plain["id"]])

    def assertAlmostEqualTime(self, value, expected, seconds=120):
        delta = fields.Datetime.from_string(value) - fields.Datetime.from_string(expected)
        self.assertLessEqual(abs(delta.total_seconds()), seconds, (value, expected))

    def test_presale_waits_for_its_final_payment_then_ships_by_its_send_time(self):
        send_time = tf.ago(hours=-72)
        presale = tf.trade("2411", type="step", status="WAIT_BUYER_PAY",
                           step_trade_status="FRONT_PAID_FINAL_NOPAID", send_time=send_time,
                           modified=tf.ago(minutes=20))
        self.sandbox.reset(trades=[presale])
        self.sync()
        order = self.order_of("2411")
        self.assertEqual((order["state"], order["ecommerce_hold_codes"]), ("draft", "presale"))
        self.assertIn("final payment", order["ecommerce_review_reason"])
        answer = self.rpc("admin", "sale.order", "ecommerce_desk_confirm", [order["id"]])
        self.assertEqual(answer["still_held"], [order["id"]])
        time.sleep(1)
        paid = dict(presale, status="WAIT_SELLER_SEND_GOODS",
                    step_trade_status="FRONT_PAID_FINAL_PAID", modified=tf.ago(minutes=0))
        self.sandbox.upsert(trades=[paid])
        self.rpc("admin", "ecommerce.shop", "write", [self.shop_id],
                 {"order_check_last": utc(0)})
        self.sync()
        order = self.order_of("2411")
        self.assertEqual(order["state"], "sale")
        self.assertFalse(order["ecommerce_hold_codes"])
        self.assertAlmostEqualTime(order["ecommerce_ship_by"], utc_str(hours=72))
        self.assertEqual(len(order["picking_ids"]), 1)

    def test_cash_on_delivery_ships_with_the_online_send(self):
        self.rpc("admin", "ecommerce.shop", "action_fetch_logistics_companies", [self.shop_id])
        sf_ids = self.rpc("admin", "ecommerce.logistics.company", "search",
                          [("code", "=", "SF"), ("platform", "=", "taobao")])
        carrier = self.rpc("admin", "delivery.carrier", "create", {
            "name": "SF Express", "ecommerce_company_ids": [(6, 0, sf_ids)],
            "product_id": self.rpc("admin", "product.product", "create",
                                   {"name": "Postage", "type": "service"})})
        self.sandbox.reset(trades=[tf.trade("2421", type="cod")])
        self.sync()
        order = self.order_of("2421", ["ecommerce_cod"])
        self.assertTrue(order["ecommerce_cod"])
        self.rpc("admin", "sale.order", "ecommerce_desk_set_carrier", [order["id"]], carrier)
        [picking_id] = order["picking_ids"]
        self.rpc("admin", "stock.picking", "write", [picking_id],
                 {"carrier_tracking_ref": WAYBILL})
        moves = self.rpc("admin", "stock.move", "search_read",
                         [("picking_id", "=", picking_id)], ["product_uom_qty"])
        for move in moves:
            self.rpc("admin", "stock.move", "write", [move["id"]],
                     {"quantity_done": move["product_uom_qty"]})
        self.rpc("admin", "stock.picking", "action_done", [picking_id])
        result = self.rpc("admin", "ecommerce.shop", "send_shipments", [self.shop_id])
        self.assertEqual(result["sent"], ["2421"], result)
        trade = self.sandbox.trade("2421")
        self.assertEqual(trade["status"], "WAIT_BUYER_CONFIRM_GOODS")
        self.assertEqual(trade["orders"]["order"][0]["invoice_no"], WAYBILL)


ORDER = ["state", "ecommerce_hold_codes", "ecommerce_review_reason", "ecommerce_ship_by",
         "picking_ids"]


class TestJdDeadlines(DeskCase):

    def test_jd_cod_order_and_the_shops_own_promise(self):
        jd = JdSandbox()
        jd.reset(wares=jd_wares(), orders=[jd_order(2431, payType="1")],
                 category_attrs=JD_CATEGORIES)
        shop_id = self.rpc("admin", "ecommerce.shop", "create",
                           jd_shop_vals(code="JDL", desk_ship_hours=24))
        self.rpc("admin", "ecommerce.shop", "import_platform_items", [shop_id])
        [order_id] = self.rpc("admin", "ecommerce.shop", "import_orders", [shop_id],
                              utc(120), utc(0))["created"]
        order = self.rpc("admin", "sale.order", "read", [order_id],
                         ["ecommerce_cod", "ecommerce_ship_by", "date_order"])[0]
        self.assertTrue(order["ecommerce_cod"])
        placed = fields.Datetime.from_string(order["date_order"])
        self.assertEqual(fields.Datetime.from_string(order["ecommerce_ship_by"]),
                         placed + timedelta(hours=24))
