# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Issue 12: the pushed quantity never lets the platform oversell.

Every rule is checked where the seller would: the quantity the platform
(the sandbox) holds after a push, the push result, and the stock records.
"""
from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import ValidationError

from .common import shop_vals
from .stock_factory import PLATFORM_QTY, sandbox_item
from .test_stock_push import ITEM_A, ITEM_B, ITEM_C, SKUS_A, StockPushCase

ITEM_D = 5201004


def ago(minutes):
    return fields.Datetime.to_string(datetime.utcnow() - timedelta(minutes=minutes))


class TestSoldNotReserved(StockPushCase):
    """a1 has 12 free units (10 + 2 on a shelf), b 7."""

    def held_order(self, product, qty, shop=None):
        return self.env["sale.order"].create({
            "partner_id": self.customer.id, "warehouse_id": self.shop.warehouse_id.id,
            "ecommerce_shop_id": (shop or self.shop).id, "ecommerce_tid": "H%s" % qty,
            "order_line": [(0, 0, {"product_id": product.id, "name": product.name,
                                   "product_uom_qty": qty, "product_uom": product.uom_id.id,
                                   "price_unit": 10.0})]})

    def test_held_order_reserves_its_units(self):
        order = self.held_order(self.a1, 4)
        self.assertEqual(order.state, "draft")
        self.shop.push_stock()
        self.assertEqual(self.platform()[0][SKUS_A[0]], 8)
        # Confirmed, its delivery takes the units instead: still 8, not 4.
        order.action_confirm()
        self.shop.push_stock()
        self.assertEqual(self.platform()[0][SKUS_A[0]], 8)
        order.action_cancel()
        self.shop.push_stock()
        self.assertEqual(self.platform()[0][SKUS_A[0]], 12)

    def test_held_order_of_a_plain_sale_reserves_nothing(self):
        order = self.held_order(self.a1, 4)
        order.ecommerce_shop_id = False
        self.shop.push_stock()
        self.assertEqual(self.platform()[0][SKUS_A[0]], 12)

    def test_backlog_reserves_until_cleared(self):
        backlog = self.env["ecommerce.trade.backlog"]
        backlog._record_pending(self.shop, "T100", [(ITEM_A, SKUS_A[0], 5), (ITEM_B, None, 2)],
                                "The buyer's address is incomplete.")
        self.shop.push_stock()
        self.assertEqual(self.platform(), ({SKUS_A[0]: 7, SKUS_A[1]: 0, SKUS_A[2]: 5}, 5))
        # The next order sync sees the trade again with one line less: rows are replaced.
        rows = backlog._record_pending(self.shop, "T100", [(ITEM_A, SKUS_A[0], 1)], "Again")
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows.mapping_id, self.maps_a[0])
        self.shop.push_stock()
        self.assertEqual(self.platform(), ({SKUS_A[0]: 11, SKUS_A[1]: 0, SKUS_A[2]: 5}, 7))
        backlog._clear_pending(self.shop, ["T100"])
        self.assertFalse(backlog.search([("shop_id", "=", self.shop.id)]))
        self.shop.push_stock()
        self.assertEqual(self.platform()[0][SKUS_A[0]], 12)

    def test_unmapped_backlog_holds_nothing_but_is_shown(self):
        self.env["ecommerce.trade.backlog"]._record_pending(
            self.shop, "T200", [(ITEM_A, 4209999, 3)], "Unknown SKU")
        result = self.shop.push_stock()
        self.assertEqual(result["errors"], [])
        self.assertEqual(self.platform()[0], {SKUS_A[0]: 12, SKUS_A[1]: 0, SKUS_A[2]: 5})
        self.assertEqual(self.record(self.a1).unmapped_sold_qty, 3)
        self.assertEqual(self.record(self.b).unmapped_sold_qty, 0)
        self.assertEqual(self.shop.trade_backlog_count, 1)

    def test_other_shop_sales_count_too(self):
        other = self.env["ecommerce.shop"].create(shop_vals(code="TB2", name="Second shop"))
        self.held_order(self.b, 2, shop=other)
        self.shop.push_stock()
        self.assertEqual(self.platform()[1], 5)


class TestSharesPacksBundles(StockPushCase):

    def setUp(self):
        super().setUp()
        self.sandbox.upsert(items=[sandbox_item(ITEM_C), sandbox_item(ITEM_D)])

    def platform_num(self, num_iid):
        return int(self.sandbox.item(num_iid)["num"])

    def second_listing_of_b(self):
        mapping = self.factory.map(ITEM_C, product=self.b)
        return self.factory.records(mapping)

    def test_two_listings_share_by_percentage_cap_and_fixed(self):
        record_b, record_c = self.record(self.b), self.second_listing_of_b()
        record_b.allocation_percent = 60
        record_c.allocation_percent = 40
        self.shop.push_stock()
        # 7 free units: 60 % is 4.2, 40 % is 2.8; never more than 7 together.
        self.assertEqual((self.platform_num(ITEM_B), self.platform_num(ITEM_C)), (4, 2))
        record_b.allocation_cap = 3
        record_c.write({"allocation_mode": "fixed", "fixed_qty": 25})
        self.shop.push_stock()
        self.assertEqual((self.platform_num(ITEM_B), self.platform_num(ITEM_C)), (3, 25))
        self.assertEqual(record_c.sellable_qty, 25)

    def warning(self, record):
        record.invalidate_cache(["allocation_warning"])  # as a form opened anew
        return record.allocation_warning

    def test_shares_over_100_percent_warn_without_blocking(self):
        record_b, record_c = self.record(self.b), self.second_listing_of_b()
        self.assertIn("200 %", self.warning(record_b))
        self.assertIn(self.b.display_name, self.warning(record_c))
        record_b.allocation_percent = 70
        self.assertIn("170 %", self.warning(record_c))
        record_c.allocation_percent = 30
        self.assertFalse(self.warning(record_b))
        self.assertFalse(self.warning(record_c))
        # A fixed listing or an unflagged one takes no share.
        record_c.write({"allocation_percent": 90, "allocation_mode": "fixed"})
        self.assertFalse(self.warning(record_b))
        record_c.write({"allocation_mode": "share", "sync": False})
        self.assertFalse(self.warning(record_b))
        # The warning does not stop the push.
        record_c.sync = True
        self.assertIn("160 %", self.warning(record_b))
        self.assertEqual(self.shop.push_stock()["errors"], [])

    def test_pack_of_three_pushes_whole_packs(self):
        pack = self.factory.map(ITEM_C, product=self.a1)
        pack.product_qty = 3
        self.record(self.a1).allocation_percent = 0
        self.shop.push_stock()
        self.assertEqual(self.platform_num(ITEM_C), 4)  # 12 units
        self.factory.stock(self.a1, -1)
        self.shop.push_stock()
        self.assertEqual(self.platform_num(ITEM_C), 3)  # 11 units
        # One pack sold on the platform, not imported yet: 3 units held back.
        self.env["ecommerce.trade.backlog"]._record_pending(
            self.shop, "T300", [(ITEM_C, "", 1)], "Not imported yet")
        self.shop.push_stock()
        self.assertEqual(self.platform_num(ITEM_C), 2)  # 8 units
        self.assertEqual(self.platform()[0][SKUS_A[0]], 0)  # a1's own listing: 0 %

    def test_bundle_pushes_the_scarcest_component(self):
        tea, cup = self.factory.product("Tea"), self.factory.product("Cup")
        self.factory.stock(tea, 9)
        self.factory.stock(cup, 3)
        bundle = self.factory.map(ITEM_D, product=tea)
        bundle.write({"component_ids": [(0, 0, {"product_id": tea.id, "product_qty": 2}),
                                        (0, 0, {"product_id": cup.id, "product_qty": 1})]})
        self.shop.push_stock()
        self.assertEqual(self.platform_num(ITEM_D), 3)  # 3 cups; 9 tea make 4
        self.factory.stock(cup, 10)
        self.shop.push_stock(product_ids=[cup.id])  # found through its component
        self.assertEqual(self.platform_num(ITEM_D), 4)

    def test_expand_order_line_of_a_bundle_and_a_pack(self):
        tea = self.factory.product("Tea")
        cup = self.factory.product("Cup")
        tea.lst_price, cup.lst_price = 30.0, 10.0
        bundle = self.factory.map(ITEM_D, product=tea)
        bundle.write({"component_ids": [(0, 0, {"product_id": tea.id, "product_qty": 1}),
                                        (0, 0, {"product_id": cup.id, "product_qty": 2})]})
        lines = bundle._expand_order_line(3, 33.33)
        self.assertEqual([(p, q) for p, q, _price in lines[:2]], [(tea, 3.0), (cup, 5.0)])
        self.assertEqual(sum(q for p, q, _price in lines if p == cup), 6.0)
        self.assertAlmostEqual(sum(q * price for _p, q, price in lines), 99.99, places=6)
        # 99.99 by list value 30 : 20 -> tea 3 x 20.00, cups 39.99 for 6 cups
        self.assertEqual(lines[0][2], 20.0)
        pack = self.factory.map(ITEM_C, product=self.a1)
        pack.product_qty = 3
        [(product, qty, price)] = pack._expand_order_line(2, 30.0)
        self.assertEqual((product, qty, price), (self.a1, 6.0, 10.0))


class TestProductTypes(StockPushCase):

    def consumable(self, name="Gift card"):
        return self.env["product.product"].create({"name": name, "type": "consu"})

    def test_consumable_gets_no_record_and_is_reported_skipped(self):
        mapping = self.factory.map(ITEM_C, product=self.consumable())
        self.assertFalse(self.factory.records(mapping))
        result = self.shop.push_stock()
        self.assertEqual(result["skipped"], [{"num_iid": str(ITEM_C), "sku_id": "",
                                              "reason": result["skipped"][0]["reason"]}])
        self.assertIn("fixed quantity", result["skipped"][0]["reason"])
        self.assertEqual(self.calls("taobao.item.quantity.update"), 1)  # item B only
        # Mapped to a storable product instead, the SKU gets its record and is pushed.
        mapping.product_id = self.b
        self.assertTrue(self.factory.records(mapping))
        self.sandbox.upsert(items=[sandbox_item(ITEM_C)])
        self.assertEqual(self.shop.push_stock()["skipped"], [])
        self.assertEqual(int(self.sandbox.item(ITEM_C)["num"]), 7)

    def test_consumable_record_needs_a_fixed_quantity(self):
        mapping = self.factory.map(ITEM_C, product=self.consumable())
        sync = self.env["ecommerce.stock.sync"]
        with self.assertRaises(ValidationError) as caught, self.cr.savepoint():
            sync.create({"mapping_id": mapping.id})
        self.assertIn("Gift card", str(caught.exception))
        self.assertIn("Fixed quantity", str(caught.exception))
        sync.create({"mapping_id": mapping.id, "allocation_mode": "fixed", "fixed_qty": 50})
        self.sandbox.upsert(items=[sandbox_item(ITEM_C)])
        result = self.shop.push_stock()
        self.assertEqual(result["skipped"], [])
        self.assertEqual(int(self.sandbox.item(ITEM_C)["num"]), 50)

    def test_changing_the_product_to_a_consumable_is_refused(self):
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.map_b.product_id = self.consumable()
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.map_b.write({"component_ids": [(0, 0, {"product_id": self.consumable().id})]})
        self.record(self.b).write({"allocation_mode": "fixed", "fixed_qty": 2})
        self.map_b.product_id = self.consumable("Service voucher")
        self.shop.push_stock()
        self.assertEqual(self.platform()[1], 2)

    def test_product_made_consumable_later_is_skipped_not_zeroed(self):
        self.b.product_tmpl_id.type = "consu"
        result = self.shop.push_stock()
        self.assertEqual([(s["num_iid"], s["sku_id"]) for s in result["skipped"]],
                         [(str(ITEM_B), "")])
        self.assertEqual(self.platform()[1], PLATFORM_QTY)


class TestStaleOrders(StockPushCase):

    def test_failed_order_sync_blocks_the_cron_with_a_reason(self):
        self.shop.order_sync_error = "Rate limited"
        self.env["ecommerce.shop"]._cron_push_stock()
        self.assertEqual(self.calls(), 0)
        self.assertEqual(self.platform()[1], PLATFORM_QTY)
        self.assertIn("order sync failed", self.shop.stock_push_block_reason)
        self.assertIn("Rate limited", self.record(self.b).push_block_reason)
        # A user's push still runs, and says the orders are stale.
        result = self.shop.push_stock()
        self.assertEqual(result["pushed"], 4)
        self.assertIn("order sync failed", result["orders_stale"])
        self.assertEqual(self.platform()[1], 7)
        self.shop.write({"order_sync_error": False, "order_sync_last_success": ago(1)})
        self.factory.stock(self.b, 1, self.shelf)
        self.env["ecommerce.shop"]._cron_push_stock()
        self.assertEqual(self.platform()[1], 8)
        self.assertFalse(self.shop.stock_push_block_reason)

    def test_lagging_order_sync_blocks_the_cron(self):
        self.shop.order_sync_last_success = ago(45)
        self.env["ecommerce.shop"]._cron_push_stock()
        self.assertEqual(self.calls(), 0)
        self.assertIn("45 minutes", self.shop.stock_push_block_reason)
        self.assertIn("30 allowed", self.shop.stock_push_block_reason)
        self.shop.stock_push_max_lag_minutes = 60
        self.env["ecommerce.shop"]._cron_push_stock()
        self.assertEqual(self.platform()[1], 7)

    def test_never_synced_orders_block_the_cron(self):
        self.shop.order_sync_last_success = False
        self.env["ecommerce.shop"]._cron_push_stock()
        self.assertEqual(self.calls(), 0)
        self.assertIn("never", self.shop.stock_push_block_reason)
        result = self.record(self.b).push_stock()
        self.assertIn("never", result["orders_stale"])
        self.assertEqual(self.platform()[1], 7)

    def test_stock_cron_runs_after_the_order_cron(self):
        stock = self.env.ref("ecommerce_sync.ir_cron_push_stock")
        orders = self.env.ref("ecommerce_sync.ir_cron_sync_orders")
        self.assertGreater(stock.priority, orders.priority)  # a higher number runs later
