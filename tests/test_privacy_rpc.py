# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Masked buyers (issue 21): Odoo stores the mask and the OAID, never the plaintext,
and reveals a receiver only to a Privacy Viewer, counted and logged, over XML-RPC."""
from datetime import datetime, timedelta

from psycopg2 import sql

from . import trade_factory as tf
from .common import EcommerceRpcCase
from .jd_common import JdSandbox, jd_shop_vals
from .test_jd_shop import jd_order, jd_wares, utc

FMT = "%Y-%m-%d %H:%M:%S"
VIEWER = ["ecommerce_sync.group_ecommerce_user", "ecommerce_sync.group_ecommerce_privacy_viewer"]
CHEN = dict(tf.ADDRESS, receiver_name="陈明", receiver_mobile="13812341234",
            receiver_address="文三路90号")
# Another receiver whose name, mobile and street mask exactly as CHEN's.
CHEN_LIANG = dict(CHEN, receiver_name="陈亮", receiver_mobile="13912341234",
                  receiver_address="文三路12号")
PLAINTEXT = ("陈明", "陈亮", "13812341234", "13912341234", "文三路90号", "文三路12号",
             "tb_chen", "tb_chan", "王小明", "13900005678", "科技园88号")
# Tables a receiver could end up in: contacts, orders, deliveries, chatter, logs, wizards.
SCANNED = ("res_partner", "sale_order", "stock_picking", "mail_message",
           "ecommerce_privacy_log", "ecommerce_privacy_reveal_wizard", "ecommerce_sync_log_line")


class PrivacyCase(EcommerceRpcCase):

    def setUp(self):
        super().setUp()
        self.sandbox.privacy(masked=True, decrypt_quota=1000)
        self.addCleanup(self.sandbox.privacy, masked=False, decrypt_quota=1000)
        self.shop_id = self.create_shop(code="PV")
        product_id = self.rpc("admin", "product.product", "create", {
            "name": "Widget A black", "type": "product", "default_code": "WA-01-S"})
        self.rpc("admin", "ecommerce.sku.mapping", "create", {
            "shop_id": self.shop_id, "num_iid": str(tf.NUM_IID), "sku_id": tf.SKU_ID,
            "product_id": product_id})
        now = datetime.utcnow()
        self.window = {"date_from": (now - timedelta(days=10)).strftime(FMT),
                       "date_to": (now + timedelta(minutes=1)).strftime(FMT)}

    def import_trades(self, *trades):
        self.sandbox.reset(trades=list(trades))
        summary = self.rpc("admin", "ecommerce.shop", "import_orders", [self.shop_id],
                           **self.window)
        self.assertEqual(summary["failed"], [])
        orders = self.rpc("admin", "sale.order", "search_read",
                          [("id", "in", summary["created"])],
                          ["ecommerce_tid", "partner_id", "partner_shipping_id", "picking_ids"])
        return {o["ecommerce_tid"]: o for o in orders}

    def contact(self, partner):
        return self.rpc("admin", "res.partner", "read", [partner[0]], [
            "name", "mobile", "street", "city", "ecommerce_oaid"])[0]

    def assertNoPlaintext(self):
        """No plaintext of the sandbox's receivers in any row of the scanned tables."""
        cr = self.registry.test_cr
        for table in SCANNED:
            cr.execute(sql.SQL("SELECT row_to_json(t)::text FROM {} t").format(
                sql.Identifier(table)))
            dump = "\n".join(row[0] for row in cr.fetchall())
            hits = [text for text in PLAINTEXT if text in dump]
            self.assertEqual(hits, [], "plaintext in %s" % table)

    def reveal(self, login, order_id, scene="manual_waybill", model="sale.order"):
        return self.rpc(login, model, "ecommerce_reveal_receiver", [order_id], scene)

    def logs(self):
        return self.rpc("admin", "ecommerce.privacy.log", "search_read", [], [
            "user_id", "tid", "scene", "result_code", "revealed", "reported"], order="id")


class TestMaskedImport(PrivacyCase):

    def test_masked_receivers_are_stored_masked_and_keyed_by_oaid(self):
        today, week_ago = tf.ago(hours=2), tf.ago(days=8)
        orders = self.import_trades(
            tf.trade("7001", buyer_nick="tb_chen", address=CHEN, created=today),
            tf.trade("7002", buyer_nick="tb_chen", address=CHEN_LIANG, created=today),
            tf.trade("7003", buyer_nick="tb_chen", address=CHEN, created=today),
            tf.trade("7004", buyer_nick="tb_chen", address=CHEN, created=week_ago),
            tf.trade("7005", buyer_nick="tb_chan", address=CHEN, created=today))
        chen = self.contact(orders["7001"]["partner_shipping_id"])
        self.assertEqual((chen["name"], chen["mobile"], chen["city"]),
                         ("陈*", "*******1234", "杭州市"))
        self.assertIn("文三路**号", chen["street"])
        self.assertTrue(chen["ecommerce_oaid"])
        # Same mask, another receiver: another delivery address of the same buyer.
        liang = self.contact(orders["7002"]["partner_shipping_id"])
        self.assertEqual((liang["name"], liang["street"]), (chen["name"], chen["street"]))
        self.assertNotEqual(orders["7002"]["partner_shipping_id"][0], chen["id"])
        self.assertNotEqual(liang["ecommerce_oaid"], chen["ecommerce_oaid"])
        # Same receiver the same week: the same address; a week apart: the platform's
        # second oaid, another address, still the same customer.
        self.assertEqual(orders["7003"]["partner_shipping_id"][0], chen["id"])
        self.assertNotEqual(orders["7004"]["partner_shipping_id"][0], chen["id"])
        self.assertEqual({orders[t]["partner_id"][0] for t in ("7001", "7002", "7003", "7004")},
                         {orders["7001"]["partner_id"][0]})
        # tb_chan masks as tb_chen (t**n): the platform's buyer id keeps them apart.
        self.assertNotEqual(orders["7005"]["partner_id"][0], orders["7001"]["partner_id"][0])
        self.assertEqual(orders["7005"]["partner_id"][1], "t**n")
        # The platform says which open trades go to one receiver: one parcel, also
        # for the trade a week apart (another oaid).
        groups = {o["ecommerce_tid"]: o["ecommerce_receiver_group"] for o in self.rpc(
            "admin", "sale.order", "search_read", [("ecommerce_shop_id", "=", self.shop_id)],
            ["ecommerce_tid", "ecommerce_receiver_group"])}
        same = "7001,7003,7004,7005"
        self.assertEqual(groups, {"7001": same, "7003": same, "7004": same, "7005": same,
                                  "7002": False})
        self.assertEqual(self.sandbox.stats()["by_method"]["taobao.top.oaid.merge"], 1)
        self.assertNoPlaintext()

    def test_plain_receivers_still_work_as_before(self):
        self.sandbox.privacy(masked=False)
        orders = self.import_trades(tf.trade("7011", address=CHEN))
        contact = self.contact(orders["7011"]["partner_shipping_id"])
        self.assertEqual((contact["name"], contact["ecommerce_oaid"]), ("陈明", False))


class TestReveal(PrivacyCase):

    def setUp(self):
        super().setUp()
        self.create_user("viewer", VIEWER)
        self.create_user("clerk", ["ecommerce_sync.group_ecommerce_user"])
        self.create_user("boss", ["ecommerce_sync.group_ecommerce_manager"])
        orders = self.import_trades(tf.trade("7101", buyer_nick="tb_chen", address=CHEN))
        self.order = orders["7101"]

    def test_viewer_reveals_counted_logged_nothing_stored(self):
        for login in ("clerk", "boss"):  # off by default, even for managers
            self.assertRpcAccessError(login, "sale.order", "ecommerce_reveal_receiver",
                                      [self.order["id"]], "manual_waybill")
        self.assertEqual(self.sandbox.privacy()["decrypts_today"], 0)
        answer = self.reveal("viewer", self.order["id"])
        self.assertTrue(answer["ok"], answer)
        receiver = answer["receiver"]
        self.assertEqual((receiver["name"], receiver["mobile"], receiver["address"]),
                         ("陈明", "13812341234", "文三路90号"))
        picking = self.reveal("viewer", self.order["picking_ids"][0], "after_sales",
                              model="stock.picking")
        self.assertEqual(picking["receiver"]["name"], "陈明")
        platform = self.sandbox.privacy()
        self.assertEqual(platform["decrypts_today"], 2)
        self.assertEqual([b["scene"] for b in platform["bills"]], ["1006", "2001"])
        logs = self.logs()
        self.assertEqual([(log["user_id"][1], log["tid"], log["scene"], log["result_code"],
                           log["revealed"]) for log in logs],
                         [("Viewer", "7101", "manual_waybill", "ok", True),
                          ("Viewer", "7101", "after_sales", "ok", True)])
        self.rpc("admin", "ecommerce.shop", "write", [self.shop_id],
                 {"privacy_reveal_cost": 0.05})
        shop = self.rpc("admin", "ecommerce.shop", "read", [self.shop_id],
                        ["privacy_reveals_today", "privacy_cost_today"])[0]
        self.assertEqual((shop["privacy_reveals_today"], shop["privacy_cost_today"]), (2, 0.1))
        self.assertNoPlaintext()

    def test_wizard_answers_a_dialog_and_keeps_only_the_scene(self):
        wizard = self.rpc("viewer", "ecommerce.privacy.reveal.wizard", "create", {
            "order_id": self.order["id"], "scene": "customer_care"})
        action = self.rpc("viewer", "ecommerce.privacy.reveal.wizard", "action_reveal",
                          [wizard])
        self.assertEqual(action["tag"], "ecommerce_sync_receiver_dialog")
        self.assertIn(["Name", "陈明"], action["params"]["lines"])
        self.assertNoPlaintext()
        wizard = self.rpc("clerk", "ecommerce.privacy.reveal.wizard", "create", {
            "order_id": self.order["id"], "scene": "customer_care"})
        self.assertRpcAccessError("clerk", "ecommerce.privacy.reveal.wizard", "action_reveal",
                                  [wizard])

    def test_daily_cap_platform_refusal_and_bad_scene(self):
        fault = self.rpc_fault("viewer", "sale.order", "ecommerce_reveal_receiver",
                               [self.order["id"]], "curiosity")
        self.assertIn("scene must be one of", fault.faultString)
        self.sandbox.privacy(decrypt_quota=0)
        refused = self.reveal("viewer", self.order["id"])
        self.assertFalse(refused["ok"])
        self.assertIn("decrypt quota", refused["message"])
        self.assertEqual([(log["result_code"], log["revealed"]) for log in self.logs()],
                         [("isv.decrypt-quota-exceeded", False)])
        self.sandbox.privacy(decrypt_quota=1000)
        self.rpc("admin", "ecommerce.shop", "write", [self.shop_id],
                 {"privacy_reveal_daily_cap": 1})
        self.assertTrue(self.reveal("viewer", self.order["id"])["ok"])
        fault = self.rpc_fault("viewer", "sale.order", "ecommerce_reveal_receiver",
                               [self.order["id"]], "manual_waybill")
        self.assertIn("reveals of today", fault.faultString)
        self.assertEqual(self.sandbox.privacy()["decrypts_today"], 1)

    def test_customer_care_looks_up_by_receiver_on_the_platform(self):
        tids = self.rpc("viewer", "ecommerce.shop", "find_trades_by_receiver",
                        [self.shop_id], mobile="13812341234")
        self.assertEqual(tids, ["7101"])
        self.assertRpcAccessError("clerk", "ecommerce.shop", "find_trades_by_receiver",
                                  [self.shop_id], mobile="13812341234")
        action = self.rpc("viewer", "ecommerce.shop", "action_find_trades_by_receiver",
                          [self.shop_id])
        self.assertEqual((action["tag"], action["params"]["shop_id"]),
                         ("ecommerce_sync_receiver_lookup", self.shop_id))
        fault = self.rpc_fault("viewer", "ecommerce.shop", "find_trades_by_receiver",
                               [self.shop_id])
        self.assertIn("Give a name, a mobile or a phone", fault.faultString)


class TestJdPrivacy(EcommerceRpcCase):

    def test_jd_masked_import_and_reveal_reported_to_jd(self):
        jd = JdSandbox()
        plain = jd_order(7701, consigneeInfo={
            "fullname": "王小明", "telephone": "", "mobile": "13900005678",
            "fullAddress": "广东 深圳市 南山区 科技园88号", "province": "广东",
            "city": "深圳市", "county": "南山区", "town": ""})
        jd.reset(wares=jd_wares(), orders=[plain])
        jd.privacy(masked=True, decrypt_quota=1)
        self.addCleanup(jd.privacy, masked=False, decrypt_quota=None)
        shop_id = self.rpc("admin", "ecommerce.shop", "create", jd_shop_vals(code="JDP"))
        self.rpc("admin", "ecommerce.shop", "import_platform_items", [shop_id])
        created = self.rpc("admin", "ecommerce.shop", "import_orders", [shop_id],
                           utc(120), utc(0))["created"]
        order = self.rpc("admin", "sale.order", "read", created, ["partner_shipping_id"])[0]
        contact = self.rpc("admin", "res.partner", "read", [order["partner_shipping_id"][0]],
                           ["name", "mobile", "street", "ecommerce_oaid"])[0]
        self.assertEqual((contact["name"], contact["mobile"]), ("王**", "*******5678"))
        self.assertIn("科技园**号", contact["street"])
        self.assertTrue(contact["ecommerce_oaid"])
        self.create_user("viewer", VIEWER)
        answer = self.rpc("viewer", "sale.order", "ecommerce_reveal_receiver", created,
                          "after_sales")
        self.assertEqual((answer["receiver"]["name"], answer["receiver"]["mobile"]),
                         ("王小明", "13900005678"))
        platform = jd.privacy()
        self.assertEqual(platform["decrypts_today"], 1)
        self.assertEqual([(log["orderInfos"][0]["orderId"], log["jdId"])
                          for log in platform["access_logs"]], [("7701", "viewer")])
        # JD's daily quota (here 1) is spent: refused, logged with JD's code, not reported.
        refused = self.rpc("viewer", "sale.order", "ecommerce_reveal_receiver", created,
                           "after_sales")
        self.assertFalse(refused["ok"])
        log = self.rpc("admin", "ecommerce.privacy.log", "search_read", [], [
            "tid", "revealed", "reported", "result_code"], order="id")
        self.assertEqual([(row["tid"], row["revealed"], row["reported"], row["result_code"])
                          for row in log],
                         [("7701", True, True, "ok"), ("7701", False, False, "10009")])
        self.assertEqual(len(jd.privacy()["access_logs"]), 1)
