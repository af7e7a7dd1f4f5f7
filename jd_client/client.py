# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""JD JOS client: signing, envelope unwrapping, paging (retries: gateway_client).

System parameters travel in the query string and the business parameters as
one JSON document, ``360buy_param_json``, in the POST body (JD's own SDKs do
the same). Every call returns the method's result wrapper without the
``code`` entry, e.g. ``{'searchorderinfo_result': {...}}``.
"""
import datetime
import decimal
import json
import re

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover
    from urlparse import urlsplit

from .errors import (BusinessError, JdError, MalformedResponseError,
                     TransportError, error_from_response, redact)
from .signing import SIGN_METHODS, sign

if '.' in __package__:  # inside the addon (Odoo, adapters/): the sibling package
    from ..gateway_client import GatewayClient
else:  # imported on its own (its tests, scripts): a top-level package
    from gateway_client import GatewayClient

ROUTER_PATH = '/routerjson'
DEFAULT_GATEWAY = 'https://api.jd.com/routerjson'
BEIJING_TZ = datetime.timezone(datetime.timedelta(hours=8), 'Asia/Shanghai')
JD_FORMAT = '%Y-%m-%d %H:%M:%S'
_HOST_RE = re.compile(r'^[A-Za-z0-9.\-\[\]:]+$')
_LOCAL_RE = re.compile(r'^(\d{1,3}(\.\d{1,3}){3}|localhost|\[[0-9a-fA-F:]+\])(:\d+)$')
# Answers whose wrapper is not named after the method (legacy 360buy APIs).
RESPONSE_KEYS = {
    '360buy.get.vender.all.delivery.company': 'vender_delivery_all_company_response',
}
# Methods that only read: a garbled answer to them is safe to ask again.
_READ_MARKERS = ('.read.', '.search', '.enSearch', '.get', 'queryPageList',
                 'delivery.company')

ORDER_SEARCH = 'jingdong.pop.order.search'
ORDER_GET = 'jingdong.pop.order.get'
WARE_SEARCH = 'jingdong.ware.read.searchWare4Valid'
SKU_SEARCH = 'jingdong.sku.read.searchSkuList'
WARE_GET = 'jingdong.ware.read.findWareById'
STOCK_UPDATE = 'jingdong.stock.write.updateSkuStock'
STOCK_GET = 'jingdong.stock.read.findSkuStock'
SHIPMENT = 'jingdong.pop.order.shipment'
CARRIERS = '360buy.get.vender.all.delivery.company'
REFUND_SEARCH = 'jingdong.pop.afs.soa.refundapply.queryPageList'
REFUND_REPLY = 'jingdong.pop.afs.soa.refundapply.replyRefund'
# The attributes of a (leaf) category: the only call naming a SKU's sale attributes,
# whose saleAttrs carry ids and values only.
CATEGORY_ATTRS = 'jingdong.category.read.findAttrsByCategoryIdUnlimitCate'
SALE_ATTRIBUTES = 4                # attributeType of sale attributes (颜色, 尺码, ...)
DATE_TYPES = {'modified': 0, 'created': 1}
SELF_DELIVERY = '1274'


def beijing_str(value):
    """A naive UTC datetime (Odoo's convention) or an aware one -> JD's string."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.astimezone(BEIJING_TZ).strftime(JD_FORMAT)


def parse_beijing(value):
    """JD's 'YYYY-MM-DD HH:MM:SS' (Beijing) -> naive UTC datetime."""
    local = datetime.datetime.strptime(value.strip()[:19], JD_FORMAT)
    aware = local.replace(tzinfo=BEIJING_TZ)
    return aware.astimezone(datetime.timezone.utc).replace(tzinfo=None)


def utcnow():
    return datetime.datetime.utcnow().replace(microsecond=0)


def normalize_gateway_url(value):
    """Turn a host, host:port or URL into a full JD gateway URL.

    A bare loopback/IP with a port is a local emulator and gets plain http.
    """
    text = (value or '').strip()
    if not text or any(ch.isspace() for ch in text):
        raise ValueError('Invalid JD gateway URL: %r' % (value,))
    if '://' not in text:
        host, _sep, path = text.partition('/')
        scheme = 'http' if _LOCAL_RE.match(host) else 'https'
        text = '%s://%s/%s' % (scheme, host, path)
    parts = urlsplit(text)
    if parts.scheme.lower() not in ('http', 'https') or not parts.netloc \
            or not _HOST_RE.match(parts.netloc):
        raise ValueError('Invalid JD gateway URL: %r' % (value,))
    path = parts.path if parts.path not in ('', '/') else ROUTER_PATH
    return '%s://%s%s' % (parts.scheme.lower(), parts.netloc, path)


def split_window(start, end, span=datetime.timedelta(days=30)):
    """Cut [start, end] (naive UTC datetimes) into JD-sized windows.

    The order search takes at most one month; its bounds are inclusive and
    to the second, so each window starts one second after the last ended.
    """
    one = datetime.timedelta(seconds=1)
    while start <= end:
        stop = min(start + span, end)
        yield start, stop
        start = stop + one


def to_json_value(value):
    """Business values as JD's JSON expects them (times as Beijing strings)."""
    if isinstance(value, datetime.datetime):
        return beijing_str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_json_value(v) for v in value]
    if isinstance(value, dict):
        return dict((k, to_json_value(v)) for k, v in value.items())
    return value


def param_json(params):
    """The ``360buy_param_json`` text: ``{}`` when there are no parameters."""
    clean = dict((k, to_json_value(v)) for k, v in (params or {}).items()
                 if v is not None)
    return json.dumps(clean, ensure_ascii=False, sort_keys=True,
                      separators=(',', ':'))


def response_keys(method):
    base = method.replace('.', '_')
    keys = [base + '_responce', base + '_response']
    if method in RESPONSE_KEYS:
        keys.insert(0, RESPONSE_KEYS[method])
    return keys


def is_false(value):
    return value is False or (isinstance(value, str) and value.strip().lower() == 'false')


def business_failure(payload):
    """The object that reports success=false inside a result, or None.

    JD says "refused" with HTTP 200 and code 0; the flag sits in the result
    itself (``success``), in ``apiResult`` or in ``queryResult``.
    """
    candidates = [payload] + [v for v in payload.values() if isinstance(v, dict)]
    for obj in candidates:
        for holder in (obj, obj.get('apiResult'), obj.get('queryResult')):
            if isinstance(holder, dict) and is_false(holder.get('success')):
                return holder
    return None


class JdClient(GatewayClient):
    """Synchronous client for the JD JOS gateway (``/routerjson``).

    ``call`` returns the method's result wrapper without ``code``.
    """

    PLATFORM = 'JD'
    SIGN_METHODS = SIGN_METHODS
    Error = JdError
    TransportError = TransportError
    MalformedResponseError = MalformedResponseError
    EVENT_FIELD = 'family'
    _normalize_gateway_url = staticmethod(normalize_gateway_url)
    _error_from_response = staticmethod(error_from_response)
    _encode = staticmethod(param_json)

    def __init__(self, gateway_url, app_key, app_secret, access_token=None,
                 sign_method='md5', timeout=(5, 30), max_retries=3,
                 backoff=0.5, max_backoff=10.0, on_call=None, http=None):
        super(JdClient, self).__init__(gateway_url or DEFAULT_GATEWAY, app_key, app_secret,
                                       sign_method, timeout, max_retries, backoff,
                                       max_backoff, on_call, http)
        self.access_token = access_token

    # -- orders -----------------------------------------------------------
    def iter_order_pages(self, start, end, states, fields, date_type='modified',
                         page_size=100, method=ORDER_SEARCH, descending=False,
                         max_pages=None):
        """Yield pages (lists) of orders whose created/modified time is in
        [start, end]; ``states`` and ``fields`` are lists or comma strings.
        Use ``method='jingdong.pop.order.enSearch'`` for encrypted answers."""
        params = {
            'start_date': start, 'end_date': end,
            'order_state': _csv(states), 'optional_fields': _csv(fields),
            'dateType': DATE_TYPES[date_type], 'page_size': page_size,
        }
        if descending:
            params['sortType'] = 1
        return self._pages(method, params, 'page', _order_page, max_pages)

    def iter_orders(self, start, end, states, fields, **kwargs):
        for page in self.iter_order_pages(start, end, states, fields, **kwargs):
            for order in page:
                yield order

    def get_order(self, order_id, fields, states=None):
        """One order's details (``orderInfo``)."""
        params = {'order_id': str(order_id), 'optional_fields': _csv(fields)}
        if states:
            params['order_state'] = _csv(states)
        answer = self.call(ORDER_GET, params)
        info = (answer.get('orderDetailInfo') or {}).get('orderInfo')
        if not isinstance(info, dict):
            raise MalformedResponseError('JD call %s returned no orderInfo' % ORDER_GET,
                                         method=ORDER_GET)
        return info

    # -- wares, SKUs, stock -------------------------------------------------
    def iter_ware_pages(self, status_values=None, ware_ids=None, fields=None,
                        page_size=50, max_pages=None):
        """Yield pages of wares (searchWare4Valid); at most 20 ``ware_ids``."""
        params = {'pageSize': page_size}
        if status_values:
            params['wareStatusValue'] = [int(v) for v in status_values]
        if ware_ids:
            params['wareId'] = [int(v) for v in ware_ids]
        if fields:
            params['field'] = _csv(fields)
        return self._pages(WARE_SEARCH, params, 'pageNo', _data_page, max_pages)

    def iter_sku_pages(self, ware_ids=None, sku_ids=None, status_values=None,
                       fields=None, page_size=50, max_pages=None):
        """Yield pages of SKUs (searchSkuList)."""
        params = {'page_size': page_size}
        if ware_ids:
            params['wareId'] = [int(v) for v in ware_ids]
        if sku_ids:
            params['skuId'] = [int(v) for v in sku_ids]
        if status_values:
            params['skuStatuValue'] = [int(v) for v in status_values]
        if fields:
            params['field'] = _csv(fields)
        return self._pages(SKU_SEARCH, params, 'pageNo', _data_page, max_pages)

    def get_ware(self, ware_id, fields=None):
        """One ware (findWareById)."""
        params = {'wareId': int(ware_id)}
        if fields:
            params['fields'] = _csv(fields)
        ware = self.call(WARE_GET, params).get('ware')
        if not isinstance(ware, dict):
            raise MalformedResponseError('JD call %s returned no ware' % WARE_GET,
                                         method=WARE_GET)
        return ware

    def get_ware_with_skus(self, ware_id):
        """``(ware, skus)``: the ware and its SKUs that are not deleted."""
        ware = self.get_ware(ware_id)
        pages = self.iter_sku_pages(ware_ids=[ware_id], status_values=[1, 2])
        skus = [s for page in pages for s in page]
        return ware, skus

    def category_attrs(self, category_id, attribute_type=SALE_ATTRIBUTES):
        """The attributes of a leaf category: [{'id', 'name', 'attributeType', ...}]."""
        answer = self.call(CATEGORY_ATTRS, {'cid': int(category_id),
                                            'attributeType': int(attribute_type)})
        rows = answer.get('findattrsbycategoryidunlimitcate_result')
        if rows is None:
            rows = []
        if not isinstance(rows, list):
            raise MalformedResponseError('JD call %s returned no attribute list'
                                         % CATEGORY_ATTRS, method=CATEGORY_ATTRS)
        return [row for row in rows if isinstance(row, dict)]

    def update_sku_stock(self, sku_id, quantity, store_id=None):
        """Set one SKU's stock to ``quantity`` (absolute); True on success."""
        params = {'skuId': int(sku_id), 'stockNum': int(quantity)}
        if store_id is not None:
            params['storeId'] = store_id
        self.call(STOCK_UPDATE, params)
        return True

    def get_sku_stock(self, sku_id):
        """The stock rows JD holds for one SKU (one per store)."""
        answer = self.call(STOCK_GET, {'skuId': int(sku_id)})
        return answer.get('skuStocks') or []

    # -- shipment, carriers ---------------------------------------------------
    def ship_order(self, order_id, carrier_id, waybill=None):
        """Confirm shipment; ``1274`` (seller's own delivery) needs no waybill.

        Several carriers: ``carrier_id`` and ``waybill`` as lists (one
        waybill string per carrier, several waybills comma-separated)."""
        carriers = carrier_id if isinstance(carrier_id, (list, tuple)) else [carrier_id]
        carriers = [str(c) for c in carriers]
        waybills = waybill if isinstance(waybill, (list, tuple)) else [waybill or '']
        if len(waybills) != len(carriers):
            raise ValueError('One waybill entry per carrier is needed')
        if any(not w and c != SELF_DELIVERY for c, w in zip(carriers, waybills)):
            raise ValueError('A waybill number is needed unless the carrier is %s'
                             % SELF_DELIVERY)
        params = {'orderId': str(order_id), 'logiCoprId': '|'.join(carriers)}
        if any(waybills):
            params['logiNo'] = '|'.join(str(w or '') for w in waybills)
        return self.call(SHIPMENT, params).get('sopjosshipment_result') or {}

    def carriers(self):
        """The carriers the shop may use: [{'id', 'name', 'description'}]."""
        answer = self.call(CARRIERS, {'fields': 'id,name,description'})
        return answer.get('delivery_companies') or []

    # -- refunds ----------------------------------------------------------
    def iter_refund_pages(self, start, end, status=None, order_id=None,
                          page_size=50, max_pages=None):
        """Yield pages of refund applications applied for in [start, end]."""
        params = {'applyTimeStart': start, 'applyTimeEnd': end, 'pageSize': page_size}
        if status is not None:
            params['status'] = status
        if order_id:
            params['orderId'] = str(order_id)
        return self._pages(REFUND_SEARCH, params, 'pageIndex', _refund_page, max_pages)

    def iter_refunds(self, start, end, **kwargs):
        for page in self.iter_refund_pages(start, end, **kwargs):
            for refund in page:
                yield refund

    def reply_refund(self, refund_id, approve, remark, reviewer, reject_type=None,
                     left_warehouse=None):
        """Review a refund application: approve it, or refuse it with ``reject_type``
        (1-6, JD's list) and ``remark``. ``left_warehouse`` tells JD whether the goods
        left (outWareStatus 1) or not (2). JD's refusal is a BusinessError."""
        params = {'id': int(refund_id), 'status': 1 if approve else 2,
                  'checkUserName': reviewer, 'remark': remark}
        if not approve:
            params['rejectType'] = int(reject_type or 5)
        if left_warehouse is not None:
            params['outWareStatus'] = 1 if left_warehouse else 2
        return self.call(REFUND_REPLY, params).get('replyResult') or {}

    # -- internals --------------------------------------------------------
    def _pages(self, method, params, page_key, reader, max_pages):
        """Page until the reported total is reached or a page comes back short."""
        page_no, seen = 1, 0
        size = int(params.get('page_size') or params.get('pageSize'))
        while max_pages is None or page_no <= max_pages:
            rows, total = reader(self.call(method, dict(params, **{page_key: page_no})),
                                 method)
            if not rows:
                return
            yield rows
            seen += len(rows)
            if seen >= total or len(rows) < size:
                return
            page_no += 1

    def _system_params(self, method):
        params = {'method': method, 'app_key': self.app_key,
                  'timestamp': beijing_str(utcnow()), 'v': '2.0',
                  'format': 'json', 'sign_method': self.sign_method}
        if self.access_token:
            params['access_token'] = self.access_token
        return params

    def _send(self, method, body):
        query = self._system_params(method)
        query['sign'] = sign(dict(query, **{'360buy_param_json': body}),
                             self._app_secret, self.sign_method)
        return self._post(params=query, data={'360buy_param_json': body})

    def _result(self, method, body):
        payload = self._payload(method, body)
        code = payload.get('code')
        if code not in (None, 0, '0'):
            raise error_from_response(payload, method, self._secrets())
        failure = business_failure(payload)
        if failure is not None:
            raise self._business_error(method, failure)
        return dict((k, v) for k, v in payload.items() if k != 'code')

    @staticmethod
    def _payload(method, body):
        for key in response_keys(method):
            if isinstance(body.get(key), dict):
                return body[key]
        wrappers = [k for k in body if k.endswith(('_responce', '_response'))]
        if len(wrappers) == 1 and isinstance(body[wrappers[0]], dict):
            return body[wrappers[0]]
        raise MalformedResponseError('JD call %s returned no %s wrapper'
                                     % (method, response_keys(method)[0]), method=method)

    def _business_error(self, method, holder):
        secrets = self._secrets()
        chinese = redact(holder.get('chineseErrCode'), secrets)
        english = redact(holder.get('englishErrCode'), secrets)
        error_code = holder.get('errorCode') or holder.get('resultCode')
        return BusinessError(
            'JD call %s was refused: %s' % (method, english or chinese or 'success=false'),
            chinese_err_code=chinese, english_err_code=english,
            error_code=error_code, msg=english or chinese, method=method)

    def _secrets(self):
        return tuple(s for s in (self._app_secret, self.access_token) if s)

    @staticmethod
    def _is_read(method):
        return any(marker in method for marker in _READ_MARKERS)


def _csv(value):
    if isinstance(value, (list, tuple, set, frozenset)):
        return ','.join(str(v) for v in value)
    return str(value or '')


def _total(value, method):
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        raise MalformedResponseError('JD call %s returned a bad total %r' % (method, value),
                                     method=method)


def _order_page(answer, method):
    result = answer.get('searchorderinfo_result') or {}
    return result.get('orderInfoList') or [], _total(result.get('orderTotal'), method)


def _data_page(answer, method):
    page = answer.get('page') or {}
    return page.get('data') or [], _total(page.get('totalItem'), method)


def _refund_page(answer, method):
    result = answer.get('queryResult') or {}
    return result.get('result') or [], _total(result.get('totalCount'), method)
