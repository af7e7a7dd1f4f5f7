# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""TOP settlement bills: what the platform credits and charges per trade.

A mixin of the sandbox's ``Api`` (``METHODS``). Facts (TOP metadata,
``bububa/opentaobao`` model/bill): ``taobao.bill.bills.get`` (self-developed
sellers) lists bills with ``bid``, ``account_id`` (a cost account of
``taobao.bill.accounts.get``), ``trade_id``, ``order_id``, ``amount`` and
``total_amount`` in fen (negative for what leaves the seller), ``biz_time`` (the
trade's completion), ``pay_time`` (the Alipay debit), ``book_time``; ``start_time``
/ ``end_time`` span at most one day unless ``trade_id`` or ``order_id`` is given;
``time_type`` 1 = completion, 2 = Alipay debit; ``page_size`` 40-100; ``has_next``.

The sandbox bills every finished trade on its completion: the money released
(what the buyer paid less what was refunded), a commission and a payment fee
at the rates below (the sandbox's own: Tmall's technical service fee is 2-5 %
by category, the credit-card / Huabei fee about 0.6-1 %), and any extra charge
a test put on the trade as ``sandbox_bills`` (``[{"account": code, "amount":
"-3.00"}]``).
"""
import datetime

from .core import (cents, fmt, int_param, invalid, missing, page_slice, parse_dt, parse_fields,
                   req, select)

ACCOUNTS = [
    {'account_id': 1001, 'account_code': 'TRADE_INCOME', 'account_name': '交易收入',
     'account_type': 1, 'related_order': True},
    {'account_id': 1002, 'account_code': 'TMALL_COMMISSION', 'account_name': '天猫佣金',
     'account_type': 2, 'related_order': True},
    {'account_id': 1003, 'account_code': 'PAY_SERVICE_FEE', 'account_name': '支付服务费',
     'account_type': 2, 'related_order': True},
    {'account_id': 1004, 'account_code': 'TAOKE_COMMISSION', 'account_name': '淘宝客佣金',
     'account_type': 2, 'related_order': True},
]
BY_CODE = {a['account_code']: a for a in ACCOUNTS}
COMMISSION_RATE = 0.05
PAY_FEE_RATE = 0.006
MAX_SPAN = datetime.timedelta(days=1)


class BillsApi(object):
    """taobao.bill.accounts.get, taobao.bill.bills.get."""

    METHODS = {
        'taobao.bill.accounts.get': 'bill_accounts_get',
        'taobao.bill.bills.get': 'bill_bills_get',
    }

    def bill_accounts_get(self, params):
        fields = parse_fields(req(params, 'fields'))
        return {'accounts': {'account': [select(a, fields) for a in ACCOUNTS]}}

    def bill_bills_get(self, params):
        fields = parse_fields(req(params, 'fields'))
        page_no = int_param(params, 'page_no', 1, 1)
        page_size = int_param(params, 'page_size', 40, 40, 100)
        trade_id = str(params.get('trade_id') or params.get('order_id') or '').strip()
        start, end = self._bill_window(params, trade_id)
        key = 'pay_time' if str(params.get('time_type') or '1') == '2' else 'biz_time'
        account = str(params.get('account_id') or '').strip()
        rows = [b for b in self._all_bills()
                if (not trade_id or b['trade_id'] == trade_id)
                and (not account or str(b['account_id']) == account)
                and (start is None or start <= b[key] <= end)]
        rows.sort(key=lambda b: (b[key], b['bid']))
        page = page_slice(rows, page_no, page_size)
        return {'bills': {'bill': [select(b, fields) for b in page]},
                'has_next': page_no * page_size < len(rows), 'total_results': len(rows)}

    @staticmethod
    def _bill_window(params, trade_id):
        raw_start, raw_end = params.get('start_time'), params.get('end_time')
        if not (raw_start and raw_end):
            if trade_id:
                return None, None
            raise missing('start_time' if not raw_start else 'end_time')
        start, end = parse_dt(raw_start, 'start_time'), parse_dt(raw_end, 'end_time')
        if end < start or (end - start > MAX_SPAN and not trade_id):
            raise invalid('end_time', 'start_time to end_time spans at most one day')
        return fmt(start), fmt(end)

    def _all_bills(self):
        bills = []
        for trade in self.store.trades.values():
            if trade.get('status') == 'TRADE_FINISHED' and trade.get('end_time'):
                bills.extend(self._trade_bills(trade))
        return bills

    def _trade_bills(self, trade):
        refunded = sum(cents(r['refund_fee']) for r in self.store.refunds.values()
                       if r['tid'] == trade['tid'] and r.get('status') == 'SUCCESS')
        released = cents(trade.get('payment')) - refunded
        charges = [('TRADE_INCOME', released),
                   ('TMALL_COMMISSION', -int(round(released * COMMISSION_RATE))),
                   ('PAY_SERVICE_FEE', -int(round(released * PAY_FEE_RATE)))]
        charges += [(extra['account'], cents(extra['amount']))
                    for extra in trade.get('sandbox_bills') or []]
        return [self._bill(trade, index, code, fen)
                for index, (code, fen) in enumerate(charges) if fen]

    @staticmethod
    def _bill(trade, index, code, fen):
        account = BY_CODE[code]
        when = trade['end_time']
        return {'bid': int(trade['tid'][-12:]) * 10 + index, 'account_id': account['account_id'],
                'trade_id': trade['tid'], 'order_id': trade['tid'], 'amount': fen,
                'total_amount': fen, 'status': 1, 'biz_time': when, 'pay_time': when,
                'book_time': when, 'gmt_create': when, 'gmt_modified': when,
                'alipay_notice': account['account_name']}
