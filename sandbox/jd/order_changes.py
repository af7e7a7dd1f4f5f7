# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Test-only changes of an order: what buyers, JD and time do to it.

Not a JOS API: the control endpoints ``POST /_sandbox/<name>`` answered by the
``_ctl_<name>`` methods of the Sandbox, which this mixin lends it.
"""
import copy
from decimal import Decimal

from ..top.core import beijing_now, fmt
from .core import ORDER_STATES, SHIPPABLE


class OrderChanges(object):
    """order_state, refund, consignee and remarks; needs ``self.store``."""

    def _ctl_order_state(self, body):
        order = self.store.order(body['orderId'])
        state = str(body['state'])
        if state not in ORDER_STATES:
            raise ValueError(state)
        self.store.set_state(order, state)
        return copy.deepcopy(order)

    def _ctl_refund(self, body):
        """Add a refund application; a pending one locks an order still to ship."""
        order = self.store.order(body['orderId'])
        fen = body.get('applyRefundSum')
        if fen is None:
            fen = Decimal(order.get('orderPayment') or '0') * 100
        status = int(body.get('status', 0))
        refund = {'id': int(body.get('id') or max(list(self.store.refunds) + [5000]) + 1),
                  'orderId': order['orderId'],
                  'buyerId': order.get('pin') or order.get('open_id_buyer') or '',
                  'buyerName': (order.get('consigneeInfo') or {}).get('fullname', ''),
                  'applyTime': fmt(beijing_now()), 'checkTime': body.get('checkTime', ''),
                  'applyRefundSum': int(fen), 'status': status,
                  'reason': body.get('reason') or '不想要了'}
        if body.get('skuId'):
            refund['skuId'] = str(body['skuId'])
        self.store.put_refund(refund)
        if status == 0 and body.get('lock', True) and order.get('orderState') in SHIPPABLE:
            self.store.set_state(order, 'LOCKED')
        else:
            self.store.touch(order)
        return refund

    def _ctl_consignee(self, body):
        order = self.store.order(body['orderId'])
        order.setdefault('consigneeInfo', {}).update(body.get('consigneeInfo') or {})
        self.store.touch(order)
        return copy.deepcopy(order)

    def _ctl_remarks(self, body):
        order = self.store.order(body['orderId'])
        for key in ('orderRemark', 'venderRemark'):
            if key in body:
                order[key] = body[key]
        self.store.touch(order)
        return copy.deepcopy(order)
