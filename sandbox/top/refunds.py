# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""TOP API family: refunds as the seller receives them."""
from .core import (REFUND_STATUSES, TopFailure, bool_param, fmt, int_param, invalid,
                   page_slice, parse_dt, parse_fields, req, select)

REFUND_QUERY_STATUSES = REFUND_STATUSES + (
    'WAIT_BUYER_CONFIRM_EXCHANGE_SELLER_SEND_GOODS', 'EXCHANGE_TRANSFORM_TO_REFUND',
    'WAIT_SELLER_CONSIGN_GOODS')
REFUND_LIST_FIELDS = frozenset(
    'refund_id,tid,title,buyer_nick,seller_nick,total_fee,status,created,refund_fee,oid,'
    'good_status,company_name,sid,payment,reason,desc,has_good_return,modified,order_status,'
    'refund_phase,dispute_type,num,sku,outer_id'.split(','))


class RefundsApi(object):
    """taobao.refunds.receive.get, taobao.refund.get."""

    METHODS = {
        'taobao.refunds.receive.get': 'refunds_receive_get',
        'taobao.refund.get': 'refund_get',
    }

    def refunds_receive_get(self, params):
        fields = parse_fields(req(params, 'fields'))
        page_no = int_param(params, 'page_no', 1, 1)
        page_size = int_param(params, 'page_size', 40, 1, 100)
        rows = self._refund_filter(list(self.store.refunds.values()), params)
        rows.sort(key=lambda r: (r.get('modified', ''), r['refund_id']), reverse=True)
        page = page_slice(rows, page_no, page_size)
        answer = {'refunds': {'refund': [select(r, fields, REFUND_LIST_FIELDS) for r in page]}}
        if bool_param(params, 'use_has_next'):
            answer['has_next'] = page_no * page_size < len(rows)
        else:
            answer['total_results'] = len(rows)
        return answer

    @staticmethod
    def _refund_filter(rows, params):
        status = params.get('status', '').strip()
        if status:
            if status not in REFUND_QUERY_STATUSES:
                raise invalid('status', 'Unknown refund status %s' % status)
            rows = [r for r in rows if r.get('status') == status]
        nick = params.get('buyer_nick', '').strip()
        if nick:
            rows = [r for r in rows if r.get('buyer_nick') == nick]
        for name, keep in (('start_modified', lambda v, b: v >= b),
                           ('end_modified', lambda v, b: v <= b)):
            raw = params.get(name, '').strip()
            if raw:
                bound = fmt(parse_dt(raw, name))
                rows = [r for r in rows if keep(r.get('modified', ''), bound)]
        return rows

    def refund_get(self, params):
        fields = parse_fields(req(params, 'fields'))
        refund_id = str(int_param(params, 'refund_id', required=True))
        refund = self.store.refunds.get(refund_id)
        if refund is None:
            raise TopFailure(15, 'isv.refund-not-exist', 'Refund %s does not exist' % refund_id)
        return {'refund': select(refund, fields)}
