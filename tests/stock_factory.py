# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Builders for the stock push tests: platform items for the sandbox, and the
matching Odoo products, SKU mappings and stock."""

PLATFORM_QTY = 99


def sandbox_item(num_iid, sku_ids=(), quantity=PLATFORM_QTY):
    """An item in TOP shape; with ``sku_ids`` its stock lives on the SKUs."""
    skus = [{"sku_id": sku_id, "num_iid": num_iid, "quantity": quantity,
             "outer_id": "OUT-%s" % sku_id, "price": "10.00", "status": "normal",
             "properties": "1627207:%s" % sku_id,
             "properties_name": "1627207:%s:Colour:C%s" % (sku_id, sku_id)}
            for sku_id in sku_ids]
    return {"num_iid": num_iid, "title": "Item %s" % num_iid, "approve_status": "onsale",
            "outer_id": "OUT-%s" % num_iid, "price": "10.00",
            "num": quantity * len(skus) if skus else quantity,
            "skus": {"sku": skus}}


def sku_quantities(item):
    return {int(s["sku_id"]): int(s["quantity"]) for s in item["skus"]["sku"]}


class StockFactory(object):
    def __init__(self, env, shop):
        self.env = env
        self.shop = shop

    def product(self, name):
        return self.env["product.product"].create({"name": name, "type": "product"})

    def map(self, num_iid, sku_id="", product=None):
        """A product and its SKU mapping (whose create makes the stock sync record)."""
        product = product or self.product("P %s/%s" % (num_iid, sku_id))
        return self.env["ecommerce.sku.mapping"].create({
            "shop_id": self.shop.id, "num_iid": str(num_iid), "sku_id": str(sku_id),
            "outer_id": "OUT-%s" % (sku_id or num_iid), "product_id": product.id})

    def stock(self, product, qty, location=None):
        location = location or self.shop.warehouse_id.lot_stock_id
        self.env["stock.quant"]._update_available_quantity(product, location, qty)

    def records(self, mappings):
        return self.env["ecommerce.stock.sync"].search([("mapping_id", "in", mappings.ids)])
