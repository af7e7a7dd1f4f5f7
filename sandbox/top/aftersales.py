# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""TOP after-sales decisions: the seller agrees a refund, agrees a return, refuses.

A mixin of the sandbox's ``Api`` (``METHODS``). Facts (TOP
metadata, ``bububa/opentaobao`` model/refund): ``taobao.rp.refunds.agree`` takes
``refund_infos`` = ``refund_id|amount in fen|version|phase`` joined by commas, at
most 20 refunds and 6,000 yuan per call on Taobao, and answers per refund
(``results.refund_mapping_result[] {refund_id, succ, message}``, ``msg_code``
OP_SUCC / SOME_OP_SUCC / OP_FAILURE_UE). ``taobao.rp.returngoods.agree`` needs the
seller's return address (``seller_address_id`` always; ``name``, ``address``,
``post``, ``tel``, ``mobile`` on Taobao). ``taobao.refund.refuse`` needs
``refuse_message`` (2-200 characters) and cannot refuse a refund of goods the seller
has not shipped. ``refund_version`` changes whenever the refund does; a decision on
an older version is refused, as is one naming the wrong ``refund_phase``.
"""
import re

from .core import TopFailure, cents, int_param, invalid, later_than, orders_of, req
from .trade_changes import Conflict, TradeChanges

AGREE_BATCH = 20
AGREE_TOTAL_FEN = 600000
AGREEABLE = ('WAIT_SELLER_AGREE', 'WAIT_SELLER_CONFIRM_GOODS')
REFUSABLE = ('WAIT_SELLER_AGREE', 'WAIT_SELLER_CONFIRM_GOODS')
RETURN_ADDRESS = ('name', 'address', 'post', 'tel', 'mobile')


def refund_version(refund):
    """A number that grows with every change of the refund (its modified time)."""
    return int(re.sub(r'\D', '', refund.get('modified') or refund.get('created') or '') or 0)


class AftersalesApi(object):
    """The decision calls. Listed before RefundsApi in ``Api``: its
    taobao.refund.get stamps the refund's version, then answers as RefundsApi does."""

    METHODS = {
        'taobao.rp.refunds.agree': 'rp_refunds_agree',
        'taobao.rp.returngoods.agree': 'rp_returngoods_agree',
        'taobao.refund.refuse': 'refund_refuse',
        'taobao.refund.get': 'refund_get_versioned',
    }

    def refund_get_versioned(self, params):
        refund = self.store.refunds.get(str(params.get('refund_id', '')).strip())
        if refund is not None:
            refund['refund_version'] = refund_version(refund)
        return self.refund_get(params)

    # -- agree --------------------------------------------------------------
    def rp_refunds_agree(self, params):
        infos = [part for part in req(params, 'refund_infos').split(',') if part.strip()]
        if len(infos) > AGREE_BATCH:
            raise invalid('refund_infos', 'At most %d refunds per call' % AGREE_BATCH)
        parsed = [self._agree_info(info) for info in infos]
        if sum(fen for _rid, fen, _v, _p in parsed) > AGREE_TOTAL_FEN:
            raise invalid('refund_infos', 'At most 6000.00 yuan per call')
        results = [self._agree_one(*info) for info in parsed]
        done = sum(1 for r in results if r['succ'])
        code = 'OP_SUCC' if done == len(results) else (
            'SOME_OP_SUCC' if done else 'OP_FAILURE_UE')
        return {'results': {'refund_mapping_result': results}, 'msg_code': code,
                'succ': done == len(results), 'message': code}

    @staticmethod
    def _agree_info(info):
        parts = info.strip().split('|')
        if len(parts) != 4 or not all(p.strip().isdigit() for p in parts[:3]):
            raise invalid('refund_infos',
                          'Each refund is refund_id|amount in fen|version|phase: %r' % info)
        return parts[0].strip(), int(parts[1]), int(parts[2]), parts[3].strip()

    def _agree_one(self, refund_id, fen, version, phase):
        refund = self.store.refunds.get(refund_id)
        why = self._mismatch(refund, version, phase, AGREEABLE)
        if not why and fen != cents(refund['refund_fee']):
            why = 'The amount %d fen is not the refund fee %s' % (fen, refund['refund_fee'])
        if not why:
            why = self._move(refund, 'SUCCESS', {})
        return {'refund_id': refund_id, 'succ': not why, 'message': why or 'success'}

    # -- agree a return -----------------------------------------------------
    def rp_returngoods_agree(self, params):
        refund = self.store.refunds.get(str(int_param(params, 'refund_id', required=True)))
        req(params, 'seller_address_id')
        for name in RETURN_ADDRESS:
            req(params, name)
        why = self._checked_optional(refund, params, ('WAIT_SELLER_AGREE',))
        if not why and not self._shipped(refund):
            why = 'The goods were not shipped: agree the refund instead'
        if not why:
            why = self._move(refund, 'WAIT_BUYER_RETURN_GOODS',
                             {'has_good_return': True})
        if why:
            raise TopFailure(15, 'isv.refund-returngoods-agree-failed', why)
        refund = self.store.refunds[refund['refund_id']]
        refund['dispute_type'] = 'REFUND_AND_RETURN'
        refund['return_address'] = {k: params[k] for k in RETURN_ADDRESS}
        return {'is_success': True}

    # -- refuse -------------------------------------------------------------
    def refund_refuse(self, params):
        refund = self.store.refunds.get(str(int_param(params, 'refund_id', required=True)))
        message = req(params, 'refuse_message')
        if not 2 <= len(message) <= 200:
            raise invalid('refuse_message', 'refuse_message is 2 to 200 characters')
        why = self._checked_optional(refund, params, REFUSABLE)
        if not why and not self._shipped(refund):
            why = 'The seller has not shipped: a refund before shipping cannot be refused'
        if not why:
            why = self._move(refund, 'SELLER_REFUSE_BUYER', {})
        if why:
            raise TopFailure(15, 'isv.refund-refuse-failed', why)
        refund = self.store.refunds[refund['refund_id']]
        refund['refuse_message'] = message
        return {'is_success': True, 'refund': {
            'refund_id': refund['refund_id'], 'status': refund['status'],
            'modified': refund['modified']}}

    # -- rules --------------------------------------------------------------
    def _checked_optional(self, refund, params, statuses):
        """Version and phase are optional on Taobao, checked when given."""
        version = params.get('refund_version')
        return self._mismatch(refund, int(version) if str(version or '').isdigit()
                              else None, params.get('refund_phase') or None, statuses)

    @staticmethod
    def _mismatch(refund, version, phase, statuses):
        if refund is None:
            return 'The refund does not exist'
        if refund.get('status') not in statuses:
            return 'The refund is %s: this decision is not allowed' % refund.get('status')
        if version is not None and version != refund_version(refund):
            return 'The refund version %s is outdated: read the refund again' % version
        if phase is not None and phase != refund.get('refund_phase'):
            return 'The refund phase is %s, not %s' % (refund.get('refund_phase'), phase)
        return None

    def _shipped(self, refund):
        trade = self.store.trades.get(refund['tid'])
        orders = orders_of(trade) if trade else []
        return any(o['oid'] == refund['oid'] and o.get('consign_time') for o in orders)

    def _move(self, refund, status, changes):
        """The refund (and its sub-order) to ``status``, as the buyer's side would."""
        trade = self.store.trades.get(refund['tid'])
        if trade is None:
            refund.update(changes, status=status,
                          modified=later_than(refund.get('modified', '')))
            return None
        body = dict(changes, oid=refund['oid'], status=status)
        try:
            TradeChanges(self.store, self).refund(trade, body)
        except (ValueError, Conflict) as exc:
            return str(exc)
        self.store.touch_trade(trade)
        return None
