# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""E-waybills over XML-RPC: accounts, waybills per parcel, print, hold, cancel, send."""
import datetime
import re
import time

import requests

from . import trade_factory as tf
from .common import EcommerceRpcCase

USER = "ecommerce_sync.group_ecommerce_user"
STOCK = "stock.group_stock_user"
ZTO_CODE = r"^(ZT)?[0-9]{12,15}$"
WINDOW = {"date_from": "2000-01-01 00:00:00", "date_to": "2100-01-01 00:00:00"}


class TestWaybillRpc(EcommerceRpcCase):
    """A packer (stock user of the e-commerce group) gets and prints e-waybills."""

    def setUp(self):
        super().setUp()
        self.shop_id = self.create_shop()
        self.create_user("packer", [USER, STOCK])
        product_id = self.rpc("admin", "product.product", "create", {
            "name": "Widget A black", "type": "product", "default_code": "WA-01-S"})
        self.rpc("admin", "ecommerce.sku.mapping", "create", {
            "shop_id": self.shop_id, "num_iid": str(tf.NUM_IID), "sku_id": tf.SKU_ID,
            "product_id": product_id})
        self.carrier_id = self.platform_carrier(self.shop_id, "ZTO", "ZTO Express")

    def import_trades(self, count, masked=True, **extra):
        self.sandbox.privacy(masked=masked)
        tids = [str(8100 + n) for n in range(count)]
        self.sandbox.reset(trades=[tf.trade(tid, **extra) for tid in tids])
        created = self.rpc("admin", "ecommerce.shop", "import_orders", [self.shop_id],
                           **WINDOW)["created"]
        orders = self.rpc("admin", "sale.order", "read", created,
                          ["picking_ids", "ecommerce_tid"])
        by_tid = dict((o["ecommerce_tid"], o["picking_ids"][0]) for o in orders)
        return tids, [by_tid[tid] for tid in tids]

    @staticmethod
    def recent():
        """The last hour (UTC): a window the refunds are read in, a day a call."""
        now = datetime.datetime.utcnow().replace(microsecond=0)
        return {"date_from": str(now - datetime.timedelta(hours=1)),
                "date_to": str(now + datetime.timedelta(minutes=5))}

    def accounts(self, login="packer"):
        return self.rpc(login, "ecommerce.waybill.account", "sync_accounts", self.shop_id)

    def zto(self):
        return next(a for a in self.accounts() if a["carrier_code"] == "ZTO")

    def pickings(self, ids, fields=("ecommerce_waybill_code", "carrier_tracking_ref",
                                    "carrier_id", "ecommerce_waybill_print_state")):
        rows = self.rpc("admin", "stock.picking", "read", ids, list(fields))
        return [dict(r, carrier_id=r.get("carrier_id") and r["carrier_id"][0]) for r in rows]

    def get(self, ids, login="packer", **kwargs):
        return self.rpc(login, "stock.picking", "ecommerce_get_waybills", ids, **kwargs)

    def validate(self, picking_id):
        self.rpc("admin", "stock.picking", "force_assign", [picking_id])
        move_ids = self.rpc("admin", "stock.move", "search", [("picking_id", "=", picking_id)])
        for move in self.rpc("admin", "stock.move", "read", move_ids, ["product_uom_qty"]):
            self.rpc("admin", "stock.move", "write", [move["id"]],
                     {"quantity_done": move["product_uom_qty"]})
        self.rpc("admin", "stock.picking", "action_done", [picking_id])

    def test_accounts_come_from_the_platform_with_their_balance(self):
        accounts = self.accounts()
        self.assertEqual(sorted(a["carrier_code"] for a in accounts),
                         ["SF", "YTO", "YTO", "ZTO"])  # YTO allows two sender addresses
        zto = self.zto()
        self.assertEqual((zto["branch_name"], zto["quantity"], zto["quantity_low"]),
                         ("中通快递杭州西湖网点", 5000, False))
        self.assertTrue(zto["template_url"].startswith("http://cloudprint.cainiao.com/"))
        account = self.rpc("admin", "ecommerce.waybill.account", "read", [zto["id"]],
                           ["carrier_id"])[0]
        self.assertEqual(account["carrier_id"][0], self.carrier_id)
        requests.post(self.sandbox.url + "/_sandbox/waybill",
                      json={"quantity": {"ZTO": 20}}, timeout=10)
        self.assertTrue(self.zto()["quantity_low"])
        self.assertEqual(len(self.accounts()), 4)  # read again: no duplicates

    def test_twelve_masked_deliveries_take_two_calls_and_ship_with_their_codes(self):
        zto = self.zto()
        tids, ids = self.import_trades(12)
        calls = self.sandbox.stats()["by_method"].get("cainiao.waybill.ii.get", 0)
        summary = self.get(ids, account_id=zto["id"])
        self.assertEqual(summary["api_calls"], 2)  # ceil(12 / 10)
        self.assertEqual(self.sandbox.stats()["by_method"]["cainiao.waybill.ii.get"], calls + 2)
        self.assertEqual([i["picking"] for i in summary["issued"]], ids)
        rows = self.pickings(ids)
        codes = [r["ecommerce_waybill_code"] for r in rows]
        self.assertEqual(len(set(codes)), 12)
        self.assertTrue(all(re.match(ZTO_CODE, code) for code in codes))
        self.assertEqual([r["carrier_tracking_ref"] for r in rows], codes)
        self.assertEqual({r["carrier_id"] for r in rows}, {self.carrier_id})
        issued = requests.get(self.sandbox.url + "/_sandbox/waybill", timeout=10).json()
        self.assertEqual(sorted(w["tids"][0] for w in issued["waybills"]), tids)
        self.assertEqual(self.zto()["quantity"], 4988)
        # asking again is a reprint: the same codes, no waybill used
        again = self.get(ids)
        self.assertEqual(again["issued"], [])
        self.assertEqual([r["waybill"] for r in again["reused"]], codes)
        self.assertEqual(self.zto()["quantity"], 4988)
        for picking_id in ids[:3]:
            self.validate(picking_id)
        sent = self.rpc("packer", "ecommerce.shop", "send_shipments", [self.shop_id])
        self.assertEqual(sorted(sent["sent"]), tids[:3])
        for tid, code in zip(tids[:3], codes):
            order = self.sandbox.trade(tid)["orders"]["order"][0]
            self.assertEqual((order["status"], order["logistics_company"], order["invoice_no"]),
                             ("WAIT_BUYER_CONFIRM_GOODS", "ZTO", code))

    def test_print_documents_carry_the_print_data_and_a_custom_area(self):
        tids, ids = self.import_trades(2)
        # a memo on the platform holds the order for review: the seller read it already
        order_id = self.rpc("admin", "stock.picking", "read", [ids[0]], ["sale_id"])[0][
            "sale_id"][0]
        self.rpc("admin", "sale.order", "write", [order_id],
                 {"ecommerce_seller_memo": "易碎，多包泡沫"})
        self.get(ids, account_id=self.zto()["id"])
        docs = self.rpc("packer", "stock.picking", "ecommerce_print_documents", ids)
        self.assertEqual(docs["component_url"], "ws://127.0.0.1:13528")
        self.assertEqual([d["picking"] for d in docs["documents"]], ids)
        data = self.rpc("admin", "stock.picking", "read", ids,
                        ["ecommerce_waybill_print_data"])
        self.assertEqual([d["contents"][0] for d in docs["documents"]],
                         [r["ecommerce_waybill_print_data"] for r in data])
        custom = docs["documents"][0]["contents"][1]["data"]
        self.assertEqual(custom["memo"], "易碎，多包泡沫")
        self.assertIn("Widget A black", custom["items"])
        self.assertNotIn(self.sandbox.trade(tids[0])["receiver_name"],
                         docs["documents"][0]["contents"][0])
        answer = self.rpc("packer", "stock.picking", "ecommerce_print_result", ids, [
            {"picking": ids[0], "status": "printed"},
            {"picking": ids[1], "status": "failed", "msg": "out of paper"}], printer="KM-118")
        self.assertEqual(answer, {"printed": [ids[0]], "failed": [ids[1]]})
        self.assertEqual(self.rpc("packer", "stock.picking", "ecommerce_print_documents",
                                  ids)["printer"], "KM-118")
        self.assertEqual([r["ecommerce_waybill_print_state"] for r in self.pickings(ids)],
                         ["printed", "failed"])

    def test_a_refund_before_printing_stops_the_print(self):
        tids, ids = self.import_trades(2)
        self.get(ids, account_id=self.zto()["id"])
        self.sandbox.refund(tids[1], status="WAIT_SELLER_AGREE", refund_fee="99.00",
                            reason="不想要了")
        self.rpc("admin", "ecommerce.shop", "sync_refunds", [self.shop_id])
        docs = self.rpc("packer", "stock.picking", "ecommerce_print_documents", ids)
        self.assertEqual([d["picking"] for d in docs["documents"]], [ids[0]])
        self.assertEqual(docs["skipped"][0]["picking"], ids[1])
        self.assertIn("不想要了", docs["skipped"][0]["reason"])
        # nor may it take a new waybill while held
        renewed = self.get([ids[1]], renew=True)
        self.assertEqual(renewed["issued"], [])
        self.assertEqual(renewed["skipped"][0]["picking"], ids[1])

    def test_cancel_returns_the_quantity_and_a_new_waybill_cancels_the_old(self):
        _tids, ids = self.import_trades(2)
        self.get(ids, account_id=self.zto()["id"])
        first = [r["ecommerce_waybill_code"] for r in self.pickings(ids)]
        renewed = self.get([ids[0]], renew=True)
        self.assertEqual(renewed["cancelled"], [{"picking": ids[0], "waybill": first[0]}])
        new_code = renewed["issued"][0]["waybill"]
        self.assertNotEqual(new_code, first[0])
        self.rpc("admin", "stock.picking", "action_cancel", [ids[1]])
        state = requests.get(self.sandbox.url + "/_sandbox/waybill", timeout=10).json()
        status = dict((w["code"], w["status"]) for w in state["waybills"])
        self.assertEqual((status[first[0]], status[new_code], status[first[1]]),
                         ("cancelled", "issued", "cancelled"))
        self.assertEqual(self.zto()["quantity"], 4999)
        self.assertEqual(self.pickings([ids[1]])[0]["ecommerce_waybill_code"], False)

    def test_plain_receivers_and_wrong_inputs(self):
        _tids, ids = self.import_trades(1, masked=False)
        summary = self.get(ids, account_id=self.zto()["id"])
        self.assertEqual(len(summary["issued"]), 1)
        fault = self.rpc_fault("packer", "stock.picking", "ecommerce_get_waybills", ids,
                               account_id=999999)
        self.assertIn("Waybill account 999999 does not exist", fault.faultString)
        fault = self.rpc_fault("packer", "stock.picking", "ecommerce_print_result", ids,
                               [{"picking": ids[0], "status": "maybe"}])
        self.assertIn("results must be a list", fault.faultString)

    def test_empty_balance_fails_the_batch_and_keeps_the_deliveries_clean(self):
        _tids, ids = self.import_trades(3)
        zto = self.zto()
        requests.post(self.sandbox.url + "/_sandbox/waybill", json={"quantity": {"ZTO": 2}},
                      timeout=10)
        summary = self.get(ids, account_id=zto["id"])
        self.assertEqual([f["picking"] for f in summary["failed"]], ids)
        self.assertIn("waybills left", summary["failed"][0]["reason"])
        self.assertEqual({r["ecommerce_waybill_code"] for r in self.pickings(ids)}, {False})

    def test_batch_transfer_gets_waybills_of_the_carrier_account(self):
        _tids, ids = self.import_trades(3)
        self.zto()  # SF, YTO and ZTO accounts: only ZTO has a carrier in Odoo
        batch_id = self.rpc("admin", "stock.picking.batch", "create",
                            {"picking_ids": [(6, 0, ids)]})
        summary = self.rpc("packer", "stock.picking.batch", "ecommerce_get_waybills",
                           [batch_id])
        self.assertEqual(sorted(i["picking"] for i in summary["issued"]), sorted(ids))
        self.assertTrue(all(re.match(ZTO_CODE, i["waybill"]) for i in summary["issued"]))
        self.assertEqual({r["carrier_id"] for r in self.pickings(ids)}, {self.carrier_id})

    def test_users_without_stock_rights_may_not_get_waybills(self):
        _tids, ids = self.import_trades(1)
        self.create_user("clerk", ["base.group_user"])
        self.assertRpcAccessError("clerk", "stock.picking", "ecommerce_get_waybills", ids)

    def test_a_split_delivery_gets_a_parcel_each_and_ships_split(self):
        """A refund splits one sub-order's goods off; refused, both parts ship, each
        with its own waybill reported for its own sub-order."""
        mug = self.rpc("admin", "product.product", "create", {
            "name": "Mug", "type": "product", "default_code": "MUG-1"})
        self.rpc("admin", "ecommerce.sku.mapping", "create", {
            "shop_id": self.shop_id, "num_iid": "520000000002", "sku_id": "",
            "product_id": mug})
        _tids, ids = self.import_trades(1, lines=[
            tf.line(), tf.line(num_iid=520000000002, sku_id="", outer_sku_id="",
                               outer_iid="MUG-X", title="Mug")])
        order_id = self.rpc("admin", "stock.picking", "read", ids, ["sale_id"])[0]["sale_id"][0]
        self.sandbox.refund("8100", oid="810001", status="WAIT_SELLER_AGREE",
                            refund_fee="20.00", reason="不想要了")
        self.rpc("admin", "ecommerce.shop", "sync_refunds", [self.shop_id], **self.recent())
        time.sleep(1)  # the refund's `modified` moves on: the next sync reads it
        self.sandbox.refund("8100", oid="810001", status="SELLER_REFUSE_BUYER")
        # the trade changed: the order sync reads it and lifts the hold
        self.rpc("admin", "ecommerce.shop", "write", [self.shop_id],
                 {"order_sync_watermark": self.recent()["date_from"]})
        self.rpc("admin", "ecommerce.shop", "sync_orders", [self.shop_id])
        parts = self.rpc("admin", "stock.picking", "search",
                         [("sale_id", "=", order_id), ("state", "not in", ("done", "cancel"))])
        self.assertEqual(len(parts), 2)
        self.assertEqual([p["ecommerce_held"] for p in self.rpc(
            "admin", "stock.picking", "read", parts, ["ecommerce_held"])], [False, False])
        summary = self.get(parts, account_id=self.zto()["id"])
        codes = dict((i["picking"], i["waybill"]) for i in summary["issued"])
        self.assertEqual(len(set(codes.values())), 2, summary)
        for picking_id in parts:
            self.validate(picking_id)
        self.rpc("packer", "ecommerce.shop", "send_shipments", [self.shop_id])
        sent = dict((o["oid"], o.get("invoice_no")) for o in
                    self.sandbox.trade("8100")["orders"]["order"])
        self.assertEqual(sorted(sent.values()), sorted(codes.values()))
        self.assertEqual(self.sandbox.trade("8100")["status"], "WAIT_BUYER_CONFIRM_GOODS")
