# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Wrong arguments of the public API over real XML-RPC (issue 13).

A script author gets a fault naming the argument and the form expected, never
a traceback nor a silently wrong result; and nothing is created, on the Odoo
side or on the platform.
"""
import xmlrpc.client
from datetime import datetime, timedelta

from . import trade_factory as tf
from .common import EcommerceRpcCase
from .item_factory import COLOR, item, prop, sku, tshirt

FMT = "%Y-%m-%d %H:%M:%S"
DATE_FORM = "must be a date and time 'YYYY-MM-DD HH:MM:SS' (UTC)"
WARNING = 2  # XML-RPC fault code of a UserError (odoo.service.wsgi_server)
# Platform calls that would change or import something.
WRITING_CALLS = ("taobao.items.seller.list.get", "taobao.skus.quantity.update",
                 "taobao.item.quantity.update", "taobao.trade.fullinfo.get")


class TestApiArgumentsRpc(EcommerceRpcCase):

    def setUp(self):
        super().setUp()
        self.shop_id = self.create_shop()
        self.product_id = self.rpc("admin", "product.product", "create", {
            "name": "Widget A black", "type": "product", "default_code": "WA-01-S"})
        self.rpc("admin", "ecommerce.sku.mapping", "create", {
            "shop_id": self.shop_id, "num_iid": str(tf.NUM_IID), "sku_id": tf.SKU_ID,
            "product_id": self.product_id})
        now = datetime.utcnow().replace(microsecond=0)
        self.start, self.end = now - timedelta(hours=24), now + timedelta(minutes=1)
        self.window = {"date_from": self.start.strftime(FMT), "date_to": self.end.strftime(FMT)}
        widget = item(tf.NUM_IID, "Widget A", skus=[
            sku(int(tf.SKU_ID), prop(COLOR, "黑色"), outer_id="WA-01-S")])
        self.sandbox.reset(items=[tshirt(5201), widget],
                           trades=[tf.trade("6001"), tf.trade("6003", status="TRADE_FINISHED")])

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def fault(self, method, ids=None, model="ecommerce.shop", **kwargs):
        """The fault string of a refused call; it must be a clear UserError."""
        fault = self.rpc_fault("admin", model, method,
                               [self.shop_id] if ids is None else ids, **kwargs)
        self.assertEqual(fault.faultCode, WARNING, fault.faultString)
        self.assertNotIn("Traceback", fault.faultString)
        return fault.faultString

    def count(self, model, domain):
        return self.rpc("admin", model, "search_count", domain)

    def nothing_created(self):
        self.assertEqual(self.count("sale.order", [("ecommerce_shop_id", "=", self.shop_id)]), 0)
        self.assertEqual(self.count("product.template", [("ecommerce_num_iid", "!=", False)]), 0)
        self.assertEqual(self.count("ecommerce.sync.log", [("shop_id", "=", self.shop_id)]), 0)
        called = self.sandbox.stats()["by_method"]
        self.assertEqual({m: called[m] for m in WRITING_CALLS if m in called}, {})

    # ------------------------------------------------------------------
    # Dates
    # ------------------------------------------------------------------
    def test_dates_of_the_wrong_type_are_refused(self):
        cases = [
            ("date_from", 1700000000, "got 1700000000 (int)"),
            ("date_from", [2026, 11, 30], "got [2026, 11, 30] (list)"),
            ("date_to", "2026-11-30", "got '2026-11-30' (str)"),
            ("date_to", "30/11/2026 12:00", "got '30/11/2026 12:00' (str)"),
            ("date_from", False, "got False (bool)"),
        ]
        for method in ("import_orders", "check_missing_orders"):
            for name, value, shown in cases:
                with self.subTest(method=method, name=name, value=value):
                    text = self.fault(method, **dict(self.window, **{name: value}))
                    self.assertIn("%s %s, %s." % (name, DATE_FORM, shown), text)
        self.nothing_created()

    def test_reversed_window_names_both_dates(self):
        text = self.fault("import_orders", date_from=self.window["date_to"],
                          date_to=self.window["date_from"])
        self.assertIn("date_from and date_to must be a window with the end after the start",
                      text)
        self.assertIn(self.window["date_to"], text)
        self.nothing_created()

    def test_xmlrpc_datetime_is_read_as_utc(self):
        """A client's native dateTime.iso8601 means the same UTC moment as the string."""
        as_strings = self.rpc("admin", "ecommerce.shop", "check_missing_orders",
                              [self.shop_id], **self.window)
        as_datetimes = self.rpc("admin", "ecommerce.shop", "check_missing_orders",
                                [self.shop_id], date_from=xmlrpc.client.DateTime(self.start),
                                date_to=xmlrpc.client.DateTime(self.end))
        self.assertEqual(as_strings, {"missing": ["6001"], "imported": []})
        self.assertEqual(as_datetimes, as_strings)
        # 6001 was created two hours ago: inside [3 h ago, 1 h ago] read as UTC,
        # outside if the values were taken as Beijing time (8 hours earlier).
        now = datetime.utcnow()
        narrow = self.rpc("admin", "ecommerce.shop", "check_missing_orders", [self.shop_id],
                          date_from=xmlrpc.client.DateTime(now - timedelta(hours=3)),
                          date_to=xmlrpc.client.DateTime(now - timedelta(hours=1)))
        self.assertEqual(narrow, {"missing": ["6001"], "imported": []})

    # ------------------------------------------------------------------
    # Orders
    # ------------------------------------------------------------------
    def test_tids_must_be_a_list_of_numbers(self):
        for value, shown in (("6001", "got '6001' (str)"), (6001, "got 6001 (int)"),
                             (["6001", "T-6003"], "got 'T-6003' (str)"),
                             ([{"tid": 6001}], "got {'tid': 6001} (dict)")):
            with self.subTest(tids=value):
                text = self.fault("import_orders", tids=value, **self.window)
                self.assertIn("tids must be a list of platform numbers (digits, as strings or "
                              "integers)", text)
                self.assertIn(shown, text)
        self.nothing_created()

    def test_unknown_tids_are_reported(self):
        summary = self.rpc("admin", "ecommerce.shop", "import_orders", [self.shop_id],
                           tids=[6001, "6003", "6999"], **self.window)
        # 6003 exists but is not of the status asked: not among the window's trades either.
        self.assertEqual(summary["unknown"], ["6003", "6999"])
        self.assertEqual(len(summary["created"]), 1)
        self.assertEqual(self.count("sale.order", [("ecommerce_tid", "=", "6003")]), 0)

    def test_unknown_status_is_refused(self):
        text = self.fault("import_orders", status="PAID", **self.window)
        self.assertIn("status must be one of ALL_CLOSED, ALL_WAIT_PAY,", text)
        self.assertIn("got 'PAID' (str)", text)
        self.assertIn("WAIT_SELLER_SEND_GOODS", text)
        self.nothing_created()

    def test_order_methods_want_one_shop(self):
        other = self.create_shop(name="Second shop", code="TB2")
        for method, kwargs in (("import_orders", self.window),
                               ("check_missing_orders", self.window), ("sync_orders", {})):
            for ids in ([], [self.shop_id, other]):
                with self.subTest(method=method, ids=ids):
                    text = self.fault(method, ids=ids, **kwargs)
                    self.assertIn("Call %s on one shop (one id); it was called on %d: %s"
                                  % (method, len(ids), ids), text)
        text = self.fault("import_orders", ids=[other + 1000], **self.window)
        self.assertIn("No ecommerce.shop record has the ids [%d]" % (other + 1000), text)
        self.nothing_created()

    # ------------------------------------------------------------------
    # Items
    # ------------------------------------------------------------------
    def test_num_iids_as_a_string_is_refused(self):
        """It used to be iterated: "5201" imported items 5, 2, 0 and 1."""
        for value, shown in (("5201", "got '5201' (str)"), (5201, "got 5201 (int)"),
                             ([5201.0], "got 5201.0 (float)")):
            with self.subTest(num_iids=value):
                text = self.fault("import_platform_items", num_iids=value)
                self.assertIn('num_iids must be a list of ids as strings or integers, e.g. '
                              '["5201", "5202"], %s' % shown, text)
        self.nothing_created()

    def test_num_iids_and_filters_together_are_refused(self):
        text = self.fault("import_platform_items", num_iids=["5201"], name="T恤")
        self.assertIn("Give either num_iids or the filters", text)
        self.nothing_created()

    def test_item_filters_of_the_wrong_type_are_refused(self):
        for method in ("search_platform_items", "import_platform_items"):
            for kwargs, expected in (
                    ({"name": 123}, "name must be a text (a string), got 123 (int)"),
                    ({"name": ["T恤"]}, "name must be a text (a string), got ['T恤'] (list)"),
                    ({"modified_from": 1700000000},
                     "modified_from %s, got 1700000000 (int)" % DATE_FORM),
                    ({"modified_to": "yesterday"},
                     "modified_to %s, got 'yesterday' (str)" % DATE_FORM)):
                with self.subTest(method=method, kwargs=kwargs):
                    self.assertIn(expected, self.fault(method, **kwargs))
        self.assertEqual(self.sandbox.stats()["calls"], 0)
        self.nothing_created()

    def test_item_methods_want_one_shop(self):
        for method in ("search_platform_items", "import_platform_items"):
            with self.subTest(method=method):
                self.assertIn("Call %s on one shop (one id); it was called on 0: []" % method,
                              self.fault(method, ids=[]))
        self.nothing_created()

    # ------------------------------------------------------------------
    # Stock
    # ------------------------------------------------------------------
    def test_push_stock_arguments(self):
        form = "product_ids must be a list of record ids (integers), e.g. [12, 15]"
        for kwargs, expected in (
                ({"product_ids": 5}, "%s, got 5 (int)" % form),
                ({"product_ids": "12"}, "%s, got '12' (str)" % form),
                ({"product_ids": [True]}, "%s, got True (bool)" % form),
                ({"product_ids": []}, "product_ids must hold at least one id"),
                ({"product_ids": [self.product_id + 10000]},
                 "product_ids holds ids of no product.product record: [%d]"
                 % (self.product_id + 10000)),
                ({"force": "yes"}, "force must be true or false, got 'yes' (str)")):
            with self.subTest(kwargs=kwargs):
                self.assertIn(expected, self.fault("push_stock", **kwargs))
        self.assertIn("Call push_stock on at least one ecommerce.shop id; it was called on "
                      "none.", self.fault("push_stock", ids=[]))
        self.assertIn("force must be true or false, got 'yes' (str)",
                      self.fault("push_stock", ids=[], model="ecommerce.stock.sync",
                                 force="yes"))
        self.assertEqual(self.sandbox.stats()["calls"], 0)
        result = self.rpc("admin", "ecommerce.shop", "push_stock", [self.shop_id],
                          product_ids=[self.product_id], force=True)
        self.assertEqual((result["pushed"], result["errors"]), (1, []))
