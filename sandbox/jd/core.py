# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Shared core of the JD sandbox: JOS's constants, errors and parameter helpers."""
import copy
import datetime
import hashlib
import hmac

from ..top.core import FMT, fmt

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
