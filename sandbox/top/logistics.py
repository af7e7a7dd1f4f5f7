# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""TOP API family: logistics (offline, online, dummy and changed shipments, companies)."""
import re

from .core import (SHIPPED, SHIPPABLE_TRADE, WAITING_REFUND, TopFailure, beijing_now, cents,
                   fmt, invalid, orders_of, parse_fields, req, select)

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


def logistics_error(code, message):
    return TopFailure(15, 'isv.logistics-offline-service-error:%s' % code, message)


class LogisticsApi(object):
    """taobao.logistics.*: the seller ships, changes a waybill, lists the companies."""

    METHODS = {
        'taobao.logistics.offline.send': 'logistics_offline_send',
        'taobao.logistics.online.send': 'logistics_online_send',
        'taobao.logistics.companies.get': 'logistics_companies_get',
        'taobao.logistics.dummy.send': 'logistics_dummy_send',
        'taobao.logistics.consign.resend': 'logistics_consign_resend',
    }

    def logistics_offline_send(self, params):
        trade = self._shippable_trade(params)
        if trade.get('type') == 'cod':
            raise logistics_error('B04', 'Trade %s is cash on delivery: offline.send does not '
                                  'support it, use taobao.logistics.online.send' % trade['tid'])
        return self._send(trade, params)

    def logistics_online_send(self, params):
        """The platform-ordered send; the one that supports cash on delivery."""
        return self._send(self._shippable_trade(params), params)

    def _send(self, trade, params):
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
