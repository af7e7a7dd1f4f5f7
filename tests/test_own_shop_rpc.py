# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Own web shop (issue 14) over real XML-RPC: orders pushed in, sellable stock out."""
import copy
import hashlib

from .common import EcommerceRpcCase

ORDER = {
    "number": "A1001",
    "created": "2026-11-30 10:00:00",
    "modified": "2026-11-30 10:00:00",
    "status": "paid",
    "buyer": {"id": "u-77", "nick": "小王"},
    "address": {"name": "王小明", "mobile": "13800000000", "province": "浙江省",
                "city": "杭州市", "district": "西湖区", "street": "文三路 1 号",
                "zip": "310000"},
    "lines": [{"line_id": "1", "merchant_code": "WA-01-S", "title": "Widget S", "qty": 2,
               "paid": "180.00"}],
    "postage": "8.00",
    "discount": "10.00",
    "payment": "178.00",
}


def own_order(number, **changes):
    order = copy.deepcopy(ORDER)
    order.update(changes, number=number)
    return order


class TestOwnShopRpc(EcommerceRpcCase):

    def setUp(self):
        super().setUp()
        self.shop_id = self.rpc("admin", "ecommerce.shop", "create", {
            "name": "Mini-program", "code": "WX", "platform": "own"})
        self.product_id = self.product("WA-01-S")
        self.rpc("admin", "ecommerce.sku.mapping", "create", {
            "shop_id": self.shop_id, "num_iid": "WA-01-S", "product_id": self.product_id})
        self.set_stock(self.product_id, 20)
        self.key = self.rpc("admin", "ecommerce.shop", "generate_own_key",
                            [self.shop_id])["key"]

    # -- helpers ------------------------------------------------------------
    def product(self, code):
        return self.rpc("admin", "product.product", "create", {
            "name": "Widget %s" % code, "type": "product", "default_code": code,
            "list_price": 90.0, "taxes_id": [(6, 0, [])]})

    def set_stock(self, product_id, qty):
        [shop] = self.rpc("admin", "ecommerce.shop", "read", [self.shop_id], ["warehouse_id"])
        [warehouse] = self.rpc("admin", "stock.warehouse", "read", [shop["warehouse_id"][0]],
                               ["lot_stock_id"])
        [product] = self.rpc("admin", "product.product", "read", [product_id],
                             ["product_tmpl_id"])
        wizard = self.rpc("admin", "stock.change.product.qty", "create", {
            "product_id": product_id, "product_tmpl_id": product["product_tmpl_id"][0],
            "location_id": warehouse["lot_stock_id"][0], "new_quantity": qty})
        self.rpc("admin", "stock.change.product.qty", "change_product_qty", [wizard])

    def push(self, *orders, login="admin", key=None):
        return self.rpc(login, "ecommerce.shop", "receive_orders", [self.shop_id],
                        list(orders), key=key or self.key)["results"]

    def stock(self, skus=None, login="admin", key=None):
        kwargs = {"skus": skus} if skus is not None else {}
        return self.rpc(login, "ecommerce.shop", "get_sellable_stock", [self.shop_id],
                        key=key or self.key, **kwargs)

    def order(self, order_id, fields=("name", "state", "amount_total", "partner_id",
                                      "partner_shipping_id", "ecommerce_review_needed",
                                      "ecommerce_review_reason", "picking_ids", "date_order",
                                      "order_line", "ecommerce_seller_memo")):
        return self.rpc("admin", "sale.order", "read", [order_id], list(fields))[0]

    def rules_quantity(self):
        """What the stock rules (the push) give for the listing."""
        [record] = self.rpc("admin", "ecommerce.stock.sync", "search_read",
                            [("shop_id", "=", self.shop_id)], ["sellable_qty"])
        return record["sellable_qty"]

    # -- orders in ----------------------------------------------------------
    def test_create_refuse_and_replay(self):
        good = own_order("A1001")
        unknown = own_order("A1002", lines=[{"merchant_code": "NOPE-1", "qty": 1,
                                             "paid": "170.00"}],
                            payment="168.00")
        results = self.push(good, unknown)
        self.assertEqual([(r["order"], r["result"]) for r in results],
                         [("A1001", "created"), ("A1002", "refused")])
        self.assertEqual(results[1]["reason"], "Item NOPE-1 is not mapped (merchant code "
                                               "NOPE-1 matches no product).")
        order = self.order(results[0]["sale_order_id"])
        self.assertEqual((order["name"], order["state"], order["amount_total"]),
                         ("WXA1001", "sale", 178.0))
        self.assertEqual(results[0]["state"], "sale")
        self.assertFalse(results[0]["held"])
        self.assertEqual(order["partner_id"][1], "小王")
        self.assertIn("王小明", order["partner_shipping_id"][1])
        self.assertEqual(order["date_order"], "2026-11-30 02:00:00")  # Beijing 10:00
        self.assertEqual(len(order["picking_ids"]), 1)

        again = self.push(good, unknown)
        self.assertEqual([(r["order"], r["result"]) for r in again],
                         [("A1001", "unchanged"), ("A1002", "refused")])
        self.assertEqual(self.order(results[0]["sale_order_id"]), order)
        self.assertEqual(self.rpc("admin", "sale.order", "search_count",
                                  [("ecommerce_shop_id", "=", self.shop_id)]), 1)

    def test_bad_order_is_refused_and_the_others_are_stored(self):
        results = self.push(own_order("B1", payment="999.00"), own_order("B2"),
                            {"number": "B3"}, own_order("B2"))
        self.assertEqual([(r["order"], r["result"]) for r in results],
                         [("B1", "refused"), ("B2", "created"), ("B3", "refused"),
                          ("B2", "refused")])
        self.assertIn("payment 999.00 is not the lines' paid 180.00 + postage 8.00 - "
                      "discount 10.00 = 178.00", results[0]["reason"])
        self.assertIn("status must be one of", results[2]["reason"])
        self.assertIn("appears more than once", results[3]["reason"])
        logs = self.rpc("admin", "ecommerce.sync.log", "search_read",
                        [("shop_id", "=", self.shop_id)], ["created_count", "failed_count"])
        self.assertEqual([(log["created_count"], log["failed_count"]) for log in logs], [(1, 3)])

    def test_total_is_the_payment_to_the_cent(self):
        order = own_order("C1", lines=[{"merchant_code": "WA-01-S", "qty": 3,
                                        "paid": "100.00"}],
                          postage="12.00", discount="5.01", payment="106.99")
        [result] = self.push(order)
        self.assertEqual(result["result"], "created")
        self.assertEqual(self.order(result["sale_order_id"])["amount_total"], 106.99)

    def test_order_discount_is_a_discount_line_with_the_goods_tax(self):
        """折扣行: the tax falls on what the buyer paid, not on the price before it."""
        [company_id] = [self.rpc("admin", "ecommerce.shop", "read", [self.shop_id],
                                 ["company_id"])[0]["company_id"][0]]
        tax_id = self.rpc("admin", "account.tax", "create", {
            "name": "VAT 13% own test", "amount": 13.0, "amount_type": "percent",
            "type_tax_use": "sale", "price_include": True, "company_id": company_id})
        self.rpc("admin", "product.product", "write", [self.product_id],
                 {"taxes_id": [(6, 0, [tax_id])]})
        order = own_order("C2", lines=[{"merchant_code": "WA-01-S", "qty": 1,
                                        "paid": "113.00"}],
                          postage="0.00", discount="11.30", payment="101.70")
        [result] = self.push(order)
        self.assertEqual(result["result"], "created", result)
        lines = self.rpc("admin", "sale.order.line", "search_read",
                         [("order_id", "=", result["sale_order_id"])],
                         ["price_unit", "tax_id", "price_tax", "price_total"])
        self.assertEqual([(line["price_unit"], line["tax_id"]) for line in lines],
                         [(113.0, [tax_id]), (-11.3, [tax_id])])
        self.assertAlmostEqual(sum(line["price_total"] for line in lines), 101.70)
        # 13 % VAT included in 101.70 paid: 11.70, not 13.00 of the price before it.
        self.assertAlmostEqual(sum(line["price_tax"] for line in lines), 11.70, places=2)

    def test_message_or_memo_holds_the_order(self):
        results = self.push(own_order("D1", buyer_message="请周末送货"),
                            own_order("D2", seller_memo="送赠品"))
        for result in results:
            order = self.order(result["sale_order_id"])
            self.assertEqual((result["held"], order["state"], order["picking_ids"]),
                             (True, "draft", []))
            self.assertIn("read it, then confirm", order["ecommerce_review_reason"])

    def test_address_and_memo_changes_before_shipping(self):
        [created] = self.push(own_order("E1"))
        moved = own_order("E1", modified="2026-11-30 11:00:00",
                          address=dict(ORDER["address"], name="李四", street="文二路 9 号"))
        [result] = self.push(moved)
        self.assertEqual((result["result"], result["held"]), ("updated", False))
        order = self.order(created["sale_order_id"])
        self.assertIn("李四", order["partner_shipping_id"][1])
        [picking] = self.rpc("admin", "stock.picking", "read", order["picking_ids"],
                             ["partner_id"])
        self.assertEqual(picking["partner_id"][0], order["partner_shipping_id"][0])

        memo = dict(moved, modified="2026-11-30 12:00:00", seller_memo="换成蓝色")
        [result] = self.push(memo)
        self.assertEqual((result["result"], result["held"]), ("updated", True))
        order = self.order(created["sale_order_id"])
        self.assertEqual(order["ecommerce_seller_memo"], "换成蓝色")
        self.assertIn("changed after import", order["ecommerce_review_reason"])

    def test_older_push_changes_nothing(self):
        [created] = self.push(own_order("E2", modified="2026-11-30 12:00:00"))
        [result] = self.push(own_order("E2", modified="2026-11-30 11:00:00",
                                       seller_memo="late"))
        self.assertEqual(result["result"], "unchanged")
        self.assertFalse(self.order(created["sale_order_id"])["ecommerce_seller_memo"])

    def test_cancel_before_shipping(self):
        [created] = self.push(own_order("F1"))
        [result] = self.push(own_order("F1", status="cancelled",
                                       modified="2026-11-30 11:00:00"))
        self.assertEqual((result["result"], result["state"]), ("updated", "cancel"))
        order = self.order(created["sale_order_id"])
        [picking] = self.rpc("admin", "stock.picking", "read", order["picking_ids"], ["state"])
        self.assertEqual((order["state"], picking["state"]), ("cancel", "cancel"))

    def test_cancelled_order_never_seen_is_refused(self):
        [result] = self.push(own_order("F2", status="cancelled"))
        self.assertEqual(result["result"], "refused")
        self.assertIn("closed", result["reason"])

    def test_partial_refund(self):
        self.product("WB-02")
        two_lines = own_order("G1", lines=[
            dict(ORDER["lines"][0]),
            {"line_id": "2", "merchant_code": "WB-02", "qty": 1, "paid": "50.00"}],
            payment="228.00")
        [created] = self.push(two_lines)
        self.assertEqual(self.order(created["sale_order_id"])["amount_total"], 228.0)
        requested = copy.deepcopy(two_lines)
        requested.update(modified="2026-11-30 11:00:00")
        requested["lines"][1]["refund"] = "requested"
        [result] = self.push(requested)
        self.assertEqual((result["result"], result["held"]), ("updated", True))
        refunded = copy.deepcopy(requested)
        refunded.update(modified="2026-11-30 12:00:00")
        refunded["lines"][1]["refund"] = "refunded"
        [result] = self.push(refunded)
        self.assertEqual(result["result"], "updated")
        order = self.order(created["sale_order_id"])
        self.assertEqual(order["amount_total"], 178.0)
        lines = self.rpc("admin", "sale.order.line", "search_read",
                         [("order_id", "=", order["id"]), ("ecommerce_oid", "=", "2")],
                         ["product_uom_qty"])
        self.assertEqual(lines[0]["product_uom_qty"], 0.0)

    # -- stock out ----------------------------------------------------------
    def test_sellable_stock_follows_the_stock_rules(self):
        self.assertEqual(self.stock(["WA-01-S", "NOPE-1"]),
                         {"quantities": {"WA-01-S": 20}, "unknown": ["NOPE-1"],
                          "skipped": [], "held_back": []})
        self.assertEqual(self.rules_quantity(), 20)
        # Held (draft) orders reserve nothing in Odoo yet, but they are sold.
        held = own_order("H1", seller_memo="check", lines=[
            {"merchant_code": "WA-01-S", "qty": 3, "paid": "270.00"}], payment="268.00")
        confirmed = own_order("H2")
        self.assertEqual([r["result"] for r in self.push(held, confirmed)],
                         ["created", "created"])
        self.assertEqual(self.stock()["quantities"], {"WA-01-S": 15})
        self.assertEqual(self.rules_quantity(), 15)

    def test_refused_order_holds_back_its_units_until_cancelled(self):
        lines = [{"line_id": "1", "merchant_code": "WA-01-S", "qty": 4, "paid": "360.00"},
                 {"line_id": "2", "merchant_code": "NOPE-1", "qty": 1, "paid": "10.00"}]
        [result] = self.push(own_order("I1", lines=lines, payment="368.00"))
        self.assertEqual(result["result"], "refused")
        # The shop sold them: offering them again would oversell.
        self.assertEqual(self.stock()["quantities"], {"WA-01-S": 16})
        self.assertEqual(self.rules_quantity(), 16)
        [result] = self.push(own_order("I1", lines=lines, payment="368.00",
                                       status="cancelled", modified="2026-11-30 11:00:00"))
        self.assertEqual(result["result"], "refused")
        self.assertEqual(self.stock()["quantities"], {"WA-01-S": 20})

    def test_empty_push(self):
        self.assertEqual(self.push(), [])
        self.assertEqual(self.rpc("admin", "ecommerce.sync.log", "search_count",
                                  [("shop_id", "=", self.shop_id)]), 0)

    def test_sellable_stock_of_a_pack_and_a_skipped_listing(self):
        pack_id = self.rpc("admin", "ecommerce.sku.mapping", "create", {
            "shop_id": self.shop_id, "num_iid": "WA-01-S-X3", "product_id": self.product_id,
            "product_qty": 3.0})
        records = self.rpc("admin", "ecommerce.stock.sync", "search",
                           [("mapping_id", "=", pack_id)])
        self.rpc("admin", "ecommerce.stock.sync", "write", records, {"sync": False})
        result = self.stock()
        self.assertEqual(result["quantities"], {"WA-01-S": 20})
        self.assertEqual([s["sku"] for s in result["skipped"]], ["WA-01-S-X3"])
        self.rpc("admin", "ecommerce.stock.sync", "write", records, {"sync": True})
        self.assertEqual(self.stock(["WA-01-S-X3"])["quantities"], {"WA-01-S-X3": 6})

    # -- arguments and rights -----------------------------------------------
    def fault(self, method, *args, **kwargs):
        return self.rpc_fault("admin", "ecommerce.shop", method, [self.shop_id], *args,
                              **kwargs).faultString

    def test_arguments_are_checked(self):
        self.assertIn("orders must be a list of order objects",
                      self.fault("receive_orders", own_order("X1")))
        self.assertIn("orders must be a list of order objects",
                      self.fault("receive_orders", ["X1"]))
        self.assertIn("send at most 500 per call",
                      self.fault("receive_orders", [own_order("X%d" % i) for i in range(501)]))
        self.assertIn("skus must be a list of merchant codes",
                      self.fault("get_sellable_stock", skus="WA-01-S"))
        self.assertIn("skus must be a list of merchant codes",
                      self.fault("get_sellable_stock", skus=[5]))
        taobao = self.create_shop()
        fault = self.rpc_fault("admin", "ecommerce.shop", "receive_orders", [taobao],
                               [own_order("X2")]).faultString
        self.assertIn("receive_orders serves own web shops only", fault)
        fault = self.rpc_fault("admin", "ecommerce.shop", "get_sellable_stock",
                               [self.shop_id, taobao]).faultString
        self.assertIn("Call get_sellable_stock on one shop", fault)

    def count_orders(self, number):
        return self.rpc("admin", "sale.order", "search_count", [("ecommerce_tid", "=", number)])

    def test_rights(self):
        feed = self.create_user("feed", ["ecommerce_sync.group_ecommerce_own_feed"])
        # Confirming an order that reserves stock posts a tracking message, which
        # needs the author's email (Odoo 11).
        self.rpc("admin", "res.users", "write", [feed], {"email": "feed@example.com"})
        [result] = self.push(own_order("R1"), login="feed")
        self.assertEqual(result["result"], "created")
        self.assertEqual(self.stock(login="feed")["quantities"], {"WA-01-S": 18})
        self.create_user("user", ["base.group_user"])
        self.assertRpcAccessError("user", "ecommerce.shop", "receive_orders", [self.shop_id],
                                  [own_order("R2")], key=self.key)
        self.assertRpcAccessError("user", "ecommerce.shop", "get_sellable_stock",
                                  [self.shop_id], key=self.key)
        # A warehouse clerk (E-commerce User) reads the stock but pushes no order,
        # even holding the shop's key.
        self.create_user("clerk", ["ecommerce_sync.group_ecommerce_user"])
        self.assertEqual(self.stock(login="clerk")["quantities"], {"WA-01-S": 18})
        fault = self.assertRpcAccessError("clerk", "ecommerce.shop", "receive_orders",
                                          [self.shop_id], [own_order("R2")], key=self.key)
        self.assertIn("E-commerce Own Shop Feed", fault)
        self.assertEqual(self.count_orders("R2"), 0)

    def test_the_shop_key_is_needed_and_is_this_shops(self):
        fault = self.assertRpcAccessError("admin", "ecommerce.shop", "receive_orders",
                                          [self.shop_id], [own_order("K1")])
        self.assertIn("The key is missing or not the key of shop Mini-program", fault)
        self.assertRpcAccessError("admin", "ecommerce.shop", "get_sellable_stock",
                                  [self.shop_id])
        for key in (False, "", "esk_not-the-key", 42, self.key + "x"):
            fault = self.assertRpcAccessError("admin", "ecommerce.shop", "receive_orders",
                                              [self.shop_id], [own_order("K1")], key=key)
            self.assertIn("not the key of shop Mini-program", fault)
            self.assertRpcAccessError("admin", "ecommerce.shop", "get_sellable_stock",
                                      [self.shop_id], key=key)
        other = self.rpc("admin", "ecommerce.shop", "create", {
            "name": "Website", "code": "WEB", "platform": "own"})
        other_key = self.rpc("admin", "ecommerce.shop", "generate_own_key", [other])["key"]
        self.assertRpcAccessError("admin", "ecommerce.shop", "receive_orders", [self.shop_id],
                                  [own_order("K1")], key=other_key)
        self.assertEqual(self.count_orders("K1"), 0)
        [result] = self.push(own_order("K1"))
        self.assertEqual(result["result"], "created")

    def test_the_key_is_shown_once_stored_as_a_hash_and_revocable(self):
        [shop] = self.rpc("admin", "ecommerce.shop", "read", [self.shop_id],
                          ["own_key_hash", "own_key_hint"])
        self.assertNotIn(self.key, str(shop))
        self.assertEqual(shop["own_key_hash"], hashlib.sha256(self.key.encode()).hexdigest())
        self.assertTrue(self.key.startswith(shop["own_key_hint"].rstrip("…")))
        # Not a manager: no key made or withdrawn, the hash not even readable.
        self.create_user("clerk", ["ecommerce_sync.group_ecommerce_own_feed"])
        self.assertRpcAccessError("clerk", "ecommerce.shop", "generate_own_key", [self.shop_id])
        self.assertRpcAccessError("clerk", "ecommerce.shop", "revoke_own_key", [self.shop_id])
        self.assertRpcAccessError("clerk", "ecommerce.shop", "read", [self.shop_id],
                                  ["own_key_hash"])
        # A new key replaces the old one; a withdrawn key opens nothing.
        old = self.key
        self.key = self.rpc("admin", "ecommerce.shop", "generate_own_key",
                            [self.shop_id])["key"]
        self.assertNotEqual(old, self.key)
        self.assertRpcAccessError("admin", "ecommerce.shop", "receive_orders", [self.shop_id],
                                  [own_order("K2")], key=old)
        self.assertEqual(self.push(own_order("K2"))[0]["result"], "created")
        self.rpc("admin", "ecommerce.shop", "revoke_own_key", [self.shop_id])
        fault = self.assertRpcAccessError("admin", "ecommerce.shop", "receive_orders",
                                          [self.shop_id], [own_order("K3")], key=self.key)
        self.assertIn("has no key yet", fault)
        self.assertEqual(self.count_orders("K3"), 0)
        # The button shows the key in the dialog's context, never in a stored row.
        action = self.rpc("admin", "ecommerce.shop", "action_new_own_key", [self.shop_id])
        key = action["context"]["ecommerce_own_key"]
        [wizard] = self.rpc("admin", action["res_model"], "read", [action["res_id"]], ["key"])
        self.assertFalse(wizard["key"])
        self.assertEqual(self.push(own_order("K4"), key=key)[0]["result"], "created")

    def test_prices_outside_the_rules_are_refused(self):
        negative = own_order("P1", lines=[dict(ORDER["lines"][0], paid="-180.00")])
        wrong_line = own_order("P2", lines=[dict(ORDER["lines"][0], price="95.00")])
        wrong_total = own_order("P3", payment="177.99")
        good = own_order("P4", lines=[dict(ORDER["lines"][0], price="95.00",
                                           discount="10.00")])
        results = self.push(negative, wrong_line, wrong_total, good)
        self.assertEqual([r["result"] for r in results],
                         ["refused", "refused", "refused", "created"])
        self.assertIn("paid cannot be negative", results[0]["reason"])
        self.assertIn("paid 180.00 is not price 95.00 x qty 2", results[1]["reason"])
        self.assertIn("payment 177.99 is not", results[2]["reason"])
        self.assertEqual(self.order(results[3]["sale_order_id"])["amount_total"], 178.0)
        self.assertEqual(sum(self.count_orders(n) for n in ("P1", "P2", "P3")), 0)

    def test_shipped_delivery_waits_for_no_platform(self):
        """The own shop reads its orders' state itself: nothing queues for a platform."""
        [result] = self.push(own_order("A1201"))
        picking_id = self.order(result["sale_order_id"])["picking_ids"][0]
        self.rpc("admin", "stock.picking", "action_assign", [picking_id])
        [move] = self.rpc("admin", "stock.move", "search_read",
                          [("picking_id", "=", picking_id)], ["product_uom_qty"])
        self.rpc("admin", "stock.move", "write", [move["id"]],
                 {"quantity_done": move["product_uom_qty"]})
        self.rpc("admin", "stock.picking", "action_done", [picking_id])
        [picking] = self.rpc("admin", "stock.picking", "read", [picking_id],
                             ["state", "ecommerce_shipment_state"])
        self.assertEqual((picking["state"], picking["ecommerce_shipment_state"]),
                         ("done", False))
