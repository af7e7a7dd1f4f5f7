# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""After-sales decisions from the refund record (issue 24), on both platforms.

The buyer asks on the sandbox; the seller decides in Odoo; the test checks the
platform's refund status, the decision stored with the platform's answer, and
the refund record read back.
"""
from datetime import datetime, timedelta

from odoo import fields

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

    def test_a_second_review_is_rejected_with_jds_reason(self):
        refund = self.asked(24203)
        refund.agree_refunds()
        # Odoo read the approval back; a stale screen agrees again through the API.
        refund.write({"status": "WAIT_SELLER_AGREE"})
        answer = refund.agree_refunds()[0]
        self.assertFalse(answer["accepted"])
        self.assertIn("reviewed already", answer["message"])
