# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""TOP API family: the gateway's time, items and their stock."""
from .core import (TopFailure, beijing_now, fmt, id_list, int_param, invalid, missing,
                   page_slice, parse_dt, parse_fields, req, select)

ONSALE_FIELDS = frozenset(
    'approve_status,num_iid,title,nick,type,cid,pic_url,num,props,valid_thru,'
    'list_time,price,has_discount,has_invoice,has_warranty,has_showcase,modified,'
    'delist_time,postage_id,seller_cids,outer_id,sold_quantity'.split(','))
INVENTORY_FIELDS = ONSALE_FIELDS - frozenset(['has_showcase', 'sold_quantity'])


class ItemsApi(object):
    """taobao.time.get, taobao.items.*, taobao.item.* and the stock updates."""

    METHODS = {
        'taobao.time.get': 'time_get',
        'taobao.items.onsale.get': 'items_onsale_get',
        'taobao.items.inventory.get': 'items_inventory_get',
        'taobao.item.seller.get': 'item_seller_get',
        'taobao.items.seller.list.get': 'items_seller_list_get',
        'taobao.item.skus.get': 'item_skus_get',
        'taobao.item.quantity.update': 'item_quantity_update',
        'taobao.skus.quantity.update': 'skus_quantity_update',
    }

    def time_get(self, params):
        return {'time': fmt(beijing_now())}

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
