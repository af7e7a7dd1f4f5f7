# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Local emulator of the JD Open Service (JOS, 京东宙斯) gateway and OAuth 2.

Stdlib only, any Python >= 3.7. Same shape as top_sandbox.py (CLI, faults,
call log, /_sandbox/ control API) with JD's protocol: /routerjson, system
parameters plus ``360buy_param_json``, ``*_responce`` envelopes, business
refusals as ``success: false`` inside the result. See sandbox/README.md.
"""
import argparse
import copy
import datetime
import hashlib
import hmac
import json
import os
import random
import sys
import threading
import time
from decimal import Decimal
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from top_sandbox import (DECRYPT_SCENES, FMT, LOOPBACK, Faults,  # noqa: E402
                         Handler as TopHandler, beijing_now, fmt, make_oaid, mask_name,
                         mask_number, mask_street, random_token, shift_times)
from jd_aftersales import AftersalesApi  # noqa: E402

SKEW_SECONDS = 360
# Leaf category of a ware given without one (JD files every ware under one).
DEFAULT_CATEGORY = 1349
SALE_ATTRIBUTES = 4  # attributeType of sale attributes in the category attribute API
BEIJING_OFFSET = datetime.timedelta(hours=8)
ORDER_STATES = frozenset([
    'WAIT_SELLER_STOCK_OUT', 'WAIT_GOODS_RECEIVE_CONFIRM', 'FINISHED_L', 'TRADE_CANCELED',
    'LOCKED', 'POP_ORDER_PAUSE', 'PAUSE', 'WAIT_SELLER_DELIVERY', 'WAIT_SEND_CODE'])
SHIPPABLE = ('WAIT_SELLER_STOCK_OUT', 'WAIT_SELLER_DELIVERY')
STATE_REMARKS = {'WAIT_SELLER_STOCK_OUT': '等待出库', 'WAIT_GOODS_RECEIVE_CONFIRM': '等待确认收货',
                 'FINISHED_L': '完成', 'TRADE_CANCELED': '取消', 'LOCKED': '锁定',
                 'POP_ORDER_PAUSE': '暂停', 'PAUSE': '暂停',
                 'WAIT_SELLER_DELIVERY': '等待发货', 'WAIT_SEND_CODE': '等待发码'}
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
ERROR_DESC = {2: '调用次数超限', 4: '缺少版本参数', 5: '不支持的版本号', 7: '缺少时间戳参数',
              8: '非法的时间戳参数', 11: '缺少签名参数', 12: '无效签名', 14: '缺少方法名参数',
              15: '不存在的方法名', 19: '无效access_token', 21: '无效的app_key',
              24: '无权调用此API', 62: 'JSON转换出错', 65: '平台连接后端服务超时'}
EN_DESC = {2: 'Call limit exceeded', 4: 'Missing version', 5: 'Unsupported version',
           7: 'Missing timestamp', 8: 'Invalid timestamp', 11: 'Missing signature',
           12: 'Invalid signature', 14: 'Missing method', 15: 'Invalid method',
           19: 'Invalid access_token', 21: 'Invalid app_key',
           24: 'The shop may not call this API', 62: 'JSON conversion error',
           65: 'Platform timed out connecting to the backend service'}
ORDER_LISTS = ('jingdong.pop.order.search', 'jingdong.pop.order.enSearch')
REFUND_LIST = 'jingdong.pop.afs.soa.refundapply.queryPageList'
SECRET_PARAMS = frozenset(['sign', 'access_token', 'app_secret', 'code', 'refresh_token'])
RESPONSE_KEYS = {'360buy.get.vender.all.delivery.company': 'vender_delivery_all_company_response'}
CONSIGNEE_MASKS = {'fullname': mask_name, 'mobile': mask_number, 'telephone': mask_number,
                   'fullAddress': mask_street}
DECRYPT_CAP = 20
ACCESS_LOG_FIELDS = ('userIp', 'appKey', 'jdId', 'deviceId', 'url', 'orderInfos', 'timeStamp')


class JdFailure(Exception):
    """A gateway error: becomes ``error_response``."""

    def __init__(self, code, detail=None):
        super(JdFailure, self).__init__(code)
        self.code, self.detail = code, detail

    def body(self, numeric=False):
        en = EN_DESC.get(self.code, 'Service error')
        if self.detail:
            en = '%s: %s' % (en, self.detail)
        return {'error_response': {'code': self.code if numeric else str(self.code),
                                   'zh_desc': ERROR_DESC.get(self.code, '服务异常'),
                                   'en_desc': en}}


class Refused(Exception):
    """A business refusal: becomes ``success: false`` inside the result."""

    def __init__(self, english, chinese, code='1'):
        super(Refused, self).__init__(english)
        self.english, self.chinese, self.code = english, chinese, code


def api_result(refusal=None):
    if refusal is None:
        return {'success': True, 'resultCode': '0', 'chineseErrCode': '成功',
                'englishErrCode': 'success'}
    return {'success': False, 'resultCode': refusal.code,
            'chineseErrCode': refusal.chinese, 'englishErrCode': refusal.english}


# -- parameter helpers -------------------------------------------------------
def text(params, name, default=''):
    value = params.get(name)
    return default if value is None else str(value).strip()


def need(params, name):
    value = text(params, name)
    if not value:
        raise Refused('missing parameter %s' % name, '缺少参数%s' % name, '100')
    return value


def number(params, name, default=None, low=None, high=None):
    raw = text(params, name)
    if raw == '':
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Refused('%s must be a number' % name, '%s必须是数字' % name, '101')
    if (low is not None and value < low) or (high is not None and value > high):
        raise Refused('%s out of range' % name, '%s超出范围' % name, '102')
    return value


def id_list(params, name, cap=None):
    """A JSON list or a comma string -> [str]; JD's SDKs send both."""
    raw = params.get(name)
    if raw in (None, '', []):
        return []
    parts = raw if isinstance(raw, list) else str(raw).split(',')
    parts = [str(p).strip() for p in parts if str(p).strip()]
    if cap is not None and len(parts) > cap:
        raise Refused('at most %d values in %s' % (cap, name), '%s最多%d个' % (name, cap), '103')
    return parts


def when(params, name):
    value = text(params, name)
    if not value:
        return None
    try:
        return datetime.datetime.strptime(value[:19], FMT)
    except ValueError:
        raise Refused('%s must be yyyy-MM-dd HH:mm:ss' % name, '%s时间格式错误' % name, '104')


def within(value, low, high):
    value = value or ''
    return (not low or value >= fmt(low)) and (not high or value <= fmt(high))


def beijing_stamp(value):
    """Beijing time of a gateway timestamp, or None.

    Plain 'yyyy-MM-dd HH:mm:ss' is Beijing time; JD's SDKs send their local time
    with its offset, 'yyyy-MM-dd HH:mm:ss.SSS+ZZZZ' (e.g. '.000+0000' on a UTC
    server), which is converted.
    """
    try:
        stamp = datetime.datetime.strptime(value[:19], FMT)
    except ValueError:
        return None
    rest = value[19:]
    if rest.startswith('.'):
        digits = rest[1:4]
        if not digits.isdigit():
            return None
        rest = rest[1 + len(digits):]
    if not rest:
        return stamp
    if len(rest) != 5 or rest[0] not in '+-' or not rest[1:].isdigit():
        return None
    offset = datetime.timedelta(hours=int(rest[1:3]), minutes=int(rest[3:5]))
    utc = stamp - offset if rest[0] == '+' else stamp + offset
    return utc + BEIJING_OFFSET


def project(record, fields):
    if not fields:
        return copy.deepcopy(record)
    return dict((k, copy.deepcopy(v)) for k, v in record.items() if k in fields)


def page_of(rows, page_no, size):
    return rows[(page_no - 1) * size:page_no * size]


def sign_params(params, secret, method):
    keys = sorted(k for k, v in params.items() if k and k != 'sign' and v not in (None, ''))
    joined = ''.join('%s%s' % (k, params[k]) for k in keys).encode('utf-8')
    key = secret.encode('utf-8')
    if method == 'md5':
        return hashlib.md5(key + joined + key).hexdigest().upper()
    digest = hashlib.md5 if method == 'hmacmd5' else hashlib.sha256
    return hmac.new(key, joined, digest).hexdigest().upper()


class Store(object):
    """In-memory shop: wares, SKUs, orders, refund applications."""

    def __init__(self, data):
        self.lock = threading.RLock()
        self.load(data)

    def load(self, data):
        with self.lock:
            self.shop_name = data.get('shop_name') or '悦享生活京东旗舰店'
            self.vender_id = str(data.get('vender_id') or '10086001')
            self.wares, self.skus, self.orders, self.refunds = {}, {}, {}, {}
            self.categories = {}
            for cid, attrs in (data.get('category_attrs') or {}).items():
                for attr in attrs:
                    self.put_category_attr(int(cid), attr)
            for ware in data.get('wares') or []:
                self.put_ware(ware)
            for order in data.get('orders') or []:
                self.put_order(order)
            for refund in data.get('refunds') or []:
                self.put_refund(refund)

    def put_ware(self, ware):
        ware = copy.deepcopy(ware)
        ware['wareId'] = int(ware['wareId'])
        ware['categoryId'] = int(ware.get('categoryId') or DEFAULT_CATEGORY)
        for sku_id in [k for k, s in self.skus.items() if s['wareId'] == ware['wareId']]:
            del self.skus[sku_id]
        for sku in ware.pop('skus', None) or []:
            sku['skuId'], sku['wareId'] = int(sku['skuId']), ware['wareId']
            self.skus[sku['skuId']] = sku
            self._file_attr_names(ware['categoryId'], sku)
        self.wares[ware['wareId']] = ware

    def _file_attr_names(self, category_id, sku):
        """JD's SKU answers carry no attribute names: a name given with test data
        goes to the ware's category, where the category attribute API finds it."""
        for attr in sku.get('saleAttrs') or []:
            name = attr.pop('attrName', None) if isinstance(attr, dict) else None
            if name:
                self.put_category_attr(category_id, {'id': attr.get('attrId'), 'name': name})

    def put_category_attr(self, category_id, attr):
        attr = dict(attr, id=int(attr['id']), categoryId=category_id)
        attr.setdefault('attributeType', SALE_ATTRIBUTES)
        self.categories.setdefault(category_id, {})[attr['id']] = attr

    def put_order(self, order):
        order = copy.deepcopy(order)
        order['orderId'] = str(order['orderId'])
        self.orders[order['orderId']] = order

    def put_refund(self, refund):
        refund = copy.deepcopy(refund)
        refund['id'] = int(refund['id'])
        self.refunds[refund['id']] = refund

    def dump(self):
        with self.lock:
            wares = []
            for ware in self.wares.values():
                ware = copy.deepcopy(ware)
                ware['skus'] = [copy.deepcopy(s) for s in self.skus.values()
                                if s['wareId'] == ware['wareId']]
                wares.append(ware)
            categories = dict((str(cid), sorted(attrs.values(), key=lambda a: a['id']))
                              for cid, attrs in self.categories.items())
            return {'shop_name': self.shop_name, 'vender_id': self.vender_id,
                    'category_attrs': copy.deepcopy(categories), 'wares': wares,
                    'orders': copy.deepcopy(list(self.orders.values())),
                    'refunds': copy.deepcopy(list(self.refunds.values()))}

    def order(self, order_id):
        order = self.orders.get(str(order_id).strip())
        if order is None:
            raise Refused('order %s does not exist' % order_id, '订单%s不存在' % order_id, '201')
        return order

    def churn_orders(self, params, count, rng):
        """``count`` orders of the listed window change: `modified` moves later,
        still inside the window, so the orders listed after them shift by one."""
        lo, hi = when(params, 'start_date'), when(params, 'end_date')
        hi = min(hi or beijing_now(), beijing_now())
        rows = [o for o in self.orders.values()
                if within(o.get('modified'), lo, hi) and o.get('modified', '') < fmt(hi)]
        for order in rng.sample(rows, min(count, len(rows))):
            old = datetime.datetime.strptime(order['modified'], FMT)
            span = int((hi - old).total_seconds())
            order['modified'] = fmt(old + datetime.timedelta(seconds=rng.randint(1, span)))
        return bool(rows)

    def churn_refunds(self, params, count, rng):
        """``count`` refunds of the listed check-time window are checked again now:
        they leave the window, and the refunds listed after them shift by one."""
        lo, hi = when(params, 'checkTimeStart'), when(params, 'checkTimeEnd')
        if not (lo or hi):
            return False
        rows = [r for r in self.refunds.values() if r.get('checkTime')
                and within(r.get('checkTime'), lo, hi)]
        for refund in rng.sample(rows, min(count, len(rows))):
            self.touch(refund, 'checkTime')
        return bool(rows)

    @staticmethod
    def touch(record, key='modified'):
        """Bump ``modified`` strictly, so that every change shows in a window."""
        now = fmt(beijing_now())
        old = record.get(key) if isinstance(record.get(key), str) else ''
        record[key] = now if now > old else fmt(
            datetime.datetime.strptime(old, FMT) + datetime.timedelta(seconds=1))

    def set_state(self, order, state):
        order['orderState'] = state
        order['orderStateRemark'] = STATE_REMARKS.get(state, state)
        if state in ('FINISHED_L', 'TRADE_CANCELED'):
            order['orderEndTime'] = fmt(beijing_now())
        self.touch(order)


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


class Api(AftersalesApi):
    """The JD business APIs over a Store; handlers return the result dict."""

    def __init__(self, store, privacy=None):
        self.store = store
        self.privacy = privacy or Privacy('', masked=False)
        self.methods = {
            'jingdong.pop.order.search': self.order_search,
            'jingdong.pop.order.enSearch': self.order_search,
            'jingdong.pop.order.get': self.order_get,
            'jingdong.ware.read.searchWare4Valid': self.ware_search,
            'jingdong.sku.read.searchSkuList': self.sku_search,
            'jingdong.ware.read.findWareById': self.ware_get,
            'jingdong.category.read.findAttrsByCategoryIdUnlimitCate': self.category_attrs,
            'jingdong.stock.write.updateSkuStock': self.stock_update,
            'jingdong.stock.read.findSkuStock': self.stock_get,
            'jingdong.pop.order.shipment': self.shipment,
            '360buy.get.vender.all.delivery.company': self.carriers,
            'jingdong.pop.afs.soa.refundapply.queryPageList': self.refund_search,
            'jingdong.jos.order.oaid.decrypt': self.oaid_decrypt,
            'jingdong.security.orderinfo.log.upload': self.access_log_upload,
        }
        # Where each method's refusal goes: its result object (None = top level).
        self.holders = {
            'jingdong.pop.order.search': ('searchorderinfo_result', True),
            'jingdong.pop.order.enSearch': ('searchorderinfo_result', True),
            'jingdong.pop.order.get': ('orderDetailInfo', True),
            'jingdong.pop.order.shipment': ('sopjosshipment_result', False),
            'jingdong.pop.afs.soa.refundapply.queryPageList': ('queryResult', False),
            'jingdong.jos.order.oaid.decrypt': ('returnType', False),
            'jingdong.security.orderinfo.log.upload': ('returnType', False),
        }
        self.methods.update(self.aftersales_methods())
        self.holders.update(self.aftersales_holders())

    def refusal(self, method, refused):
        key, nested = self.holders.get(method, (None, False))
        result = api_result(refused)
        if key is None:
            return result
        if nested:
            return {key: {'apiResult': result}}
        return {key: dict(result, errorCode=refused.code)}

    # -- orders -------------------------------------------------------------
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

    # -- buyer privacy --------------------------------------------------------
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

    # -- wares, SKUs, stock ---------------------------------------------------
    def ware_search(self, params):
        ids = id_list(params, 'wareId', 20)
        statuses = id_list(params, 'wareStatusValue')
        item_num = text(params, 'itemNum')
        page = number(params, 'pageNo', 1, 1)
        size = number(params, 'pageSize', 20, 1, 100)
        rows = [w for w in sorted(self.store.wares.values(), key=lambda w: w['wareId'])
                if (not ids or str(w['wareId']) in ids)
                and (not statuses or str(w.get('wareStatus')) in statuses)
                and (not item_num or w.get('itemNum') == item_num)]
        fields = set(id_list(params, 'field'))
        return {'page': {'data': [project(w, fields) for w in page_of(rows, page, size)],
                         'pageNo': page, 'pageSize': size, 'totalItem': len(rows)}}

    def sku_search(self, params):
        wares, skus = id_list(params, 'wareId', 20), id_list(params, 'skuId', 20)
        statuses, outer = id_list(params, 'skuStatuValue'), id_list(params, 'outId', 20)
        if not (wares or skus or outer):
            raise Refused('wareId, skuId or outId is required', '商品编号、SKU编号或外部编码必填',
                          '100')
        page = number(params, 'pageNo', 1, 1)
        size = number(params, 'page_size', 20, 1, 100)
        rows = [s for s in sorted(self.store.skus.values(), key=lambda s: s['skuId'])
                if (not wares or str(s['wareId']) in wares)
                and (not skus or str(s['skuId']) in skus)
                and (not outer or s.get('outerId') in outer)
                and (not statuses or str(s.get('status')) in statuses)]
        fields = set(id_list(params, 'field'))
        return {'page': {'data': [project(s, fields) for s in page_of(rows, page, size)],
                         'pageNo': page, 'pageSize': size, 'totalItem': len(rows)}}

    def category_attrs(self, params):
        """The attributes of a category, of one attributeType when asked."""
        cid = number(params, 'cid')
        if cid is None:
            raise Refused('missing parameter cid', '缺少参数cid', '100')
        kind = number(params, 'attributeType')
        rows = [copy.deepcopy(a) for a in sorted(self.store.categories.get(cid, {}).values(),
                                                 key=lambda a: a['id'])
                if kind is None or a.get('attributeType') == kind]
        return {'findattrsbycategoryidunlimitcate_result': rows}

    def ware_get(self, params):
        ware = self.store.wares.get(number(params, 'wareId'))
        if ware is None:
            raise Refused('ware %s does not exist' % text(params, 'wareId'), '商品不存在', '301')
        return {'ware': project(ware, set(id_list(params, 'fields')))}

    def _sku(self, params):
        sku = self.store.skus.get(number(params, 'skuId'))
        if sku is None:
            raise Refused('sku %s does not exist' % text(params, 'skuId'), 'SKU不存在', '302')
        return sku

    def stock_update(self, params):
        sku = self._sku(params)
        stock = number(params, 'stockNum', None, 0)
        if stock is None:
            raise Refused('missing parameter stockNum', '缺少参数stockNum', '100')
        sku['stockNum'] = stock
        sku['modified'] = fmt(beijing_now())
        ware = self.store.wares.get(sku['wareId'])
        if ware is not None:
            ware['stockNum'] = sum(int(s.get('stockNum') or 0) for s in self.store.skus.values()
                                   if s['wareId'] == ware['wareId'] and s.get('status') != 4)
            self.store.touch(ware)
        return {'success': True}

    def stock_get(self, params):
        sku = self._sku(params)
        # The answer's shape is not documented anywhere we trust: one row per store.
        return {'skuStocks': [{'skuId': sku['skuId'], 'stockNum': sku.get('stockNum', 0),
                               'storeId': 0}]}

    # -- shipment ------------------------------------------------------------
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

    # -- refunds --------------------------------------------------------------
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


class Sandbox(object):
    """Gateway state: credentials, tokens, faults, call log."""

    def __init__(self, args):
        self.args = args
        self.rng = random.Random()
        self.log_lock = threading.Lock()
        self.state_lock = threading.RLock()
        self.store = Store(self._read_data())
        self.api = Api(self.store, Privacy(args.app_key, not args.plain_receivers,
                                           args.decrypt_quota))
        self.reset_runtime()
        self.faults = Faults(args.fault, args.seed, args.slow_seconds)

    def _read_data(self):
        if not self.args.data:
            return {}
        with open(self.args.data, encoding='utf-8') as handle:
            data = json.load(handle)
        ref = data.get('reference_time')
        if not (self.args.rebase_times and ref):
            return data
        delta = beijing_now() - datetime.datetime.strptime(ref, FMT)
        delta = datetime.timedelta(seconds=int(delta.total_seconds()))
        return dict(data, **dict((k, shift_times(data.get(k) or [], delta))
                                 for k in ('wares', 'orders', 'refunds')))

    def reset_runtime(self):
        with self.state_lock:
            self.session_expired = False
            self.tokens = {}          # access_token -> expiry epoch
            self.refresh_tokens = {}  # refresh_token -> (access_token, expiry)
            self.codes = {}           # code -> (redirect_uri, expiry)
            self.calls = 0
            self.by_method = {}
            if hasattr(self, 'api'):
                self.api.privacy.decrypts, self.api.privacy.access_logs = [], []

    # -- control API --------------------------------------------------------
    def control(self, verb, path, body):
        name = path[len('/_sandbox/'):]
        if verb == 'GET' and name == 'state':
            return 200, self.store.dump()
        if verb == 'GET' and name == 'privacy':
            return 200, self.api.privacy.state(len(self.store.orders))
        if verb == 'GET' and name == 'stats':
            return 200, {'calls': self.calls, 'by_method': dict(self.by_method),
                         'faults': dict(self.faults.counts)}
        handler = getattr(self, '_ctl_' + name, None) if verb == 'POST' else None
        if handler is None:
            return 404, {'error': 'not_found'}
        try:
            with self.store.lock:
                return 200, handler(body)
        except Refused as exc:
            return 400, {'error': exc.english}
        except (KeyError, TypeError, ValueError) as exc:
            return 400, {'error': 'bad control request: %s' % type(exc).__name__}

    def _ctl_reset(self, body):
        keys = ('wares', 'orders', 'refunds')
        self.store.load(body if any(body.get(k) is not None for k in keys) else self._read_data())
        self.reset_runtime()
        self.faults = Faults((), self.args.seed, self.args.slow_seconds)
        return {'ok': True, 'wares': len(self.store.wares), 'orders': len(self.store.orders)}

    def _ctl_upsert(self, body):
        for ware in body.get('wares') or []:
            self.store.put_ware(ware)
        for order in body.get('orders') or []:
            self.store.put_order(order)
        for refund in body.get('refunds') or []:
            self.store.put_refund(refund)
        return {'ok': True}

    def _ctl_faults(self, body):
        faults = Faults(body.get('faults') or [], body.get('seed'),
                        body.get('slow_seconds', self.args.slow_seconds))
        faults.denied = frozenset(body.get('deny_methods') or ())
        self.faults = faults
        return {'ok': True}

    def _ctl_privacy(self, body):
        privacy = self.api.privacy
        if 'masked' in body:
            privacy.masked = bool(body['masked'])
        if 'decrypt_quota' in body:
            quota = body['decrypt_quota']
            privacy.quota = None if quota is None else int(quota)
        return privacy.state(len(self.store.orders))

    def _ctl_session(self, body):
        self.session_expired = bool(body.get('expired'))
        return {'ok': True, 'expired': self.session_expired}

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

    # -- gateway ------------------------------------------------------------
    def gateway(self, params):
        """Return (http_status, body_bytes, log_info) for one /routerjson call."""
        method = params.get('method', '')
        with self.state_lock:
            self.calls += 1
            self.by_method[method] = self.by_method.get(method, 0) + 1
            fired = self.faults.draw()
        info = {'fault': fired or None}
        if 'slow' in fired:
            time.sleep(self.faults.slow_seconds)
        if 'session_expiry' in fired:
            self.session_expired = True
        body = None
        if 'rate_limit' in fired:
            body = JdFailure(2).body(numeric=True)  # JD sends codes as numbers too
        elif 'transient' in fired:
            body = JdFailure(65).body()
        if body is not None:
            info['code'] = body['error_response']['code']
            return 200, json.dumps(body, ensure_ascii=False).encode('utf-8'), info
        try:
            with self.store.lock:
                business = self.validate(params)
                body = self._answer(method, business, info)
                self._churn(method, business)
        except JdFailure as failure:
            body = failure.body()
            info['code'] = failure.code
        raw = json.dumps(body, ensure_ascii=False).encode('utf-8')
        if 'malformed' in fired:
            raw = raw[:max(1, len(raw) // 2)]
        return 200, raw, info

    def _churn(self, method, business):
        """Churn faults (top_sandbox.Churn's every / modify / refund_modify): rows of
        the listed window change once a page is answered, as on a busy day."""
        churn = self.faults.churn
        if churn is None:
            return
        if method in ORDER_LISTS and churn.modify:
            churn.pages += 1
            fired = not churn.pages % churn.every and self.store.churn_orders(
                business, churn.modify, self.faults.rng)
        elif method == REFUND_LIST and churn.refund_modify:
            churn.refund_pages += 1
            fired = not churn.refund_pages % churn.every and self.store.churn_refunds(
                business, churn.refund_modify, self.faults.rng)
        else:
            fired = False
        if fired:
            self.faults.counts['churn'] += 1

    def _answer(self, method, business, info):
        try:
            result = self.api.methods[method](business)
        except Refused as refused:
            result = self.api.refusal(method, refused)
            info['refused'] = refused.english
        key = RESPONSE_KEYS.get(method) or method.replace('.', '_') + (
            '_response' if method.startswith('360buy.') else '_responce')
        return {key: dict(result, code='0')}

    def validate(self, params):
        """Check the system parameters; return the business parameters."""
        method = params.get('method', '').strip()
        if not method:
            raise JdFailure(14)
        if params.get('app_key') != self.args.app_key:
            raise JdFailure(21)
        self._check_timestamp(params.get('timestamp', ''))
        if not params.get('v'):
            raise JdFailure(4)
        if params['v'] != '2.0':
            raise JdFailure(5)
        self._check_sign(params)
        self._check_token(params.get('access_token', ''))
        raw = params.get('360buy_param_json')
        try:
            business = json.loads(raw) if raw else None
        except ValueError:
            business = None
        if not isinstance(business, dict):
            raise JdFailure(62, '360buy_param_json must be a JSON object ({} when empty)')
        if method not in self.api.methods:
            raise JdFailure(15, method)
        if method in self.faults.denied:
            raise JdFailure(24, method)
        return business

    @staticmethod
    def _check_timestamp(value):
        value = (value or '').strip()
        if not value:
            raise JdFailure(7)
        stamp = beijing_stamp(value)
        if stamp is None:
            raise JdFailure(8, 'timestamp cannot be parsed')
        if abs((beijing_now() - stamp).total_seconds()) > SKEW_SECONDS:
            raise JdFailure(8, 'timestamp is more than 6 minutes off')

    def _check_sign(self, params):
        given = params.get('sign', '')
        if not given:
            raise JdFailure(11)
        method = params.get('sign_method') or 'md5'
        if method not in ('md5', 'hmacmd5', 'hmacsha256'):
            raise JdFailure(12, 'unsupported sign_method')
        expected = sign_params(params, self.args.app_secret, method)
        if not hmac.compare_digest(given.upper(), expected):
            raise JdFailure(12)

    def _check_token(self, token):
        if token and token == self.args.access_token and not self.session_expired:
            return
        expiry = self.tokens.get(token) if token else None
        if expiry is None or expiry < time.time():
            raise JdFailure(19)

    # -- OAuth --------------------------------------------------------------
    def to_login(self, params):
        """Return (status, headers, html) for GET /oauth2/to_login."""
        if params.get('app_key') != self.args.app_key:
            return 400, {}, '<html><body>应用不存在 (invalid app_key)</body></html>'
        redirect = params.get('redirect_uri', '')
        if params.get('response_type') != 'code' \
                or not redirect.startswith(('http://', 'https://')):
            return 400, {}, '<html><body>invalid request</body></html>'
        code = random_token(self.rng, 16)
        with self.state_lock:
            self.codes[code] = (redirect, time.time() + 600)
        query = urlencode([('code', code), ('state', params.get('state', ''))])
        return 302, {'Location': redirect + ('&' if '?' in redirect else '?') + query}, ''

    def token(self, endpoint, params):
        """Return the JSON answer of /oauth2/access_token or /oauth2/refresh_token."""
        if params.get('app_key') != self.args.app_key or \
                params.get('app_secret') != self.args.app_secret:
            return {'code': 401, 'msg': 'app_key or app_secret is wrong'}
        grant = params.get('grant_type')
        with self.state_lock:
            if endpoint == 'access_token' and grant == 'authorization_code':
                entry = self.codes.pop(params.get('code', ''), None)
                if entry is None or entry[1] < time.time():
                    return {'code': 402, 'msg': 'authorization code is invalid or used'}
                return self._issue()
            if endpoint == 'refresh_token' and grant == 'refresh_token':
                entry = self.refresh_tokens.pop(params.get('refresh_token', ''), None)
                if entry is None or entry[1] < time.time():
                    return {'code': 403, 'msg': 'refresh_token is invalid or expired'}
                self.tokens.pop(entry[0], None)
                return self._issue()
        return {'code': 405, 'msg': 'grant_type is not supported here'}

    def _issue(self):
        now = time.time()
        life = int(self.args.token_expires_in)
        access = random_token(self.rng, 32)
        refresh = random_token(self.rng, 32)
        self.tokens[access] = now + life
        self.refresh_tokens[refresh] = (access, now + life * 2)
        self.session_expired = False  # a fresh authorisation revives the shop
        return {'access_token': access, 'expires_in': life, 'refresh_token': refresh,
                'scope': 'snsapi_base', 'open_id': 'jdopen-%s' % self.store.vender_id,
                'uid': self.store.vender_id, 'time': int(now * 1000),
                'token_type': 'bearer', 'user_nick': self.store.shop_name}

    # -- call log -----------------------------------------------------------
    def log_call(self, entry):
        if not self.args.call_log:
            return
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True)
        with self.log_lock:
            with open(self.args.call_log, 'a', encoding='utf-8') as handle:
                handle.write(line + '\n')


def loggable(params):
    return dict((k, v) for k, v in params.items() if k not in SECRET_PARAMS)


class Handler(TopHandler):
    """The TOP sandbox's HTTP plumbing with JD's routes."""
    server_version = 'JDSandbox/1.0'

    def _dispatch(self, verb):
        start = time.time()
        parts = urlsplit(self.path)
        raw = self._body()
        sandbox = self.server.sandbox
        if parts.path.startswith('/_sandbox/'):
            try:
                body = json.loads(raw.decode('utf-8')) if raw.strip() else {}
            except ValueError:
                return self._json(400, {'error': 'body must be JSON'})
            return self._json(*sandbox.control(verb, parts.path,
                                               body if isinstance(body, dict) else {}))
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        if raw and 'json' not in self.headers.get('Content-Type', ''):
            params.update(parse_qsl(raw.decode('utf-8', 'replace'), keep_blank_values=True))
        if parts.path == '/routerjson':
            status, payload, extra = sandbox.gateway(params)
            reply = lambda: self._send(  # noqa: E731
                status, payload, 'application/json;charset=UTF-8')
            method = params.get('method', '')
        elif parts.path == '/oauth2/to_login' and verb == 'GET':
            status, headers, html = sandbox.to_login(params)
            reply = lambda: self._send(  # noqa: E731
                status, html.encode('utf-8'), 'text/html;charset=UTF-8', headers)
            method, extra = 'oauth2.to_login', {}
        elif parts.path in ('/oauth2/access_token', '/oauth2/refresh_token'):
            endpoint = parts.path.rsplit('/', 1)[1]
            answer = sandbox.token(endpoint, params)
            status = 200
            reply = lambda: self._json(status, answer)  # noqa: E731
            method, extra = 'oauth2.' + endpoint, {'code': answer.get('code')}
        else:
            return self._json(404, {'error': 'not_found'})
        entry = {'method': method, 'params': loggable(params), 'status': status,
                 'duration': round(time.time() - start, 4), 'time': fmt(beijing_now())}
        entry.update((k, v) for k, v in extra.items() if v is not None)
        entry['ok'] = status in (200, 302) and 'code' not in extra and 'refused' not in extra
        # Logged before the answer leaves: a client that reads the log right after its
        # call must find the call there.
        sandbox.log_call(entry)
        reply()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Local JD JOS gateway emulator')
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=0, help='0 picks a free port')
    parser.add_argument('--data',
                        help='JSON file {"wares": [...], "orders": [...], "refunds": [...]}')
    parser.add_argument('--app-key', required=True)
    parser.add_argument('--app-secret', required=True)
    parser.add_argument('--access-token', required=True, help='the pre-authorised token')
    parser.add_argument('--call-log', help='append one JSON line per call')
    parser.add_argument('--fault', action='append', default=[],
                        help='KIND:RATE or KIND@N; KIND in transient (code 65), rate_limit '
                             '(code 2), slow, malformed, session_expiry (code 19)')
    parser.add_argument('--seed', type=int, default=None)
    parser.add_argument('--slow-seconds', type=float, default=2.0)
    parser.add_argument('--rebase-times', action='store_true')
    parser.add_argument('--token-expires-in', type=int, default=86400)
    parser.add_argument('--ready-file')
    parser.add_argument('--plain-receivers', action='store_true',
                        help='answer consignees in clear, as before the privacy upgrade')
    parser.add_argument('--decrypt-quota', type=int, default=None,
                        help='OAID decrypts allowed per day (default: a tenth of the '
                             'orders held, at least 5)')
    args = parser.parse_args(argv)
    if args.host not in LOOPBACK:
        parser.error('the sandbox only binds loopback addresses (127.0.0.1, localhost, ::1)')
    return args


def make_server(args):
    """A ready (not yet serving) server for ``args``; port 0 picks a free one."""
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.sandbox = Sandbox(args)
    return server


def main(argv=None):
    args = parse_args(argv)
    try:
        server = make_server(args)
    except ValueError as exc:
        sys.stderr.write('error: %s\n' % exc)
        return 2
    port = server.server_address[1]
    if args.ready_file:
        tmp = args.ready_file + '.tmp'
        with open(tmp, 'w') as handle:
            handle.write(str(port))
        os.replace(tmp, args.ready_file)
    sys.stdout.write('JD sandbox listening on http://%s:%d\n' % (args.host, port))
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.stdout.write('JD sandbox stopped\n')
    finally:
        server.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
