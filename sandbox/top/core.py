# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Shared core of the TOP sandbox: the platform's constants, errors and helpers.

Every API family module and the gateway build on these; none of them holds state.
"""
import copy
import datetime
import hashlib
import hmac
import re
import string

FMT = '%Y-%m-%d %H:%M:%S'
DT_RE = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$')
LOOPBACK = ('127.0.0.1', 'localhost', '::1')
LIST_WRAPPERS = {'items': 'item', 'skus': 'sku', 'item_imgs': 'item_img',
                 'trades': 'trade', 'orders': 'order',
                 'promotion_details': 'promotion_detail',
                 'logistics_companies': 'logistics_company'}
FIELD_ALIASES = {'sku': 'skus', 'item_img': 'item_imgs', 'order': 'orders',
                 'promotion_detail': 'promotion_details'}
SHIPPABLE_TRADE = ('WAIT_SELLER_SEND_GOODS', 'SELLER_CONSIGNED_PART')
WAITING_REFUND = ('WAIT_SELLER_AGREE', 'WAIT_BUYER_RETURN_GOODS', 'WAIT_SELLER_CONFIRM_GOODS')
SHIPPED = 'WAIT_BUYER_CONFIRM_GOODS'
REFUND_STATUSES = WAITING_REFUND + ('SELLER_REFUSE_BUYER', 'CLOSED', 'SUCCESS')
ERROR_MSGS = {7: 'App Call Limited', 11: 'Insufficient isv permissions',
              15: 'Remote service error', 21: 'Missing Method',
              22: 'Invalid Method', 23: 'Invalid Format', 24: 'Missing Signature',
              25: 'Invalid Signature', 26: 'Missing Session', 27: 'Invalid session',
              28: 'Missing App Key', 29: 'Invalid App Key', 30: 'Missing Timestamp',
              31: 'Invalid Timestamp', 32: 'Missing Version', 33: 'Invalid Version',
              40: 'Missing Required Arguments', 41: 'Invalid Arguments'}


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


def later_than(old):
    """Now, or one second after ``old`` so that every change moves `modified` on."""
    now = fmt(beijing_now())
    if now > old or not DT_RE.match(old or ''):
        return now
    return fmt(datetime.datetime.strptime(old, FMT) + datetime.timedelta(seconds=1))


def orders_of(trade):
    return trade.get('orders', {}).get('order', [])


def cents(value):
    return int(round(float(value or 0) * 100))


def money(value):
    sign = '-' if value < 0 else ''
    return '%s%d.%02d' % ((sign,) + divmod(abs(int(value)), 100))
