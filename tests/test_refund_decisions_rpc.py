# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""After-sales decisions over XML-RPC, on both platforms, as a seller's script
sends them: the platform's refund status, the decision stored with its answer,
the refund read back; and what JD does not take from Odoo, with the reason.
"""
from datetime import datetime, timedelta

from . import trade_factory as tf
from .common import EcommerceRpcCase
from .jd_common import JdSandbox, jd_shop_vals
from .test_jd_shop import JD_CATEGORIES, MUG_SKU, jd_order, jd_wares, utc

FMT = "%Y-%m-%d %H:%M:%S"
AFTERSALES = "ecommerce_sync.group_ecommerce_aftersales"


def window():
    """The last hours, and a little ahead: the sandbox stamps a change made within
    the second of the last one a second later."""
    now = datetime.utcnow().replace(microsecond=0)
    return (now - timedelta(hours=3)).strftime(FMT), (now + timedelta(minutes=2)).strftime(FMT)


class DecisionRpcCase(EcommerceRpcCase):

    def call(self, model, method, *args, **kwargs):
        return self.rpc("admin", model, method, *args, **kwargs)

    def refund_row(self, refund_id):
        return self.call("ecommerce.refund", "read", [refund_id], ["status", "decision_ids"])[0]

    def decisions(self, refund_id):
        return self.call("ecommerce.refund.decision", "search_read",
                         [("refund_id", "=", refund_id)],
                         ["decision", "accepted", "message", "note"], order="id")


class TestTaobaoDecisionsRpc(DecisionRpcCase):

    def setUp(self):
        super().setUp()
        self.shop_id = self.create_shop()
        product_id = self.call("product.product", "create", {
            "name": "Widget A black", "type": "product", "default_code": "WA-01-S"})
        self.call("ecommerce.sku.mapping", "create", {
            "shop_id": self.shop_id, "num_iid": str(tf.NUM_IID), "sku_id": tf.SKU_ID,
            "product_id": product_id})
        returns = self.call("res.partner", "create", {
            "name": "悦享仓库", "city": "杭州市", "street": "仓前街道1号", "zip": "311100",
            "phone": "0571-88880000", "mobile": "13800000000"})
        self.call("ecommerce.shop", "write", [self.shop_id], {
            "return_partner_id": returns, "return_address_id": "1001"})

    def asked(self, tid, shipped=True, fee="50.00"):
        """The buyer asked for a refund; Odoo read it. Returns the refund's id."""
        self.sandbox.upsert(trades=[tf.trade(tid, modified=tf.ago(hours=2))])
        self.call("ecommerce.shop", "import_orders", [self.shop_id], *window(), tids=[tid])
        if shipped:
            self.sandbox.ship(tid)
        self.sandbox.refund(tid, oid=tid, status="WAIT_SELLER_AGREE", refund_fee=fee)
        summary = self.call("ecommerce.shop", "sync_refunds", [self.shop_id], *window())
        self.assertEqual(summary["failed"], [])
        return self.call("ecommerce.refund", "search", [("tid", "=", tid)])[0]

    def platform(self, tid):
        return next(r for r in self.sandbox.refunds() if str(r["tid"]) == tid)

    def test_agree_refunds_is_sent_stored_and_read_back(self):
        refund = self.asked("24601")
        answer = self.call("ecommerce.refund", "agree_refunds", [refund])
        self.assertEqual([(a["decision"], a["accepted"]) for a in answer], [("agree", True)])
        self.assertEqual(self.platform("24601")["status"], "SUCCESS")
        self.assertEqual(self.refund_row(refund)["status"], "SUCCESS")
        self.assertEqual([(d["decision"], d["accepted"]) for d in self.decisions(refund)],
                         [("agree", True)])

    def test_agree_return_sends_the_shops_return_address(self):
        refund = self.asked("24602")
        answer = self.call("ecommerce.refund", "agree_return", [refund], "请用顺丰寄回")
        self.assertTrue(answer["accepted"], answer)
        stored = self.platform("24602")
        self.assertEqual(stored["status"], "WAIT_BUYER_RETURN_GOODS")
        self.assertEqual(stored["return_address"]["post"], "311100")
        self.assertEqual(self.refund_row(refund)["status"], "WAIT_BUYER_RETURN_GOODS")
        self.assertEqual([(d["decision"], d["note"]) for d in self.decisions(refund)],
                         [("return", "请用顺丰寄回")])

    def test_refuse_with_a_reason_and_a_refusal_the_platform_rejects(self):
        refund = self.asked("24603")
        answer = self.call("ecommerce.refund", "refuse_refund", [refund], "商品已签收，不支持退款")
        self.assertTrue(answer["accepted"], answer)
        self.assertEqual(self.platform("24603")["status"], "SELLER_REFUSE_BUYER")
        early = self.asked("24604", shipped=False)
        answer = self.call("ecommerce.refund", "refuse_refund", [early], "不同意")
        self.assertFalse(answer["accepted"])
        self.assertIn("not shipped", answer["message"])
        self.assertEqual(self.platform("24604")["status"], "WAIT_SELLER_AGREE")
        self.assertEqual([(d["decision"], d["accepted"], d["message"])
                          for d in self.decisions(early)],
                         [("refuse", False, answer["message"])])

    def test_only_the_after_sales_group_decides(self):
        refund = self.asked("24605")
        self.create_user("clerk", ["ecommerce_sync.group_ecommerce_manager"])
        self.assertRpcAccessError("clerk", "ecommerce.refund", "agree_refunds", [refund])
        self.assertEqual(self.platform("24605")["status"], "WAIT_SELLER_AGREE")


class TestJdDecisionsRpc(DecisionRpcCase):

    def setUp(self):
        super().setUp()
        self.jd = JdSandbox()
        self.jd.reset(wares=jd_wares(), category_attrs=JD_CATEGORIES)
        self.shop_id = self.call("ecommerce.shop", "create", jd_shop_vals())
        self.call("ecommerce.shop", "import_platform_items", [self.shop_id])

    def asked(self, order_id):
        self.jd.upsert(orders=[jd_order(order_id)])
        created = self.call("ecommerce.shop", "import_orders", [self.shop_id], utc(120),
                            utc(0))["created"]
        self.assertTrue(created)
        self.jd.refund(order_id, skuId=MUG_SKU, applyRefundSum=2000, status=0)
        summary = self.call("ecommerce.shop", "sync_refunds", [self.shop_id], utc(60), utc(0))
        self.assertFalse(summary["failed"])
        return self.call("ecommerce.refund", "search", [("shop_id", "=", self.shop_id),
                                                        ("tid", "=", str(order_id))])[0]

    def jd_status(self, order_id):
        return next(r["status"] for r in self.jd.state()["refunds"]
                    if str(r["orderId"]) == str(order_id))

    def test_agree_and_refuse_review_the_application(self):
        agreed, refused = self.asked(24611), self.asked(24612)
        self.assertTrue(self.call("ecommerce.refund", "agree_refunds", [agreed])[0]["accepted"])
        self.assertEqual(self.jd_status(24611), 1)
        answer = self.call("ecommerce.refund", "refuse_refund", [refused], "已电话沟通，客户同意签收")
        self.assertTrue(answer["accepted"], answer)
        self.assertEqual(self.jd_status(24612), 2)
        self.assertEqual([(d["decision"], d["note"]) for d in self.decisions(refused)],
                         [("refuse", "已电话沟通，客户同意签收")])

    def test_a_return_is_agreed_on_jd_and_odoo_says_why(self):
        refund = self.asked(24613)
        fault = self.rpc_fault("admin", "ecommerce.refund", "agree_return", [refund])
        self.assertIn("has no call for it", fault.faultString)
        self.assertEqual(self.jd_status(24613), 0)
        self.assertEqual(self.decisions(refund), [])

    def test_jd_settlement_is_refused_and_says_why(self):
        fault = self.rpc_fault("admin", "ecommerce.shop", "import_settlement",
                               [self.shop_id], utc(60), utc(0))
        self.assertIn("clearing journal", fault.faultString)
        journal = self.call("account.journal", "create", {"name": "JD wallet", "code": "JDW",
                                                          "type": "bank"})
        self.call("ecommerce.shop", "write", [self.shop_id], {"clearing_journal_id": journal})
        fault = self.rpc_fault("admin", "ecommerce.shop", "import_settlement",
                               [self.shop_id], utc(60), utc(0))
        self.assertIn("documented by its request only", fault.faultString)
        self.assertEqual(self.call("account.bank.statement", "search_count",
                                   [("journal_id", "=", journal)]), 0)
