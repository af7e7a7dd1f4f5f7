# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""JD API family: shipments and the carriers of the shop."""
from .core import SHIPPABLE, STATE_REMARKS, Refused, id_list, need, project, text

SELF_DELIVERY = '1274'
CARRIERS = [
    {'id': 467, 'name': '顺丰快递', 'description': 'SF Express'},
    {'id': 465, 'name': '邮政EMS', 'description': 'EMS'},
    {'id': 463, 'name': '圆通快递', 'description': 'YTO Express'},
    {'id': 1499, 'name': '中通速递', 'description': 'ZTO Express'},
    {'id': 470, 'name': '申通快递', 'description': 'STO Express'},
    {'id': 1327, 'name': '韵达快递', 'description': 'Yunda Express'},
    {'id': 2087, 'name': '京东快递', 'description': 'JD Logistics'},
    {'id': 1274, 'name': '厂家自送', 'description': "seller's own delivery, no waybill"},
]


class LogisticsApi(object):
    """jingdong.pop.order.shipment, 360buy.get.vender.all.delivery.company."""

    METHODS = {
        'jingdong.pop.order.shipment': 'shipment',
        '360buy.get.vender.all.delivery.company': 'carriers',
    }
    HOLDERS = {
        'jingdong.pop.order.shipment': ('sopjosshipment_result', False),
    }

    def shipment(self, params):
        order = self.store.order(need(params, 'orderId'))
        carriers = [c.strip() for c in need(params, 'logiCoprId').split('|')]
        known = set(str(c['id']) for c in CARRIERS)
        if any(c not in known for c in carriers):
            raise Refused('unknown carrier %s' % params['logiCoprId'], '物流公司不存在', '401')
        waybills = text(params, 'logiNo').split('|') if text(params, 'logiNo') else []
        waybills += [''] * (len(carriers) - len(waybills))
        if len(waybills) != len(carriers) or any(
                not w.strip() and c != SELF_DELIVERY for c, w in zip(carriers, waybills)):
            raise Refused('a waybill number is needed for every carrier but %s' % SELF_DELIVERY,
                          '运单号不能为空', '402')
        if order.get('orderState') not in SHIPPABLE:
            raise Refused('order %s cannot be shipped in state %s'
                          % (order['orderId'], order.get('orderState')),
                          '订单状态不允许出库(%s)' % STATE_REMARKS.get(order.get('orderState'), ''),
                          '403')
        order['logisticsId'] = '|'.join(carriers)
        order['waybill'] = '|'.join(w.strip() for w in waybills)
        self.store.set_state(order, 'WAIT_GOODS_RECEIVE_CONFIRM')
        return {'sopjosshipment_result': {'success': True, 'chineseErrCode': '成功',
                                          'englishErrCode': 'success', 'errorCode': ''}}

    def carriers(self, params):
        fields = set(id_list(params, 'fields'))
        return {'delivery_companies': [project(c, fields) for c in CARRIERS]}
