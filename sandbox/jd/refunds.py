# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""JD API family: after-sales refund applications."""
import copy

from .core import id_list, number, page_of, text, when, within


class RefundsApi(object):
    """jingdong.pop.afs.soa.refundapply.queryPageList."""

    METHODS = {
        'jingdong.pop.afs.soa.refundapply.queryPageList': 'refund_search',
    }
    HOLDERS = {
        'jingdong.pop.afs.soa.refundapply.queryPageList': ('queryResult', False),
    }

    def refund_search(self, params):
        page = number(params, 'pageIndex', 1, 1, 100)
        size = number(params, 'pageSize', 20, 1, 50)
        ids = id_list(params, 'ids')
        status = text(params, 'status')
        order_id, buyer = text(params, 'orderId'), text(params, 'buyerId')
        windows = [('applyTime', when(params, 'applyTimeStart'), when(params, 'applyTimeEnd')),
                   ('checkTime', when(params, 'checkTimeStart'), when(params, 'checkTimeEnd'))]
        rows = [r for r in self.store.refunds.values()
                if (not ids or str(r['id']) in ids) and (not status or str(r['status']) == status)
                and (not order_id or str(r['orderId']) == order_id)
                and (not buyer or r.get('buyerId') == buyer)
                and all(within(r.get(k), lo, hi) for k, lo, hi in windows)]
        rows.sort(key=lambda r: (r.get('applyTime', ''), r['id']))
        # The SKU an application refunds comes only when asked for (showSku).
        hidden = () if text(params, 'showSku').lower() == 'true' else ('skuId',)
        return {'queryResult': {'success': True, 'totalCount': len(rows),
                                'result': [{k: copy.deepcopy(v) for k, v in r.items()
                                            if k not in hidden}
                                           for r in page_of(rows, page, size)]}}
