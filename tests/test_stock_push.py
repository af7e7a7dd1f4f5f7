# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields
from odoo.exceptions import AccessError

from .common import EcommerceCase
from .stock_factory import PLATFORM_QTY, StockFactory, sandbox_item, sku_quantities

ITEM_A, ITEM_B, ITEM_C = 5201001, 5201002, 5201003
SKUS_A = (4201001, 4201002, 4201003)
SKUS_METHOD = "taobao.skus.quantity.update"
ITEM_METHOD = "taobao.item.quantity.update"


class StockPushCase(EcommerceCase):
    """Item A has three SKUs, item B none; item C is mapped but may be unknown
    to the platform. The sandbox starts every test with 99 of everything."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.factory = StockFactory(cls.env, cls.shop)
        cls.stock_location = cls.shop.warehouse_id.lot_stock_id
        cls.shelf = cls.env["stock.location"].create(
            {"name": "Shelf 1", "usage": "internal", "location_id": cls.stock_location.id})
        cls.elsewhere = cls.env["stock.location"].create(
            {"name": "Elsewhere", "usage": "internal",
             "location_id": cls.shop.warehouse_id.view_location_id.id})
        cls.maps_a = cls.env["ecommerce.sku.mapping"]
        for sku_id in SKUS_A:
            cls.maps_a |= cls.factory.map(ITEM_A, sku_id)
        cls.map_b = cls.factory.map(ITEM_B)
        cls.a1, cls.a2, cls.a3 = cls.maps_a.mapped("product_id")
        cls.b = cls.map_b.product_id
        cls.factory.stock(cls.a1, 10)
        cls.factory.stock(cls.a1, 2, cls.shelf)
        cls.factory.stock(cls.a1, 100, cls.elsewhere)
        cls.factory.stock(cls.a3, 5)
        cls.factory.stock(cls.b, 7, cls.shelf)
        cls.records = cls.factory.records(cls.maps_a | cls.map_b)
        cls.customer = cls.env["res.partner"].create({"name": "Buyer"})
        # The orders are in sync: the push trusts them (see test_stock_truth for stale ones).
        cls.shop.write({"order_sync_last_success": fields.Datetime.now(),
                        "order_unshipped_pass_last": fields.Datetime.now(),
                        "order_sync_error": False})

    def setUp(self):
        super().setUp()
        self.sandbox.reset(items=[sandbox_item(ITEM_A, SKUS_A), sandbox_item(ITEM_B)])

    def record(self, product):
        return self.records.filtered(lambda r: r.product_id == product)

    def platform(self):
        return (sku_quantities(self.sandbox.item(ITEM_A)), int(self.sandbox.item(ITEM_B)["num"]))

    def calls(self, method=None):
        stats = self.sandbox.stats()
        return stats["by_method"].get(method, 0) if method else stats["calls"]

    def sell(self, product, qty):
        order = self.env["sale.order"].create({
            "partner_id": self.customer.id, "warehouse_id": self.shop.warehouse_id.id,
            "order_line": [(0, 0, {"product_id": product.id, "name": product.name,
                                   "product_uom_qty": qty, "product_uom": product.uom_id.id,
                                   "price_unit": 10.0})]})
        order.action_confirm()
        return order

    def validate(self, picking):
        picking.action_assign()
        for move in picking.move_lines:
            move.quantity_done = move.product_uom_qty
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def receive(self, product, qty):
        route = {"location_id": self.env.ref("stock.stock_location_suppliers").id,
                 "location_dest_id": self.stock_location.id}
        picking = self.env["stock.picking"].create(dict(route, **{
            "picking_type_id": self.shop.warehouse_id.in_type_id.id,
            "move_lines": [(0, 0, dict(route, name=product.name, product_id=product.id,
                                       product_uom_qty=qty, product_uom=product.uom_id.id))]}))
        picking.action_confirm()
        self.validate(picking)


class TestStockPush(StockPushCase):

    def test_records_are_created_for_new_mappings(self):
        self.assertEqual(len(self.records), 4)
        self.assertTrue(all(self.records.mapped("sync")))
        self.assertEqual(self.records.mapped("location_id"), self.stock_location)
        self.assertEqual(self.record(self.b).shop_id, self.shop)
        self.assertEqual(self.record(self.b).sku_id, "")

    def test_push_items_with_and_without_skus(self):
        result = self.shop.push_stock()
        self.assertEqual(result, {"pushed": 4, "unchanged": 0, "api_calls": 2, "errors": [],
                                  "skipped": [], "held_back": [], "orders_stale": False})
        self.assertEqual(self.platform(), ({4201001: 12, 4201002: 0, 4201003: 5}, 7))
        self.assertEqual(self.calls(SKUS_METHOD), 1)
        self.assertEqual(self.calls(ITEM_METHOD), 1)
        self.assertEqual([self.record(p).last_pushed_qty for p in (self.a1, self.a2, self.a3,
                                                                   self.b)], [12, 0, 5, 7])
        self.assertTrue(all(self.records.mapped("last_push_date")))
        self.assertFalse(any(self.records.mapped("last_error")))

    def test_sellable_quantity_is_shown_before_the_push(self):
        self.assertEqual(self.record(self.a1).sellable_qty, 12)
        self.assertEqual(self.record(self.b).sellable_qty, 7)

    def test_confirmed_deliveries_are_subtracted(self):
        self.sell(self.a1, 3)
        order = self.sell(self.a3, 8)  # 5 reserved, 3 waiting for stock
        self.assertEqual(order.picking_ids.move_lines.state, "partially_available")
        self.shop.push_stock()
        self.assertEqual(self.platform()[0], {4201001: 9, 4201002: 0, 4201003: 0})
        self.assertEqual(self.record(self.a1).last_pushed_qty, 9)

    def test_unflagged_records_are_untouched(self):
        self.record(self.a2).sync = False
        self.record(self.b).sync = False
        result = self.shop.push_stock()
        self.assertEqual(result["pushed"], 2)
        self.assertEqual(self.platform(), ({4201001: 12, 4201002: PLATFORM_QTY, 4201003: 5},
                                           PLATFORM_QTY))
        self.assertEqual(self.calls(ITEM_METHOD), 0)
        self.assertFalse(self.record(self.a2).last_push_date)

    def test_unchanged_quantities_are_not_sent_again(self):
        self.shop.push_stock()
        calls = self.calls()
        result = self.shop.push_stock()
        self.assertEqual(result, {"pushed": 0, "unchanged": 4, "api_calls": 0, "errors": [],
                                  "skipped": [], "held_back": [], "orders_stale": False})
        self.assertEqual(self.calls(), calls)
        # Only the changed SKU goes: the platform's drift on another one stays.
        item = sandbox_item(ITEM_A, SKUS_A)
        item["skus"]["sku"][2]["quantity"] = 42
        self.sandbox.upsert(items=[item])
        self.factory.stock(self.a1, 1)
        result = self.shop.push_stock()
        self.assertEqual((result["pushed"], result["unchanged"], result["api_calls"]), (1, 3, 1))
        self.assertEqual(self.platform()[0], {4201001: 13, 4201002: PLATFORM_QTY, 4201003: 42})

    def test_force_sends_everything_again(self):
        self.shop.push_stock()
        self.sandbox.upsert(items=[sandbox_item(ITEM_A, SKUS_A, quantity=42)])
        calls = self.calls()
        result = self.shop.push_stock(force=True)
        self.assertEqual((result["pushed"], result["unchanged"], result["api_calls"]), (4, 0, 2))
        self.assertEqual(self.calls(), calls + 2)
        self.assertEqual(self.platform()[0], {4201001: 12, 4201002: 0, 4201003: 5})

    def test_one_failing_item_does_not_stop_the_others(self):
        map_c = self.factory.map(ITEM_C)
        self.factory.stock(map_c.product_id, 4)
        record_c = self.factory.records(map_c)
        result = self.shop.push_stock()
        self.assertEqual(result["pushed"], 4)
        [error] = result["errors"]
        self.assertEqual((error["num_iid"], error["sku_id"]), (str(ITEM_C), ""))
        self.assertIn("does not exist", error["reason"])
        self.assertIn("does not exist", record_c.last_error)
        self.assertFalse(record_c.last_push_date)
        self.assertEqual(self.platform(), ({4201001: 12, 4201002: 0, 4201003: 5}, 7))
        # Once the platform knows the item, the next push sends it and clears the error.
        self.sandbox.upsert(items=[sandbox_item(ITEM_C)])
        result = self.shop.push_stock()
        self.assertEqual((result["pushed"], result["unchanged"], result["errors"]), (1, 4, []))
        self.assertEqual(int(self.sandbox.item(ITEM_C)["num"]), 4)
        self.assertFalse(record_c.last_error)
        self.assertEqual(record_c.last_pushed_qty, 4)

    def test_safety_buffer_is_kept_back(self):
        self.shop.stock_safety_buffer = 3
        self.shop.push_stock()
        self.assertEqual(self.platform(), ({4201001: 9, 4201002: 0, 4201003: 2}, 4))

    def test_more_than_20_skus_take_several_calls(self):
        sku_ids = list(range(4300001, 4300046))
        self.sandbox.upsert(items=[sandbox_item(ITEM_C, sku_ids)])
        for n, sku_id in enumerate(sku_ids):
            mapping = self.factory.map(ITEM_C, sku_id)
            if n % 2:
                self.factory.stock(mapping.product_id, n)
        result = self.shop.push_stock()
        self.assertEqual((result["pushed"], result["api_calls"]), (49, 5))
        self.assertEqual(self.calls(SKUS_METHOD), 4)
        quantities = sku_quantities(self.sandbox.item(ITEM_C))
        self.assertEqual(quantities, {s: (n if n % 2 else 0) for n, s in enumerate(sku_ids)})

    def test_product_filter(self):
        result = self.shop.push_stock(product_ids=[self.b.id])
        self.assertEqual((result["pushed"], result["api_calls"]), (1, 1))
        self.assertEqual(self.platform(), ({s: PLATFORM_QTY for s in SKUS_A}, 7))

    def test_server_action_pushes_the_selected_records(self):
        selected = self.record(self.a1) | self.record(self.b)
        action = self.env.ref("ecommerce_sync.ecommerce_stock_sync_action_push")
        self.assertEqual(action.binding_model_id.model, "ecommerce.stock.sync")
        action.with_context(active_model="ecommerce.stock.sync", active_ids=selected.ids,
                            active_id=selected[0].id).run()
        self.assertEqual(self.platform(), ({4201001: 12, 4201002: PLATFORM_QTY,
                                            4201003: PLATFORM_QTY}, 7))
        self.assertEqual(selected.mapped("last_pushed_qty"), [12, 7])

    def test_records_method_and_shop_button(self):
        result = self.record(self.a3).push_stock()
        self.assertEqual((result["pushed"], result["api_calls"]), (1, 1))
        action = self.shop.action_push_stock()
        self.assertEqual(action["res_model"], "ecommerce.stock.sync")
        self.assertEqual(self.platform(), ({4201001: 12, 4201002: 0, 4201003: 5}, 7))

    def test_create_records_button_and_auto_flag(self):
        self.record(self.a1).unlink()
        self.shop.stock_sync_auto = False
        new = self.factory.map(ITEM_C)
        self.assertFalse(self.factory.records(new).sync)
        self.shop.action_create_stock_sync_records()
        records = self.env["ecommerce.stock.sync"].search([("shop_id", "=", self.shop.id)])
        self.assertEqual(len(records), 5)
        self.assertEqual(records.mapped("mapping_id"), self.maps_a | self.map_b | new)
        self.shop.action_create_stock_sync_records()
        self.assertEqual(self.env["ecommerce.stock.sync"].search_count(
            [("shop_id", "=", self.shop.id)]), 5)

    def test_user_outside_the_groups_cannot_push(self):
        salesman = self.make_user("stocksales", ["sales_team.group_sale_salesman"])
        with self.assertRaises(AccessError):
            self.shop.sudo(salesman).push_stock()
        with self.assertRaises(AccessError):
            self.records.sudo(salesman).push_stock()
        self.assertEqual(self.calls(), 0)

    def test_ecommerce_user_can_push(self):
        user = self.make_user("stockuser", ["ecommerce_sync.group_ecommerce_user"])
        result = self.shop.sudo(user).push_stock()
        self.assertEqual(result["pushed"], 4)
        self.assertEqual(self.platform()[1], 7)


class TestStockPushCron(StockPushCase):

    def test_cron_sends_new_numbers_after_a_delivery_and_a_receipt(self):
        cron = self.env.ref("ecommerce_sync.ir_cron_push_stock")
        self.assertEqual((cron.state, cron.user_id), ("code", self.env.ref("base.user_root")))
        self.assertIn("_cron_enqueue_stock", cron.code)  # queue_job (test_jobs)
        self.env["ecommerce.shop"]._cron_push_stock()
        self.assertEqual(self.platform(), ({4201001: 12, 4201002: 0, 4201003: 5}, 7))
        order = self.sell(self.a1, 4)
        self.validate(order.picking_ids)
        self.env["ecommerce.shop"]._cron_push_stock()
        self.assertEqual(self.platform()[0][4201001], 8)
        calls = self.calls()
        self.env["ecommerce.shop"]._cron_push_stock()
        self.assertEqual(self.calls(), calls)
        self.receive(self.a2, 6)
        self.env["ecommerce.shop"]._cron_push_stock()
        self.assertEqual(self.platform()[0], {4201001: 8, 4201002: 6, 4201003: 5})
        self.assertEqual(self.record(self.a2).last_pushed_qty, 6)

    def test_session_error_pauses_the_shop(self):
        self.sandbox.expire_session()
        self.env["ecommerce.shop"]._cron_push_stock()
        self.assertTrue(self.shop.sync_paused)
        self.assertEqual(self.calls(), 1, "one failed call, not one per item")
        self.assertEqual(self.platform()[1], PLATFORM_QTY)
        self.assertTrue(self.records.filtered("last_error"))
        self.sandbox.expire_session(False)
        self.env["ecommerce.shop"]._cron_push_stock()
        self.assertEqual(self.calls(), 1, "a paused shop is skipped")
