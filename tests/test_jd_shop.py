# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""A JD shop does what a Taobao shop does (issue 14): wares, orders, background
sync, stock, shipments and refunds, through the shop's public methods against
the JD sandbox, checked as a seller would check them."""
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlparse

import requests

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import common

from .common import EcommerceRpcCase
from .jd_common import JD_APP_KEY, JD_TOKEN, JdSandbox, beijing, jd_shop_vals

TSHIRT, MUG = 30001, 30002
BLACK_S, BLACK_M, MUG_SKU = 300011, 300012, 300021


TSHIRTS = 1349  # JD leaf category
# What jingdong.category.read.findAttrsByCategoryIdUnlimitCate answers for it.
JD_CATEGORIES = {str(TSHIRTS): [{"id": 1000000041, "name": "颜色", "attributeType": 4},
                                {"id": 1000000046, "name": "尺码", "attributeType": 4}]}


def sale_attr(attr_id, value_id, value, index):
    """A sale attribute as JD's SKU answers give it: ids and values, no name."""
    return {"attrId": attr_id, "attrValues": [value_id], "attrValueAlias": [value],
            "index": index}


def jd_wares():
    """A T-shirt in two sizes (merchant codes per SKU) and a mug without sale attributes."""
    color = sale_attr("1000000041", "1500001", "黑色", 1)
    sizes = [("1600001", "S", "59.00"), ("1600002", "M", "64.00")]
    tshirt = {"wareId": TSHIRT, "title": "纯棉T恤", "categoryId": TSHIRTS, "itemNum": "TS-1",
              "wareStatus": 8,
              "jdPrice": "59.00", "modified": beijing(60), "skus": [
                  {"skuId": sku_id, "outerId": "TS-1-BK-%s" % size, "status": 1,
                   "jdPrice": price, "stockNum": 5, "modified": beijing(60),
                   "saleAttrs": [color, sale_attr("1000000046", value_id, size, 2)]}
                  for sku_id, (value_id, size, price) in zip((BLACK_S, BLACK_M), sizes)]}
    mug = {"wareId": MUG, "title": "陶瓷马克杯", "itemNum": "MUG-1", "wareStatus": 2,
           "jdPrice": "20.00", "modified": beijing(30), "skus": [
               {"skuId": MUG_SKU, "outerId": "MUG-1", "status": 1, "jdPrice": "20.00",
                "stockNum": 5, "saleAttrs": [], "modified": beijing(30)}]}
    return [tshirt, mug]


def jd_order(order_id, state="WAIT_SELLER_STOCK_OUT", minutes_ago=20, **fields):
    """Two black S T-shirts and a mug, 10.00 freight, a 5.00 JD coupon: 143.00 paid."""
    order = {
        "orderId": str(order_id), "venderId": "10086001", "orderType": "22",
        "orderTotalPrice": "138.00", "orderSellerPrice": "138.00", "orderPayment": "143.00",
        "freightPrice": "10.00", "sellerDiscount": "0.00", "orderState": state,
        "orderRemark": "", "venderRemark": "", "orderStartTime": beijing(minutes_ago),
        "paymentConfirmTime": beijing(minutes_ago - 1), "modified": beijing(minutes_ago - 2),
        "consigneeInfo": {"fullname": "吴**", "telephone": "", "mobile": "186*****0987",
                          "fullAddress": "广东 深圳市 南山区 科技园***号", "province": "广东",
                          "city": "深圳市", "county": "南山区", "town": ""},
        "itemInfoList": [
            {"skuId": str(BLACK_S), "outerSkuId": "TS-1-BK-S", "skuName": "纯棉T恤 黑色 S",
             "jdPrice": "59.00", "itemTotal": "2", "wareId": str(TSHIRT)},
            {"skuId": str(MUG_SKU), "outerSkuId": "MUG-1", "skuName": "陶瓷马克杯",
             "jdPrice": "20.00", "itemTotal": "1", "wareId": str(MUG)}],
        "couponDetailList": [{"orderId": str(order_id), "couponType": "41-京东券优惠",
                              "couponPrice": "5.00"}],
        "pin": "jd_buyer_%s" % order_id,
    }
    order.update(fields)
    return order


def utc(minutes_ago=0):
    moment = datetime.utcnow().replace(microsecond=0) - timedelta(minutes=minutes_ago)
    return fields.Datetime.to_string(moment)


@common.at_install(False)
@common.post_install(True)
class JdShopCase(common.SavepointCase):
    """A JD shop on the JD sandbox, its wares imported."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.jd = JdSandbox()
        cls.jd.reset(wares=jd_wares(), category_attrs=JD_CATEGORIES)
        cls.shop = cls.env["ecommerce.shop"].create(jd_shop_vals())
        cls.imported = cls.shop.import_platform_items()
        cls.shop.write({"order_sync_last_success": fields.Datetime.now(),
                        "order_unshipped_pass_last": fields.Datetime.now(),
                        "order_sync_error": False})

    def setUp(self):
        super().setUp()
        self.jd.reset(wares=jd_wares(), category_attrs=JD_CATEGORIES)

    def product(self, code):
        return self.env["product.product"].search([("default_code", "=", code)])

    def order_of(self, order_id):
        return self.env["sale.order"].search([("ecommerce_shop_id", "=", self.shop.id),
                                              ("ecommerce_tid", "=", str(order_id))])

    def import_window(self, status="WAIT_SELLER_SEND_GOODS"):
        return self.shop.import_orders(utc(120), utc(0), status)

    def calls(self):
        return self.jd.stats()["calls"]


class TestJdConnectionAndItems(JdShopCase):

    def test_connection_and_expired_token(self):
        self.assertEqual(self.shop.test_connection()["ok"], True)
        self.assertEqual(self.shop.connection_status, "ok")
        self.jd.expire_session()
        result = self.shop.test_connection()
        self.assertEqual((result["ok"], result["family"]), (False, "session"))
        self.assertIn("authorize the shop again", result["message"])
        self.assertNotIn("jdtoken", result["message"])

    def test_search_lists_wares_with_sku_counts(self):
        found = self.shop.search_platform_items()["items"]
        self.assertEqual({(r["num_iid"], r["outer_id"], r["sku_count"], r["imported"])
                          for r in found},
                         {(str(TSHIRT), "TS-1", 2, True), (str(MUG), "MUG-1", 1, True)})
        only = self.shop.search_platform_items(name="马克杯")["items"]
        self.assertEqual([r["num_iid"] for r in only], [str(MUG)])

    def test_import_makes_variants_with_merchant_codes(self):
        self.assertEqual((self.imported["templates_created"], self.imported["variants_created"],
                          self.imported["errors"]), (2, 3, []))
        small, medium = self.product("TS-1-BK-S"), self.product("TS-1-BK-M")
        self.assertEqual(small.product_tmpl_id, medium.product_tmpl_id)
        self.assertEqual(small.product_tmpl_id.name, "纯棉T恤")
        self.assertEqual(sorted(medium.attribute_value_ids.mapped("name")), ["M", "黑色"])
        # JD's SKUs name no attribute: the names come from the category's attributes.
        self.assertEqual(sorted(medium.attribute_value_ids.mapped("attribute_id.name")),
                         ["尺码", "颜色"])
        self.assertEqual((small.lst_price, medium.lst_price), (59.0, 64.0))
        mug = self.product("MUG-1")
        self.assertFalse(mug.attribute_value_ids)
        mappings = self.env["ecommerce.sku.mapping"].search([("shop_id", "=", self.shop.id)])
        self.assertEqual(sorted((m.num_iid, m.sku_id, m.product_id.default_code)
                                for m in mappings),
                         [(str(TSHIRT), str(BLACK_S), "TS-1-BK-S"),
                          (str(TSHIRT), str(BLACK_M), "TS-1-BK-M"),
                          (str(MUG), str(MUG_SKU), "MUG-1")])
        again = self.shop.import_platform_items(num_iids=[str(TSHIRT), "999"])
        self.assertEqual((again["templates_created"], again["variants_created"],
                          again["updated"]), (0, 0, 0))
        self.assertEqual([e["num_iid"] for e in again["errors"]], ["999"])


class TestJdOrders(JdShopCase):

    def test_missing_check_and_import_of_a_paid_order(self):
        self.jd.upsert(orders=[jd_order(7101), jd_order(7102, "TRADE_CANCELED")])
        missing = self.shop.check_missing_orders(utc(120), utc(0), details=True)
        self.assertEqual(missing["missing"], ["7101"])
        self.assertEqual(missing["trades"][0]["payment"], "143.00")
        calls = self.calls()
        result = self.import_window()
        order = self.order_of(7101)
        self.assertEqual(result["created"], order.ids)
        # JD's search answers every field: one call lists and imports the order.
        self.assertEqual(self.calls() - calls, 1)
        self.assertEqual((order.name, order.state, order.amount_total), ("JD7101", "sale", 143.0))
        self.assertEqual(order.partner_id.name, "jd_buyer_7101")
        address = order.partner_shipping_id
        self.assertEqual((address.name, address.mobile, address.street),
                         ("吴**", "186*****0987", "广东 深圳市 南山区 科技园***号"))
        lines = {line.product_id.default_code or line.product_id.name:
                 (line.product_uom_qty, line.price_total) for line in order.order_line}
        self.assertEqual(lines["TS-1-BK-S"], (2.0, 118.0))
        self.assertEqual(lines["MUG-1"], (1.0, 20.0))
        self.assertEqual(lines[self.shop.postage_product_id.default_code
                               or self.shop.postage_product_id.name], (1.0, 10.0))
        self.assertEqual(len(order.order_line), 4)  # goods, postage, JD coupon
        self.assertEqual(self.shop.check_missing_orders(utc(120), utc(0))["imported"], ["7101"])

    def test_remarks_locked_and_paused_orders_are_held(self):
        self.jd.upsert(orders=[jd_order(7201, orderRemark="请尽快发货"),
                               jd_order(7202, "LOCKED"), jd_order(7203, "POP_ORDER_PAUSE")])
        self.shop.import_orders(utc(120), utc(0), None)
        for order_id in (7201, 7202, 7203):
            order = self.order_of(order_id)
            self.assertTrue(order.ecommerce_review_needed, order_id)
            self.assertEqual(order.state, "draft", order_id)
            self.assertFalse(order.picking_ids, order_id)
        # JD unlocks the order (refund refused): the background sync releases it.
        self.jd.set_state(7202, "WAIT_SELLER_STOCK_OUT")
        summary = self.shop.sync_orders()
        self.assertFalse(summary.get("error"), summary)
        locked = self.order_of(7202)
        self.assertEqual(locked.state, "sale")
        self.assertFalse(locked.ecommerce_review_needed)
        self.assertEqual(self.order_of(7203).state, "draft")

    def test_jd_words_filter_the_api_and_each_order_keeps_its_jd_state(self):
        self.jd.upsert(orders=[jd_order(7211), jd_order(7212, "LOCKED"),
                               jd_order(7213, "POP_ORDER_PAUSE")])
        missing = self.shop.check_missing_orders(utc(120), utc(0), "WAIT_SELLER_STOCK_OUT",
                                                 details=True)
        self.assertEqual(missing["missing"], ["7211"])
        self.assertEqual((missing["trades"][0]["status"], missing["trades"][0]["platform_status"]),
                         ("WAIT_SELLER_SEND_GOODS", "WAIT_SELLER_STOCK_OUT"))
        self.assertEqual(self.shop.check_missing_orders(utc(120), utc(0), "LOCKED")["missing"],
                         ["7212"])
        # The neutral word still works, and stands for both JD pauses.
        self.assertEqual(sorted(self.shop.check_missing_orders(
            utc(120), utc(0), "PAID_FORBID_CONSIGN")["missing"]), ["7212", "7213"])
        result = self.shop.import_orders(utc(120), utc(0), "POP_ORDER_PAUSE")
        self.assertEqual(result["created"], self.order_of(7213).ids)
        self.shop.import_orders(utc(120), utc(0), "LOCKED")
        states = {o: (self.order_of(o).ecommerce_status, self.order_of(o).ecommerce_native_status)
                  for o in (7212, 7213)}
        self.assertEqual(states, {7212: ("PAID_FORBID_CONSIGN", "LOCKED"),
                                  7213: ("PAID_FORBID_CONSIGN", "POP_ORDER_PAUSE")})
        found = self.env["sale.order"].search([("ecommerce_shop_id", "=", self.shop.id),
                                               ("ecommerce_native_status", "=", "LOCKED")])
        self.assertEqual(found, self.order_of(7212))
        # JD moves the lock to a pause: the neutral status stays, the order follows.
        self.jd.set_state(7212, "POP_ORDER_PAUSE")
        self.assertFalse(self.shop.sync_orders().get("error"))
        self.assertEqual(self.order_of(7212).ecommerce_native_status, "POP_ORDER_PAUSE")
        self.assertIn("LOCKED → POP_ORDER_PAUSE", self.order_of(7212).message_ids[0].body)
        with self.assertRaises(UserError) as caught:
            self.shop.check_missing_orders(utc(120), utc(0), "TRADE_NO_CREATE_PAY")
        self.assertIn("WAIT_SELLER_STOCK_OUT", caught.exception.name)

    def test_wizard_checks_a_jd_state_and_lists_jd_words(self):
        self.jd.upsert(orders=[jd_order(7221, "LOCKED"), jd_order(7222, "POP_ORDER_PAUSE")])
        wizard = self.env["ecommerce.order.import.wizard"].create({
            "shop_id": self.shop.id, "status": "LOCKED", "date_from": utc(120),
            "date_to": utc(0)})
        wizard.action_check_missing()
        self.assertEqual([(line.tid, line.status) for line in wizard.line_ids],
                         [("7221", "LOCKED")])
        wizard.write({"status": "PAID_FORBID_CONSIGN"})
        wizard.action_check_missing()
        self.assertEqual(sorted((line.tid, line.status) for line in wizard.line_ids),
                         [("7221", "LOCKED"), ("7222", "POP_ORDER_PAUSE")])

    def test_background_sync_imports_by_modified_time_and_moves_the_watermark(self):
        self.jd.upsert(orders=[jd_order(7301), jd_order(7302, minutes_ago=50)])
        summary = self.shop.sync_orders()
        self.assertEqual(sorted(self.order_of(o).name for o in (7301, 7302)),
                         ["JD7301", "JD7302"])
        self.assertFalse(summary.get("error"))
        self.assertGreaterEqual(self.shop.order_sync_watermark, utc(1))
        # Cancelled on JD before shipping: the next sync cancels the order.
        self.jd.set_state(7301, "TRADE_CANCELED")
        self.shop.sync_orders()
        self.assertEqual(self.order_of(7301).state, "cancel")


class TestJdStockShipmentRefund(JdShopCase):

    def test_stock_push_one_call_per_changed_sku(self):
        stock = self.shop.warehouse_id.lot_stock_id
        self.env["stock.quant"]._update_available_quantity(self.product("TS-1-BK-S"), stock, 7)
        self.env["stock.quant"]._update_available_quantity(self.product("MUG-1"), stock, 3)
        result = self.shop.push_stock()
        self.assertEqual(result["errors"], [])
        self.assertEqual(self.jd.sku_stock(), {BLACK_S: 7, BLACK_M: 0, MUG_SKU: 3})
        self.assertEqual(result["api_calls"], 3)
        self.assertEqual(self.shop.push_stock()["api_calls"], 0)  # nothing changed

    def test_shipment_reports_carrier_and_waybill(self):
        self.jd.upsert(orders=[jd_order(7401)])
        self.import_window()
        order = self.order_of(7401)
        self.shop.action_fetch_logistics_companies()
        sf = self.env["ecommerce.logistics.company"].search(
            [("platform", "=", "jd"), ("code", "=", "467")])
        self.assertEqual(sf.name, "顺丰快递")
        fee = self.env["product.product"].create({"name": "Postage", "type": "service"})
        carrier = self.env["delivery.carrier"].create({
            "name": "SF", "product_id": fee.id, "ecommerce_company_ids": [(6, 0, sf.ids)]})
        picking = order.picking_ids
        picking.write({"carrier_id": carrier.id, "carrier_tracking_ref": "SF1234567890"})
        picking.force_assign()
        for move in picking.move_lines:
            move.quantity_done = move.product_uom_qty
        picking.action_done()
        self.shop.send_shipments(picking_ids=picking.ids)
        self.assertEqual(picking.ecommerce_shipment_state, "sent",
                         picking.ecommerce_shipment_reason)
        jd_order_now = self.jd.order(7401)
        self.assertEqual((jd_order_now["orderState"], jd_order_now["logisticsId"],
                          jd_order_now["waybill"]),
                         ("WAIT_GOODS_RECEIVE_CONFIRM", "467", "SF1234567890"))

    def test_refund_application_is_read_in_yuan(self):
        self.jd.upsert(orders=[jd_order(7501)])
        self.import_window()
        self.jd.refund(7501, applyRefundSum=14300)
        result = self.shop.sync_refunds(utc(60), utc(0))
        self.assertFalse(result.get("error"), result)
        refund = self.env["ecommerce.refund"].search([("shop_id", "=", self.shop.id)])
        self.assertEqual(len(refund), 1)
        self.assertEqual((refund.tid, refund.refund_fee), ("7501", 143.0))


class TestJdRpc(EcommerceRpcCase):
    """The items and orders API of a JD shop over real XML-RPC."""

    def test_import_wares_and_orders_over_xmlrpc(self):
        jd = JdSandbox()
        jd.reset(wares=jd_wares(), orders=[jd_order(7601)], category_attrs=JD_CATEGORIES)
        shop_id = self.rpc("admin", "ecommerce.shop", "create", jd_shop_vals(code="JDR"))
        result = self.rpc("admin", "ecommerce.shop", "import_platform_items", [shop_id])
        self.assertEqual((result["templates_created"], result["errors"]), (2, []))
        orders = self.rpc("admin", "ecommerce.shop", "import_orders", [shop_id],
                          utc(120), utc(0))
        self.assertEqual(len(orders["created"]), 1, orders)
        order = self.rpc("admin", "sale.order", "read", orders["created"],
                         ["name", "amount_total", "state"])[0]
        self.assertEqual((order["name"], order["amount_total"], order["state"]),
                         ("JDR7601", 143.0, "sale"))

    def test_seller_authorises_the_jd_shop(self):
        """Authorize -> JD's login page -> Odoo callback -> the shop holds JD's token."""
        JdSandbox().reset(wares=jd_wares())
        self.rpc("admin", "ir.config_parameter", "set_param", "web.base.url",
                 "http://%s:%s" % (common.HOST, common.PORT))
        shop_id = self.rpc("admin", "ecommerce.shop", "create",
                           jd_shop_vals(code="JDA", session_key=False))
        self.authenticate("admin", "admin")
        action = self.rpc("admin", "ecommerce.shop", "action_authorize", [shop_id])
        query = parse_qs(urlparse(action["url"]).query)
        self.assertEqual((query["app_key"], query["response_type"]), ([JD_APP_KEY], ["code"]))
        login = requests.get(action["url"], allow_redirects=False, timeout=10)
        self.assertEqual(login.status_code, 302, login.text)
        answer = self.opener.get(login.headers["Location"], timeout=30, allow_redirects=False)
        self.assertEqual(answer.status_code, 302, answer.text)
        self.assertIn("/web#id=%d&model=ecommerce.shop" % shop_id, answer.headers["Location"])
        shop = self.rpc("admin", "ecommerce.shop", "read", [shop_id], [
            "session_key", "platform_user_id", "can_refresh"])[0]
        self.assertNotIn(shop["session_key"], (False, JD_TOKEN))
        self.assertEqual((shop["platform_user_id"], shop["can_refresh"]), ("10086001", True))
        self.assertTrue(self.rpc("admin", "ecommerce.shop", "test_connection", [shop_id])["ok"])
        self.assertTrue(self.rpc("admin", "ecommerce.shop", "refresh_session", [shop_id]))
        new_key = self.rpc("admin", "ecommerce.shop", "read", [shop_id],
                           ["session_key"])[0]["session_key"]
        self.assertNotEqual(new_key, shop["session_key"])
        self.assertTrue(self.rpc("admin", "ecommerce.shop", "test_connection", [shop_id])["ok"])
