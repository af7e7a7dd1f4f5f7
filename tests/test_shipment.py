# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields
from odoo.tools import mute_logger

from . import trade_factory as tf
from .common import shop_vals
from .test_order_import import OrderCase

SF_WAYBILL = "SF1234567890"
TWO_LINES = [tf.line(), tf.line(num_iid=520000000002, sku_id="", price=3990, outer_sku_id="",
                                outer_iid="MUG-X", title="Mug")]


class ShipmentCase(OrderCase):
    """Imported orders, carriers mapped to the sandbox's logistics companies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shop.action_fetch_logistics_companies()
        companies = cls.env["ecommerce.logistics.company"]
        cls.sf_company = companies.search([("platform", "=", "taobao"), ("code", "=", "SF")])
        fee = cls.env["product.product"].create({"name": "Postage", "type": "service"})
        carrier = cls.env["delivery.carrier"]
        cls.sf = carrier.create({"name": "SF Express", "product_id": fee.id,
                                 "ecommerce_company_ids": [(6, 0, cls.sf_company.ids)]})
        cls.yto = carrier.create({"name": "YTO", "product_id": fee.id, "ecommerce_company_ids": [
            (6, 0, companies.search([("code", "=", "YTO")]).ids)]})
        cls.unmapped = carrier.create({"name": "Local courier", "product_id": fee.id})
        cls.virtual = carrier.create({"name": "E-ticket", "product_id": fee.id,
                                      "ecommerce_no_logistics": True})

    def imported(self, tid, lines=None, **kw):
        self.load(tf.trade(tid, lines, **kw))
        self.import_window()
        order = self.order_of(tid)
        self.assertEqual(order.state, "sale")
        return order

    def validate(self, picking, carrier=None, waybill=None, only=None):
        """Ship the picking (or only the moves of product ``only``); its backorder."""
        picking.write({"carrier_id": carrier.id if carrier else False,
                       "carrier_tracking_ref": waybill or False})
        picking.force_assign()
        for move in picking.move_lines:
            if only is None or move.product_id == only:
                move.quantity_done = move.product_uom_qty
        picking.action_done()
        self.assertEqual(picking.state, "done")
        return self.env["stock.picking"].search([("backorder_id", "=", picking.id)])

    def send(self, *pickings):
        return self.shop.send_shipments(picking_ids=[p.id for p in pickings])

    def platform_orders(self, tid):
        """{oid: (status, invoice_no, logistics_company)} as the platform has them."""
        trade = self.sandbox.trade(tid)
        return {o["oid"]: (o["status"], o.get("invoice_no"), o.get("logistics_company"))
                for o in trade["orders"]["order"]}

    def shipment(self, picking):
        return (picking.ecommerce_shipment_state, picking.ecommerce_shipment_reason or False)


class TestShipment(ShipmentCase):

    def test_validating_marks_the_delivery_without_calling_the_platform(self):
        picking = self.imported("7001").picking_ids
        calls = self.sandbox.stats()["calls"]
        self.validate(picking, self.sf, SF_WAYBILL)
        self.assertEqual(self.sandbox.stats()["calls"], calls)
        self.assertEqual(self.shipment(picking), ("to_send", False))
        # delivery's fixed-price provider empties the waybill on validation: kept
        self.assertEqual(picking.carrier_tracking_ref, SF_WAYBILL)
        self.assertEqual(self.sandbox.trade("7001")["status"], "WAIT_SELLER_SEND_GOODS")

    def test_two_step_delivery_is_sent_when_the_last_step_is_validated(self):
        self.shop.warehouse_id.delivery_steps = "pick_ship"
        order = self.imported("7012")
        pick = order.picking_ids.filtered(lambda p: p.location_dest_id.usage != "customer")
        out = order.picking_ids - pick
        self.assertEqual((len(pick), out.location_dest_id.usage), (1, "customer"))
        self.validate(pick)
        self.assertFalse(pick.ecommerce_shipment_state)
        self.env["ecommerce.shop"]._cron_send_shipments()
        self.assertEqual(self.sandbox.trade("7012")["status"], "WAIT_SELLER_SEND_GOODS")
        self.validate(out, self.sf, SF_WAYBILL)
        self.assertEqual(out.ecommerce_shipment_state, "to_send")
        self.env["ecommerce.shop"]._cron_send_shipments()
        self.assertEqual(self.platform_orders("7012")["7012"],
                         ("WAIT_BUYER_CONFIRM_GOODS", SF_WAYBILL, "SF"))

    def test_full_delivery_is_sent_with_one_call_by_the_button(self):
        order = self.imported("7002", TWO_LINES)
        picking = order.picking_ids
        self.validate(picking, self.sf, SF_WAYBILL)
        picking.action_ecommerce_send_shipment()
        self.assertEqual(self.sandbox.trade("7002")["status"], "WAIT_BUYER_CONFIRM_GOODS")
        self.assertEqual(self.platform_orders("7002"), {
            "700200": ("WAIT_BUYER_CONFIRM_GOODS", SF_WAYBILL, "SF"),
            "700201": ("WAIT_BUYER_CONFIRM_GOODS", SF_WAYBILL, "SF")})
        self.assertEqual(self.shipment(picking), ("sent", False))
        self.assertEqual(picking.ecommerce_shipment_attempts, 1)
        self.assertTrue(picking.ecommerce_shipment_last_try)
        self.assertEqual(self.sandbox.stats()["by_method"].get(
            "taobao.logistics.offline.send"), 1)

    def test_a_priced_carrier_never_changes_what_the_buyer_paid(self):
        order = self.imported("7012", TWO_LINES, post_fee=800)
        total = order.amount_total
        self.sf.write({"delivery_type": "fixed", "fixed_price": 15.0})
        order.invoice_shipping_on_delivery = True
        self.validate(order.picking_ids, self.sf, SF_WAYBILL)
        self.assertEqual(order.amount_total, total)
        self.assertFalse(order.order_line.filtered("is_delivery"))

    def test_split_delivery_then_backorder_each_in_its_own_call(self):
        order = self.imported("7003", TWO_LINES)
        backorder = self.validate(order.picking_ids, self.sf, SF_WAYBILL, only=self.widget)
        self.assertEqual(len(backorder), 1)
        first = order.picking_ids - backorder
        summary = self.send(first)
        self.assertEqual(summary, {"sent": ["7003"], "skipped": [], "failed": [],
                                   "api_calls": 1})
        self.assertEqual(self.sandbox.trade("7003")["status"], "SELLER_CONSIGNED_PART")
        self.assertEqual(self.platform_orders("7003"), {
            "700300": ("WAIT_BUYER_CONFIRM_GOODS", SF_WAYBILL, "SF"),
            "700301": ("WAIT_SELLER_SEND_GOODS", None, None)})
        self.assertEqual(first.ecommerce_sent_sub_ids, "700300")
        self.assertFalse(backorder.ecommerce_shipment_state)
        self.validate(backorder, self.yto, "YT9876543210")
        self.env["ecommerce.shop"]._cron_send_shipments()
        self.assertEqual(self.sandbox.trade("7003")["status"], "WAIT_BUYER_CONFIRM_GOODS")
        self.assertEqual(self.platform_orders("7003")["700301"],
                         ("WAIT_BUYER_CONFIRM_GOODS", "YT9876543210", "YTO"))
        self.assertEqual(self.platform_orders("7003")["700300"][1], SF_WAYBILL)
        self.assertEqual(self.shipment(backorder), ("sent", False))

    def test_sub_order_without_stock_move_goes_with_the_delivery(self):
        """A service sub-order gets no delivery of its own: the trade must still ship."""
        wrap = self.env["product.product"].create({"name": "Gift wrap", "type": "service"})
        self.env["ecommerce.sku.mapping"].create({
            "shop_id": self.shop.id, "num_iid": "520000000003", "sku_id": "",
            "product_id": wrap.id})
        order = self.imported("7013", [tf.line(), tf.line(
            num_iid=520000000003, sku_id="", price=500, outer_sku_id="", outer_iid="",
            title="Gift wrap")])
        self.validate(order.picking_ids, self.sf, SF_WAYBILL)
        summary = self.send(order.picking_ids)
        self.assertEqual((summary["sent"], summary["api_calls"]), (["7013"], 1))
        self.assertEqual(self.sandbox.trade("7013")["status"], "WAIT_BUYER_CONFIRM_GOODS")
        self.assertEqual({oid: values[1] for oid, values in self.platform_orders("7013").items()},
                         {"701300": SF_WAYBILL, "701301": SF_WAYBILL})

    def test_goods_without_logistics_are_sent_as_dummy(self):
        picking = self.imported("7004").picking_ids
        self.validate(picking, self.virtual)
        summary = self.send(picking)
        self.assertEqual(summary["sent"], ["7004"])
        self.assertEqual(self.sandbox.trade("7004")["status"], "WAIT_BUYER_CONFIRM_GOODS")
        self.assertEqual(self.platform_orders("7004")["7004"][1:], ("", ""))
        self.assertEqual(self.sandbox.stats()["by_method"].get("taobao.logistics.dummy.send"),
                         1)

    def test_shop_default_carrier_serves_deliveries_without_one(self):
        self.shop.default_carrier_id = self.sf
        picking = self.imported("7005").picking_ids
        self.validate(picking, None, SF_WAYBILL)
        self.send(picking)
        self.assertEqual(self.platform_orders("7005")["7005"][1:], (SF_WAYBILL, "SF"))

    def test_changed_waybill_after_sending_is_resent(self):
        picking = self.imported("7006").picking_ids
        self.validate(picking, self.sf, SF_WAYBILL)
        self.send(picking)
        picking.carrier_tracking_ref = "SF5555555555"
        self.assertEqual(picking.ecommerce_shipment_state, "to_send")
        summary = self.send(picking)
        self.assertEqual((summary["sent"], summary["api_calls"]), (["7006"], 1))
        self.assertEqual(self.platform_orders("7006")["7006"][1:], ("SF5555555555", "SF"))
        self.assertEqual(self.sandbox.stats()["by_method"].get(
            "taobao.logistics.consign.resend"), 1)
        self.assertEqual((picking.ecommerce_shipment_state, picking.ecommerce_sent_waybill),
                         ("sent", "SF5555555555"))
        self.assertIn(SF_WAYBILL, picking.ecommerce_shipment_note)

    def test_sending_twice_never_ships_twice(self):
        picking = self.imported("7007").picking_ids
        self.validate(picking, self.sf, SF_WAYBILL)
        self.send(picking)
        modified = self.sandbox.trade("7007")["modified"]
        again = self.send(picking)
        self.assertEqual(again, {"sent": [], "failed": [], "api_calls": 0, "skipped": [
            {"picking": picking.id, "reason": "Already sent to the platform."}]})
        self.env["ecommerce.shop"]._cron_send_shipments()
        self.assertEqual(self.sandbox.trade("7007")["modified"], modified)
        self.assertEqual(picking.ecommerce_shipment_attempts, 1)

    def test_already_shipped_with_the_same_waybill_counts_as_sent(self):
        """The platform took the call but its answer was lost: the retry finds it shipped."""
        picking = self.imported("7008").picking_ids
        self.validate(picking, self.sf, SF_WAYBILL)
        self.shop._get_adapter().call("taobao.logistics.offline.send", {
            "tid": "7008", "out_sid": SF_WAYBILL, "company_code": "SF"})
        summary = self.send(picking)
        self.assertEqual((summary["sent"], summary["api_calls"]), (["7008"], 2))
        self.assertEqual(self.shipment(picking), ("sent", False))
        self.assertIn("already had this shipment", picking.ecommerce_shipment_note)

    def test_already_shipped_with_another_waybill_is_an_error(self):
        picking = self.imported("7009").picking_ids
        self.validate(picking, self.sf, SF_WAYBILL)
        self.shop._get_adapter().call("taobao.logistics.offline.send", {
            "tid": "7009", "out_sid": "SF1111111111", "company_code": "SF"})
        summary = self.send(picking)
        self.assertEqual(summary["failed"][0]["tid"], "7009")
        self.assertEqual(picking.ecommerce_shipment_state, "error")
        self.assertIn("already shipped, closed", picking.ecommerce_shipment_reason)
        self.assertIn("B04", picking.ecommerce_shipment_reason)

    def test_sub_order_with_refund_in_progress_is_left_out(self):
        """The buyer asked for a refund of one sub-order after the order was confirmed."""
        order = self.imported("7010", TWO_LINES)
        trade = self.sandbox.trade("7010")
        trade["orders"]["order"][1]["refund_status"] = "WAIT_SELLER_AGREE"
        self.sandbox.upsert(trades=[trade])
        # what the order lifecycle sync records from the platform
        order.order_line.filtered(lambda line: line.ecommerce_oid == "701001").write(
            {"ecommerce_refund_status": "WAIT_SELLER_AGREE"})
        picking = order.picking_ids
        self.validate(picking, self.sf, SF_WAYBILL)
        summary = self.send(picking)
        self.assertEqual(summary["sent"], ["7010"])
        self.assertEqual(self.platform_orders("7010"), {
            "701000": ("WAIT_BUYER_CONFIRM_GOODS", SF_WAYBILL, "SF"),
            "701001": ("WAIT_SELLER_SEND_GOODS", None, None)})
        self.assertEqual(self.sandbox.trade("7010")["status"], "SELLER_CONSIGNED_PART")
        self.assertEqual(picking.ecommerce_sent_sub_ids, "701000")
        self.assertIn("701001 have a refund in progress", picking.ecommerce_shipment_note)

    def test_delivery_of_only_refunding_sub_orders_needs_attention(self):
        order = self.imported("7011")
        order.order_line.filtered("ecommerce_oid").ecommerce_refund_status = \
            "WAIT_BUYER_RETURN_GOODS"
        picking = order.picking_ids
        self.validate(picking, self.sf, SF_WAYBILL)
        summary = self.send(picking)
        self.assertEqual(summary["api_calls"], 0)
        self.assertEqual(picking.ecommerce_shipment_state, "attention")
        self.assertIn("refund in progress", picking.ecommerce_shipment_reason)
        self.assertEqual(self.sandbox.trade("7011")["status"], "WAIT_SELLER_SEND_GOODS")


class TestShipmentProblems(ShipmentCase):
    """What the seller must fix is found before any call; the platform's refusals kept."""

    def assert_attention(self, picking, words):
        summary = self.send(picking)
        self.assertEqual(summary["api_calls"], 0)
        self.assertEqual(summary["failed"], [{"tid": picking.sale_id.ecommerce_tid,
                                              "picking": picking.id,
                                              "reason": picking.ecommerce_shipment_reason}])
        self.assertEqual(picking.ecommerce_shipment_state, "attention")
        self.assertIn(words, picking.ecommerce_shipment_reason)
        tid = picking.sale_id.ecommerce_tid
        self.assertEqual(self.sandbox.trade(tid)["status"], "WAIT_SELLER_SEND_GOODS")

    def test_no_tracking_number(self):
        picking = self.imported("7101").picking_ids
        self.validate(picking, self.sf)
        self.assert_attention(picking, "has no tracking number")
        # entering it puts the delivery back in the queue of the cron
        picking.carrier_tracking_ref = SF_WAYBILL
        self.assertEqual(self.shipment(picking), ("to_send", False))
        self.env["ecommerce.shop"]._cron_send_shipments()
        self.assertEqual(self.shipment(picking), ("sent", False))
        self.assertEqual(self.platform_orders("7101")["7101"][1], SF_WAYBILL)

    def test_unmapped_carrier(self):
        picking = self.imported("7102").picking_ids
        self.validate(picking, self.unmapped, "123456")
        self.assert_attention(picking, "Carrier Local courier has no logistics company")

    def test_no_carrier_anywhere(self):
        picking = self.imported("7103").picking_ids
        self.validate(picking, None, SF_WAYBILL)
        self.assert_attention(picking, "no carrier")

    def test_waybill_not_matching_the_carrier_format(self):
        picking = self.imported("7104").picking_ids
        self.validate(picking, self.sf, "YT12")
        self.assert_attention(picking, "does not have the format of 顺丰速运")

    def test_companies_are_read_on_first_use(self):
        self.env["ecommerce.logistics.company"].search([]).unlink()
        picking = self.imported("7105").picking_ids
        self.validate(picking, self.unmapped, "123456")
        summary = self.send(picking)
        self.assertEqual(summary["api_calls"], 1)
        self.assertEqual(self.sandbox.stats()["by_method"].get(
            "taobao.logistics.companies.get"), 1)
        ems = self.env["ecommerce.logistics.company"].search([("code", "=", "EMS")])
        self.assertEqual((ems.platform, ems.name), ("taobao", "EMS"))
        self.assertTrue(ems.waybill_regex)

    def test_platform_refusal_is_stored_with_its_reason(self):
        picking = self.imported("7106").picking_ids
        self.validate(picking, self.sf, SF_WAYBILL)
        trade = self.sandbox.trade("7106")
        trade["status"] = "TRADE_CLOSED_BY_TAOBAO"
        self.sandbox.upsert(trades=[trade])
        summary = self.send(picking)
        self.assertEqual(summary["sent"], [])
        self.assertEqual(picking.ecommerce_shipment_state, "error")
        self.assertIn("already shipped, closed", picking.ecommerce_shipment_reason)
        self.assertIn("cannot be shipped in status TRADE_CLOSED_BY_TAOBAO",
                      picking.ecommerce_shipment_reason)
        # the cron leaves refusals to the seller
        self.env["ecommerce.shop"]._cron_send_shipments()
        self.assertEqual(picking.ecommerce_shipment_attempts, 1)

    def test_transient_errors_are_retried_later_with_backoff(self):
        picking = self.imported("7107").picking_ids
        self.validate(picking, self.sf, SF_WAYBILL)
        self.sandbox.faults(["transient@%d" % n for n in range(1, 9)])
        self.env["ecommerce.shop"]._cron_send_shipments()
        self.assertEqual(picking.ecommerce_shipment_state, "to_send")
        self.assertTrue(picking.ecommerce_shipment_reason)
        first_wait = fields.Datetime.from_string(picking.ecommerce_shipment_next_try) - \
            fields.Datetime.from_string(picking.ecommerce_shipment_last_try)
        self.assertGreaterEqual(first_wait.total_seconds(), 5 * 60 - 2)
        # not due yet: the next cron run leaves it alone
        self.env["ecommerce.shop"]._cron_send_shipments()
        self.assertEqual(picking.ecommerce_shipment_attempts, 1)
        self.sandbox.faults([])
        picking.sudo().ecommerce_shipment_next_try = "2000-01-01 00:00:00"
        self.env["ecommerce.shop"]._cron_send_shipments()
        self.assertEqual(self.shipment(picking), ("sent", False))
        self.assertEqual(picking.ecommerce_shipment_attempts, 2)
        self.assertEqual(self.sandbox.trade("7107")["status"], "WAIT_BUYER_CONFIRM_GOODS")

    def test_expired_session_pauses_the_shop_and_keeps_the_delivery(self):
        picking = self.imported("7108").picking_ids
        self.validate(picking, self.sf, SF_WAYBILL)
        self.sandbox.expire_session()
        summary = self.send(picking)
        self.assertEqual(summary["sent"], [])
        self.assertTrue(self.shop.sync_paused)
        self.assertEqual(picking.ecommerce_shipment_state, "to_send")
        self.assertIn("session", picking.ecommerce_shipment_reason)

    def test_one_shop_failing_does_not_stop_the_others(self):
        broken = self.env["ecommerce.shop"].create(shop_vals(name="Broken", code="BR"))
        self.env["ecommerce.sku.mapping"].create({
            "shop_id": broken.id, "num_iid": tf.NUM_IID, "sku_id": tf.SKU_ID,
            "product_id": self.widget.id})
        self.load(tf.trade("7109"), tf.trade("7110"))
        broken.import_orders(*self.window(), tids=["7109"])
        self.import_window(tids=["7110"])
        broken_picking = self.env["sale.order"].search(
            [("ecommerce_shop_id", "=", broken.id)]).picking_ids
        picking = self.order_of("7110").picking_ids
        self.validate(broken_picking, self.sf, SF_WAYBILL)
        self.validate(picking, self.sf, "SF2222222222")
        broken.sudo().app_secret = False  # the adapter cannot even be built
        with mute_logger("odoo.addons.ecommerce_sync.models.ecommerce_shop_shipments"):
            self.env["ecommerce.shop"]._cron_send_shipments()
        self.assertEqual(broken_picking.ecommerce_shipment_state, "to_send")
        self.assertEqual(self.shipment(picking), ("sent", False))

    def test_cron_record(self):
        cron = self.env.ref("ecommerce_sync.ir_cron_send_shipments")
        self.assertEqual((cron.state, cron.interval_number, cron.interval_type),
                         ("code", 5, "minutes"))
        self.assertEqual(cron.code, "model._cron_enqueue_shipments()")  # queue_job (test_jobs)
        self.assertEqual(cron.user_id, self.env.ref("base.user_root"))
