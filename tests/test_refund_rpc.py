# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from .common import EcommerceRpcCase
from .test_refund import REFUND_ID, refund


class TestRefundRpc(EcommerceRpcCase):
    """sync_refunds as an integrator calls it over XML-RPC."""

    def put_refunds(self, *refunds):
        self.sandbox._post("/_sandbox/upsert", {"refunds": list(refunds)})

    def test_sync_refunds_counts_and_replay_changes_nothing(self):
        shop_id = self.create_shop()
        self.put_refunds(refund("7001"), refund("7002", refund_id=REFUND_ID + 1,
                                                status="SUCCESS", refund_fee="12.30"),
                         refund("7003", refund_id=REFUND_ID + 2, refund_fee="12,30"))
        first = self.rpc("admin", "ecommerce.shop", "sync_refunds", [shop_id])
        self.assertEqual((first["created"], first["updated"]), (2, 0))
        self.assertEqual([f["refund_id"] for f in first["failed"]], [str(REFUND_ID + 2)])
        self.assertIn("refund_fee", first["failed"][0]["reason"])
        again = self.rpc("admin", "ecommerce.shop", "sync_refunds", [shop_id],
                         date_from="2020-01-01 00:00:00")
        self.assertEqual((again["created"], again["updated"]), (0, 0))
        rows = self.rpc("admin", "ecommerce.refund", "search_read",
                        [("shop_id", "=", shop_id)], fields=["refund_id", "status",
                                                             "refund_fee"],
                        order="refund_id")
        self.assertEqual([(r["refund_id"], r["status"], r["refund_fee"]) for r in rows],
                         [(str(REFUND_ID), "WAIT_SELLER_AGREE", 99.0),
                          (str(REFUND_ID + 1), "SUCCESS", 12.3)])

    def test_bad_dates_are_refused_naming_the_argument(self):
        shop_id = self.create_shop()
        fault = self.rpc_fault("admin", "ecommerce.shop", "sync_refunds", [shop_id],
                               "2024-05-01")
        self.assertIn("date_from", fault.faultString)
        fault = self.rpc_fault("admin", "ecommerce.shop", "sync_refunds", [shop_id],
                               "2024-05-01 00:00:00", "tomorrow")
        self.assertIn("date_to", fault.faultString)

    def test_session_expiry_pauses_the_shop(self):
        shop_id = self.create_shop()
        self.put_refunds(refund("7004"))
        self.sandbox.expire_session(True)
        summary = self.rpc("admin", "ecommerce.shop", "sync_refunds", [shop_id])
        self.assertIn("session", summary["error"])
        shop = self.rpc("admin", "ecommerce.shop", "read", [shop_id], ["sync_paused"])[0]
        self.assertTrue(shop["sync_paused"])

    def test_refunds_of_company_a_are_invisible_to_company_b(self):
        shop_id = self.create_shop()
        self.put_refunds(refund("7005"))
        self.rpc("admin", "ecommerce.shop", "sync_refunds", [shop_id])
        refund_ids = self.rpc("admin", "ecommerce.refund", "search", [("shop_id", "=", shop_id)])
        self.assertEqual(len(refund_ids), 1)
        other = self.rpc("admin", "res.company", "create", {"name": "Company B"})
        user = self.create_user("refund_b", ["ecommerce_sync.group_ecommerce_manager"])
        self.rpc("admin", "res.users", "write", [user],
                 {"company_ids": [(6, 0, [other])], "company_id": other})
        self.assertEqual(self.rpc("refund_b", "ecommerce.refund", "search_count", []), 0)
        self.assertRpcAccessError("refund_b", "ecommerce.refund", "read", refund_ids)
