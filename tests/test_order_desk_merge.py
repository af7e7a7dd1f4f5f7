# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Merging (合单) over real XML-RPC: two Taobao trades of one receiver (as the
platform's merge answer says) leave in one parcel, both trades are shipped on the
sandbox with its waybill, a refund takes only its trade's goods out, and a split
gives each its delivery. JD orders merge by their oaid, own-shop orders by their
address."""
import time

from . import trade_factory as tf
from .common import EcommerceRpcCase
from .jd_common import JdSandbox, jd_shop_vals
from .test_order_desk import DeskCase
from .test_jd_shop import JD_CATEGORIES, jd_order, jd_wares, utc
from .test_own_shop_rpc import ORDER, own_order

WAYBILL = "SF1234567890"
OPEN = [("state", "not in", ("done", "cancel"))]


class TestMerge(EcommerceRpcCase):

    def setUp(self):
        super().setUp()
        self.sandbox.privacy(masked=True, decrypt_quota=1000)
        self.addCleanup(self.sandbox.privacy, masked=False, decrypt_quota=1000)
        self.shop_id = self.create_shop()
        self.widget = self.product("Widget A black", "WA-01-S", tf.SKU_ID)
        self.carrier_id = self.platform_carrier(self.shop_id, "SF", "SF Express")

    def product(self, name, code, sku_id, shop_id=None):
        product_id = self.rpc("admin", "product.product", "create", {
            "name": name, "type": "product", "default_code": code})
        self.rpc("admin", "ecommerce.sku.mapping", "create", {
            "shop_id": shop_id or self.shop_id, "num_iid": str(tf.NUM_IID),
            "sku_id": sku_id, "product_id": product_id})
        wizard = self.rpc("admin", "stock.change.product.qty", "create", {
            "product_id": product_id, "new_quantity": 50})
        self.rpc("admin", "stock.change.product.qty", "change_product_qty", [wizard])
        return product_id

    def load(self, *trades, shop_id=None, days=1):
        self.sandbox.reset(trades=list(trades))
        result = self.rpc("admin", "ecommerce.shop", "import_orders",
                          [shop_id or self.shop_id], utc(days * 24 * 60), utc(-1))
        self.assertFalse(result["failed"], result)
        orders = self.rpc("admin", "sale.order", "search_read", [
            ("ecommerce_shop_id", "=", shop_id or self.shop_id)], ["ecommerce_tid"])
        return {o["ecommerce_tid"]: o["id"] for o in orders}

    def deliveries(self, order_id):
        picking_ids = self.rpc("admin", "sale.order", "read", [order_id],
                               ["ecommerce_delivery_ids"])[0]["ecommerce_delivery_ids"]
        return self.rpc("admin", "stock.picking", "search", [("id", "in", picking_ids)] + OPEN)

    def goods(self, picking_id):
        """{order name: quantity} of the parcel, as its moves' sale lines say."""
        moves = self.rpc("admin", "stock.move", "search_read", [
            ("picking_id", "=", picking_id), ("state", "!=", "cancel")],
            ["sale_line_id", "product_uom_qty"])
        lines = self.rpc("admin", "sale.order.line", "read",
                         [m["sale_line_id"][0] for m in moves], ["order_id"])
        answer = {}
        for line, move in zip(lines, moves):
            answer[line["order_id"][1]] = answer.get(line["order_id"][1], 0) + \
                move["product_uom_qty"]
        return answer

    def validate(self, picking_id):
        self.rpc("admin", "stock.picking", "write", [picking_id], {
            "carrier_id": self.carrier_id, "carrier_tracking_ref": WAYBILL})
        self.rpc("admin", "stock.picking", "action_assign", [picking_id])
        for move in self.rpc("admin", "stock.move", "search_read", [
                ("picking_id", "=", picking_id)], ["product_uom_qty"]):
            self.rpc("admin", "stock.move", "write", [move["id"]],
                     {"quantity_done": move["product_uom_qty"]})
        self.rpc("admin", "stock.picking", "action_done", [picking_id])
        return self.rpc("admin", "ecommerce.shop", "send_shipments", [self.shop_id],
                        picking_ids=[picking_id])

    def merged_pair(self):
        ids = self.load(tf.trade("2401", address=tf.ADDRESS),
                        tf.trade("2402", address=tf.ADDRESS, lines=[tf.line(num=2)]))
        names = {o["id"]: o["name"] for o in self.rpc(
            "admin", "sale.order", "read", list(ids.values()), ["name"])}
        answer = self.rpc("admin", "sale.order", "ecommerce_desk_merge",
                          [ids["2401"], ids["2402"]])
        return ids, names, answer["delivery"]

    def test_merged_parcel_ships_both_trades_with_one_waybill(self):
        ids, names, parcel = self.merged_pair()
        self.assertEqual(self.deliveries(ids["2401"]), [parcel])
        self.assertEqual(self.deliveries(ids["2402"]), [parcel])
        self.assertEqual(self.goods(parcel), {names[ids["2401"]]: 1, names[ids["2402"]]: 2})
        summary = self.validate(parcel)
        self.assertFalse(summary["failed"], summary)
        self.assertEqual(sorted(summary["sent"]), ["2401", "2402"])
        for tid in ("2401", "2402"):
            trade = self.sandbox.trade(tid)
            self.assertEqual(trade["status"], "WAIT_BUYER_CONFIRM_GOODS")
            self.assertEqual({o.get("invoice_no") for o in trade["orders"]["order"]}, {WAYBILL})
        state = self.rpc("admin", "stock.picking", "read", [parcel],
                         ["ecommerce_shipment_state"])[0]
        self.assertEqual(state["ecommerce_shipment_state"], "sent")

    def test_refund_takes_one_trade_out_and_the_other_ships(self):
        ids, names, parcel = self.merged_pair()
        self.sandbox.refund("2402", oid="2402", status="WAIT_SELLER_AGREE")
        self.rpc("admin", "ecommerce.shop", "sync_refunds", [self.shop_id])
        self.assertEqual(self.goods(parcel), {names[ids["2401"]]: 1})
        held = self.deliveries(ids["2402"])
        self.assertEqual(len(held), 1)
        self.assertNotEqual(held, [parcel])
        self.assertTrue(self.rpc("admin", "stock.picking", "read", held,
                                 ["ecommerce_held"])[0]["ecommerce_held"])
        summary = self.validate(parcel)
        self.assertEqual(summary["sent"], ["2401"], summary)
        self.assertEqual(self.sandbox.trade("2401")["status"], "WAIT_BUYER_CONFIRM_GOODS")
        self.assertEqual(self.sandbox.trade("2402")["status"], "WAIT_SELLER_SEND_GOODS")

    def test_a_gift_leaves_the_parcel_with_its_orders_last_goods(self):
        # Every order gets a gift (no sub-order of its own).
        sample = self.rpc("admin", "product.product", "create", {
            "name": "Sample", "type": "product", "default_code": "GIFT-01"})
        wizard = self.rpc("admin", "stock.change.product.qty", "create", {
            "product_id": sample, "new_quantity": 50})
        self.rpc("admin", "stock.change.product.qty", "change_product_qty", [wizard])
        self.rpc("admin", "ecommerce.gift.rule", "create", {
            "name": "A sample for everyone",
            "tier_ids": [(0, 0, {"amount_min": 0, "product_id": sample, "quantity": 1})]})
        ids, names, parcel = self.merged_pair()
        first, second = names[ids["2401"]], names[ids["2402"]]
        self.assertEqual(self.goods(parcel), {first: 2, second: 3})
        # The first trade is shipped in Qianniu: its goods left, and its gift with them.
        self.sandbox.ship("2401", out_sid=WAYBILL, sub_tid="2401")
        time.sleep(1)  # shipping bumps the trade twice: a second ahead
        self.rpc("admin", "ecommerce.shop", "sync_orders", [self.shop_id])
        self.assertEqual(self.goods(parcel), {second: 3})
        # A refund on the other trade holds the parcel, now its goods and gift alone.
        self.sandbox.refund("2402", oid="2402", status="WAIT_SELLER_AGREE")
        self.rpc("admin", "ecommerce.shop", "sync_refunds", [self.shop_id])
        self.assertEqual(self.deliveries(ids["2402"]), [parcel])
        self.assertEqual(self.goods(parcel), {second: 3})
        self.assertTrue(self.rpc("admin", "stock.picking", "read", [parcel],
                                 ["ecommerce_held"])[0]["ecommerce_held"])

    def test_hold_on_one_trade_takes_only_its_goods_out(self):
        ids, names, parcel = self.merged_pair()
        self.rpc("admin", "sale.order", "ecommerce_desk_hold", [ids["2401"]], "买家要求改地址")
        self.assertEqual(self.goods(parcel), {names[ids["2402"]]: 2})
        held = self.deliveries(ids["2401"])
        self.assertEqual(len(held), 1)
        self.assertEqual(self.goods(held[0]), {names[ids["2401"]]: 1})
        self.assertTrue(self.rpc("admin", "stock.picking", "read", held,
                                 ["ecommerce_held"])[0]["ecommerce_held"])
        summary = self.validate(parcel)
        self.assertEqual(summary["sent"], ["2402"], summary)
        self.assertEqual(self.sandbox.trade("2401")["status"], "WAIT_SELLER_SEND_GOODS")

    def test_split_gives_each_order_its_delivery_again(self):
        ids, names, parcel = self.merged_pair()
        self.rpc("admin", "sale.order", "ecommerce_desk_split", [ids["2402"]])
        first, second = self.deliveries(ids["2401"]), self.deliveries(ids["2402"])
        self.assertEqual(first, [parcel])
        self.assertEqual(len(second), 1)
        self.assertNotEqual(second, first)
        self.assertEqual(self.goods(parcel), {names[ids["2401"]]: 1})
        self.assertEqual(self.goods(second[0]), {names[ids["2402"]]: 2})

    def test_merge_is_refused_across_receivers_and_for_picked_goods(self):
        other = dict(tf.ADDRESS, receiver_name="李四", receiver_mobile="13900000000")
        ids = self.load(tf.trade("2411", address=tf.ADDRESS), tf.trade("2412", address=other),
                        tf.trade("2413", address=tf.ADDRESS))
        fault = self.rpc_fault("admin", "sale.order", "ecommerce_desk_merge",
                               [ids["2411"], ids["2412"]])
        self.assertIn("different receivers", fault.faultString)
        self.rpc("admin", "stock.picking", "write", self.deliveries(ids["2413"]),
                 {"carrier_tracking_ref": WAYBILL})
        fault = self.rpc_fault("admin", "sale.order", "ecommerce_desk_merge",
                               [ids["2411"], ids["2413"]])
        self.assertIn("already being picked", fault.faultString)
        self.assertEqual(len(self.deliveries(ids["2411"])), 1)

    def test_merge_from_the_order_list_and_the_wizard(self):
        ids = self.load(tf.trade("2441", address=tf.ADDRESS), tf.trade("2442", address=tf.ADDRESS))
        pair = [ids["2441"], ids["2442"]]
        action = self.rpc("admin", "ir.model.data", "xmlid_to_res_id",
                          "ecommerce_sync.sale_order_action_desk_merge")
        self.rpc("admin", "ir.actions.server", "run", [action],
                 context={"active_model": "sale.order", "active_ids": pair})
        self.assertEqual(self.deliveries(pair[1]), self.deliveries(pair[0]))
        wizard = self.rpc("admin", "ecommerce.desk.wizard", "create", {
            "order_ids": [(6, 0, pair)], "action": "split"})
        self.rpc("admin", "ecommerce.desk.wizard", "action_apply", [wizard])
        self.assertNotEqual(self.deliveries(pair[1]), self.deliveries(pair[0]))

    def test_merge_is_refused_across_shops(self):
        ids = self.load(tf.trade("2421", address=tf.ADDRESS))
        shop2 = self.create_shop(code="M2", name="Second shop")
        self.product("Widget B", "WB-01", tf.SKU_ID, shop_id=shop2)
        ids2 = self.load(tf.trade("2422", address=tf.ADDRESS), shop_id=shop2)
        fault = self.rpc_fault("admin", "sale.order", "ecommerce_desk_merge",
                               [ids["2421"], ids2["2422"]])
        self.assertIn("one shop", fault.faultString)

    def test_auto_merge_joins_the_open_parcel_of_the_receiver(self):
        self.rpc("admin", "ecommerce.shop", "write", [self.shop_id], {"desk_auto_merge": True})
        ids = self.load(tf.trade("2431", address=tf.ADDRESS))
        parcel = self.deliveries(ids["2431"])
        ids = self.load(tf.trade("2431", address=tf.ADDRESS), tf.trade("2432", address=tf.ADDRESS))
        self.assertEqual(self.deliveries(ids["2432"]), parcel)

    def test_auto_merge_puts_a_plain_receivers_goods_straight_into_the_parcel(self):
        # A shop that shows receivers in clear (the own shop; Taobao before oaid):
        # the order joins the parcel as it is confirmed, reserved, with no delivery
        # of its own made and removed.
        self.sandbox.privacy(masked=False, decrypt_quota=1000)
        self.rpc("admin", "ecommerce.shop", "write", [self.shop_id], {"desk_auto_merge": True})
        ids = self.load(tf.trade("2471", address=tf.ADDRESS),
                        tf.trade("2472", address=tf.ADDRESS, lines=[tf.line(num=3)]),
                        tf.trade("2473", address=dict(tf.ADDRESS, receiver_name="李四")))
        [parcel] = self.deliveries(ids["2471"])
        self.assertEqual(self.deliveries(ids["2472"]), [parcel])
        self.assertNotEqual(self.deliveries(ids["2473"]), [parcel])
        names = {o["id"]: o["name"] for o in self.rpc(
            "admin", "sale.order", "read", list(ids.values()), ["name"])}
        self.assertEqual(self.goods(parcel), {names[ids["2471"]]: 1, names[ids["2472"]]: 3})
        [picking] = self.rpc("admin", "stock.picking", "read", [parcel],
                             ["state", "partner_id", "origin"])
        self.assertEqual(picking["state"], "assigned")
        self.assertEqual(picking["origin"], names[ids["2471"]])
        self.assertTrue(picking["partner_id"])
        deliveries = self.rpc("admin", "stock.picking", "search_count", [
            ("sale_id", "in", list(ids.values()))])
        self.assertEqual(deliveries, 2)  # the parcel, and 2473's own delivery
        messages = self.rpc("admin", "mail.message", "search_read", [
            ("model", "=", "sale.order"), ("res_id", "=", ids["2472"])], ["body"])
        self.assertTrue(any("Merged into delivery" in m["body"] for m in messages), messages)

    def test_orders_of_one_receiver_released_together_share_a_parcel(self):
        # Two orders of one receiver wait on the desk (buyer messages); the reviewer
        # confirms both in one action: one parcel, not a delivery each.
        self.sandbox.privacy(masked=False, decrypt_quota=1000)
        self.rpc("admin", "ecommerce.shop", "write", [self.shop_id], {"desk_auto_merge": True})
        ids = self.load(
            tf.trade("2481", address=tf.ADDRESS, buyer_message="请用顺丰"),
            tf.trade("2482", address=tf.ADDRESS, buyer_message="尽快发货",
                     lines=[tf.line(num=2)]))
        orders = self.rpc("admin", "sale.order", "read", [ids["2481"], ids["2482"]],
                          ["state", "name"])
        self.assertEqual([o["state"] for o in orders], ["draft", "draft"])
        answer = self.rpc("admin", "sale.order", "ecommerce_desk_confirm",
                          [ids["2482"], ids["2481"]])
        self.assertEqual(sorted(answer["confirmed"]), sorted(ids.values()))
        [parcel] = self.deliveries(ids["2481"])
        self.assertEqual(self.deliveries(ids["2482"]), [parcel])
        self.assertEqual(self.goods(parcel), {orders[0]["name"]: 1, orders[1]["name"]: 2})

    def oaids(self, *order_ids):
        orders = self.rpc("admin", "sale.order", "read", list(order_ids), ["partner_shipping_id"])
        return [self.rpc("admin", "res.partner", "read", [o["partner_shipping_id"][0]],
                         ["ecommerce_oaid"])[0]["ecommerce_oaid"] for o in orders]

    def merge_calls(self):
        return self.sandbox.stats()["by_method"].get("taobao.top.oaid.merge", 0)

    def test_platform_merges_one_receiver_a_week_apart(self):
        self.rpc("admin", "ecommerce.shop", "write", [self.shop_id], {"desk_auto_merge": True})
        # The later order is promised first: the parcel must leave by its time.
        ids = self.load(tf.trade("2451", address=tf.ADDRESS, created=tf.ago(days=8),
                                 delivery_time=tf.ago(hours=-30)),
                        tf.trade("2452", address=tf.ADDRESS, lines=[tf.line(num=2)],
                                 delivery_time=tf.ago(hours=3)),
                        days=10)
        old, new = self.oaids(ids["2451"], ids["2452"])
        self.assertNotEqual(old, new)  # a week apart: two oaids, one receiver
        parcel = self.deliveries(ids["2451"])
        self.assertEqual(len(parcel), 1)
        self.assertEqual(self.deliveries(ids["2452"]), parcel)
        names = {o["id"]: o["name"] for o in self.rpc(
            "admin", "sale.order", "read", list(ids.values()), ["name"])}
        self.assertEqual(self.goods(parcel[0]), {names[ids["2451"]]: 1, names[ids["2452"]]: 2})
        promises = self.rpc("admin", "sale.order", "read", list(ids.values()),
                            ["ecommerce_ship_by"])
        [ship_by] = self.rpc("admin", "stock.picking", "read", parcel, ["ecommerce_ship_by"])
        self.assertEqual(ship_by["ecommerce_ship_by"],
                         min(o["ecommerce_ship_by"] for o in promises))

    def test_same_oaid_the_platform_does_not_merge_stays_apart(self):
        ids = self.load(tf.trade("2461", address=tf.ADDRESS), tf.trade("2462", address=tf.ADDRESS))
        pair = [ids["2461"], ids["2462"]]
        first, second = self.oaids(*pair)
        self.assertEqual(first, second)
        # The buyer gave 2462 another receiver on the platform; Odoo has not read it yet.
        self.sandbox.change_address("2462", receiver_name="王五", receiver_mobile="13700000000")
        calls = self.merge_calls()
        fault = self.rpc_fault("admin", "sale.order", "ecommerce_desk_merge", pair)
        self.assertIn("different receivers", fault.faultString)
        self.assertEqual(self.merge_calls(), calls + 1)
        self.assertNotEqual(self.deliveries(pair[0]), self.deliveries(pair[1]))
        # Without an answer from the platform, the same oaid decides.
        self.sandbox.faults([], deny_methods=["taobao.top.oaid.merge"])
        self.addCleanup(self.sandbox.faults, [])
        answer = self.rpc("admin", "sale.order", "ecommerce_desk_merge", pair)
        self.assertEqual(self.deliveries(pair[1]), [answer["delivery"]])

    def test_cancelling_the_parcels_first_order_leaves_the_others_goods(self):
        ids, names, parcel = self.merged_pair()
        self.rpc("admin", "sale.order", "ecommerce_desk_cancel", [ids["2401"]], "买家不要了")
        self.assertEqual(self.goods(parcel), {})
        [left] = self.deliveries(ids["2402"])
        self.assertEqual(self.goods(left), {names[ids["2402"]]: 2})
        self.assertEqual(self.rpc("admin", "stock.picking", "read", [left], ["state"])[0]["state"],
                         "assigned")

    def test_cancelling_another_order_takes_its_goods_out_of_the_parcel(self):
        ids, names, parcel = self.merged_pair()
        self.rpc("admin", "sale.order", "ecommerce_desk_cancel", [ids["2402"]], "买家不要了")
        self.assertEqual(self.deliveries(ids["2401"]), [parcel])
        self.assertEqual(self.goods(parcel), {names[ids["2401"]]: 1})


class ParcelCase(DeskCase):

    def parcels(self, order_ids):
        """{order id: its open deliveries}."""
        orders = self.rpc("admin", "sale.order", "read", order_ids, ["ecommerce_delivery_ids"])
        return {o["id"]: self.rpc("admin", "stock.picking", "search", [
            ("id", "in", o["ecommerce_delivery_ids"])] + OPEN) for o in orders}


class TestJdMerge(ParcelCase):
    """JD masks receivers and names none as one: orders of one oaid are one receiver."""

    def test_jd_orders_of_one_oaid_ship_in_one_parcel(self):
        jd = JdSandbox()
        other = {"fullname": "李四", "telephone": "", "mobile": "13900000000",
                 "fullAddress": "北京 北京市 朝阳区 建国路1号", "province": "北京",
                 "city": "北京市", "county": "朝阳区", "town": ""}
        jd.reset(wares=jd_wares(), category_attrs=JD_CATEGORIES, orders=[
            jd_order(2501), jd_order(2502), jd_order(2503, consigneeInfo=other)])
        jd.privacy(masked=True, decrypt_quota=1000)
        self.addCleanup(jd.privacy, masked=False, decrypt_quota=None)
        shop_id = self.rpc("admin", "ecommerce.shop", "create",
                           jd_shop_vals(code="JDM", desk_auto_merge=True))
        self.rpc("admin", "ecommerce.shop", "import_platform_items", [shop_id])
        for mapping in self.rpc("admin", "ecommerce.sku.mapping", "search_read", [
                ("shop_id", "=", shop_id)], ["product_id"]):
            self.stock(mapping["product_id"][0], 20)
        result = self.rpc("admin", "ecommerce.shop", "import_orders", [shop_id],
                          utc(120), utc(0))
        self.assertFalse(result["failed"], result)
        ids = {o["ecommerce_tid"]: o["id"] for o in self.rpc(
            "admin", "sale.order", "search_read", [("ecommerce_shop_id", "=", shop_id)],
            ["ecommerce_tid"])}
        parcels = self.parcels([ids["2501"], ids["2502"], ids["2503"]])
        [parcel] = parcels[ids["2501"]]
        self.assertEqual(parcels[ids["2502"]], [parcel])
        self.assertNotIn(parcel, parcels[ids["2503"]])
        moves = self.rpc("admin", "stock.move", "search_read", [("picking_id", "=", parcel)],
                         ["product_uom_qty"])
        self.assertEqual(sum(m["product_uom_qty"] for m in moves), 6)  # 2 T-shirts + a mug, twice

        carrier = self.platform_carrier(shop_id, "467", "SF Express", platform="jd")
        self.rpc("admin", "stock.picking", "write", [parcel], {
            "carrier_id": carrier, "carrier_tracking_ref": WAYBILL})
        for move in moves:
            self.rpc("admin", "stock.move", "write", [move["id"]],
                     {"quantity_done": move["product_uom_qty"]})
        self.rpc("admin", "stock.picking", "action_done", [parcel])
        self.rpc("admin", "ecommerce.shop", "send_shipments", [shop_id], picking_ids=[parcel])
        for order_id in ("2501", "2502"):
            shipped = jd.order(order_id)
            self.assertEqual((shipped["orderState"], shipped["logisticsId"], shipped["waybill"]),
                             ("WAIT_GOODS_RECEIVE_CONFIRM", "467", WAYBILL))
        self.assertEqual(jd.order("2503")["orderState"], "WAIT_SELLER_STOCK_OUT")


class TestOwnShopMerge(ParcelCase):
    """The own shop shows its receivers: orders to one name and address are one."""

    def test_own_shop_orders_to_one_address_share_a_parcel(self):
        _shop_id, push = self.own_shop(desk_auto_merge=True)
        elsewhere = dict(ORDER["address"], street="文一路 9 号")
        ids = push(own_order("M1"), own_order("M2"), own_order("M3", address=elsewhere))
        parcels = self.parcels(ids)
        [parcel] = parcels[ids[0]]
        self.assertEqual(parcels[ids[1]], [parcel])
        self.assertNotIn(parcel, parcels[ids[2]])
        [picking] = self.rpc("admin", "stock.picking", "read", [parcel], ["state", "move_lines"])
        self.assertEqual((picking["state"], len(picking["move_lines"])), ("assigned", 2))
