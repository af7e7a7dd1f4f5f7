#!/usr/bin/env python3
# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""An own web shop talking to Odoo over XML-RPC (docs/own_shop.md). Standard library only.

Against the demo (`make demo`, in another terminal):

    python3 docs/examples/own_shop_client.py

It makes sure an own shop "WEB" with one listing (WEB-TEE-M, 10 in stock) exists, then
pushes a new order and one with an unknown merchant code, pushes the first again (nothing
changes), adds a seller memo (the order is held), and reads the sellable stock.
Creating the shop and making its key need an E-commerce Manager (admin and seller in the
demo); pushing orders needs the group E-commerce Own Shop Feed and the shop's key
(``--key``; without it a manager's login makes a new key, which replaces the last one).
"""
import argparse
import json
import xmlrpc.client
from datetime import datetime, timedelta

SHOP_CODE = "WEB"
CODE = "WEB-TEE-M"


class Odoo(object):
    def __init__(self, url, db, login, password):
        self.db, self.password = db, password
        self.uid = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common").authenticate(
            db, login, password, {})
        if not self.uid:
            raise SystemExit("login %s refused by %s (database %s)" % (login, url, db))
        self.object = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/object")

    def call(self, model, method, *args, **kwargs):
        return self.object.execute_kw(self.db, self.uid, self.password, model, method,
                                      list(args), kwargs)


def ensure_shop(odoo):
    """The own shop, its listing and some stock (created on the first run only)."""
    shops = odoo.call("ecommerce.shop", "search", [("code", "=", SHOP_CODE)])
    if shops:
        return shops[0]
    shop_id = odoo.call("ecommerce.shop", "create", {
        "name": "Own web shop (example)", "code": SHOP_CODE, "platform": "own"})
    product_id = odoo.call("product.product", "create", {
        "name": "T-shirt M (own shop example)", "type": "product", "default_code": CODE,
        "list_price": 59.0})
    # Item ID = merchant code, no SKU ID: how an own-shop listing is mapped.
    odoo.call("ecommerce.sku.mapping", "create", {
        "shop_id": shop_id, "num_iid": CODE, "product_id": product_id})
    [shop] = odoo.call("ecommerce.shop", "read", [shop_id], ["warehouse_id"])
    [warehouse] = odoo.call("stock.warehouse", "read", [shop["warehouse_id"][0]],
                            ["lot_stock_id"])
    [product] = odoo.call("product.product", "read", [product_id], ["product_tmpl_id"])
    wizard = odoo.call("stock.change.product.qty", "create", {
        "product_id": product_id, "product_tmpl_id": product["product_tmpl_id"][0],
        "location_id": warehouse["lot_stock_id"][0], "new_quantity": 10})
    odoo.call("stock.change.product.qty", "change_product_qty", [wizard])
    return shop_id


def beijing_now():
    return (datetime.utcnow() + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")


def new_order(number, created):
    return {
        "number": number, "created": created, "modified": created, "status": "paid",
        "buyer": {"id": "u-1001", "nick": "小王"},
        "address": {"name": "王小明", "mobile": "13800000000", "province": "浙江省",
                    "city": "杭州市", "district": "西湖区", "street": "文三路 1 号",
                    "zip": "310000"},
        "lines": [{"line_id": "1", "merchant_code": CODE, "title": "T-shirt M", "qty": 2,
                   "paid": "118.00"}],
        "postage": "8.00", "discount": "5.00", "payment": "121.00",
        "buyer_message": "", "seller_memo": "",
    }


def show(title, value):
    # A command-line example talks to its user on stdout.
    print(  # pylint: disable=print-used
        "%s\n%s\n" % (title, json.dumps(value, ensure_ascii=False, indent=2)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="ecommerce_demo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--key", help="the shop's key (made once by a manager)")
    args = parser.parse_args()
    odoo = Odoo(args.url, args.db, args.login, args.password)
    shop_id = ensure_shop(odoo)
    key = args.key
    if not key:
        key = odoo.call("ecommerce.shop", "generate_own_key", [shop_id])["key"]
        show("A new key of the shop (shown once: keep it, pass it with --key):", key)

    def shop(method, *params, **kwargs):
        return odoo.call("ecommerce.shop", method, [shop_id], *params, key=key, **kwargs)

    created = beijing_now()
    number = "W" + created.replace("-", "").replace(" ", "").replace(":", "")
    order = new_order(number, created)
    unknown = dict(new_order(number + "-2", created),
                   lines=[{"merchant_code": "NO-SUCH-CODE", "qty": 1, "paid": "118.00"}],
                   payment="121.00")
    show("Push two orders:", shop("receive_orders", [order, unknown]))
    show("Push the first again (nothing changes):", shop("receive_orders", [order]))
    # A change is a newer push of the whole order: a later `modified`.
    later = (datetime.strptime(created, "%Y-%m-%d %H:%M:%S") + timedelta(minutes=1))
    changed = dict(order, modified=later.strftime("%Y-%m-%d %H:%M:%S"),
                   seller_memo="Gift wrap, please")
    show("Add a seller memo (the order is held for review):",
         shop("receive_orders", [changed]))
    show("Sellable stock:", shop("get_sellable_stock", skus=[CODE, "NO-SUCH-CODE"]))


if __name__ == "__main__":
    main()
