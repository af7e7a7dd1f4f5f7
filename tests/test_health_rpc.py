# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The shop health screen over XML-RPC: the figures a seller reads on the card, and the
last day of lag and backlog that its chart draws, from the sync logs."""
from datetime import datetime, timedelta

from . import trade_factory as tf
from .common import EcommerceCase, EcommerceRpcCase, shop_vals

FMT = "%Y-%m-%d %H:%M:%S"
CARD = ["health_state", "health_reasons", "order_sync_lag_minutes", "health_trades_refused",
        "health_trades_held", "health_jobs_failed", "health_chart"]
UNMAPPED = dict(num_iid=520000000666, sku_id="4000000000666", outer_sku_id="")


class TestHealthRpc(EcommerceRpcCase):

    def setUp(self):
        super().setUp()
        self.shop_id = self.create_shop()
        product_id = self.rpc("admin", "product.product", "create", {
            "name": "Widget A black", "type": "product", "default_code": "WA-01-S"})
        self.rpc("admin", "ecommerce.sku.mapping", "create", {
            "shop_id": self.shop_id, "num_iid": str(tf.NUM_IID), "sku_id": tf.SKU_ID,
            "product_id": product_id})
        self.sandbox.reset(trades=[
            tf.trade("7001", [tf.line(price=9900)]),
            tf.trade("7002", [tf.line(**UNMAPPED)]),
            tf.trade("7003", buyer_message="请周末送货"),
        ])

    def card(self, login="admin"):
        return self.rpc(login, "ecommerce.shop", "read", [self.shop_id], CARD)[0]

    def history(self):
        return self.rpc("admin", "ecommerce.shop", "health_history", [self.shop_id])

    def test_never_synced_shop(self):
        card = self.card()
        self.assertEqual((card["health_state"], card["order_sync_lag_minutes"]), ("amber", -1))
        self.assertIn("never synchronised", card["health_reasons"])
        self.assertEqual(self.history(), [{"minutes_ago": 0, "lag_minutes": 0, "backlog": 0}])

    def test_card_and_last_day_after_syncs(self):
        summary = self.rpc("admin", "ecommerce.shop", "sync_orders", [self.shop_id])
        self.assertEqual(len(summary["created"]), 2, summary)
        card = self.card()
        self.assertEqual(card["health_state"], "amber", card["health_reasons"])
        self.assertEqual((card["health_trades_refused"], card["health_trades_held"]), (1, 1))
        self.assertLess(card["order_sync_lag_minutes"], 15)
        self.assertEqual(card["health_reasons"], "1 platform trades are not orders yet.\n"
                                                 "1 orders are held for review.")
        # The chart: the lag line and one amber bar for the refused trade.
        self.assertIn("<polyline", card["health_chart"])
        self.assertEqual(card["health_chart"].count('fill="#f0ad4e"'), 2)  # the sync, now

        # The seller maps the item and imports the refused trade: the backlog empties.
        self.rpc("admin", "ecommerce.sku.mapping", "create", {
            "shop_id": self.shop_id, "num_iid": str(UNMAPPED["num_iid"]),
            "sku_id": UNMAPPED["sku_id"], "product_id": self.rpc(
                "admin", "product.product", "create", {"name": "Gadget", "type": "product"})})
        now = datetime.utcnow()
        again = self.rpc("admin", "ecommerce.shop", "import_orders", [self.shop_id],
                         date_from=(now - timedelta(hours=24)).strftime(FMT),
                         date_to=(now + timedelta(minutes=1)).strftime(FMT), tids=["7002"])
        self.assertEqual(len(again["created"]), 1, again)
        history = self.history()
        self.assertEqual([point["backlog"] for point in history], [1, 0, 0])
        self.assertEqual(history[-1]["minutes_ago"], 0)
        self.assertTrue(all(point["lag_minutes"] < 15 for point in history), history)
        self.assertEqual(self.card()["health_trades_refused"], 0)

    def test_last_day_only(self):
        self.rpc("admin", "ecommerce.shop", "sync_orders", [self.shop_id])
        logs = self.rpc("admin", "ecommerce.sync.log", "search",
                        [("shop_id", "=", self.shop_id)])
        self.assertEqual(len(self.history()), len(logs) + 1)
        two_days_ago = (datetime.utcnow() - timedelta(days=2)).strftime(FMT)
        self.rpc("admin", "ecommerce.sync.log", "write", logs, {"date_start": two_days_ago})
        self.assertEqual(len(self.history()), 1)

    def test_seller_reads_the_card(self):
        self.create_user("clerk", ["ecommerce_sync.group_ecommerce_user"])
        self.rpc("admin", "ecommerce.shop", "sync_orders", [self.shop_id])
        card = self.card("clerk")
        self.assertEqual(card["health_trades_refused"], 1)
        self.assertEqual(len(self.rpc("clerk", "ecommerce.shop", "health_history",
                                      [self.shop_id])), 2)


class TestHealthQueries(EcommerceCase):

    def queries_to_draw(self, shops):
        shops.invalidate_cache()
        before = self.env.cr.sql_log_count
        shops.mapped("health_chart")
        shops.mapped("health_state")
        return self.env.cr.sql_log_count - before

    def test_one_screen_is_a_few_queries_whatever_the_shops(self):
        others = self.env["ecommerce.shop"]
        for code in ("H2", "H3", "H4"):
            others |= self.env["ecommerce.shop"].create(shop_vals(name=code, code=code))
        self.queries_to_draw(self.shop | others)  # caches of the ORM and translations
        one = self.queries_to_draw(self.shop)
        self.assertEqual(self.queries_to_draw(self.shop | others), one)
