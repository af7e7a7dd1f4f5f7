# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""JD API family: the shop's orders."""
import datetime

from ..top.core import fmt
from .core import ORDER_STATES, Refused, api_result, id_list, need, number, page_of, project, when


class OrdersApi(object):
    """jingdong.pop.order.search / enSearch / get."""

    METHODS = {
        'jingdong.pop.order.search': 'order_search',
        'jingdong.pop.order.enSearch': 'order_search',
        'jingdong.pop.order.get': 'order_get',
    }
    HOLDERS = {
        'jingdong.pop.order.search': ('searchorderinfo_result', True),
        'jingdong.pop.order.enSearch': ('searchorderinfo_result', True),
        'jingdong.pop.order.get': ('orderDetailInfo', True),
    }

    def order_search(self, params):
        states = id_list(params, 'order_state')
        if not states:
            raise Refused('missing parameter order_state', '缺少参数order_state', '100')
        unknown = [s for s in states if s not in ORDER_STATES]
        if unknown:
            raise Refused('unknown order_state %s' % ','.join(unknown), '订单状态错误', '105')
        fields = set(id_list(params, 'optional_fields'))
        if not fields:
            raise Refused('missing parameter optional_fields', '缺少参数optional_fields', '100')
        page = number(params, 'page', 1, 1)
        size = number(params, 'page_size', 20, 1, 100)
        key = 'orderStartTime' if number(params, 'dateType', 0, 0, 1) == 1 else 'modified'
        start, end = when(params, 'start_date'), when(params, 'end_date')
        if start and end and (end < start or end - start > datetime.timedelta(days=31)):
            raise Refused('the time window must be at most one month',
                          '查询时间跨度不能超过一个月', '106')
        rows = [o for o in self.store.orders.values() if o.get('orderState') in states
                and (not start or o.get(key, '') >= fmt(start))
                and (not end or o.get(key, '') <= fmt(end))]
        rows.sort(key=lambda o: (o.get(key, ''), o['orderId']),
                  reverse=number(params, 'sortType', 0) == 1)
        return {'searchorderinfo_result': {
            'orderTotal': len(rows), 'apiResult': api_result(),
            'orderInfoList': [self._shown(o, project(o, fields))
                              for o in page_of(rows, page, size)]}}

    def order_get(self, params):
        order = self.store.order(need(params, 'order_id'))
        fields = set(id_list(params, 'optional_fields'))
        if not fields:
            raise Refused('missing parameter optional_fields', '缺少参数optional_fields', '100')
        states = id_list(params, 'order_state')
        if states and order.get('orderState') not in states:
            raise Refused('order %s is not in the asked states' % order['orderId'],
                          '订单状态不符', '202')
        return {'orderDetailInfo': {'apiResult': api_result(),
                                    'orderInfo': self._shown(order, project(order, fields))}}

    def _shown(self, order, row):
        return self.privacy.view(order, row, self.store.vender_id)
