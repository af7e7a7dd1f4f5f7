# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""After-sales decisions from the refund record (issue 24), on both platforms.

The buyer asks on the sandbox; the seller decides in Odoo; the test checks the
platform's refund status, the decision stored with the platform's answer, and
the refund record read back.
"""
from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError

from . import trade_factory as tf
from .test_jd_shop import MUG_SKU, JdShopCase, jd_order, utc
from .test_refund import RefundCase, credit_note_accounting

WIDGET_OID = "2410100"


class DecisionCase(RefundCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.returns = cls.env["res.partner"].create({
            "name": "悦享仓库", "city": "杭州市", "street": "仓前街道1号", "zip": "311100",
            "phone": "0571-88880000", "mobile": "13800000000",
            "state_id": cls.env.ref("l10n_cn.state_ZJ").id})
        cls.shop.write({"return_partner_id": cls.returns.id, "return_address_id": "1001"})

    def asked(self, tid, shipped=True, fee="50.00"):
        """The buyer asked for a refund of the widget; Odoo read it."""
        lines = [tf.line(price=9900, num=1)]
        if shipped:
            self.shipped_order(tid, lines)
            self.sandbox.ship(tid)
        else:
            self.load(tf.trade(tid, lines, modified=tf.ago(hours=2)))
            self.import_window()
        oid = self.sandbox.trade(tid)["orders"]["order"][0]["oid"]
        self.sandbox.refund(tid, oid=oid, status="WAIT_SELLER_AGREE", refund_fee=fee)
        self.assertEqual(self.shop.sync_refunds(*tf_window())["failed"], [])
        return self.env["ecommerce.refund"].search(
            [("shop_id", "=", self.shop.id), ("tid", "=", tid)])

    def platform_status(self, refund):
        return next(r["status"] for r in self.sandbox.refunds()
                    if r["refund_id"] == refund.refund_id)


def tf_window():
    """The last hours, and a little ahead: the sandbox stamps a change made within
    the second of the last one a second later."""
    now = datetime.utcnow()
    return (fields.Datetime.to_string(now - timedelta(hours=3)),
            fields.Datetime.to_string(now + timedelta(minutes=2)))


class TestTaobaoDecisions(DecisionCase):

    def test_agree_refunds_pays_back_and_is_read_back(self):
        refund = self.asked("24101")
        answers = refund.agree_refunds()
        self.assertEqual(answers, [{"refund_id": refund.refund_id, "decision": "agree",
                                    "accepted": True, "message": "success"}])
        self.assertEqual(self.platform_status(refund), "SUCCESS")
        self.assertEqual(refund.status, "SUCCESS")
        self.assertEqual((refund.decision_ids.decision, refund.decision_ids.accepted),
                         ("agree", True))
        # Shipped goods: the refund read back is a credit note of the amount.
        self.assertAlmostEqual(refund.credit_note_id.amount_total, 50.0, places=2)

    def test_agree_with_an_amount_the_buyer_changed_is_refused_with_why(self):
        refund = self.asked("24102")
        self.sandbox.refund("24102", oid=refund.oid, status="WAIT_SELLER_AGREE",
                            refund_fee="60.00")
        answer = refund.agree_refunds()[0]
        self.assertFalse(answer["accepted"])
        self.assertIn("fen", answer["message"])
        self.assertEqual(self.platform_status(refund), "WAIT_SELLER_AGREE")
        decision = refund.decision_ids
        self.assertEqual((decision.accepted, decision.message), (False, answer["message"]))

    def test_agree_return_sends_the_shop_address(self):
        refund = self.asked("24103")
        answer = refund.agree_return("请用顺丰寄回")
        self.assertTrue(answer["accepted"])
        self.assertEqual(self.platform_status(refund), "WAIT_BUYER_RETURN_GOODS")
        stored = next(r for r in self.sandbox.refunds() if r["refund_id"] == refund.refund_id)
        self.assertEqual(stored["return_address"]["post"], "311100")
        self.assertEqual(refund.status, "WAIT_BUYER_RETURN_GOODS")
        self.assertEqual(refund.decision_ids.note, "请用顺丰寄回")

    def test_refuse_with_a_reason(self):
        refund = self.asked("24104")
        answer = refund.refuse_refund("商品已签收，不支持退款")
        self.assertTrue(answer["accepted"])
        self.assertEqual(self.platform_status(refund), "SELLER_REFUSE_BUYER")
        self.assertEqual(refund.status, "SELLER_REFUSE_BUYER")
        with self.assertRaises(UserError):
            refund.refuse_refund("again")  # decided already

    def test_refusal_before_shipping_is_rejected_and_says_why(self):
        refund = self.asked("24105", shipped=False)
        answer = refund.refuse_refund("不同意")
        self.assertFalse(answer["accepted"])
        self.assertIn("not shipped", answer["message"])
        self.assertEqual(self.platform_status(refund), "WAIT_SELLER_AGREE")
        self.assertIn("not shipped", refund.message_ids[0].body)

    def test_return_validated_in_odoo_agrees_the_refund_in_one_step(self):
        self.shop.agree_refund_on_return = True
        refund = self.asked("24106")
        refund.agree_return()
        self.sandbox.refund("24106", oid=refund.oid, status="WAIT_SELLER_CONFIRM_GOODS",
                            company_name="SF", sid="SF1234567890")
        self.shop.sync_refunds(*tf_window())
        back = refund.return_picking_id
        self.assertTrue(back)
        for move in back.move_lines:
            move.quantity_done = move.product_uom_qty
        back.button_validate()
        self.assertEqual(back.state, "done")
        self.assertEqual(self.platform_status(refund), "SUCCESS")
        self.assertEqual(refund.decision_ids.mapped("decision"), ["agree", "return"])

    def test_only_the_after_sales_group_decides(self):
        refund = self.asked("24107")
        clerk = self.make_user("aftersales_clerk", ["ecommerce_sync.group_ecommerce_manager"])
        with self.assertRaises(AccessError):
            refund.sudo(clerk).agree_refunds()
        self.assertEqual(self.platform_status(refund), "WAIT_SELLER_AGREE")


class TestJdDecisions(JdShopCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        income = credit_note_accounting(cls.env, cls.shop.company_id, "JDA", "JD after-sales")
        cls.env["product.category"].search([]).write(
            {"property_account_income_categ_id": income.id})

    def asked(self, order_id):
        self.jd.upsert(orders=[jd_order(order_id)])
        self.import_window()
        self.jd.refund(order_id, skuId=MUG_SKU, applyRefundSum=2000, status=0)
        self.assertFalse(self.shop.sync_refunds(utc(60), utc(0))["failed"])
        return self.env["ecommerce.refund"].search([("shop_id", "=", self.shop.id),
                                                    ("tid", "=", str(order_id))])

    def jd_status(self, refund):
        return next(r["status"] for r in self.jd.state()["refunds"]
                    if str(r["id"]) == refund.refund_id)

    def test_agree_and_refuse_review_the_application(self):
        agreed, refused = self.asked(24201), self.asked(24202)
        self.assertTrue(agreed.agree_refunds()[0]["accepted"])
        self.assertEqual(self.jd_status(agreed), 1)
        self.assertTrue(refused.refuse_refund("已电话沟通，客户同意签收")["accepted"])
        self.assertEqual(self.jd_status(refused), 2)
        self.assertEqual(self.jd.order(24202)["orderState"], "WAIT_SELLER_STOCK_OUT")
        self.assertEqual((refused.decision_ids.decision, refused.decision_ids.note),
                         ("refuse", "已电话沟通，客户同意签收"))

    def test_a_second_review_is_rejected_with_jds_reason(self):
        refund = self.asked(24203)
        refund.agree_refunds()
        # Odoo read the approval back; a stale screen agrees again through the API.
        refund.write({"status": "WAIT_SELLER_AGREE"})
        answer = refund.agree_refunds()[0]
        self.assertFalse(answer["accepted"])
        self.assertIn("reviewed already", answer["message"])

    def test_jd_returns_are_agreed_on_jd(self):
        refund = self.asked(24204)
        with self.assertRaises(UserError):
            refund.agree_return()
