# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""TOP API family: Cainiao e-waybills (菜鸟电子面单).

``cainiao.waybill.ii.search`` lists the seller's subscriptions, ``ii.get`` issues
waybill codes (at most 10 parcels a call; the same parcel asked again gets its
code again), ``ii.cancel`` gives an unused code back, and
``cainiao.cloudprint.stdtemplates.get`` lists the standard templates.

The ``print_data`` of a waybill is sealed with a key only the sandbox and the
print component emulator (sandbox/print_component.py) share, as Cainiao's is:
the ERP passes it on unread, the component renders the plain receiver from it
(sandbox/print_component.py imports ``unseal`` from here).
Error sub-codes are the sandbox's own wording **[unverified against Cainiao]**.
"""
import base64
import copy
import hashlib
import hmac
import json

from .core import TopFailure

PRINT_KEY = b'cainiao-sandbox-print-key'
PRINT_VERSION = 'waybill_print_secret_version_1'
GET_CAP = 10
TRADES_PER_PARCEL = 100
# Code layout per carrier: (prefix, digits after it); each matches the carrier's
# reg_mail_no of taobao.logistics.companies.get.
CODE_LAYOUT = {'SF': ('SF', 13), 'YTO': ('YT', 13), 'ZTO': ('75', 12), 'STO': ('77', 11),
               'YUNDA': ('43', 11), 'EMS': ('11', 11), 'POST': ('98', 11)}
TEMPLATE_URL = 'http://cloudprint.cainiao.com/template/standard/%s'
DEFAULT_SUBSCRIPTIONS = [
    {'cp_code': 'ZTO', 'cp_type': 2, 'branches': [
        {'branch_code': '571017', 'branch_name': '中通快递杭州西湖网点', 'quantity': 5000,
         'addresses': [{'province': '浙江省', 'city': '杭州市', 'district': '西湖区',
                        'town': '', 'detail': '文一西路588号'}]}]},
    {'cp_code': 'YTO', 'cp_type': 2, 'branches': [
        {'branch_code': '571065', 'branch_name': '圆通速递杭州余杭网点', 'quantity': 2000,
         'addresses': [{'province': '浙江省', 'city': '杭州市', 'district': '余杭区',
                        'town': '五常街道', 'detail': '五常大道168号'},
                       {'province': '浙江省', 'city': '杭州市', 'district': '西湖区',
                        'town': '', 'detail': '文一西路588号'}]}]},
    {'cp_code': 'SF', 'cp_type': 1, 'branches': [
        {'branch_code': '', 'branch_name': '顺丰速运直营', 'quantity': 1000,
         'addresses': [{'province': '浙江省', 'city': '杭州市', 'district': '西湖区',
                        'town': '', 'detail': '文一西路588号'}]}]},
]
STD_TEMPLATES = {
    'ZTO': [(101, '中通标准模板(一联单)', 6), (102, '中通标准模板(二联单)', 1)],
    'YTO': [(201, '圆通标准模板(一联单)', 6)],
    'SF': [(301, '顺丰标准模板(二联单)', 1)],
}
ADDRESS_KEYS = ('province', 'city', 'district', 'town', 'detail')


def _stream(nonce, size):
    out = b''
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(PRINT_KEY + nonce + counter.to_bytes(4, 'big')).digest()
        counter += 1
    return out[:size]


def seal(document, template_url):
    """The ``print_data`` of a waybill: its document, enciphered and signed."""
    raw = json.dumps(document, ensure_ascii=False, sort_keys=True).encode('utf-8')
    nonce = hashlib.sha256(raw).digest()[:12]
    cipher = bytes(a ^ b for a, b in zip(raw, _stream(nonce, len(raw))))
    data = base64.b64encode(nonce + cipher).decode('ascii')
    signature = hmac.new(PRINT_KEY, data.encode('ascii'), hashlib.sha256).hexdigest()
    return json.dumps({'encryptedData': data, 'signature': signature,
                       'templateURL': template_url, 'ver': PRINT_VERSION})


def unseal(print_data):
    """The document inside ``print_data``; ValueError when it is not genuine."""
    outer = json.loads(print_data)
    data = outer['encryptedData']
    expected = hmac.new(PRINT_KEY, data.encode('ascii'), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, str(outer.get('signature') or '')):
        raise ValueError('print_data has a wrong signature')
    blob = base64.b64decode(data)
    nonce, cipher = blob[:12], blob[12:]
    plain = bytes(a ^ b for a, b in zip(cipher, _stream(nonce, len(cipher))))
    return json.loads(plain.decode('utf-8'))


def _text(value):
    return str(value or '').strip()


def _address(value):
    value = value if isinstance(value, dict) else {}
    return dict((k, _text(value.get(k))) for k in ADDRESS_KEYS)


def _same_place(given, known):
    """A sender address matches a subscribed one (a missing town matches any)."""
    return all(given[k] == known[k] for k in ADDRESS_KEYS if k != 'town') and \
        given['town'] in ('', known['town'])


class WaybillsApi(object):
    """Subscriptions, issued waybills and cancels; needs ``store`` and ``privacy``."""

    METHODS = {'cainiao.waybill.ii.search': 'waybill_search',
               'cainiao.waybill.ii.get': 'waybill_get',
               'cainiao.waybill.ii.cancel': 'waybill_cancel',
               'cainiao.cloudprint.stdtemplates.get': 'stdtemplates_get'}
    subscriptions = None  # set on first use and by reset_waybills

    def _waybill_state(self):
        if self.subscriptions is None:
            self.reset_waybills()

    def reset_waybills(self, subscriptions=None):
        self.subscriptions = copy.deepcopy(subscriptions or DEFAULT_SUBSCRIPTIONS)
        for sub in self.subscriptions:
            for branch in sub['branches']:
                branch.update(allocated_quantity=0, cancel_quantity=0, print_quantity=0)
        self.waybills = {}      # code -> issued waybill
        self.by_object = {}     # (cp_code, object_id) -> code of the live waybill
        self.waybill_seq = 0

    @staticmethod
    def _refuse(sub_code, message):
        return TopFailure(15, sub_code, message)

    # -- API ------------------------------------------------------------------
    def waybill_search(self, params):
        self._waybill_state()
        cp_code = _text(params.get('cp_code')).upper()
        subs = [s for s in self.subscriptions if not cp_code or s['cp_code'] == cp_code]
        return {'waybill_apply_subscription_cols': {'waybill_apply_subscription_info': [
            {'cp_code': s['cp_code'], 'cp_type': s['cp_type'],
             'branch_account_cols': {'waybill_branch_account': [
                 self._branch_view(b) for b in s['branches']]}} for s in subs]}}

    @staticmethod
    def _branch_view(branch):
        view = dict((k, branch[k]) for k in (
            'branch_code', 'branch_name', 'quantity', 'allocated_quantity',
            'cancel_quantity', 'print_quantity'))
        view['branch_status'] = 0
        view['shipp_address_cols'] = {'address_dto': [dict(a) for a in branch['addresses']]}
        return view

    def stdtemplates_get(self, params):
        rows = [{'cp_code': cp, 'standard_templates': {'standard_template_do': [
            {'standard_template_id': tid, 'standard_template_name': name,
             'standard_template_url': TEMPLATE_URL % tid, 'standard_waybill_type': kind}
            for tid, name, kind in templates]}} for cp, templates in sorted(STD_TEMPLATES.items())]
        return {'result': {'datas': {'standard_template_result': rows}, 'success': True}}

    def waybill_get(self, params):
        self._waybill_state()
        request = self._apply_request(params)
        cp_code = _text(request.get('cp_code')).upper()
        sub = self._subscription(cp_code)
        sender = request.get('sender') if isinstance(request.get('sender'), dict) else {}
        branch = self._sender_branch(sub, _address(sender.get('address')))
        parcels = self._parcels(request)
        fresh = [p for p in parcels if (cp_code, p['object_id']) not in self.by_object]
        if len(fresh) > branch['quantity']:
            raise self._refuse('isv.WAYBILL_QUANTITY_NOT_ENOUGH',
                               'Branch %s of %s has %d waybills left, %d asked'
                               % (branch['branch_name'], cp_code, branch['quantity'],
                                  len(fresh)))
        template = _text(request.get('template_url')) or TEMPLATE_URL % \
            STD_TEMPLATES.get(cp_code, [(0, '', 0)])[0][0]
        modules = []
        for parcel in parcels:
            key = (cp_code, parcel['object_id'])
            if key not in self.by_object:
                self.by_object[key] = self._issue(cp_code, branch, sender, parcel, template)
            waybill = self.waybills[self.by_object[key]]
            modules.append({'object_id': parcel['object_id'], 'waybill_code': waybill['code'],
                            'print_data': waybill['print_data'], 'parent_waybill_code': ''})
        return {'modules': {'waybill_cloud_print_response': modules}}

    def waybill_cancel(self, params):
        self._waybill_state()
        cp_code = _text(params.get('cp_code')).upper()
        code = _text(params.get('waybill_code'))
        if not cp_code or not code:
            raise self._refuse('isv.missing-parameter', 'cp_code and waybill_code are required')
        waybill = self.waybills.get(code)
        if waybill is None or waybill['cp_code'] != cp_code:
            raise self._refuse('isv.WAYBILL_NOT_EXIST',
                               'Waybill %s of %s does not exist' % (code, cp_code))
        if waybill['status'] == 'cancelled':
            raise self._refuse('isv.WAYBILL_ALREADY_CANCELLED',
                               'Waybill %s is cancelled already' % code)
        if self._used(code):
            raise self._refuse('isv.WAYBILL_USED',
                               'Waybill %s has been shipped with and cannot be cancelled'
                               % code)
        waybill['status'] = 'cancelled'
        self.by_object.pop((cp_code, waybill['object_id']), None)
        branch = waybill['branch']
        branch['quantity'] += 1
        branch['cancel_quantity'] += 1
        return {'cancel_result': True}

    # -- helpers --------------------------------------------------------------
    def _apply_request(self, params):
        name = 'param_waybill_cloud_print_apply_new_request'
        raw = _text(params.get(name))
        if not raw:
            raise self._refuse('isv.missing-parameter:%s' % name, 'Missing %s' % name)
        try:
            request = json.loads(raw)
        except ValueError:
            request = None
        if not isinstance(request, dict):
            raise self._refuse('isv.invalid-parameter:%s' % name,
                               '%s must be a JSON object' % name)
        return request

    def _subscription(self, cp_code):
        for sub in self.subscriptions:
            if sub['cp_code'] == cp_code:
                return sub
        raise self._refuse('isv.CP_CODE_NOT_SUBSCRIBED',
                           'The seller has no waybill subscription for carrier %s'
                           % (cp_code or '(empty)'))

    def _sender_branch(self, sub, given):
        for branch in sub['branches']:
            if any(_same_place(given, _address(a)) for a in branch['addresses']):
                return branch
        raise self._refuse('isv.SENDER_ADDRESS_NOT_MATCH',
                           'The sender address is none of the addresses subscribed for %s'
                           % sub['cp_code'])

    def _parcels(self, request):
        rows = request.get('trade_order_info_dtos')
        if not isinstance(rows, list) or not rows or len(rows) > GET_CAP:
            raise self._refuse('isv.invalid-parameter:trade_order_info_dtos',
                               'trade_order_info_dtos takes 1 to %d parcels' % GET_CAP)
        parcels, seen = [], set()
        for row in rows:
            parcel = self._parcel(row if isinstance(row, dict) else {})
            if parcel['object_id'] in seen:
                raise self._refuse('isv.invalid-parameter:object_id',
                                   'object_id %s is given twice' % parcel['object_id'])
            seen.add(parcel['object_id'])
            parcels.append(parcel)
        return parcels

    def _parcel(self, row):
        object_id = _text(row.get('object_id'))
        if not object_id:
            raise self._refuse('isv.invalid-parameter:object_id', 'Each parcel needs object_id')
        order_info = row.get('order_info') if isinstance(row.get('order_info'), dict) else {}
        tids = [_text(t) for t in order_info.get('trade_order_list') or [] if _text(t)]
        if not tids or len(tids) > TRADES_PER_PARCEL:
            raise self._refuse('isv.invalid-parameter:trade_order_list',
                               'Parcel %s: trade_order_list takes 1 to %d trade ids'
                               % (object_id, TRADES_PER_PARCEL))
        package = row.get('package_info') if isinstance(row.get('package_info'), dict) else {}
        items = [{'name': _text(i.get('name')), 'count': i.get('count')}
                 for i in package.get('items') or [] if isinstance(i, dict)]
        return {'object_id': object_id, 'tids': tids, 'items': items,
                'package_id': _text(package.get('id')),
                'recipient': self._recipient(object_id, row.get('recipient'))}

    def _recipient(self, object_id, given):
        given = given if isinstance(given, dict) else {}
        oaid, tid = _text(given.get('oaid')), _text(given.get('tid'))
        if oaid:
            trade = self.store.trades.get(tid)
            if trade is None or self.privacy.oaid(trade, self.store.seller_nick) != oaid:
                raise self._refuse('isv.OAID_NOT_MATCH',
                                   'Parcel %s: oaid does not belong to trade %s'
                                   % (object_id, tid or '(empty)'))
            plain = self.privacy.receiver(trade)
            return {'name': plain['name'], 'mobile': plain['mobile'], 'phone': plain['phone'],
                    'address': {'province': plain['state'], 'city': plain['city'],
                                'district': plain['district'], 'town': plain['town'],
                                'detail': plain['address']}}
        address = _address(given.get('address'))
        name = _text(given.get('name'))
        phone = _text(given.get('mobile')) or _text(given.get('phone'))
        if not (name and phone and address['detail'] and address['province']):
            raise self._refuse('isv.invalid-parameter:recipient',
                               'Parcel %s: the recipient needs oaid and tid, or a name, '
                               'a mobile or phone and an address' % object_id)
        return {'name': name, 'mobile': _text(given.get('mobile')),
                'phone': _text(given.get('phone')), 'address': address}

    def _issue(self, cp_code, branch, sender, parcel, template):
        self.waybill_seq += 1
        prefix, digits = CODE_LAYOUT.get(cp_code, ('', 12))
        body = '%0*d' % (digits, 10 ** (digits - 1) // 7 + self.waybill_seq * 7919)
        code = prefix + body[-digits:]
        document = {'waybillCode': code, 'cpCode': cp_code, 'branchName': branch['branch_name'],
                    'objectId': parcel['object_id'], 'tids': parcel['tids'],
                    'recipient': parcel['recipient'],
                    'sender': {'name': _text(sender.get('name')),
                               'mobile': _text(sender.get('mobile') or sender.get('phone')),
                               'address': _address(sender.get('address'))},
                    'items': parcel['items']}
        branch['quantity'] -= 1
        branch['allocated_quantity'] += 1
        self.waybills[code] = {'code': code, 'cp_code': cp_code, 'object_id': parcel['object_id'],
                               'tids': parcel['tids'], 'status': 'issued', 'branch': branch,
                               'print_data': seal(document, template)}
        return code

    def _used(self, code):
        return any(o.get('invoice_no') == code for t in self.store.trades.values()
                   for o in (t.get('orders') or {}).get('order') or [])

    # -- control (/_sandbox/waybill) -------------------------------------------
    def waybill_control(self, verb, body):
        """GET: subscriptions and waybills; POST {"quantity": {cp: n}} or
        {"subscriptions": [...]} (which also forgets the waybills)."""
        self._waybill_state()
        if verb == 'POST':
            if body.get('subscriptions') is not None:
                self.reset_waybills(body['subscriptions'])
            quantities = dict((k.upper(), int(v)) for k, v in
                              (body.get('quantity') or {}).items())
            for sub in self.subscriptions:
                for branch in sub['branches']:
                    branch['quantity'] = quantities.get(sub['cp_code'], branch['quantity'])
        shown = ('code', 'cp_code', 'object_id', 'tids', 'status')
        return {'subscriptions': [{'cp_code': s['cp_code'], 'branches': [
            self._branch_view(b) for b in s['branches']]} for s in self.subscriptions],
            'waybills': [dict((k, w[k]) for k in shown) for w in self.waybills.values()]}
