# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""JD after-sales decisions: the seller reviews a refund application.

A mixin of the JD sandbox's ``Api`` (``METHODS``, ``HOLDERS``).
Facts (JD's SDK request classes for ``jingdong.pop.afs.soa.refundapply.replyRefund``):
``status`` 1 approve, 2 refuse (6 approve and intercept, 9 force-close, 10 follow the
parcel), ``id`` the application, ``checkUserName`` the reviewer, ``remark`` required
except on a force-close, ``rejectType`` 1-6 required when refusing,
``outWareStatus`` 1 left the warehouse / 2 not. The answer is
``replyResult.success``. Only a pending application (status 0) can be reviewed.
JD's return-goods review (after-sale service orders, ``jingdong.asc.*``) is not
offered: its parameters are unconfirmed.
"""
from .core import Refused, need, number, text

METHOD = 'jingdong.pop.afs.soa.refundapply.replyRefund'
REVIEWS = (1, 2)
REJECT_TYPES = range(1, 7)


class AftersalesApi(object):
    """jingdong.pop.afs.soa.refundapply.replyRefund."""

    METHODS = {METHOD: 'refund_reply'}
    HOLDERS = {METHOD: ('replyResult', False)}

    def refund_reply(self, params):
        refused = Refused
        status = number(params, 'status')
        if status not in REVIEWS:
            raise refused('status must be 1 (approve) or 2 (refuse)', '审核状态错误', '102')
        refund_id = number(params, 'id')
        refund = self.store.refunds.get(refund_id)
        if refund is None:
            raise refused('refund application %s does not exist' % refund_id,
                          '退款单%s不存在' % refund_id, '201')
        need(params, 'checkUserName')
        remark = need(params, 'remark')
        if status == 2 and number(params, 'rejectType') not in REJECT_TYPES:
            raise refused('rejectType 1-6 is required to refuse', '拒绝原因类型错误', '102')
        if int(refund.get('status', 0)) != 0:
            raise refused('refund application %s was reviewed already' % refund_id,
                          '退款单已审核', '301')
        refund.update(status=status, checkRemark=remark,
                      checkUserName=text(params, 'checkUserName'))
        self.store.touch(refund, 'checkTime')
        self._after_review(refund, status)
        return {'replyResult': {'success': True, 'resultCode': '0'}}

    def _after_review(self, refund, status):
        """Approved before shipping: JD cancels the order; refused: the lock lifts."""
        order = self.store.orders.get(str(refund['orderId']))
        if order is None or order.get('orderState') != 'LOCKED':
            return
        self.store.set_state(order, 'TRADE_CANCELED' if status == 1
                             else 'WAIT_SELLER_STOCK_OUT')
