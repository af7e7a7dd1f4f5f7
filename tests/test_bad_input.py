# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Malformed and hostile platform data (issue 7).

Every hostile item or trade is loaded into the sandbox, as the platform would
send it, next to good ones, and imported through the public methods in ONE
batch: each bad record gets a reason naming it and its problem, or is stored
safely; the good records of the same batch import; nothing is lost.
"""
from datetime import datetime, timedelta

from lxml import etree

import odoo

from ..adapters.taobao import TaobaoAdapter
from ..mapping.item_mapping import TITLE_MAX
from ..mapping.stock_mapping import MAX_QUANTITY
from . import trade_factory as tf
from .common import EcommerceCase
from .item_factory import COLOR, item, prop, sku, tshirt
from .stock_factory import StockFactory, sandbox_item

# 10,000 characters that do not compress (CJK spread over the whole block):
# a long but repetitive text would fit a btree index entry after compression.
LONG_CJK = "".join(chr(0x4E00 + (i * 7919) % 20900) for i in range(10000))
EMOJI_NICK = "🐼小熊🍯"
SCRIPT = "<script>alert('xss')</script><b onmouseover=\"alert(1)\">hi</b>"
MEMO = "<img src=x onerror=alert(document.cookie)> & </textarea>"


class TestBadItems(EcommerceCase):

    def template(self, num_iid):
        return self.env["product.template"].search([("ecommerce_num_iid", "=", str(num_iid))])

    def mappings(self, num_iid):
        return self.env["ecommerce.sku.mapping"].search(
            [("shop_id", "=", self.shop.id), ("num_iid", "=", str(num_iid))])

    def test_hostile_items_next_to_good_ones(self):
        no_title = item(5203, "x", price="5.00", outer_id="NT-1")
        del no_title["title"]
        no_price = item(5204, "No price", outer_id="NP-1")
        del no_price["price"]
        dup = item(5206, "Two SKUs one code", outer_id="DUP", skus=[
            sku(520601, prop(COLOR, "红色"), outer_id="DUP-1"),
            sku(520602, prop(COLOR, "蓝色"), outer_id="DUP-1")])
        broken = item(5207, "Broken props", skus=[
            sku(520701, prop(COLOR, "红色"), outer_id="BR-1")])
        broken["skus"]["sku"][0]["properties_name"] = "颜色分类红色"
        numeric = item(5208, "Numeric props", skus=[
            sku(520801, prop(COLOR, "红色"), outer_id="NU-1")])
        numeric["skus"]["sku"][0]["properties_name"] = 12345
        quantities = item(5210, "Odd quantities", outer_id="QTY", skus=[
            sku(521001, prop(COLOR, "红色"), outer_id="QTY-R", quantity=-5),
            sku(521002, prop(COLOR, "蓝色"), outer_id="QTY-B", quantity=10 ** 12)])
        self.sandbox.reset(items=[
            tshirt(5201), item(5202, "🐼 熊猫杯 mug", price="19.90", outer_id="MUG-1"),
            no_title, no_price, item(5205, "Bad price", price="abc", outer_id="BP-1"),
            dup, broken, numeric, item(5209, LONG_CJK, price="9.90", outer_id="LONG-1"),
            quantities, item(5211, "Long code", outer_id=LONG_CJK[:300])])
        result = self.shop.import_platform_items(num_iids=[
            "5201", "5202", "5203", "5204", "5205", "5206", "5207", "5208", "5209", "5210",
            "5211", "5299", "abc", " ", "-3"])
        self.assertEqual(sorted(result["errors"], key=lambda e: e["num_iid"]), sorted([
            {"num_iid": "abc", "reason": "'abc' is not a numeric item id."},
            {"num_iid": "", "reason": "'' is not a numeric item id."},
            {"num_iid": "-3", "reason": "'-3' is not a numeric item id."},
            {"num_iid": "5205", "reason": "5205: malformed price 'abc'."},
            {"num_iid": "5206", "reason": "SKUs 520601 and 520602 share the merchant code "
                                          "DUP-1: give each SKU its own merchant code."},
            {"num_iid": "5207",
             "reason": "SKU 520701: malformed SKU properties '颜色分类红色'."},
            {"num_iid": "5208", "reason": "SKU 520801: malformed SKU properties '12345'."},
            {"num_iid": "5211", "reason": "5211: the merchant code is longer than 255 "
                                          "characters."},
            {"num_iid": "5299", "reason": "The platform does not return this item (deleted, "
                                          "or not an item of this shop)."},
        ], key=lambda e: e["num_iid"]))
        # Good and safely stored items: 5201 (4 SKUs), 5202, 5203, 5204, 5209, 5210 (2).
        self.assertEqual((result["templates_created"], result["variants_created"]), (6, 10))
        self.assertEqual(result["warnings"], [])
        for num_iid in (5205, 5206, 5207, 5208, 5211, 5299):
            self.assertFalse(self.template(num_iid), num_iid)
            self.assertFalse(self.mappings(num_iid), num_iid)
        self.assertEqual(len(self.mappings(5201)), 4)
        self.assertEqual(self.template(5202).name, "🐼 熊猫杯 mug")
        self.assertEqual(self.mappings(5202).title, "🐼 熊猫杯 mug")
        # No title: the numeric id names the product. No price: 0.00, no crash.
        self.assertEqual(self.template(5203).name, "5203")
        self.assertEqual(self.template(5204).list_price, 0.0)
        # 10,000 characters: cut to TITLE_MAX (documented in docs/api_items.md).
        long_template = self.template(5209)
        self.assertEqual(long_template.name, LONG_CJK[:TITLE_MAX])
        self.assertEqual(self.mappings(5209).title, LONG_CJK[:TITLE_MAX])
        # Platform quantities do not matter for the import.
        self.assertEqual(sorted(self.mappings(5210).mapped("outer_id")), ["QTY-B", "QTY-R"])

        again = self.shop.import_platform_items(num_iids=["5201", "5202", "5209"])
        self.assertEqual((again["templates_created"], again["variants_created"],
                          again["updated"], again["errors"]), (0, 0, 0, []))

    def test_platform_answer_without_num_iid(self):
        """A detail row without num_iid (the sandbox cannot hold one): the asked
        item is reported, the good one of the same answer imports."""
        good = item(5301, "Good", price="3.00", outer_id="G-1")
        nameless = item(5302, "No id", price="4.00", outer_id="G-2")
        del nameless["num_iid"]
        wrong = item(5303, "Wrong types", price=["1"], outer_id={"a": 1})
        importer = self.shop._item_importer()
        importer._import_batch(TaobaoAdapter.batch_plans(["5301", "5302", "5303"],
                                                         [good, nameless, wrong]))
        result = importer.summary
        self.assertEqual(result["templates_created"], 1)
        self.assertEqual(result["errors"], [
            {"num_iid": "5302", "reason": "The platform does not return this item (deleted, "
                                          "or not an item of this shop)."},
            {"num_iid": "5303", "reason": "5303: malformed price ['1']."}])
        self.assertEqual(self.template(5301).name, "Good")


class TestBadTrades(EcommerceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.widget = cls.env["product.product"].create({
            "name": "Widget A black", "type": "product", "default_code": "WA-01-S",
            "taxes_id": [(5, 0, 0)]})
        cls.env["ecommerce.sku.mapping"].create({
            "shop_id": cls.shop.id, "num_iid": tf.NUM_IID, "sku_id": tf.SKU_ID,
            "outer_id": "WA-01-S", "product_id": cls.widget.id})

    def window(self):
        now = datetime.utcnow().replace(microsecond=0)
        return (odoo.fields.Datetime.to_string(now - timedelta(hours=24)),
                odoo.fields.Datetime.to_string(now + timedelta(minutes=1)))

    def order_of(self, tid):
        return self.env["sale.order"].search([("ecommerce_shop_id", "=", self.shop.id),
                                              ("ecommerce_tid", "=", tid)])

    def test_hostile_trades_next_to_good_ones(self):
        created = tf.ago(hours=2)
        trade = lambda tid, **kw: tf.trade(tid, created=created, **kw)  # noqa: E731
        no_orders = trade("7005")
        del no_orders["orders"]
        no_payment = trade("7006")
        del no_payment["payment"]
        bad_num = trade("7012")
        bad_num["orders"]["order"][0]["num"] = "abc"
        address = dict(tf.ADDRESS, receiver_address=LONG_CJK)
        self.sandbox.reset(trades=[
            trade("7001", lines=[tf.line(price=9900, num=2)], post_fee=800),
            trade("7002", buyer_nick=EMOJI_NICK),
            trade("7003", buyer_message=SCRIPT, seller_memo=MEMO),
            trade("7004", address=address),
            no_orders, no_payment, trade("7007", payment="abc"),
            trade("7008", status="SOMETHING_NEW"),
            trade("7009", lines=[tf.line(num=-5)]),
            trade("7010", lines=[tf.line(num_iid=520000000666, sku_id="4000000000666",
                                         outer_sku_id="", outer_iid="")]),
            trade("7011", modified="yesterday"),
            bad_num,
            trade("7014", buyer_nick=LONG_CJK),
            trade("7015", address=dict(tf.ADDRESS, receiver_name=LONG_CJK)),
            trade("7013", lines=[tf.line(), tf.line(num_iid=520000000666, sku_id="",
                                                    outer_iid="NOPE", outer_sku_id="")]),
        ])
        summary = self.shop.import_orders(*self.window(), status="")
        invalid = "The platform trade is incomplete or invalid: "
        self.assertEqual(sorted(summary["failed"], key=lambda f: f["tid"]), [
            {"tid": "7005", "reason": invalid + "the trade has no orders"},
            {"tid": "7006", "reason": invalid + "the trade lacks payment"},
            {"tid": "7007", "reason": invalid + "payment is not an amount: 'abc'"},
            {"tid": "7009", "reason": invalid + "orders[0].num must be at least 1, got -5"},
            {"tid": "7010", "reason": "SKU 4000000000666 of item 520000000666 is not mapped "
                                      "(merchant code - matches no product)."},
            {"tid": "7011", "reason": invalid + "modified is not a time "
                                                "YYYY-MM-DD HH:MM:SS: 'yesterday'"},
            {"tid": "7012", "reason": invalid + "orders[0].num must be a whole number, "
                                                "got 'abc'"},
            {"tid": "7013", "reason": "Item 520000000666 is not mapped (merchant code NOPE "
                                      "matches no product)."},
            {"tid": "7014", "reason": invalid + "buyer_nick is longer than 255 characters"},
            {"tid": "7015", "reason": invalid + "receiver_name is longer than 255 characters"},
        ])
        self.assertEqual(summary["skipped"], ["7008"])
        self.assertEqual(len(summary["created"]), 4)
        orders = self.env["sale.order"].browse(summary["created"])
        self.assertEqual(sorted(orders.mapped("ecommerce_tid")), ["7001", "7002", "7003", "7004"])
        self.assertEqual(self.order_of("7001").amount_total, 206.0)
        # Nothing half-created for the refused trades.
        self.assertFalse(self.env["sale.order"].search([
            ("ecommerce_shop_id", "=", self.shop.id),
            ("ecommerce_tid", "in", ["7005", "7006", "7007", "7008", "7009", "7010", "7011",
                                     "7012", "7013", "7014", "7015"])]))

        emoji = self.order_of("7002")
        self.assertEqual(emoji.partner_id.name, EMOJI_NICK)
        self.assertEqual(emoji.partner_id.ecommerce_buyer_nick, EMOJI_NICK)
        self.assertEqual(emoji.state, "sale")

        held = self.order_of("7003")
        self.assertEqual((held.ecommerce_buyer_message, held.ecommerce_seller_memo),
                         (SCRIPT, MEMO))
        self.assertEqual((held.state, held.ecommerce_review_needed), ("draft", True))

        far = self.order_of("7004")
        self.assertEqual(far.partner_shipping_id.street,
                         "浙江省 杭州市 西湖区 " + LONG_CJK)
        self.assertEqual(far.state, "sale")

        # Nothing lost: the refused and skipped trades stay listed as missing,
        # every one with its reason in the sync log.
        check = self.shop.check_missing_orders(*self.window(), status="")
        self.assertEqual(sorted(check["missing"]), ["7005", "7006", "7007", "7008", "7009",
                                                    "7010", "7011", "7012", "7013", "7014",
                                                    "7015"])
        log = self.env["ecommerce.sync.log"].search(
            [("shop_id", "=", self.shop.id), ("kind", "=", "order_import")], limit=1,
            order="id desc")
        self.assertEqual((log.created_count, log.failed_count, log.skipped_count, log.state),
                         (4, 10, 1, "partial"))
        reasons = {line.tid: line.reason for line in log.line_ids}
        self.assertEqual(reasons["7008"], "The platform status SOMETHING_NEW of this trade "
                                          "is unknown to the addon; it is not imported.")
        failed = {f["tid"]: f["reason"] for f in summary["failed"]}
        self.assertEqual({tid: reasons[tid] for tid in failed}, failed)

    def test_buyer_texts_are_plain_text_fields_rendered_escaped(self):
        order_fields = self.env["sale.order"].fields_get(
            ["ecommerce_buyer_message", "ecommerce_seller_memo", "ecommerce_review_reason"])
        self.assertEqual({f["type"] for f in order_fields.values()}, {"text"})
        arch = etree.fromstring(self.env["sale.order"].fields_view_get(
            view_type="form")["arch"])
        for name in ("ecommerce_buyer_message", "ecommerce_seller_memo"):
            [node] = arch.xpath("//field[@name='%s']" % name)
            self.assertIsNone(node.get("widget"), name)
        self.sandbox.reset(trades=[tf.trade("7101", buyer_message=SCRIPT, seller_memo=MEMO)])
        summary = self.shop.import_orders(*self.window())
        order = self.env["sale.order"].browse(summary["created"])
        self.assertEqual(order.ecommerce_buyer_message, SCRIPT)
        # The chatter never carries the buyer's markup.
        bodies = self.env["mail.message"].search([("model", "=", "sale.order"),
                                                  ("res_id", "=", order.id)]).mapped("body")
        self.assertFalse([b for b in bodies if "<script" in (b or "") or "onerror" in (b or "")])

    def test_tid_as_number_or_string(self):
        self.sandbox.reset(trades=[tf.trade("7201"), tf.trade("7202")])
        summary = self.shop.import_orders(*self.window(), tids=[7201])
        self.assertEqual(self.env["sale.order"].browse(summary["created"]).ecommerce_tid,
                         "7201")
        # A platform answer with a numeric tid (the sandbox stores strings).
        self.sandbox.upsert(trades=[tf.trade(7202)])
        part = self.shop._order_importer().import_rows([tf.trade(7202)])
        self.assertEqual(part["failed"], [])
        order = self.env["sale.order"].browse(part["created"])
        self.assertEqual((order.name, order.ecommerce_tid), ("TB7202", "7202"))
        again = self.shop._order_importer().import_rows([tf.trade(7202), tf.trade("7201")])
        self.assertEqual((again["created"], sorted(again["skipped"])), ([], ["7201", "7202"]))


class TestBadStock(EcommerceCase):

    def test_negative_and_huge_on_hand(self):
        factory = StockFactory(self.env, self.shop)
        negative = factory.map(5401)
        huge = factory.map(5402, 540201)
        normal = factory.map(5402, 540202)
        factory.stock(negative.product_id, -5)
        factory.stock(huge.product_id, 10 ** 12)
        factory.stock(normal.product_id, 3)
        self.sandbox.reset(items=[sandbox_item(5401), sandbox_item(5402, (540201, 540202))])
        records = factory.records(negative | huge | normal)
        self.assertEqual(sorted(records.mapped("sellable_qty")), [0, 3, MAX_QUANTITY])
        result = self.shop.push_stock()
        # The shop never synchronised its orders: the push runs, and says so.
        self.assertIn("order", result.pop("orders_stale"))
        self.assertEqual(result, {"pushed": 3, "unchanged": 0, "api_calls": 2, "errors": [],
                                  "skipped": [], "held_back": []})
        self.assertEqual(int(self.sandbox.item(5401)["num"]), 0)
        quantities = {int(s["sku_id"]): int(s["quantity"])
                      for s in self.sandbox.item(5402)["skus"]["sku"]}
        self.assertEqual(quantities, {540201: MAX_QUANTITY, 540202: 3})
        self.assertEqual(sorted(records.mapped("last_pushed_qty")), [0, 3, MAX_QUANTITY])
        self.assertFalse(any(records.mapped("last_error")))
        again = self.shop.push_stock()
        self.assertEqual((again["pushed"], again["unchanged"], again["api_calls"]), (0, 3, 0))
