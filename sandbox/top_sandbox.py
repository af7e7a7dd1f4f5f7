# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Local emulator of the Taobao Open Platform (TOP) REST gateway and OAuth.

Stdlib only, any Python >= 3.7. See sandbox/README.md for the CLI, the
supported APIs, the fault options and the /_sandbox/ control API.
"""
import argparse
import bisect
import copy
import datetime
import hashlib
import hmac
import json
import os
import random
import re
import string
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

try:
    from .top_aftersales import AftersalesApi
    from .top_bills import BillsApi
except ImportError:  # run as a script: the sandbox directory is on sys.path
    from top_aftersales import AftersalesApi
    from top_bills import BillsApi

FMT = '%Y-%m-%d %H:%M:%S'
DT_RE = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$')
LOOPBACK = ('127.0.0.1', 'localhost', '::1')
NO_SESSION_METHODS = ('taobao.time.get', 'taobao.logistics.companies.get')
DEFAULT_TRADE_TYPES = frozenset(['fixed', 'auction', 'auto_delivery', 'ec', 'cod',
                                 'step', 'independent_simple_trade',
                                 'independent_shop_trade'])
TYPE_ALIASES = {'guarantee_trade': ('fixed', 'auction', 'independent_simple_trade',
                                    'independent_shop_trade')}
STATUS_ALIASES = {'ALL_WAIT_PAY': ('WAIT_BUYER_PAY', 'TRADE_NO_CREATE_PAY'),
                  'ALL_CLOSED': ('TRADE_CLOSED', 'TRADE_CLOSED_BY_TAOBAO')}
ONSALE_FIELDS = frozenset(
    'approve_status,num_iid,title,nick,type,cid,pic_url,num,props,valid_thru,'
    'list_time,price,has_discount,has_invoice,has_warranty,has_showcase,modified,'
    'delist_time,postage_id,seller_cids,outer_id,sold_quantity'.split(','))
INVENTORY_FIELDS = ONSALE_FIELDS - frozenset(['has_showcase', 'sold_quantity'])
TRADE_LIST_HIDDEN = frozenset(['buyer_message', 'seller_memo', 'buyer_memo',
                               'trade_memo', 'promotion_details'])
ORDER_LIST_HIDDEN = frozenset(['is_free_gift', 'has_gift', 'gift_mids', 'need_return'])
LIST_WRAPPERS = {'items': 'item', 'skus': 'sku', 'item_imgs': 'item_img',
                 'trades': 'trade', 'orders': 'order',
                 'promotion_details': 'promotion_detail',
                 'logistics_companies': 'logistics_company'}
FIELD_ALIASES = {'sku': 'skus', 'item_img': 'item_imgs', 'order': 'orders',
                 'promotion_detail': 'promotion_details'}
# Waybill formats as the carriers issue them; the optional two-letter prefix
# keeps the waybills of generate_data.py (code[:2] + 12 digits) valid.
COMPANIES = [
    {'id': 505, 'code': 'SF', 'name': '顺丰速运', 'reg_mail_no': '^(SF)?[0-9]{10,15}$'},
    {'id': 2, 'code': 'EMS', 'name': 'EMS',
     'reg_mail_no': '^([A-Z]{2}[0-9]{9}[A-Z]{2}|(EM)?[0-9]{12,13})$'},
    {'id': 101, 'code': 'YTO', 'name': '圆通速递', 'reg_mail_no': '^(YT)?[0-9]{10,15}$'},
    {'id': 500, 'code': 'ZTO', 'name': '中通快递', 'reg_mail_no': '^(ZT)?[0-9]{12,15}$'},
    {'id': 100, 'code': 'STO', 'name': '申通快递', 'reg_mail_no': '^(ST)?[0-9]{12,13}$'},
    {'id': 102, 'code': 'YUNDA', 'name': '韵达快递', 'reg_mail_no': '^(YU|YD)?[0-9]{13,15}$'},
    {'id': 1, 'code': 'POST', 'name': '中国邮政',
     'reg_mail_no': '^([A-Z]{2}[0-9]{9}[A-Z]{2}|[0-9]{11,13})$'},
    {'id': 5000000110730, 'code': 'JD', 'name': '京东物流', 'reg_mail_no': '^JD[A-Z0-9]{11,15}$'},
    {'id': 103, 'code': 'ZJS', 'name': '宅急送', 'reg_mail_no': '^[0-9]{10}$'},
    {'id': 502, 'code': 'HTKY', 'name': '百世快递', 'reg_mail_no': '^[0-9A-Z]{12,14}$'},
    {'id': 5000000107022, 'code': 'DBKD', 'name': '德邦快递',
     'reg_mail_no': '^(DPK[0-9]{12}|[0-9]{8,10})$'},
    {'id': -1, 'code': 'OTHER', 'name': '其他', 'reg_mail_no': '^[A-Za-z0-9-]{4,40}$'},
]
SHIPPABLE_TRADE = ('WAIT_SELLER_SEND_GOODS', 'SELLER_CONSIGNED_PART')
WAITING_REFUND = ('WAIT_SELLER_AGREE', 'WAIT_BUYER_RETURN_GOODS', 'WAIT_SELLER_CONFIRM_GOODS')
SHIPPED = 'WAIT_BUYER_CONFIRM_GOODS'
REFUND_STATUSES = WAITING_REFUND + ('SELLER_REFUSE_BUYER', 'CLOSED', 'SUCCESS')
REFUND_QUERY_STATUSES = REFUND_STATUSES + (
    'WAIT_BUYER_CONFIRM_EXCHANGE_SELLER_SEND_GOODS', 'EXCHANGE_TRANSFORM_TO_REFUND',
    'WAIT_SELLER_CONSIGN_GOODS')
REFUND_LIST_FIELDS = frozenset(
    'refund_id,tid,title,buyer_nick,seller_nick,total_fee,status,created,refund_fee,oid,'
    'good_status,company_name,sid,payment,reason,desc,has_good_return,modified,order_status,'
    'refund_phase,dispute_type,num,sku,outer_id'.split(','))
ERROR_MSGS = {7: 'App Call Limited', 11: 'Insufficient isv permissions',
              15: 'Remote service error', 21: 'Missing Method',
              22: 'Invalid Method', 23: 'Invalid Format', 24: 'Missing Signature',
              25: 'Invalid Signature', 26: 'Missing Session', 27: 'Invalid session',
              28: 'Missing App Key', 29: 'Invalid App Key', 30: 'Missing Timestamp',
              31: 'Invalid Timestamp', 32: 'Missing Version', 33: 'Invalid Version',
              40: 'Missing Required Arguments', 41: 'Invalid Arguments'}
FAULT_KINDS = ('transient', 'rate_limit', 'slow', 'malformed', 'session_expiry')
TRADE_LIST_KEYS = {'taobao.trades.sold.get': ('created', 'start_created', 'end_created'),
                   'taobao.trades.sold.increment.get': ('modified', 'start_modified',
                                                        'end_modified')}


class TopFailure(Exception):
    """Raised by API handlers; becomes an error_response."""

    def __init__(self, code, sub_code=None, sub_msg=None):
        super(TopFailure, self).__init__(code)
        self.code, self.sub_code, self.sub_msg = code, sub_code, sub_msg

    def body(self, request_id):
        err = {'code': self.code, 'msg': ERROR_MSGS.get(self.code, 'Remote service error'),
               'request_id': request_id}
        if self.sub_code:
            err['sub_code'] = self.sub_code
        if self.sub_msg:
            err['sub_msg'] = self.sub_msg
        return {'error_response': err}


def missing(name):
    return TopFailure(40, 'isv.missing-parameter:%s' % name,
                      'Missing required parameter: %s' % name)


def invalid(name, why=None):
    return TopFailure(41, 'isv.invalid-parameter:%s' % name,
                      why or 'Invalid parameter: %s' % name)


# -- time helpers ------------------------------------------------------------
def beijing_now():
    return datetime.datetime.utcnow().replace(microsecond=0) + datetime.timedelta(hours=8)


def fmt(dt):
    return dt.strftime(FMT)


def parse_dt(value, name):
    try:
        return datetime.datetime.strptime(value.strip(), FMT)
    except (ValueError, AttributeError):
        raise invalid(name, '%s must be yyyy-MM-dd HH:mm:ss' % name)


def shift_times(obj, delta):
    """Shift every TOP datetime string found in ``obj`` by ``delta``."""
    if isinstance(obj, dict):
        return dict((k, shift_times(v, delta)) for k, v in obj.items())
    if isinstance(obj, list):
        return [shift_times(v, delta) for v in obj]
    if isinstance(obj, str) and DT_RE.match(obj):
        return fmt(datetime.datetime.strptime(obj, FMT) + delta)
    return obj


def sign_params(params, secret, method):
    keys = sorted(k for k, v in params.items() if k != 'sign' and v not in (None, ''))
    joined = ''.join('%s%s' % (k, params[k]) for k in keys).encode('utf-8')
    key = secret.encode('utf-8')
    if method == 'md5':
        return hashlib.md5(key + joined + key).hexdigest().upper()
    digest = hashlib.md5 if method == 'hmac' else hashlib.sha256
    return hmac.new(key, joined, digest).hexdigest().upper()


def random_token(rng, size=24):
    return ''.join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(size))


# -- field selection -------------------------------------------------------
def parse_fields(value):
    """'tid,orders.oid,sku' -> ({'tid'}, {'orders': {'oid'}}, {'skus'} as whole)."""
    whole, sub = set(), {}
    for raw in (value or '').split(','):
        name = raw.strip()
        if not name:
            continue
        if '.' in name:
            head, _dot, tail = name.partition('.')
            head = FIELD_ALIASES.get(head, head)
            sub.setdefault(head, set()).add(tail)
        else:
            whole.add(FIELD_ALIASES.get(name, name))
    return whole, sub


def select(record, fields, allowed=None, hidden=(), child_hidden=()):
    """Project a TOP record (with list wrappers) on the requested fields."""
    whole, sub = fields
    out = {}
    for key, value in record.items():
        if (allowed is not None and key not in allowed) or key in hidden:
            continue
        if key in whole:
            out[key] = _strip_children(value, child_hidden)
        elif key in sub and isinstance(value, dict) and key in LIST_WRAPPERS:
            inner = LIST_WRAPPERS[key]
            out[key] = {inner: [dict((k, v) for k, v in el.items()
                                     if k in sub[key] and k not in child_hidden)
                                if isinstance(el, dict) else el
                                for el in value.get(inner, [])]}
    return out


def _strip_children(value, child_hidden):
    if isinstance(value, dict) and len(value) == 1:
        inner = next(iter(value))
        if isinstance(value[inner], list):
            return {inner: [dict((k, v) for k, v in el.items() if k not in child_hidden)
                            if isinstance(el, dict) else el for el in value[inner]]}
    return copy.deepcopy(value)


def simplify(value):
    if isinstance(value, list):
        return [simplify(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1 and isinstance(next(iter(value.values())), list):
        return [simplify(v) for v in next(iter(value.values()))]
    return dict((k, simplify(v)) for k, v in value.items())


# -- parameter helpers -------------------------------------------------------
def req(params, name):
    value = params.get(name, '')
    if value is None or str(value).strip() == '':
        raise missing(name)
    return str(value).strip()


def int_param(params, name, default=None, low=None, high=None, required=False):
    raw = req(params, name) if required else params.get(name, '')
    if raw in (None, ''):
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise invalid(name, '%s must be an integer' % name)
    if (low is not None and value < low) or (high is not None and value > high):
        raise invalid(name, '%s out of range' % name)
    return value


def bool_param(params, name):
    return str(params.get(name, '')).strip().lower() == 'true'


def id_list(params, name, cap):
    parts = [p.strip() for p in req(params, name).split(',') if p.strip()]
    if len(parts) > cap:
        raise invalid(name, 'at most %d values allowed in %s' % (cap, name))
    try:
        return [int(p) for p in parts]
    except ValueError:
        raise invalid(name, '%s must be numbers' % name)


def page_slice(rows, page_no, page_size):
    start = (page_no - 1) * page_size
    return rows[start:start + page_size]


# -- buyer privacy (OAID) ----------------------------------------------------
# Decrypt scenes: 1001 SF, 1002 四通一达, 1003 EMS, 1004 other waybill, 1005 store
# shipping, 1006 hand-written waybill, 1007 drop-ship, 2001 after-sales, 2002 care.
DECRYPT_SCENES = frozenset(['1001', '1002', '1003', '1004', '1005', '1006', '1007',
                            '2001', '2002'])
QUERY_SCENES = frozenset(['1001', '1002'])  # trades.sold.query: consultation, after-sales
DECRYPT_CAP, MERGE_CAP, QUERY_CAP = 20, 100, 20
DECRYPT_COST = '0.05'  # yuan per decrypt: the price is the sandbox's own
RECEIVER_PLAIN = ('name', 'mobile', 'phone', 'state', 'city', 'district', 'town',
                  'address')


def mask_name(value):
    """'陈明' -> '陈*': the platforms keep the first character."""
    return value[:1] + '*' * (len(value) - 1) if len(value) > 1 else value


def mask_number(value):
    """'13812341234' -> '*******1234'."""
    return '*' * (len(value) - 4) + value[-4:] if len(value) > 4 else '*' * len(value)


def mask_street(value):
    """'文三路90号' -> '文三路**号': digits hidden, so different streets may mask alike."""
    return re.sub(r'\d', '*', value)


def mask_nick(value):
    return value[:1] + '**' + value[-1:] if len(value) > 2 else value[:1] + '*'


RECEIVER_MASKS = {'receiver_name': mask_name, 'receiver_mobile': mask_number,
                  'receiver_phone': mask_number, 'receiver_address': mask_street}


def make_oaid(app_key, seller, receiver, created):
    """An open addressee id as the platform derives it: the receiver's plaintext,
    the seller, the app and the week of ``created`` (orders a week apart differ)."""
    try:
        week = datetime.datetime.strptime(created[:10], '%Y-%m-%d').toordinal() // 7
    except ValueError:
        week = 0
    raw = '\x1f'.join([app_key, seller, str(week)] + [receiver.get(k, '') for k in
                                                      RECEIVER_PLAIN])
    return hashlib.sha256(raw.encode('utf-8')).hexdigest()[:40]


def json_list(params, name, cap):
    try:
        value = json.loads(req(params, name))
    except ValueError:
        raise invalid(name, '%s must be a JSON list' % name)
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise invalid(name, '%s must be a JSON list of objects' % name)
    if not value or len(value) > cap:
        raise invalid(name, '%s takes 1 to %d entries' % (name, cap))
    return value


class Privacy(object):
    """Masked answers, OAIDs and the metered decrypts of the sandboxed app."""

    def __init__(self, app_key, masked=True, quota=1000):
        self.app_key, self.masked, self.quota = app_key, masked, quota
        self.bills = []  # one row per decrypted receiver, as the platform bills them

    def receiver(self, trade):
        return dict((k, str(trade.get('receiver_' + k) or '')) for k in RECEIVER_PLAIN)

    def oaid(self, trade, seller):
        return make_oaid(self.app_key, seller, self.receiver(trade), trade.get('created', ''))

    def view(self, trade, row, seller):
        """``row`` (a projection of ``trade``) as today's platform answers it."""
        if not self.masked:
            return row
        if any(key in row for key in RECEIVER_FIELDS):
            for key, mask in RECEIVER_MASKS.items():
                if row.get(key):
                    row[key] = mask(str(row[key]))
            row['oaid'] = self.oaid(trade, seller)
        if row.get('buyer_nick'):
            row['buyer_open_uid'] = 'AAH' + hashlib.sha256(
                ('%s\x1f%s' % (self.app_key, row['buyer_nick'])).encode('utf-8')
            ).hexdigest()[:21]
            row['buyer_nick'] = mask_nick(row['buyer_nick'])
        return row

    def today(self):
        return beijing_now().strftime('%Y-%m-%d')

    def charge(self, count):
        used = sum(1 for b in self.bills if b['biz_date'] == self.today())
        if used + count > self.quota:
            raise TopFailure(15, 'isv.decrypt-quota-exceeded',
                             'The decrypt quota of the day (%d) is spent' % self.quota)

    def state(self):
        return {'masked': self.masked, 'quota': self.quota,
                'decrypts_today': sum(1 for b in self.bills if b['biz_date'] == self.today()),
                'decrypts': len(self.bills), 'bills': copy.deepcopy(self.bills)}


class Store(object):
    """In-memory seller data with indexes; every access holds ``lock``."""

    def __init__(self, data):
        self.lock = threading.RLock()
        self.load(data)

    def load(self, data):
        with self.lock:
            self.seller_nick = data.get('seller_nick') or '悦享生活旗舰店'
            self.items, self.skus, self.trades, self.refunds = {}, {}, {}, {}
            for item in data.get('items') or []:
                self.put_item(item)
            for trade in data.get('trades') or []:
                self.put_trade(trade)
            for refund in data.get('refunds') or []:
                self.put_refund(refund)
            self._dirty = True

    def put_item(self, item):
        item = copy.deepcopy(item)
        item['num_iid'] = int(item['num_iid'])
        item.setdefault('skus', {'sku': []})
        old = self.items.get(item['num_iid'])
        for sku in (old or {}).get('skus', {}).get('sku', []):
            self.skus.pop(sku['sku_id'], None)
        for sku in item['skus'].get('sku', []):
            sku['sku_id'] = int(sku['sku_id'])
            sku['num_iid'] = item['num_iid']
            self.skus[sku['sku_id']] = sku
        self.items[item['num_iid']] = item

    def put_trade(self, trade):
        trade = copy.deepcopy(trade)
        trade['tid'] = str(trade['tid'])
        for order in trade.get('orders', {}).get('order', []):
            if isinstance(order, dict):  # TOP does send `null` sub-orders at times
                order['oid'] = str(order['oid'])
        self.trades[trade['tid']] = trade
        self._dirty = True

    def put_refund(self, refund):
        refund = copy.deepcopy(refund)
        for key in ('refund_id', 'tid', 'oid'):
            refund[key] = str(refund[key])
        self.refunds[refund['refund_id']] = refund
        return refund

    def refund_of(self, oid):
        return next((r for r in self.refunds.values() if r['oid'] == oid), None)

    def next_refund_id(self):
        taken = [int(r) for r in self.refunds if r.isdigit()]
        return str(max(taken + [150000000000000]) + 1)

    def dump(self):
        with self.lock:
            return {'seller_nick': self.seller_nick,
                    'items': copy.deepcopy(list(self.items.values())),
                    'trades': copy.deepcopy(list(self.trades.values())),
                    'refunds': copy.deepcopy(list(self.refunds.values()))}

    def _reindex(self):
        if self._dirty:
            rows = list(self.trades.values())
            self.index = {}
            for key in ('created', 'modified'):
                pairs = sorted((t.get(key, ''), t['tid']) for t in rows)
                self.index[key] = ([k for k, _t in pairs], [t for _k, t in pairs])
            self._dirty = False

    def trades_in(self, key, start, end):
        """Trades with ``key`` in [start, end], newest first."""
        self._reindex()
        keys, tids = self.index[key]
        lo = bisect.bisect_left(keys, start) if start else 0
        hi = bisect.bisect_right(keys, end) if end else len(keys)
        return [self.trades[tid] for tid in reversed(tids[lo:hi])]

    def touch_trade(self, trade):
        trade['modified'] = later_than(trade.get('modified', ''))
        self._dirty = True


def later_than(old):
    """Now, or one second after ``old`` so that every change moves `modified` on."""
    now = fmt(beijing_now())
    if now > old or not DT_RE.match(old or ''):
        return now
    return fmt(datetime.datetime.strptime(old, FMT) + datetime.timedelta(seconds=1))


class Api(AftersalesApi, BillsApi):
    """The TOP business APIs, operating on a Store."""

    #: taobao.trades.sold.get shows the trades of these last days only (3 months); 0: all
    history_days = 90

    def __init__(self, store, privacy=None):
        self.store = store
        self.privacy = privacy or Privacy('', masked=False)
        self.methods = {
            'taobao.time.get': self.time_get,
            'taobao.items.onsale.get': self.items_onsale_get,
            'taobao.items.inventory.get': self.items_inventory_get,
            'taobao.item.seller.get': self.item_seller_get,
            'taobao.items.seller.list.get': self.items_seller_list_get,
            'taobao.item.skus.get': self.item_skus_get,
            'taobao.trades.sold.get': self.trades_sold_get,
            'taobao.trades.sold.increment.get': self.trades_sold_increment_get,
            'taobao.trade.fullinfo.get': self.trade_fullinfo_get,
            'taobao.item.quantity.update': self.item_quantity_update,
            'taobao.skus.quantity.update': self.skus_quantity_update,
            'taobao.logistics.offline.send': self.logistics_offline_send,
            'taobao.logistics.companies.get': self.logistics_companies_get,
            'taobao.logistics.dummy.send': self.logistics_dummy_send,
            'taobao.logistics.consign.resend': self.logistics_consign_resend,
            'taobao.refunds.receive.get': self.refunds_receive_get,
            'taobao.refund.get': self.refund_get,
            'taobao.top.oaid.decrypt': self.oaid_decrypt,
            'taobao.top.secret.bill.detail': self.secret_bill_detail,
            'taobao.top.oaid.merge': self.oaid_merge,
            'taobao.trades.sold.query': self.trades_sold_query,
        }
        self.methods.update(self.aftersales_methods())
        self.methods.update(self.bills_methods())

    def time_get(self, params):
        return {'time': fmt(beijing_now())}

    # -- items --------------------------------------------------------------
    def _item_list(self, params, status, allowed, page_cap):
        fields = parse_fields(req(params, 'fields'))
        page_no = int_param(params, 'page_no', 1, 1, page_cap)
        page_size = int_param(params, 'page_size', 40, 1, 200)
        if page_no * page_size > 100000:
            raise invalid('page_no', 'page_no * page_size must not exceed 100000')
        rows = [i for i in self.store.items.values() if i.get('approve_status') == status]
        rows = self._filter_items(rows, params)
        page = page_slice(rows, page_no, page_size)
        return {'total_results': len(rows),
                'items': {'item': [select(i, fields, allowed) for i in page]}}

    @staticmethod
    def _filter_items(rows, params):
        q = params.get('q', '').strip()
        if q:
            rows = [i for i in rows if q in i.get('title', '')]
        if params.get('cid'):
            rows = [i for i in rows if str(i.get('cid')) == str(params['cid']).strip()]
        start = params.get('start_modified', '').strip()
        end = params.get('end_modified', '').strip()
        if start:
            bound = fmt(parse_dt(start, 'start_modified'))
            rows = [i for i in rows if i.get('modified', '') >= bound]
        if end:
            rows = [i for i in rows if i.get('modified', '') <= fmt(parse_dt(end, 'end_modified'))]
        column, _c, direction = (params.get('order_by') or 'list_time:desc').partition(':')
        if column not in ('list_time', 'delist_time', 'num', 'modified', 'sold_quantity'):
            raise invalid('order_by')
        rows.sort(key=lambda i: (i.get(column) or '' if 'time' in column or column == 'modified'
                                 else i.get(column) or 0, i['num_iid']),
                  reverse=direction != 'asc')
        return rows

    def items_onsale_get(self, params):
        return self._item_list(params, 'onsale', ONSALE_FIELDS, None)

    def items_inventory_get(self, params):
        return self._item_list(params, 'instock', INVENTORY_FIELDS, 101)

    def _item(self, num_iid):
        item = self.store.items.get(num_iid)
        if item is None:
            raise TopFailure(15, 'isv.item-not-exist:invalid-numIid',
                             'Item %s does not exist' % num_iid)
        return item

    def item_seller_get(self, params):
        fields = parse_fields(req(params, 'fields'))
        item = self._item(int_param(params, 'num_iid', required=True))
        return {'item': select(item, fields)}

    def items_seller_list_get(self, params):
        fields = parse_fields(req(params, 'fields'))
        ids = id_list(params, 'num_iids', 20)
        rows = [self.store.items[i] for i in ids if i in self.store.items]
        return {'items': {'item': [select(i, fields) for i in rows]}}

    def item_skus_get(self, params):
        fields = parse_fields(req(params, 'fields'))
        ids = id_list(params, 'num_iids', 40)
        whole = (fields[0] | set(fields[1].get('skus', ())), {})
        skus = [s for i in ids if i in self.store.items
                for s in self.store.items[i]['skus'].get('sku', [])]
        return {'skus': {'sku': [select(s, whole) for s in skus]}}

    # -- stock --------------------------------------------------------------
    def item_quantity_update(self, params):
        item = self._item(int_param(params, 'num_iid', required=True))
        quantity = int_param(params, 'quantity', required=True)
        mode = int_param(params, 'type', 1, 1, 2)
        skus = item['skus'].get('sku', [])
        if params.get('sku_id'):
            targets = [s for s in skus if str(s['sku_id']) == str(params['sku_id']).strip()]
        elif params.get('outer_id'):
            targets = [s for s in skus if s.get('outer_id') == params['outer_id'].strip()]
        else:
            targets = None
        if targets == []:
            raise TopFailure(15, 'isv.item-quantity-item-update-service-error:SKU_NOT_EXIST',
                             'The SKU does not belong to item %s' % item['num_iid'])
        if targets is None and skus:
            raise TopFailure(15, 'isv.item-quantity-item-update-service-error:SKU_REQUIRED',
                             'Item %s has SKUs: sku_id or outer_id is required' % item['num_iid'])
        holders = targets if targets else [item]
        key = 'quantity' if targets else 'num'
        new = [self._new_qty(h.get(key, 0), quantity, mode, clamp=False) for h in holders]
        for holder, value in zip(holders, new):
            holder[key] = value
        return self._stock_answer(item, targets or [])

    @staticmethod
    def _new_qty(current, quantity, mode, clamp):
        if mode == 1:
            if quantity < 0:
                raise invalid('quantity', 'A full update needs quantity >= 0')
            return quantity
        value = int(current) + quantity
        if value < 0 and not clamp:
            raise TopFailure(15, 'isv.item-quantity-item-update-service-error:STOCK_NOT_ENOUGH',
                             'Stock would become negative')
        return max(0, value)

    def _stock_answer(self, item, changed):
        now = fmt(beijing_now())
        skus = item['skus'].get('sku', [])
        if skus:
            item['num'] = sum(int(s.get('quantity', 0)) for s in skus)
        for sku in changed:
            sku['modified'] = now
        item['modified'] = now
        return {'item': {'num_iid': item['num_iid'], 'num': item['num'], 'modified': now,
                         'skus': {'sku': [{'sku_id': s['sku_id'], 'quantity': s['quantity'],
                                           'modified': now} for s in changed]}}}

    def skus_quantity_update(self, params):
        item = self._item(int_param(params, 'num_iid', required=True))
        mode = int_param(params, 'type', 1, 1, 2)
        pairs, by = self._sku_pairs(params)
        skus = item['skus'].get('sku', [])
        plan = []
        for ref, qty in pairs:
            if by == 'sku_id':
                hits = [s for s in skus if str(s['sku_id']) == ref]
            else:
                hits = [s for s in skus if s.get('outer_id') == ref]
            if not hits:
                raise TopFailure(15, 'isv.invalid-parameter:%s' % ref,
                                 'SKU %s does not belong to item %s' % (ref, item['num_iid']))
            plan.extend((s, self._new_qty(s.get('quantity', 0), qty, mode, clamp=True))
                        for s in hits)
        for sku, value in plan:
            sku['quantity'] = value
        return self._stock_answer(item, [s for s, _v in plan])

    @staticmethod
    def _sku_pairs(params):
        raw, by = params.get('skuid_quantities', '').strip(), 'sku_id'
        if not raw:
            raw, by = params.get('outerid_quantities', '').strip(), 'outer_id'
        if not raw:
            raise missing('skuid_quantities')
        name = 'skuid_quantities' if by == 'sku_id' else 'outerid_quantities'
        pairs = []
        for part in [p for p in raw.split(';') if p.strip()]:
            ref, _c, qty = part.rpartition(':')
            try:
                pairs.append((ref.strip(), int(qty)))
            except ValueError:
                raise invalid(name)
            if not ref.strip():
                raise invalid(name)
        if len(pairs) > 20:
            raise invalid(name, 'at most 20 SKUs per call')
        return pairs, by

    # -- trades -------------------------------------------------------------
    def _trade_filter(self, rows, params):
        status = params.get('status', '').strip()
        if status:
            wanted = STATUS_ALIASES.get(status, (status,))
            rows = [t for t in rows if t.get('status') in wanted]
        nick = params.get('buyer_nick', '').strip()
        if nick:
            rows = [t for t in rows if t.get('buyer_nick') == nick]
        types = set()
        for name in (params.get('type') or '').split(','):
            name = name.strip()
            if name:
                types.update(TYPE_ALIASES.get(name, (name,)))
        types = types or DEFAULT_TRADE_TYPES
        return [t for t in rows if t.get('type', 'fixed') in types]

    def _trade_page(self, params, rows):
        fields = parse_fields(req(params, 'fields'))
        page_no = int_param(params, 'page_no', 1, 1)
        page_size = int_param(params, 'page_size', 40, 1, 100)
        rows = self._trade_filter(rows, params)
        page = page_slice(rows, page_no, page_size)
        answer = {'trades': {'trade': [self._shown(t, select(
            t, fields, hidden=TRADE_LIST_HIDDEN, child_hidden=ORDER_LIST_HIDDEN))
            for t in page]}}
        if bool_param(params, 'use_has_next'):
            answer['has_next'] = page_no * page_size < len(rows)
        else:
            answer['total_results'] = len(rows)
        return answer

    def trades_sold_get(self, params):
        start = params.get('start_created', '').strip()
        end = params.get('end_created', '').strip()
        start = fmt(parse_dt(start, 'start_created')) if start else None
        end = fmt(parse_dt(end, 'end_created')) if end else None
        if self.history_days:
            # Older trades are gone from the list, whatever the dates asked.
            oldest = fmt(beijing_now() - datetime.timedelta(days=self.history_days))
            start = max(start or oldest, oldest)
        return self._trade_page(params, self.store.trades_in('created', start, end))

    def trades_sold_increment_get(self, params):
        start = parse_dt(req(params, 'start_modified'), 'start_modified')
        end = parse_dt(req(params, 'end_modified'), 'end_modified')
        if end < start:
            raise invalid('end_modified', 'end_modified must be after start_modified')
        if end - start > datetime.timedelta(days=1):
            raise invalid('start_modified', 'The time window must not exceed one day')
        rows = self.store.trades_in('modified', fmt(start), fmt(end))
        return self._trade_page(params, rows)

    def _trade(self, params):
        tid = req(params, 'tid')
        trade = self.store.trades.get(tid)
        if trade is None:
            raise TopFailure(15, 'isv.trade-not-exist', 'Trade %s does not exist' % tid)
        return trade

    def trade_fullinfo_get(self, params):
        fields = parse_fields(req(params, 'fields'))
        trade = self._trade(params)
        return {'trade': self._shown(trade, select(trade, fields))}

    def _shown(self, trade, row):
        return self.privacy.view(trade, row, self.store.seller_nick)

    # -- buyer privacy --------------------------------------------------------
    def oaid_decrypt(self, params):
        queries = json_list(params, 'query_list', DECRYPT_CAP)
        if any(str(q.get('scene') or '') not in DECRYPT_SCENES for q in queries):
            raise invalid('scene', 'scene must be one of %s' % ', '.join(sorted(DECRYPT_SCENES)))
        trades = [self._trade({'tid': str(q.get('tid') or '')}) for q in queries]
        self.privacy.charge(len(queries))
        receivers = []
        for query, trade in zip(queries, trades):
            oaid = self.privacy.oaid(trade, self.store.seller_nick)
            plain = self.privacy.receiver(trade)
            plain['address_detail'] = plain.pop('address')
            receivers.append(dict(plain, tid=trade['tid'], oaid=oaid, country='中国',
                                  matched=oaid == str(query.get('oaid') or '')))
            self.privacy.bills.append({
                'biz_date': self.privacy.today(), 'order_id': trade['tid'],
                'shop_nick': self.store.seller_nick, 'cost': DECRYPT_COST,
                'scene': str(query['scene']), 'time': fmt(beijing_now())})
        return {'receiver_list': {'receiver': receivers}}

    def secret_bill_detail(self, params):
        day = req(params, 'biz_date')
        if not re.match(r'^\d{4}-\d\d-\d\d$', day):
            raise invalid('biz_date', 'biz_date must be yyyy-MM-dd')
        page_no = int_param(params, 'page_no', 1, 1)
        page_size = int_param(params, 'page_size', 100, 1, 1000)
        rows = [b for b in self.privacy.bills if b['biz_date'] == day]
        shown = [{'shop_nick': b['shop_nick'], 'cost': b['cost'], 'order_id': b['order_id'],
                  'bill_item': 1} for b in page_slice(rows, page_no, page_size)]
        return {'data': {'bill_detail_info': shown}, 'total_num': len(rows)}

    def oaid_merge(self, params):
        groups = {}
        for entry in json_list(params, 'merge_list', MERGE_CAP):
            trade = self.store.trades.get(str(entry.get('tid') or ''))
            if trade is None or trade.get('status') not in SHIPPABLE_TRADE:
                continue
            oaid = self.privacy.oaid(trade, self.store.seller_nick)
            if oaid == str(entry.get('oaid') or ''):
                groups.setdefault(oaid, []).append(trade['tid'])
        merged = [','.join(sorted(tids)) for tids in groups.values() if len(tids) > 1]
        return {'tid_list': {'string': sorted(merged)}}

    def trades_sold_query(self, params):
        if req(params, 'scene') not in QUERY_SCENES:
            raise invalid('scene', 'scene must be 1001 (consultation) or 1002 (after-sales)')
        found = []
        for query in json_list(params, 'query_list', QUERY_CAP):
            wanted = dict((k, str(query.get(k) or '').strip())
                          for k in ('name', 'mobile', 'phone'))
            if not any(wanted.values()):
                raise invalid('query_list', 'each query needs name, mobile or phone')
            start = str(query.get('start_created') or '')
            end = str(query.get('end_created') or '')
            for trade in self.store.trades_in('created', start or None, end or None):
                if all(str(trade.get('receiver_' + k) or '') == v
                       for k, v in wanted.items() if v) and trade['tid'] not in found:
                    found.append(trade['tid'])
        return {'tid_list': {'string': found[:100]}}

    # -- logistics ----------------------------------------------------------
    def logistics_offline_send(self, params):
        trade = self._shippable_trade(params)
        out_sid = req(params, 'out_sid')
        company = self._company(req(params, 'company_code'))
        chosen = self._to_ship(trade, params)
        self._check_waybill(company, out_sid)
        self._ship(trade, chosen, company['code'], out_sid)
        return {'shipping': {'is_success': True}}

    def logistics_dummy_send(self, params):
        trade = self._shippable_trade(params)
        chosen = self._to_ship(trade, {})
        self._ship(trade, chosen, '', '')
        return {'shipping': {'is_success': True}}

    def logistics_consign_resend(self, params):
        trade = self._logistics_trade(params)
        out_sid = req(params, 'out_sid')
        company = self._company(req(params, 'company_code'))
        orders = orders_of(trade)
        shipped = [o for o in orders if o.get('consign_time') and o.get('invoice_no')]
        if not shipped:
            raise logistics_error('B04', 'Trade %s has no offline shipment to change'
                                  % trade['tid'])
        chosen = self._split_subset(params, orders, shipped, 'has not been shipped')
        self._check_waybill(company, out_sid)
        for order in chosen:
            order.update(logistics_company=company['code'], invoice_no=out_sid)
        self.store.touch_trade(trade)
        return {'shipping': {'is_success': True}}

    def _logistics_trade(self, params):
        tid = req(params, 'tid')
        trade = self.store.trades.get(tid)
        if trade is None:
            raise logistics_error('B01', 'Trade %s does not exist' % tid)
        return trade

    def _shippable_trade(self, params):
        trade = self._logistics_trade(params)
        if trade.get('status') not in SHIPPABLE_TRADE:
            raise logistics_error('B04', 'Trade %s cannot be shipped in status %s'
                                  % (trade['tid'], trade.get('status')))
        return trade

    @staticmethod
    def _company(code):
        for company in COMPANIES:
            if company['code'] == code.strip().upper():
                return company
        raise invalid('company_code', 'Unknown logistics company %s' % code)

    @staticmethod
    def _check_waybill(company, out_sid):
        if not re.match(company['reg_mail_no'], out_sid):
            raise logistics_error('B60', 'Waybill %s does not match the format of %s'
                                  % (out_sid, company['code']))

    def _to_ship(self, trade, params):
        """The sub-orders one send ships: the listed ones, or all that can go."""
        orders = orders_of(trade)
        waiting = [o for o in orders if o.get('status') == 'WAIT_SELLER_SEND_GOODS'
                   and not self._refunded_whole(o)]
        if str(params.get('is_split', '0')).strip() == '1':
            chosen = self._split_subset(params, orders, waiting, 'is already shipped or closed')
            refunding = [o['oid'] for o in chosen if o.get('refund_status') in WAITING_REFUND]
            if refunding:
                raise logistics_error('P38', 'Sub-orders %s have a refund in progress and '
                                      'cannot be shipped' % ','.join(refunding))
            return chosen
        chosen = [o for o in waiting if o.get('refund_status') not in WAITING_REFUND]
        if not chosen:
            raise logistics_error('B04', 'Trade %s has no sub-order that can be shipped: '
                                  'the others wait for a refund decision' % trade['tid'])
        return chosen

    @staticmethod
    def _split_subset(params, orders, allowed, why):
        """Sub-orders named in sub_tid (split mode) or all ``allowed`` ones."""
        if str(params.get('is_split', '0')).strip() != '1':
            return allowed
        oids = [o.strip() for o in req(params, 'sub_tid').split(',') if o.strip()]
        if not oids or len(set(oids)) > 50:
            raise logistics_error('P38', 'sub_tid must list 1 to 50 sub-order ids')
        known = dict((o['oid'], o) for o in orders)
        strangers = [oid for oid in oids if oid not in known]
        if strangers:
            raise logistics_error('P38', 'Sub-orders %s do not belong to this trade'
                                  % ','.join(strangers))
        allowed_ids = set(o['oid'] for o in allowed)
        refused = [oid for oid in oids if oid not in allowed_ids]
        if refused:
            raise logistics_error('P38', 'Sub-order %s %s' % (','.join(refused), why))
        return [known[oid] for oid in dict.fromkeys(oids)]

    def _refunded_whole(self, order):
        """A succeeded refund of all the sub-order cost; a partial one (price
        protection, 部分退款) leaves it to ship."""
        if order.get('refund_status', 'NO_REFUND') != 'SUCCESS':
            return False
        refund = self.store.refunds.get(str(order.get('refund_id') or ''))
        return refund is None or cents(refund.get('refund_fee') or '0.00') >= \
            cents(order.get('payment') or '0.00')

    def _ship(self, trade, chosen, company_code, out_sid):
        now = fmt(beijing_now())
        for order in chosen:
            order.update(status=SHIPPED, consign_time=now,
                         logistics_company=company_code, invoice_no=out_sid)
        left = [o for o in orders_of(trade) if o.get('status') == 'WAIT_SELLER_SEND_GOODS'
                and not self._refunded_whole(o)]
        trade['status'] = 'SELLER_CONSIGNED_PART' if left else SHIPPED
        if left:
            trade['is_part_consign'] = True
        trade.setdefault('consign_time', now)
        self.store.touch_trade(trade)

    def logistics_companies_get(self, params):
        fields = parse_fields(req(params, 'fields'))
        return {'logistics_companies': {'logistics_company': [
            select(c, fields) for c in COMPANIES]}}

    # -- refunds ------------------------------------------------------------
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


def orders_of(trade):
    return trade.get('orders', {}).get('order', [])


def logistics_error(code, message):
    return TopFailure(15, 'isv.logistics-offline-service-error:%s' % code, message)


class Conflict(Exception):
    """A control request the trade's state does not allow (HTTP 409)."""


RECEIVER_FIELDS = frozenset(['receiver_name', 'receiver_state', 'receiver_city',
                             'receiver_district', 'receiver_town', 'receiver_address',
                             'receiver_zip', 'receiver_mobile', 'receiver_phone'])
UNPAID = ('WAIT_BUYER_PAY', 'TRADE_NO_CREATE_PAY')
CLOSED_TRADE = ('TRADE_CLOSED', 'TRADE_CLOSED_BY_TAOBAO')


def cents(value):
    return int(round(float(value or 0) * 100))


def money(value):
    sign = '-' if value < 0 else ''
    return '%s%d.%02d' % ((sign,) + divmod(abs(int(value)), 100))


class TradeChanges(object):
    """What buyers, Taobao and time do to a trade: ``/_sandbox/trade/<tid>/<verb>``."""

    def __init__(self, store, api):
        self.store, self.api = store, api
        self.verbs = {'refund': self.refund, 'address': self.address, 'memo': self.memo,
                      'message': self.message, 'ship': self.ship, 'finish': self.finish,
                      'close': self.close, 'forbid': self.forbid, 'allow': self.allow}

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


class Faults(object):
    """Fault injection: ``KIND:RATE`` per call or ``KIND@N`` on the Nth call."""

    def __init__(self, specs=(), seed=None, slow_seconds=2.0):
        self.rates, self.at, self.churn = {}, {}, None
        for spec in specs or ():
            self._add(spec)
        self.rng = random.Random(seed)
        self.slow_seconds = float(slow_seconds)
        self.calls = 0
        self.counts = dict((k, 0) for k in FAULT_KINDS + ('churn',))
        self.transient_flip = False
        self.denied = frozenset()  # methods answered with code 11

    def _add(self, spec):
        if isinstance(spec, dict) or str(spec).strip() == 'churn':
            self.churn = Churn(spec if isinstance(spec, dict) else {'kind': 'churn'})
            return
        spec = spec.strip()
        if '@' in spec:
            kind, _a, nth = spec.partition('@')
            self._check(kind)
            self.at.setdefault(int(nth), []).append(kind)
        elif ':' in spec:
            kind, _c, rate = spec.partition(':')
            self._check(kind)
            self.rates[kind] = float(rate)
        else:
            raise ValueError('Bad fault spec %r (use KIND:RATE or KIND@N)' % spec)

    @staticmethod
    def _check(kind):
        if kind not in FAULT_KINDS:
            raise ValueError('Unknown fault kind %r; known: %s' % (kind, ', '.join(FAULT_KINDS)))

    def draw(self):
        """Count one gateway call and return the faults that fire on it."""
        self.calls += 1
        fired = list(self.at.get(self.calls, ()))
        for kind in FAULT_KINDS:
            rate = self.rates.get(kind)
            if rate and self.rng.random() < rate and kind not in fired:
                fired.append(kind)
        for kind in fired:
            self.counts[kind] += 1
        return fired

    def after_list_page(self, store, method, params):
        """Let churn change the listed window once a trade or refund list page is answered."""
        if self.churn is None:
            return
        if method in TRADE_LIST_KEYS:
            fired = self.churn.after_page(store, TRADE_LIST_KEYS[method], params, self.rng)
        elif method == 'taobao.refunds.receive.get':
            fired = self.churn.after_refund_page(store, params, self.rng)
        else:
            fired = False
        if fired:
            self.counts['churn'] += 1


class Churn(object):
    """New and changed trades inside the window a client is paging through.

    ``{"kind": "churn", "every": 1, "insert": 2, "modify": 1}``: after every
    ``every``-th trade-list answer, ``insert`` new paid trades get a key time
    (created for sold.get, modified for increment.get) inside the listed window
    and ``modify`` trades of the window change; in an increment listing their
    `modified` moves later, still inside the window. Rows shift across page
    boundaries between two page calls, as they do on Taobao at a busy hour.
    """

    def __init__(self, spec):
        if spec.get('kind', 'churn') != 'churn':
            raise ValueError('Unknown fault kind %r' % spec.get('kind'))
        self.every = max(1, int(spec.get('every', 1)))
        self.insert = max(0, int(spec.get('insert', 2)))
        self.modify = max(0, int(spec.get('modify', 1)))
        self.refund_modify = max(0, int(spec.get('refund_modify', 0)))
        self.pages = 0
        self.refund_pages = 0
        self.seq = 0

    def after_page(self, store, keys, params, rng):
        self.pages += 1
        if self.pages % self.every or not store.trades:
            return False
        key = keys[0]
        window = self._window(store, keys, params)
        if window is None:
            return False
        for _n in range(self.insert):
            self._insert(store, key, window, rng)
        for _n in range(self.modify):
            self._modify(store, key, window, rng)
        return True

    def after_refund_page(self, store, params, rng):
        """``refund_modify`` refunds of the listed window change (their `modified`
        moves later, still inside it): the rows after them shift by one."""
        self.refund_pages += 1
        if not self.refund_modify or self.refund_pages % self.every:
            return False
        lo = params.get('start_modified', '').strip()
        hi = min(params.get('end_modified', '').strip() or fmt(beijing_now()),
                 fmt(beijing_now()))
        rows = [r for r in store.refunds.values()
                if (not lo or r.get('modified', '') >= lo) and r.get('modified', '') < hi]
        for refund in rng.sample(rows, min(self.refund_modify, len(rows))):
            old = datetime.datetime.strptime(refund['modified'], FMT)
            span = int((datetime.datetime.strptime(hi, FMT) - old).total_seconds())
            refund['modified'] = fmt(old + datetime.timedelta(seconds=rng.randint(1, span)))
        return bool(rows)

    @staticmethod
    def _window(store, keys, params):
        key, start_name, end_name = keys
        raw_start = params.get(start_name, '').strip()
        raw_end = params.get(end_name, '').strip()
        now = beijing_now()
        try:
            lo = datetime.datetime.strptime(raw_start, FMT) if raw_start else \
                datetime.datetime.strptime(min(t.get(key, fmt(now)) for t in
                                               store.trades.values()), FMT)
            hi = min(datetime.datetime.strptime(raw_end, FMT), now) if raw_end else now
        except ValueError:
            return None
        return (lo, hi) if lo <= hi else None

    def _insert(self, store, key, window, rng):
        lo, hi = window
        moment = lo + datetime.timedelta(seconds=rng.randint(0, int((hi - lo).total_seconds())))
        created = moment if key == 'created' else \
            moment - datetime.timedelta(minutes=rng.randint(1, 120))
        trade = copy.deepcopy(rng.choice(list(store.trades.values())))
        self.seq += 1
        tid = 2008000000000000000 + self.seq * 100
        while str(tid) in store.trades:
            self.seq += 1
            tid = 2008000000000000000 + self.seq * 100
        for name in ('consign_time', 'end_time', 'is_part_consign'):
            trade.pop(name, None)
        trade.update(tid=str(tid), status='WAIT_SELLER_SEND_GOODS', created=fmt(created),
                     pay_time=fmt(created), modified=fmt(moment), received_payment='0.00')
        for index, order in enumerate(orders_of(trade)):
            for name in ('consign_time', 'end_time', 'invoice_no', 'logistics_company',
                         'refund_id'):
                order.pop(name, None)
            order.update(oid=str(tid + index + 1), status='WAIT_SELLER_SEND_GOODS',
                         refund_status='NO_REFUND')
        store.put_trade(trade)

    @staticmethod
    def _modify(store, key, window, rng):
        lo, hi = fmt(window[0]), fmt(window[1])
        rows = [t for t in store.trades_in(key, lo, hi) if key != 'modified' or t[key] < hi]
        if not rows:
            return
        trade = rng.choice(rows)
        trade['seller_flag'] = rng.randint(0, 5)
        if key == 'modified':
            old = datetime.datetime.strptime(trade['modified'], FMT)
            span = int((window[1] - old).total_seconds())
            trade['modified'] = fmt(old + datetime.timedelta(seconds=rng.randint(1, span)))
            store._dirty = True
        else:
            store.touch_trade(trade)


class Sandbox(object):
    """Gateway state: credentials, sessions, tokens, faults, call log."""

    def __init__(self, args):
        self.args = args
        self.rng = random.Random()
        self.log_lock = threading.Lock()
        self.state_lock = threading.RLock()
        self.store = Store(self._read_data())
        self.api = Api(self.store, Privacy(args.app_key, not args.plain_receivers,
                                           args.decrypt_quota))
        self.api.history_days = args.trade_history_days
        self.changes = TradeChanges(self.store, self.api)
        self.reset_runtime()
        self.faults = Faults(args.fault, args.seed, args.slow_seconds)

    def _read_data(self):
        if not self.args.data:
            return {'items': [], 'trades': []}
        with open(self.args.data, encoding='utf-8') as handle:
            data = json.load(handle)
        return self._rebase(data)

    def _rebase(self, data):
        ref = data.get('reference_time')
        if not (self.args.rebase_times and ref):
            return data
        delta = beijing_now() - datetime.datetime.strptime(ref, FMT)
        delta = datetime.timedelta(seconds=int(delta.total_seconds()))
        data = dict(data)
        data['items'] = shift_times(data.get('items') or [], delta)
        data['trades'] = shift_times(data.get('trades') or [], delta)
        data['refunds'] = shift_times(data.get('refunds') or [], delta)
        return data

    def reset_runtime(self):
        with self.state_lock:
            self.session_expired = False
            self.tokens = {}       # access_token -> expiry epoch
            self.refresh_tokens = {}  # refresh_token -> (access_token, expiry)
            self.codes = {}        # code -> (redirect_uri, expiry)
            self.calls = 0
            self.by_method = {}
            if hasattr(self, 'api'):
                self.api.privacy.bills = []

    # -- control API --------------------------------------------------------
    def control(self, verb, path, body):
        if path == '/_sandbox/privacy':
            return self._privacy(verb, body)
        if path == '/_sandbox/reset' and verb == 'POST':
            given = any(body.get(k) is not None for k in ('items', 'trades', 'refunds'))
            data = body if given else self._read_data()
            self.store.load(data)
            self.reset_runtime()
            self.faults = Faults((), self.args.seed, self.args.slow_seconds)
            return 200, {'ok': True, 'items': len(self.store.items),
                         'trades': len(self.store.trades),
                         'refunds': len(self.store.refunds)}
        if path == '/_sandbox/faults' and verb == 'POST':
            try:
                self.faults = Faults(body.get('faults') or [], body.get('seed'),
                                     body.get('slow_seconds', self.args.slow_seconds))
                self.faults.denied = frozenset(body.get('deny_methods') or ())
            except (ValueError, TypeError, AttributeError) as exc:
                return 400, {'error': str(exc)}
            return 200, {'ok': True}
        if path == '/_sandbox/upsert' and verb == 'POST':
            with self.store.lock:
                for item in body.get('items') or []:
                    self.store.put_item(item)
                for trade in body.get('trades') or []:
                    self.store.put_trade(trade)
                for refund in body.get('refunds') or []:
                    self.store.put_refund(refund)
            return 200, {'ok': True}
        if path == '/_sandbox/state' and verb == 'GET':
            return 200, self.store.dump()
        if path == '/_sandbox/stats' and verb == 'GET':
            return 200, {'calls': self.calls, 'by_method': dict(self.by_method),
                         'faults': dict(self.faults.counts)}
        if path.startswith('/_sandbox/trade/') and verb == 'POST':
            return self.changes.handle(path[len('/_sandbox/trade/'):], body)
        if path == '/_sandbox/session' and verb == 'POST':
            self.session_expired = bool(body.get('expired'))
            if body.get('tokens'):  # the OAuth tokens issued so far expire too
                self.tokens = dict.fromkeys(self.tokens, 0)
            return 200, {'ok': True, 'expired': self.session_expired}
        return 404, {'error': 'not_found'}

    def _privacy(self, verb, body):
        privacy = self.api.privacy
        if verb == 'POST':
            if 'masked' in body:
                privacy.masked = bool(body['masked'])
            if body.get('decrypt_quota') is not None:
                privacy.quota = int(body['decrypt_quota'])
        return 200, privacy.state()

    # -- gateway ------------------------------------------------------------
    def gateway(self, params):
        """Return (http_status, body_bytes, log_info) for one /router/rest call."""
        method = params.get('method', '')
        with self.state_lock:
            self.calls += 1
            self.by_method[method] = self.by_method.get(method, 0) + 1
            fired = self.faults.draw()
        request_id = random_token(self.rng, 12)
        info = {'fault': fired or None}
        if 'slow' in fired:
            time.sleep(self.faults.slow_seconds)
        if 'session_expiry' in fired:
            self.session_expired = True
        early = self._early_fault(fired, request_id)
        if early is not None:
            return early + (info,)
        try:
            with self.store.lock:
                self.validate(params)
                payload = self.api.methods[method](params)
                self.faults.after_list_page(self.store, method, params)
            body = self._envelope(method, payload, params, request_id)
        except TopFailure as failure:
            body = failure.body(request_id)
            info.update(code=failure.code, sub_code=failure.sub_code)
        raw = json.dumps(body, ensure_ascii=False).encode('utf-8')
        if 'malformed' in fired:
            raw = raw[:max(1, len(raw) // 2)]
        return 200, raw, info

    def _early_fault(self, fired, request_id):
        if 'transient' in fired:
            self.faults.transient_flip = not self.faults.transient_flip
            if not self.faults.transient_flip:
                return 502, b'<html><body>502 Bad Gateway</body></html>'
            failure = TopFailure(15, 'isp.top-remote-connection-timeout',
                                 'Remote connection timed out, please retry')
            return 200, json.dumps(failure.body(request_id)).encode('utf-8')
        if 'rate_limit' in fired:
            failure = TopFailure(7, 'accesscontrol.limited-by-app-api-access-count',
                                 'This ban will last for 1 more seconds')
            return 200, json.dumps(failure.body(request_id)).encode('utf-8')
        return None

    @staticmethod
    def _envelope(method, payload, params, request_id):
        if str(params.get('simplify', '')).lower() == 'true':
            return simplify(payload)
        name = method[len('taobao.'):] if method.startswith('taobao.') else method
        payload = dict(payload, request_id=request_id)
        return {name.replace('.', '_') + '_response': payload}

    def validate(self, params):
        method = params.get('method', '').strip()
        if not method:
            raise TopFailure(21)
        if method not in self.api.methods:
            raise TopFailure(22, 'isv.method-not-exist', 'Unknown method %s' % method)
        if not params.get('app_key'):
            raise TopFailure(28)
        if params['app_key'] != self.args.app_key:
            raise TopFailure(29, 'isv.appkey-not-exists', 'Invalid app_key')
        self._check_timestamp(params.get('timestamp', ''))
        if not params.get('v'):
            raise TopFailure(32)
        if params['v'] != '2.0':
            raise TopFailure(33)
        self._check_sign(params)
        if params.get('format', 'xml') != 'json':
            raise TopFailure(23, 'isv.invalid-format',
                             'This sandbox only answers format=json')
        if method not in NO_SESSION_METHODS:
            self._check_session(params.get('session', ''))
        if method in self.faults.denied:
            raise TopFailure(11, 'isv.permission-api-package-not-allowed',
                             'The app has no permission for %s' % method)

    @staticmethod
    def _check_timestamp(value):
        value = (value or '').strip()
        if not value:
            raise TopFailure(30)
        try:
            if value.isdigit():
                stamp = datetime.datetime.utcfromtimestamp(int(value) / 1000.0) \
                    + datetime.timedelta(hours=8)
            else:
                stamp = datetime.datetime.strptime(value, FMT)
        except (ValueError, OverflowError, OSError):
            raise TopFailure(31, 'isv.invalid-timestamp', 'Timestamp cannot be parsed')
        if abs((beijing_now() - stamp).total_seconds()) > 600:
            raise TopFailure(31, 'isv.invalid-timestamp',
                             'Timestamp is more than 10 minutes off')

    def _check_sign(self, params):
        given = params.get('sign', '')
        if not given:
            raise TopFailure(24)
        method = params.get('sign_method', 'md5')
        if method not in ('md5', 'hmac', 'hmac-sha256'):
            raise TopFailure(25, 'isv.invalid-sign-method', 'Unsupported sign_method')
        expected = sign_params(params, self.args.app_secret, method)
        if not hmac.compare_digest(given.upper(), expected):
            raise TopFailure(25)

    def _check_session(self, session):
        if not session:
            raise TopFailure(26)
        if session == self.args.session:
            if self.session_expired:
                raise TopFailure(27, 'session-expired', 'The session has expired')
            return
        expiry = self.tokens.get(session)
        if expiry is None:
            raise TopFailure(27, 'invalid-sessionkey', 'Invalid SessionKey')
        if expiry < time.time():
            raise TopFailure(27, 'session-expired', 'The session has expired')

    # -- OAuth --------------------------------------------------------------
    def authorize(self, params):
        """Return (status, headers, body) for GET /oauth/authorize."""
        if params.get('client_id') != self.args.app_key:
            return 400, {}, u'<html><body>应用不存在 (invalid client_id)</body></html>'
        redirect = params.get('redirect_uri', '')
        if params.get('response_type') != 'code' or \
                not redirect.startswith(('http://', 'https://')):
            return 400, {}, u'<html><body>invalid request</body></html>'
        query = [('state', params.get('state', ''))]
        if params.get('deny') == '1':
            query = [('error', 'access_denied'), ('error_description', 'authorize reject')] + query
        else:
            code = random_token(self.rng, 32)
            with self.state_lock:
                self.codes[code] = (redirect, time.time() + 1800)
            query = [('code', code)] + query
        location = redirect + ('&' if '?' in redirect else '?') + urlencode(query)
        return 302, {'Location': location}, u''

    def token(self, params):
        """Return (status, json) for POST /oauth/token."""
        if params.get('client_id') != self.args.app_key or \
                params.get('client_secret') != self.args.app_secret:
            return 401, oauth_error('invalid_client', 'client_id or client_secret is wrong')
        grant = params.get('grant_type')
        with self.state_lock:
            if grant == 'authorization_code':
                entry = self.codes.pop(params.get('code', ''), None)
                if entry is None or entry[1] < time.time():
                    return 400, oauth_error('invalid_grant',
                                            'authorization code is invalid or used')
                if params.get('redirect_uri') and params['redirect_uri'] != entry[0]:
                    return 400, oauth_error('invalid_grant', 'redirect_uri mismatch')
                return 200, self._issue()
            if grant == 'refresh_token':
                if self.args.no_refresh:
                    return 400, oauth_error('invalid_grant', 'this app cannot refresh tokens')
                entry = self.refresh_tokens.pop(params.get('refresh_token', ''), None)
                if entry is None or entry[1] < time.time():
                    return 400, oauth_error('invalid_grant', 'refresh_token is invalid or expired')
                self.tokens.pop(entry[0], None)
                return 200, self._issue()
        return 400, oauth_error('unsupported_grant_type', 'grant_type is not supported')

    def _issue(self):
        now = time.time()
        life = int(self.args.token_expires_in)
        re_life = 0 if self.args.no_refresh else life * 2
        access = '6201%s' % random_token(self.rng, 36)
        refresh = '6202%s' % random_token(self.rng, 36)
        self.tokens[access] = now + life
        if not self.args.no_refresh:
            self.refresh_tokens[refresh] = (access, now + re_life)
        self.session_expired = False  # a fresh authorisation revives the shop
        return {'access_token': access, 'token_type': 'Bearer', 'expires_in': life,
                'refresh_token': refresh, 're_expires_in': re_life,
                'r1_expires_in': life, 'r2_expires_in': min(life, 86400),
                'w1_expires_in': life, 'w2_expires_in': min(life, 1800),
                'taobao_user_id': '2200000000001',
                'taobao_user_nick': quote(self.store.seller_nick.encode('utf-8')),
                'expire_time': int((now + life) * 1000),
                'refresh_token_valid_time': int((now + re_life) * 1000)}

    # -- call log -----------------------------------------------------------
    def log_call(self, entry):
        if not self.args.call_log:
            return
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True)
        with self.log_lock:
            with open(self.args.call_log, 'a', encoding='utf-8') as handle:
                handle.write(line + '\n')


SECRET_PARAMS = frozenset(['sign', 'session', 'client_secret', 'code', 'refresh_token',
                           'access_token', 'app_secret'])


def oauth_error(code, description):
    return {'error': code, 'error_description': description}


def loggable(params):
    return dict((k, v) for k, v in params.items() if k not in SECRET_PARAMS)


class Handler(BaseHTTPRequestHandler):
    server_version = 'TOPSandbox/1.0'
    protocol_version = 'HTTP/1.1'
    # Keep-alive answers are written as headers then body: without TCP_NODELAY the
    # body waits for the client's delayed ACK (~40 ms a call on loopback).
    disable_nagle_algorithm = True

    def log_message(self, fmt_, *args):  # keep stdout clean for the ready line
        return

    def do_GET(self):
        self._dispatch('GET')

    def do_POST(self):
        self._dispatch('POST')

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
            body = body if isinstance(body, dict) else {}
            return self._json(*sandbox.control(verb, parts.path, body))
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        ctype = self.headers.get('Content-Type', '')
        if raw and 'json' not in ctype:
            params.update(parse_qsl(raw.decode('utf-8', 'replace'), keep_blank_values=True))
        if parts.path == '/router/rest':
            status, payload, info = sandbox.gateway(params)
            ctype = 'application/json;charset=UTF-8' if status == 200 else 'text/html'
            reply = lambda: self._send(status, payload, ctype)  # noqa: E731
            method, extra = params.get('method', ''), info
        elif parts.path == '/oauth/authorize' and verb == 'GET':
            status, headers, html = sandbox.authorize(params)
            reply = lambda: self._send(  # noqa: E731
                status, html.encode('utf-8'), 'text/html;charset=UTF-8', headers)
            method, extra = 'oauth.authorize', {}
        elif parts.path == '/oauth/token' and verb == 'POST':
            status, body = sandbox.token(params)
            reply = lambda: self._json(status, body)  # noqa: E731
            method, extra = 'oauth.token', {'code': body.get('error')}
        else:
            return self._json(404, {'error': 'not_found'})
        entry = {'method': method, 'params': loggable(params), 'status': status,
                 'duration': round(time.time() - start, 4),
                 'time': fmt(beijing_now())}
        entry.update((k, v) for k, v in extra.items() if v is not None)
        entry['ok'] = status in (200, 302) and 'code' not in extra
        # Logged before the answer leaves: a client that reads the log right after its
        # call must find the call there.
        sandbox.log_call(entry)
        reply()

    def _body(self):
        length = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(length) if length else b''

    def _json(self, status, body):
        self._send(status, json.dumps(body, ensure_ascii=False).encode('utf-8'),
                   'application/json;charset=UTF-8')

    def _send(self, status, payload, ctype, headers=None):
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(payload)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(payload)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Local TOP gateway emulator')
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=0, help='0 picks a free port')
    parser.add_argument('--data', help='JSON file {"items": [...], "trades": [...]}')
    parser.add_argument('--app-key', required=True)
    parser.add_argument('--app-secret', required=True)
    parser.add_argument('--session', required=True, help='the pre-authorised session')
    parser.add_argument('--call-log', help='append one JSON line per call')
    parser.add_argument('--fault', action='append', default=[],
                        help='KIND:RATE or KIND@N; KIND in %s' % ', '.join(FAULT_KINDS))
    parser.add_argument('--seed', type=int, default=None)
    parser.add_argument('--slow-seconds', type=float, default=2.0)
    parser.add_argument('--rebase-times', action='store_true')
    parser.add_argument('--trade-history-days', type=int, default=90,
                        help='taobao.trades.sold.get lists the trades created in these '
                             'last days only, as TOP does (3 months); 0 lists all')
    parser.add_argument('--token-expires-in', type=int, default=86400)
    parser.add_argument('--no-refresh', action='store_true')
    parser.add_argument('--ready-file')
    parser.add_argument('--plain-receivers', action='store_true',
                        help='answer receivers in clear, as before the privacy upgrade')
    parser.add_argument('--decrypt-quota', type=int, default=1000,
                        help='OAID decrypts allowed per day')
    args = parser.parse_args(argv)
    if args.host not in LOOPBACK:
        parser.error('the sandbox only binds loopback addresses (127.0.0.1, localhost, ::1)')
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        sandbox = Sandbox(args)
    except ValueError as exc:
        sys.stderr.write('error: %s\n' % exc)
        return 2
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.sandbox = sandbox
    port = server.server_address[1]
    if args.ready_file:
        tmp = args.ready_file + '.tmp'
        with open(tmp, 'w') as handle:
            handle.write(str(port))
        os.replace(tmp, args.ready_file)
    sys.stdout.write('TOP sandbox listening on http://%s:%d\n' % (args.host, port))
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.stdout.write('TOP sandbox stopped\n')  # Ctrl-C is the normal way out
    finally:
        server.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
