# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""JD API family: wares, SKUs, category attributes and stock."""
import copy

from ..top.core import beijing_now, fmt
from .core import Refused, id_list, number, page_of, project, text


class ItemsApi(object):
    """jingdong.ware.read.*, jingdong.sku.read.*, jingdong.category.read.*, jingdong.stock.*."""

    METHODS = {
        'jingdong.ware.read.searchWare4Valid': 'ware_search',
        'jingdong.sku.read.searchSkuList': 'sku_search',
        'jingdong.ware.read.findWareById': 'ware_get',
        'jingdong.category.read.findAttrsByCategoryIdUnlimitCate': 'category_attrs',
        'jingdong.stock.write.updateSkuStock': 'stock_update',
        'jingdong.stock.read.findSkuStock': 'stock_get',
    }

    def ware_search(self, params):
        ids = id_list(params, 'wareId', 20)
        statuses = id_list(params, 'wareStatusValue')
        item_num = text(params, 'itemNum')
        page = number(params, 'pageNo', 1, 1)
        size = number(params, 'pageSize', 20, 1, 100)
        rows = [w for w in sorted(self.store.wares.values(), key=lambda w: w['wareId'])
                if (not ids or str(w['wareId']) in ids)
                and (not statuses or str(w.get('wareStatus')) in statuses)
                and (not item_num or w.get('itemNum') == item_num)]
        fields = set(id_list(params, 'field'))
        return {'page': {'data': [project(w, fields) for w in page_of(rows, page, size)],
                         'pageNo': page, 'pageSize': size, 'totalItem': len(rows)}}

    def sku_search(self, params):
        wares, skus = id_list(params, 'wareId', 20), id_list(params, 'skuId', 20)
        statuses, outer = id_list(params, 'skuStatuValue'), id_list(params, 'outId', 20)
        if not (wares or skus or outer):
            raise Refused('wareId, skuId or outId is required', '商品编号、SKU编号或外部编码必填',
                          '100')
        page = number(params, 'pageNo', 1, 1)
        size = number(params, 'page_size', 20, 1, 100)
        rows = [s for s in sorted(self.store.skus.values(), key=lambda s: s['skuId'])
                if (not wares or str(s['wareId']) in wares)
                and (not skus or str(s['skuId']) in skus)
                and (not outer or s.get('outerId') in outer)
                and (not statuses or str(s.get('status')) in statuses)]
        fields = set(id_list(params, 'field'))
        return {'page': {'data': [project(s, fields) for s in page_of(rows, page, size)],
                         'pageNo': page, 'pageSize': size, 'totalItem': len(rows)}}

    def category_attrs(self, params):
        """The attributes of a category, of one attributeType when asked."""
        cid = number(params, 'cid')
        if cid is None:
            raise Refused('missing parameter cid', '缺少参数cid', '100')
        kind = number(params, 'attributeType')
        rows = [copy.deepcopy(a) for a in sorted(self.store.categories.get(cid, {}).values(),
                                                 key=lambda a: a['id'])
                if kind is None or a.get('attributeType') == kind]
        return {'findattrsbycategoryidunlimitcate_result': rows}

    def ware_get(self, params):
        ware = self.store.wares.get(number(params, 'wareId'))
        if ware is None:
            raise Refused('ware %s does not exist' % text(params, 'wareId'), '商品不存在', '301')
        return {'ware': project(ware, set(id_list(params, 'fields')))}

    def _sku(self, params):
        sku = self.store.skus.get(number(params, 'skuId'))
        if sku is None:
            raise Refused('sku %s does not exist' % text(params, 'skuId'), 'SKU不存在', '302')
        return sku

    def stock_update(self, params):
        sku = self._sku(params)
        stock = number(params, 'stockNum', None, 0)
        if stock is None:
            raise Refused('missing parameter stockNum', '缺少参数stockNum', '100')
        sku['stockNum'] = stock
        sku['modified'] = fmt(beijing_now())
        ware = self.store.wares.get(sku['wareId'])
        if ware is not None:
            ware['stockNum'] = sum(int(s.get('stockNum') or 0) for s in self.store.skus.values()
                                   if s['wareId'] == ware['wareId'] and s.get('status') != 4)
            self.store.touch(ware)
        return {'success': True}

    def stock_get(self, params):
        sku = self._sku(params)
        # The answer's shape is not documented anywhere we trust: one row per store.
        return {'skuStocks': [{'skuId': sku['skuId'], 'stockNum': sku.get('stockNum', 0),
                               'storeId': 0}]}
