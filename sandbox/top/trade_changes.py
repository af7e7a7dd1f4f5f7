# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Test-only changes of a trade: what buyers, Taobao and time do to it.

Not a TOP API: the control endpoint ``POST /_sandbox/trade/<tid>/<verb>``.
"""
import copy

from .core import (REFUND_STATUSES, SHIPPED, TopFailure, beijing_now, cents, fmt, later_than,
                   money, orders_of)
from .privacy import RECEIVER_FIELDS
from .tmc import buyer_pay

UNPAID = ('WAIT_BUYER_PAY', 'TRADE_NO_CREATE_PAY')
CLOSED_TRADE = ('TRADE_CLOSED', 'TRADE_CLOSED_BY_TAOBAO')


class Conflict(Exception):
    """A control request the trade's state does not allow (HTTP 409)."""


class TradeChanges(object):
    """What buyers, Taobao and time do to a trade: ``/_sandbox/trade/<tid>/<verb>``."""

    def __init__(self, store, api):
        self.store, self.api = store, api
        self.verbs = {'refund': self.refund, 'address': self.address, 'memo': self.memo,
                      'message': self.message, 'ship': self.ship, 'finish': self.finish,
                      'close': self.close, 'forbid': self.forbid, 'allow': self.allow,
                      'pay': buyer_pay}

    def handle(self, rest, body):
        tid, _slash, verb = rest.partition('/')
        if verb not in self.verbs:
            return 404, {'error': 'unknown trade change %r' % verb}
        with self.store.lock:
            trade = self.store.trades.get(tid)
            if trade is None:
                return 404, {'error': 'trade %s does not exist' % tid}
            try:
                extra = self.verbs[verb](trade, body) or {}
            except (ValueError, TypeError) as exc:
                return 400, {'error': str(exc)}
            except Conflict as exc:
                return 409, {'error': str(exc)}
            except TopFailure as exc:
                return 409, {'error': exc.sub_msg, 'sub_code': exc.sub_code}
            self.store.touch_trade(trade)
            answer = {'ok': True, 'tid': tid, 'status': trade['status'],
                      'modified': trade['modified'], 'payment': trade.get('payment')}
            answer.update(extra)
            self.api.tmc.trade_changed(verb, trade, answer)
            return 200, answer

    # -- refunds ------------------------------------------------------------
    def refund(self, trade, body):
        if trade['status'] in UNPAID + CLOSED_TRADE:
            raise Conflict('trade %s in status %s cannot be refunded'
                           % (trade['tid'], trade['status']))
        order = self._order(trade, body.get('oid'))
        if order.get('status') in CLOSED_TRADE:
            raise Conflict('sub-order %s is closed' % order['oid'])
        status = str(body.get('status') or 'WAIT_SELLER_AGREE')
        if status not in REFUND_STATUSES:
            raise ValueError('status must be one of %s' % ', '.join(REFUND_STATUSES))
        refund = self.store.refund_of(order['oid'])
        if refund is not None and refund['status'] == 'SUCCESS':
            raise Conflict('the refund of %s has succeeded already' % order['oid'])
        # Work on a draft so that a refused change leaves no trace in the store.
        draft = copy.deepcopy(refund) if refund else self._new_refund(trade, order)
        self._update_refund(trade, order, draft, status, body)
        refund = self.store.put_refund(draft)
        if status == 'SUCCESS' and cents(refund['refund_fee']) >= cents(order.get('payment')):
            self._refund_succeeded(trade, order, refund)
        order['refund_status'] = status
        order['refund_id'] = refund['refund_id']
        refund['order_status'] = order['status']
        refund['modified'] = later_than(refund.get('modified', ''))
        return {'refund': copy.deepcopy(refund)}

    @staticmethod
    def _order(trade, oid):
        orders = orders_of(trade)
        if oid in (None, '') and len(orders) == 1:
            return orders[0]
        for order in orders:
            if order['oid'] == str(oid):
                return order
        raise ValueError('oid %r is not a sub-order of trade %s' % (oid, trade['tid']))

    def _new_refund(self, trade, order):
        now = fmt(beijing_now())
        refund = {'refund_id': self.store.next_refund_id(), 'tid': trade['tid'],
                  'oid': order['oid'], 'title': order.get('title', ''),
                  'num': order.get('num', 1), 'num_iid': order.get('num_iid'),
                  'price': order.get('price', '0.00'), 'sku': order.get('sku_properties_name', ''),
                  'outer_id': order.get('outer_sku_id') or order.get('outer_iid', ''),
                  'total_fee': order.get('total_fee', '0.00'),
                  'payment': order.get('payment', '0.00'),
                  'buyer_nick': trade.get('buyer_nick', ''),
                  'seller_nick': trade.get('seller_nick') or self.store.seller_nick,
                  'created': now, 'modified': '', 'company_name': '', 'sid': '',
                  'reason': '', 'desc': '', 'dispute_type': 'REFUND',
                  'refund_phase': 'aftersale' if trade['status'] == 'TRADE_FINISHED'
                  else 'onsale'}
        return refund

    @staticmethod
    def _update_refund(trade, order, refund, status, body):
        shipped = bool(order.get('consign_time'))
        fee = body.get('refund_fee', refund.get('refund_fee') or order.get('payment', '0.00'))
        if not 0 < cents(fee) <= cents(order.get('payment')):
            raise ValueError('refund_fee must be above 0 and at most the sub-order payment %s'
                             % order.get('payment'))
        returning = status in ('WAIT_BUYER_RETURN_GOODS', 'WAIT_SELLER_CONFIRM_GOODS')
        good = 'BUYER_RETURNED_GOODS' if status == 'WAIT_SELLER_CONFIRM_GOODS' else \
            ('BUYER_RECEIVED' if shipped else 'BUYER_NOT_RECEIVED')
        if status != 'WAIT_SELLER_CONFIRM_GOODS':
            good = refund.get('good_status') or good
        # Waiting for the seller to confirm the goods means the buyer sent them back:
        # the platform says so whatever it said before.
        refund.update(status=status, refund_fee=money(cents(fee)),
                      good_status=body.get('good_status') or good,
                      has_good_return=bool(body.get('has_good_return',
                                                    refund.get('has_good_return') or returning)))
        if returning or refund['has_good_return']:
            refund['dispute_type'] = 'REFUND_AND_RETURN'
        for key in ('reason', 'desc', 'company_name', 'sid'):
            if body.get(key) is not None:
                refund[key] = str(body[key])

    def _refund_succeeded(self, trade, order, refund):
        """Close the sub-order refunded whole (a partial refund leaves it as it
        is). The trade's ``payment`` stays what the buyer paid: the money back
        is the refund's ``refund_fee``, not a rewrite of the trade."""
        now = fmt(beijing_now())
        gifts = set((order.get('gift_mids') or '').split(',')) if order.get('has_gift') else set()
        for each in orders_of(trade):
            if each is order or (each['oid'] in gifts and each.get('is_free_gift')):
                each.update(status='TRADE_CLOSED', end_time=now)
        self._settle(trade, now)

    @staticmethod
    def _settle(trade, now):
        """The trade status that follows from its sub-orders after a closure."""
        orders = orders_of(trade)
        if trade['status'] == 'TRADE_FINISHED':
            return  # an after-sale refund leaves the finished trade as it is
        if all(o.get('status') == 'TRADE_CLOSED' for o in orders):
            trade.update(status='TRADE_CLOSED', end_time=now)
            return
        waiting = [o for o in orders if o.get('status') == 'WAIT_SELLER_SEND_GOODS']
        if trade['status'] == 'SELLER_CONSIGNED_PART' and not waiting:
            trade['status'] = SHIPPED

    # -- buyer and seller notes ---------------------------------------------
    @staticmethod
    def address(trade, body):
        unknown = set(body) - RECEIVER_FIELDS
        if unknown or not body:
            raise ValueError('give only receiver fields: %s' % ', '.join(sorted(RECEIVER_FIELDS)))
        trade.update((k, str(v)) for k, v in body.items())

    @staticmethod
    def memo(trade, body):
        if 'seller_memo' not in body and 'seller_flag' not in body:
            raise ValueError('give seller_memo and/or seller_flag')
        if body.get('seller_memo') is not None:
            trade['seller_memo'] = str(body['seller_memo'])
        if body.get('seller_flag') is not None:
            flag = int(body['seller_flag'])
            if not 0 <= flag <= 5:
                raise ValueError('seller_flag must be 0 to 5')
            trade['seller_flag'] = flag

    @staticmethod
    def message(trade, body):
        text = str(body.get('buyer_message') or '')
        trade['buyer_message'] = text
        trade['has_buyer_message'] = bool(text)

    # -- status moves -------------------------------------------------------
    def ship(self, trade, body):
        company = self.api._company(str(body.get('company_code') or 'SF'))
        out_sid = str(body.get('out_sid') or 'SF%013d' % (int(trade['tid']) % 10 ** 13))
        params = {'tid': trade['tid'], 'out_sid': out_sid, 'company_code': company['code']}
        if body.get('sub_tid'):  # the seller ships some sub-orders in Qianniu
            params.update(is_split='1', sub_tid=str(body['sub_tid']))
        self.api._shippable_trade(params)
        self.api._check_waybill(company, out_sid)
        self.api._ship(trade, self.api._to_ship(trade, params), company['code'], out_sid)

    def finish(self, trade, body):
        if trade['status'] not in (SHIPPED, 'TRADE_BUYER_SIGNED'):
            raise Conflict('only a shipped trade can finish, not one in %s' % trade['status'])
        now = fmt(beijing_now())
        for order in orders_of(trade):
            if order.get('status') != 'TRADE_CLOSED':
                order.update(status='TRADE_FINISHED', end_time=now)
        trade.update(status='TRADE_FINISHED', end_time=now,
                     received_payment=trade.get('payment', '0.00'))

    def close(self, trade, body):
        if trade['status'] in CLOSED_TRADE + ('TRADE_FINISHED',):
            raise Conflict('trade %s is already %s' % (trade['tid'], trade['status']))
        if trade['status'] not in UNPAID + ('WAIT_SELLER_SEND_GOODS', 'PAID_FORBID_CONSIGN'):
            raise Conflict('a trade in %s has shipped goods: refund its sub-orders instead'
                           % trade['status'])
        status = 'TRADE_CLOSED_BY_TAOBAO' if trade['status'] in UNPAID else 'TRADE_CLOSED'
        now = fmt(beijing_now())
        for order in orders_of(trade):
            order.update(status=status, end_time=now)
        trade.update(status=status, end_time=now)

    @staticmethod
    def forbid(trade, body):
        if trade['status'] != 'WAIT_SELLER_SEND_GOODS':
            raise Conflict('only a paid, unshipped trade can be held, not one in %s'
                           % trade['status'])
        trade['status'] = 'PAID_FORBID_CONSIGN'

    @staticmethod
    def allow(trade, body):
        if trade['status'] != 'PAID_FORBID_CONSIGN':
            raise Conflict('trade %s is not held (status %s)' % (trade['tid'], trade['status']))
        trade['status'] = 'WAIT_SELLER_SEND_GOODS'
