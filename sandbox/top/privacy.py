# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""TOP API family: buyer privacy (OAID), masked receivers and metered decrypts."""
import copy
import datetime
import hashlib
import json
import re

from .core import (SHIPPABLE_TRADE, TopFailure, beijing_now, fmt, int_param, invalid,
                   page_slice, req)

# Decrypt scenes: 1001 SF, 1002 四通一达, 1003 EMS, 1004 other waybill, 1005 store
# shipping, 1006 hand-written waybill, 1007 drop-ship, 2001 after-sales, 2002 care.
DECRYPT_SCENES = frozenset(['1001', '1002', '1003', '1004', '1005', '1006', '1007',
                            '2001', '2002'])
QUERY_SCENES = frozenset(['1001', '1002'])  # trades.sold.query: consultation, after-sales
DECRYPT_CAP, MERGE_CAP, QUERY_CAP = 20, 100, 20
DECRYPT_COST = '0.05'  # yuan per decrypt: the price is the sandbox's own
RECEIVER_PLAIN = ('name', 'mobile', 'phone', 'state', 'city', 'district', 'town',
                  'address')
RECEIVER_FIELDS = frozenset(['receiver_name', 'receiver_state', 'receiver_city',
                             'receiver_district', 'receiver_town', 'receiver_address',
                             'receiver_zip', 'receiver_mobile', 'receiver_phone'])


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


class PrivacyApi(object):
    """taobao.top.oaid.*, taobao.top.secret.bill.detail, taobao.trades.sold.query."""

    METHODS = {
        'taobao.top.oaid.decrypt': 'oaid_decrypt',
        'taobao.top.secret.bill.detail': 'secret_bill_detail',
        'taobao.top.oaid.merge': 'oaid_merge',
        'taobao.trades.sold.query': 'trades_sold_query',
    }

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
        """Which asked trades ship to one receiver: the platform groups them by the
        receiver itself, so trades a week apart (two OAIDs) merge. A trade that can no
        longer ship, or asked with an OAID it no longer has (its receiver changed),
        stands alone. Every known trade is answered; one string per group."""
        groups = {}
        for entry in json_list(params, 'merge_list', MERGE_CAP):
            trade = self.store.trades.get(str(entry.get('tid') or ''))
            if trade is None:
                continue
            receiver = self.privacy.receiver(trade)
            current = trade.get('status') in SHIPPABLE_TRADE and \
                self.privacy.oaid(trade, self.store.seller_nick) == str(entry.get('oaid') or '')
            key = tuple(sorted(receiver.items())) if current else ('alone', trade['tid'])
            if trade['tid'] not in groups.setdefault(key, []):
                groups[key].append(trade['tid'])
        return {'tid_list': {'string': sorted(','.join(sorted(tids))
                                              for tids in groups.values())}}

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
