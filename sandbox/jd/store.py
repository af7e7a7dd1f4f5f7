# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The JD sandbox's in-memory shop."""
import copy
import datetime
import threading

from ..top.core import FMT, beijing_now, fmt
from .core import DEFAULT_CATEGORY, SALE_ATTRIBUTES, STATE_REMARKS, Refused, when, within


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
