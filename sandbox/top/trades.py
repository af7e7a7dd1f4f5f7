# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""TOP API family: the seller's trades (lists, increments, full info)."""
import datetime

from .core import (TopFailure, beijing_now, bool_param, fmt, int_param, invalid, page_slice,
                   parse_dt, parse_fields, req, select)

DEFAULT_TRADE_TYPES = frozenset(['fixed', 'auction', 'auto_delivery', 'ec', 'cod',
                                 'step', 'independent_simple_trade',
                                 'independent_shop_trade'])
TYPE_ALIASES = {'guarantee_trade': ('fixed', 'auction', 'independent_simple_trade',
                                    'independent_shop_trade')}
STATUS_ALIASES = {'ALL_WAIT_PAY': ('WAIT_BUYER_PAY', 'TRADE_NO_CREATE_PAY'),
                  'ALL_CLOSED': ('TRADE_CLOSED', 'TRADE_CLOSED_BY_TAOBAO')}
TRADE_LIST_HIDDEN = frozenset(['buyer_message', 'seller_memo', 'buyer_memo',
                               'trade_memo', 'promotion_details'])
ORDER_LIST_HIDDEN = frozenset(['is_free_gift', 'has_gift', 'gift_mids', 'need_return'])


class TradesApi(object):
    """taobao.trades.sold.get, taobao.trades.sold.increment.get, taobao.trade.fullinfo.get."""

    METHODS = {
        'taobao.trades.sold.get': 'trades_sold_get',
        'taobao.trades.sold.increment.get': 'trades_sold_increment_get',
        'taobao.trade.fullinfo.get': 'trade_fullinfo_get',
    }

    #: taobao.trades.sold.get shows the trades of these last days only (3 months); 0: all
    history_days = 90

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
