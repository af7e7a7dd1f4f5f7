# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""JD API family: buyer privacy (OAID decrypts, the access log), masked consignees."""
import copy
import json

from ..top.core import beijing_now, fmt
from ..top.privacy import DECRYPT_SCENES, make_oaid, mask_name, mask_number, mask_street
from .core import Refused, api_result, text

CONSIGNEE_MASKS = {'fullname': mask_name, 'mobile': mask_number, 'telephone': mask_number,
                   'fullAddress': mask_street}
DECRYPT_CAP = 20
ACCESS_LOG_FIELDS = ('userIp', 'appKey', 'jdId', 'deviceId', 'url', 'orderInfos', 'timeStamp')


class Privacy(object):
    """Masked consignees, OAIDs, the daily decrypt quota and the access log."""

    def __init__(self, app_key, masked=True, quota=None):
        self.app_key, self.masked, self.quota = app_key, masked, quota
        self.decrypts, self.access_logs = [], []

    @staticmethod
    def receiver(order):
        info = order.get('consigneeInfo') or {}
        return {'name': info.get('fullname', ''), 'mobile': info.get('mobile', ''),
                'phone': info.get('telephone', ''), 'state': info.get('province', ''),
                'city': info.get('city', ''), 'district': info.get('county', ''),
                'town': info.get('town', ''), 'address': info.get('fullAddress', '')}

    def oaid(self, order, vender_id):
        return make_oaid(self.app_key, vender_id, self.receiver(order),
                         order.get('orderStartTime', ''))

    def view(self, order, row, vender_id):
        if self.masked and isinstance(row.get('consigneeInfo'), dict):
            info = row['consigneeInfo']
            for key, mask in CONSIGNEE_MASKS.items():
                if info.get(key):
                    info[key] = mask(str(info[key]))
            row['oaid'] = self.oaid(order, vender_id)
        return row

    def daily_quota(self, orders):
        """About a tenth of the shop's daily orders (the sandbox: of all it holds)."""
        return self.quota if self.quota is not None else max(5, orders // 10)

    def today(self):
        return beijing_now().strftime('%Y-%m-%d')

    def used_today(self):
        return sum(1 for d in self.decrypts if d['date'] == self.today())

    def state(self, orders):
        return {'masked': self.masked, 'quota': self.daily_quota(orders),
                'decrypts_today': self.used_today(), 'decrypts': copy.deepcopy(self.decrypts),
                'access_logs': copy.deepcopy(self.access_logs)}


class PrivacyApi(object):
    """jingdong.jos.order.oaid.decrypt, jingdong.security.orderinfo.log.upload."""

    METHODS = {
        'jingdong.jos.order.oaid.decrypt': 'oaid_decrypt',
        'jingdong.security.orderinfo.log.upload': 'access_log_upload',
    }
    HOLDERS = {
        'jingdong.jos.order.oaid.decrypt': ('returnType', False),
        'jingdong.security.orderinfo.log.upload': ('returnType', False),
    }

    def oaid_decrypt(self, params):
        request = params.get('getReceiverInfoListReqVO')
        if isinstance(request, str):
            request = json.loads(request or '{}')
        if not isinstance(request, dict):
            raise Refused('missing parameter getReceiverInfoListReqVO',
                          '缺少参数getReceiverInfoListReqVO', '100')
        if text(request, 'scenesType') not in DECRYPT_SCENES:
            raise Refused('unknown scenesType', '解密场景错误', '10001')
        infos = request.get('orderInfos') or []
        if not isinstance(infos, list) or not infos or len(infos) > DECRYPT_CAP:
            raise Refused('orderInfos takes 1 to %d orders' % DECRYPT_CAP,
                          'orderInfos须为1至%d个订单' % DECRYPT_CAP, '103')
        orders = [self.store.order((info or {}).get('orderId', '')) for info in infos]
        privacy = self.privacy
        if privacy.used_today() + len(orders) > privacy.daily_quota(len(self.store.orders)):
            raise Refused('the daily decrypt quota is spent', '今日解密次数已达上限', '10009')
        data = []
        for info, order in zip(infos, orders):
            oaid = privacy.oaid(order, self.store.vender_id)
            plain = privacy.receiver(order)
            data.append({'orderId': order['orderId'], 'oaid': oaid,
                         'matched': oaid == str(info.get('oaid') or ''),
                         'customerName': plain['name'], 'mobile': plain['mobile'],
                         'telephone': plain['phone'], 'province': plain['state'],
                         'city': plain['city'], 'county': plain['district'],
                         'town': plain['town'], 'fullAddress': plain['address']})
            privacy.decrypts.append({'date': privacy.today(), 'orderId': order['orderId'],
                                     'scenesType': text(request, 'scenesType'),
                                     'time': fmt(beijing_now())})
        return {'returnType': dict(api_result(), data=data)}

    def access_log_upload(self, params):
        missing = [k for k in ACCESS_LOG_FIELDS if params.get(k) in (None, '', [])]
        if missing:
            raise Refused('missing parameter %s' % missing[0], '缺少参数%s' % missing[0], '100')
        infos = params['orderInfos']
        if isinstance(infos, str):
            infos = json.loads(infos)
        for info in infos:
            self.store.order(info.get('orderId', ''))
        self.privacy.access_logs.append(dict(
            (k, copy.deepcopy(params[k])) for k in ACCESS_LOG_FIELDS + ('operation',)
            if k in params))
        return {'returnType': api_result()}
