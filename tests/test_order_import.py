# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import datetime, timedelta

import psycopg2

import odoo
from odoo.exceptions import UserError
from odoo.tools import mute_logger

from ..mapping.region_mapping import PROVINCES
from ..models.ecommerce_shop_orders import LOCK_CLASS
from . import trade_factory as tf
from .common import EcommerceCase


class OrderCase(EcommerceCase):
    """Products, mappings and a 13 % tax (not included in the price)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.tax13 = env["account.tax"].create({
            "name": "VAT 13% test", "amount": 13.0, "amount_type": "percent",
            "type_tax_use": "sale", "price_include": False,
            "company_id": cls.shop.company_id.id})
        product = env["product.product"]
        cls.widget = product.create({"name": "Widget A black", "type": "product",
                                     "default_code": "WA-01-S", "list_price": 1.0,
                                     "taxes_id": [(6, 0, cls.tax13.ids)]})
        cls.mug = product.create({"name": "Mug", "type": "product", "default_code": "MUG-1",
                                  "taxes_id": [(5, 0, 0)]})
        cls.sample = product.create({"name": "Sample bag", "type": "consu",
                                     "default_code": "BAG", "taxes_id": [(5, 0, 0)]})
        mapping = env["ecommerce.sku.mapping"]
        mapping.create({"shop_id": cls.shop.id, "num_iid": tf.NUM_IID, "sku_id": tf.SKU_ID,
                        "outer_id": "WA-01-S", "product_id": cls.widget.id})
        mapping.create({"shop_id": cls.shop.id, "num_iid": "520000000002", "sku_id": "",
                        "outer_id": "MUG-X", "product_id": cls.mug.id})
        mapping.create({"shop_id": cls.shop.id, "num_iid": "520000000010", "sku_id": "",
                        "product_id": cls.sample.id})
        # The provinces of China come with l10n_cn.
        cls.zhejiang = env.ref("l10n_cn.state_ZJ")

    def window(self, hours=24):
        now = datetime.utcnow().replace(microsecond=0)
        return (odoo.fields.Datetime.to_string(now - timedelta(hours=hours)),
                odoo.fields.Datetime.to_string(now + timedelta(minutes=1)))

    def load(self, *trades):
        self.sandbox.reset(trades=list(trades))

    def import_window(self, **kw):
        return self.shop.import_orders(*self.window(), **kw)

    def order_of(self, tid):
        return self.env["sale.order"].search([("ecommerce_shop_id", "=", self.shop.id),
                                              ("ecommerce_tid", "=", tid)])

    def lines_of(self, order):
        return [(line.product_id, line.product_uom_qty, round(line.price_unit, 2))
                for line in order.order_line]


class SyncCase(OrderCase):
    """A shop whose background sync resumes from 3 hours ago; the daily check and the
    daily pass over the unshipped trades just ran."""

    def setUp(self):
        super().setUp()
        self.now = datetime.utcnow().replace(microsecond=0)
        self.shop.write({
            "order_sync_watermark": odoo.fields.Datetime.to_string(
                self.now - timedelta(hours=3)),
            "order_check_last": odoo.fields.Datetime.to_string(self.now),
            "order_unshipped_pass_last": odoo.fields.Datetime.to_string(self.now)})

    def orders(self):
        return self.env["sale.order"].search([("ecommerce_shop_id", "=", self.shop.id)])


class TestOrderImport(OrderCase):

    def test_plain_trade_becomes_confirmed_order_with_delivery(self):
        created = tf.ago(hours=3)
        self.load(tf.trade("3001", [tf.line(price=9900, num=2)], post_fee=800, created=created))
        summary = self.import_window()
        order = self.order_of("3001")
        self.assertEqual(summary, {"created": [order.id], "skipped": [], "failed": [],
                                   "held": []})
        self.assertEqual(order.name, "TB3001")
        self.assertEqual(order.client_order_ref, "3001")
        self.assertEqual(order.partner_id.name, "tb_buyer")
        self.assertEqual(order.partner_id.ecommerce_buyer_nick, "tb_buyer")
        ship = order.partner_shipping_id
        self.assertEqual((ship.parent_id, ship.type, ship.name, ship.mobile, ship.zip),
                         (order.partner_id, "delivery", "张三", "13800000000", "310000"))
        self.assertEqual(ship.state_id, self.zhejiang)
        self.assertEqual(ship.street, "浙江省 杭州市 西湖区 文三路1号")
        self.assertEqual(ship.country_id, self.env.ref("base.cn"))
        self.assertEqual(order.partner_id.company_id, self.shop.company_id)
        self.assertEqual(self.lines_of(order), [(self.widget, 2, 99.0),
                                                (self.shop.postage_product_id, 1, 8.0)])
        self.assertEqual(order.amount_total, 206.0)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.warehouse_id, self.shop.warehouse_id)
        self.assertEqual(order.company_id, self.shop.company_id)
        expected_utc = odoo.fields.Datetime.to_string(tf_parse(created))
        self.assertEqual(order.date_order, expected_utc)
        self.assertEqual(len(order.picking_ids), 1)
        self.assertEqual(order.picking_ids.move_lines.mapped("product_id"), self.widget)
        self.assertEqual(order.picking_ids.move_lines.product_uom_qty, 2)
        self.assertEqual(order.picking_ids.partner_id, ship)

    def test_a_new_buyer_reads_the_company_default_accounts_and_locations(self):
        self.load(tf.trade("3002", [tf.line(price=9900)]))
        self.import_window()
        order = self.order_of("3002")
        plain = self.env["res.partner"].create({"name": "made by hand"})
        for partner in (order.partner_id, order.partner_shipping_id):
            self.assertEqual(partner.property_account_receivable_id,
                             plain.property_account_receivable_id)
            self.assertTrue(partner.property_account_receivable_id)
            self.assertEqual(partner.property_stock_customer, plain.property_stock_customer)
            self.assertEqual(partner.property_payment_term_id, plain.property_payment_term_id)
        self.assertEqual(order.picking_ids.location_dest_id, plain.property_stock_customer)

    def test_total_equals_payment_with_tax_discounts_adjustment_postage_and_gifts(self):
        lines = [tf.line(price=19999, num=2, discount=1250, adjust=-333, mjz=1500),
                 tf.line(num_iid=520000000002, sku_id="", price=3990, num=3, adjust=200,
                         mjz=417, outer_sku_id="", outer_iid="MUG-X", title="Mug"),
                 tf.gift_line()]
        trade = tf.trade("3002", lines, post_fee=1200,
                         promo_gifts=[(520000000010, "收纳袋", 2), (520000000077, "钥匙扣", 1)])
        self.load(trade)
        self.import_window()
        order = self.order_of("3002")
        self.assertEqual(trade["payment"], "498.68")
        self.assertEqual("%.2f" % order.amount_total, trade["payment"])
        # Goods keep their listed price; what the platform took off (its discounts,
        # adjustments, 满减 shares) is one discount line per tax rate, with that
        # rate's tax (折扣行): 399.98 - 369.15 on the 13 % widget, 119.70 - 117.53
        # on the untaxed mugs.
        gift, discount = self.shop.gift_product_id, self.shop.discount_product_id
        self.assertEqual(self.lines_of(order), [
            (self.widget, 2, 199.99), (self.mug, 3, 39.9), (gift, 1, 0.0),
            (self.sample, 2, 0.0), (gift, 1, 0.0), (self.shop.postage_product_id, 1, 12.0),
            (discount, 1, -30.83), (discount, 1, -2.17)])
        self.assertIn("钥匙扣", order.order_line[4].name)
        widget_line = order.order_line[0]
        self.assertEqual(widget_line.tax_id.amount, 13.0)
        self.assertTrue(widget_line.tax_id.price_include)
        widget_discount = order.order_line[6]
        self.assertEqual(widget_discount.tax_id, widget_line.tax_id)
        self.assertFalse(order.order_line[7].tax_id)
        # VAT is computed on what was paid (369.15), not on the list price.
        self.assertAlmostEqual(widget_line.price_total + widget_discount.price_total, 369.15)
        self.assertAlmostEqual(widget_line.price_tax + widget_discount.price_tax,
                               round(369.15 - 369.15 / 1.13, 2), delta=0.011)
        self.assertEqual(order.state, "sale")

    def test_memo_without_seller_flag_still_holds_the_order(self):
        """The lists carry no memo: by default every trade is read in full."""
        self.load(tf.trade("3005", seller_memo="地址改为公司", seller_flag=0))
        summary = self.import_window()
        self.assertEqual(len(summary["created"]), 1)
        order = self.order_of("3005")
        self.assertEqual(order.state, "draft")
        self.assertTrue(order.ecommerce_review_needed)
        self.assertEqual(order.ecommerce_seller_memo, "地址改为公司")
        self.assertFalse(order.picking_ids)

    def test_message_or_memo_keeps_a_quotation_for_review(self):
        self.load(tf.trade("3003", buyer_message="请周末送货"),
                  tf.trade("3004", seller_memo="VIP老客户"))
        summary = self.import_window()
        self.assertEqual(len(summary["created"]), 2)
        held = self.order_of("3003") | self.order_of("3004")
        self.assertEqual(held.mapped("state"), ["draft", "draft"])
        self.assertEqual(held.mapped("ecommerce_review_needed"), [True, True])
        self.assertFalse(held.mapped("picking_ids"))
        self.assertEqual(self.order_of("3003").ecommerce_buyer_message, "请周末送货")
        self.assertEqual(self.order_of("3004").ecommerce_seller_memo, "VIP老客户")
        self.order_of("3003").action_ecommerce_reviewed()
        self.assertEqual(self.order_of("3003").state, "sale")
        self.assertTrue(self.order_of("3003").picking_ids)

    def test_unmapped_item_is_refused_and_stays_missing(self):
        unmapped = tf.line(num_iid=520000000777, sku_id="4000000000999", outer_sku_id="NOPE")
        self.load(tf.trade("3005", [tf.line(), unmapped], buyer_nick="tb_refused"))
        summary = self.import_window()
        self.assertEqual(summary["created"], [])
        self.assertEqual(summary["failed"][0]["tid"], "3005")
        self.assertIn("SKU 4000000000999 of item 520000000777 is not mapped",
                      summary["failed"][0]["reason"])
        self.assertFalse(self.order_of("3005"))
        self.assertFalse(self.env["res.partner"].search(
            [("ecommerce_buyer_nick", "=", "tb_refused")]))
        self.assertEqual(self.shop.check_missing_orders(*self.window()),
                         {"missing": ["3005"], "imported": []})
        log = self.env["ecommerce.sync.log"].search([("shop_id", "=", self.shop.id)], limit=1)
        self.assertEqual((log.kind, log.state, log.failed_count), ("order_import", "partial", 1))
        self.assertIn("is not mapped", log.line_ids.reason)

    def test_merchant_code_finds_an_unmapped_product(self):
        self.load(tf.trade("3006", [tf.line(num_iid=520000000555, sku_id="4000000000555",
                                            outer_sku_id="MUG-1", price=1500)]))
        self.import_window()
        self.assertEqual(self.lines_of(self.order_of("3006")), [(self.mug, 1, 15.0)])

    def test_invalid_trade_is_refused_with_reason(self):
        self.load(tf.trade("3007", payment="not money"))
        summary = self.import_window()
        self.assertEqual(summary["failed"][0]["tid"], "3007")
        self.assertIn("payment is not an amount", summary["failed"][0]["reason"])

    def test_same_buyer_and_address_reuse_partners_new_address_adds_contact(self):
        other = dict(tf.ADDRESS, receiver_address="文二路99号", receiver_name="李四")
        self.load(tf.trade("3008"), tf.trade("3009"), tf.trade("3010", address=other))
        self.import_window()
        self.import_window()
        orders = self.order_of("3008") | self.order_of("3009") | self.order_of("3010")
        self.assertEqual(len(orders.mapped("partner_id")), 1)
        self.assertEqual(self.order_of("3008").partner_shipping_id,
                         self.order_of("3009").partner_shipping_id)
        self.assertNotEqual(self.order_of("3008").partner_shipping_id,
                            self.order_of("3010").partner_shipping_id)
        self.assertEqual(self.order_of("3010").partner_shipping_id.name, "李四")
        buyer = orders.mapped("partner_id")
        self.assertEqual(len(buyer.child_ids), 2)

    def test_short_and_full_province_names_find_the_state_of_china(self):
        """The forms JD and Taobao write for the regions all land on Odoo's state
        (l10n_cn's data, which the addon depends on)."""
        states = self.env["res.country.state"].search(
            [("country_id", "=", self.env.ref("base.cn").id)])
        self.assertFalse({p.name for p in PROVINCES} - set(states.mapped("name")),
                         "every province of the table is a state of China in Odoo")
        cases = {"3030": ("广西", "广西壮族自治区"), "3031": ("内蒙古", "内蒙古自治区"),
                 "3032": ("新疆", "新疆维吾尔自治区"), "3033": ("宁夏", "宁夏回族自治区"),
                 "3034": ("西藏自治区", "西藏自治区"), "3035": ("香港", "香港特别行政区"),
                 "3036": ("澳门特区", "澳门特别行政区"), "3037": ("北京", "北京市"),
                 "3038": ("广西自治区", "广西壮族自治区"), "3039": ("浙江", "浙江省")}
        self.load(*[tf.trade(tid, address=dict(tf.ADDRESS, receiver_state=written))
                    for tid, (written, _official) in cases.items()])
        self.import_window()
        for tid, (written, official) in cases.items():
            ship = self.order_of(tid).partner_shipping_id
            self.assertEqual(ship.state_id.name, official, written)

    def test_reimport_skips_with_reason_and_creates_nothing(self):
        self.load(tf.trade("3011"))
        first = self.import_window()
        second = self.import_window()
        self.assertEqual(len(first["created"]), 1)
        self.assertEqual(second, {"created": [], "skipped": ["3011"], "failed": [],
                                  "held": []})
        self.assertEqual(len(self.order_of("3011")), 1)
        log = self.env["ecommerce.sync.log"].search([("shop_id", "=", self.shop.id)], limit=1)
        self.assertIn("Already imported as TB3011", log.line_ids.reason)

    def test_unpaid_and_closed_trades_are_not_imported(self):
        self.load(tf.trade("3012", status="WAIT_BUYER_PAY"),
                  tf.trade("3013", status="TRADE_CLOSED_BY_TAOBAO"))
        summary = self.shop.import_orders(*self.window(), status="")
        self.assertEqual(summary["created"], [])
        self.assertEqual(sorted(summary["skipped"]), ["3012", "3013"])

    def test_tids_restrict_the_import(self):
        self.load(tf.trade("3014"), tf.trade("3015"))
        summary = self.import_window(tids=["3015"])
        self.assertEqual(self.env["sale.order"].browse(summary["created"]).mapped("name"),
                         ["TB3015"])

    def test_database_refuses_a_second_order_for_the_same_trade(self):
        self.load(tf.trade("3016"))
        self.import_window()
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"), \
                self.env.cr.savepoint():
            self.order_of("3016").copy({"ecommerce_shop_id": self.shop.id,
                                        "ecommerce_tid": "3016"})

    def test_concurrent_import_that_lost_the_race_skips(self):
        """The other sync stored the trade after our duplicate search ran."""
        self.load(tf.trade("3017"))
        self.import_window()
        importer_class = type(self.env["ecommerce.order.importer"])
        original = importer_class._orders_by_tid
        searches = []

        def late_search(importer, tids):
            searches.append(tids)
            return original(importer, tids) if len(searches) > 1 else {}
        importer_class._orders_by_tid = late_search
        try:
            with mute_logger("odoo.sql_db"):
                summary = self.import_window()
        finally:
            importer_class._orders_by_tid = original
        self.assertEqual(summary["skipped"], ["3017"])
        self.assertEqual(summary["created"], [])
        self.assertEqual(len(self.order_of("3017")), 1)
        self.assertEqual(self.shop.import_orders(*self.window()),
                         dict(summary, skipped=["3017"]))

    def test_a_run_that_cannot_see_the_order_stored_meanwhile_runs_again(self):
        """Stored by a transaction that committed after this one began: the call is
        retried as Odoo retries a concurrent update, never answered from stale data."""
        self.load(tf.trade("3018"))
        self.import_window()
        importer_class = type(self.env["ecommerce.order.importer"])
        original = importer_class._orders_by_tid
        importer_class._orders_by_tid = lambda importer, tids: {}
        try:
            with self.assertRaises(psycopg2.OperationalError) as caught, \
                    mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                self.import_window()
        finally:
            importer_class._orders_by_tid = original
        self.assertEqual(caught.exception.pgcode, "40001")
        self.assertIn(caught.exception.pgcode, odoo.service.model.PG_CONCURRENCY_ERRORS_TO_RETRY)
        self.assertEqual(len(self.order_of("3018")), 1)

    def test_second_cursor_cannot_sync_the_shop_at_the_same_time(self):
        """A sync running on another connection (the cron) blocks this one."""
        lock_class = LOCK_CLASS
        with odoo.registry(self.env.cr.dbname).cursor() as cr2:
            cr2.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", (lock_class, self.shop.id))
            self.assertTrue(cr2.fetchone()[0])
            with self.assertRaises(UserError) as caught:
                self.shop.import_orders(*self.window())
            self.assertIn("is running right now", caught.exception.name)
            cr2.rollback()
        # Once the other transaction ended, this one may sync; and it keeps the
        # lock, so the other connection is now the one refused.
        self.shop._acquire_order_lock()
        with odoo.registry(self.env.cr.dbname).cursor() as cr2:
            cr2.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", (lock_class, self.shop.id))
            self.assertFalse(cr2.fetchone()[0])
            cr2.rollback()

    def test_wizard_checks_then_imports(self):
        self.load(tf.trade("3018", created=tf.ago(hours=1)),
                  tf.trade("3019", [tf.line(num_iid=520000000888, sku_id="4000000000888",
                                            outer_sku_id="")]),
                  tf.trade("3020", status="WAIT_BUYER_PAY"))
        wizard = self.env["ecommerce.order.import.wizard"].create({"shop_id": self.shop.id})
        self.assertEqual(wizard.status, "WAIT_SELLER_SEND_GOODS")
        span = (odoo.fields.Datetime.from_string(wizard.date_to)
                - odoo.fields.Datetime.from_string(wizard.date_from))
        self.assertEqual(span, timedelta(hours=24))
        wizard.action_check_missing()
        self.assertEqual(sorted(wizard.line_ids.mapped("tid")), ["3018", "3019"])
        line = wizard.line_ids.filtered(lambda line: line.tid == "3018")
        self.assertEqual((line.buyer_nick, line.payment), ("tb_buyer", "99.00"))
        wizard.action_import_orders()
        self.assertEqual(wizard.order_ids.mapped("name"), ["TB3018"])
        self.assertIn("Created 1 orders, skipped 0, refused 1", wizard.result)
        self.assertIn("SKU 4000000000888 of item 520000000888 is not mapped", wizard.result)
        refused = wizard.line_ids.filtered(lambda line: line.tid == "3019")
        self.assertIn("is not mapped", refused.result)
        wizard.action_check_missing()
        self.assertEqual(wizard.line_ids.mapped("tid"), ["3019"])

    def test_window_must_be_valid(self):
        with self.assertRaises(UserError):
            self.shop.import_orders("2024-01-02 00:00:00", "2024-01-01 00:00:00")


def tf_parse(beijing):
    from odoo.addons.ecommerce_sync.top_client import parse_beijing
    return parse_beijing(beijing)


class TestOrderMenus(EcommerceCase):

    def test_order_import_and_sync_log_menus(self):
        menu = self.env.ref("ecommerce_sync.ecommerce_order_import_wizard_menu")
        self.assertEqual((menu.name, menu.sequence), ("Order import", 30))
        self.assertEqual(menu.action, self.env.ref(
            "ecommerce_sync.ecommerce_order_import_wizard_action"))
        logs = self.env.ref("ecommerce_sync.ecommerce_sync_log_menu")
        self.assertEqual((logs.name, logs.sequence, logs.action.res_model),
                         ("Sync Logs", 35, "ecommerce.sync.log"))
        user = self.make_user("orderuser", ["ecommerce_sync.group_ecommerce_user"])
        visible = self.env["ir.ui.menu"].sudo(user)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        self.assertIn(logs.id, visible)
