#!/usr/bin/env python3
# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The demo's own web shop (自有商城): its server pushes a few paid orders into Odoo over
XML-RPC with the shop's key, as docs/own_shop.md describes. Standard library only.

    python3 tools/demo_own_feed.py [--url http://localhost:8069] [--db ecommerce_demo]

tools/run_demo.sh runs it once the demo serves. A manager (admin) makes a new key for the
shop WEB, which replaces the last one; the shop's account (webshop) pushes the orders with
it. Order numbers are fixed: pushed again, a known order answers "unchanged".
"""
import argparse
import os
import sys
from datetime import datetime, timedelta

# The documented example's XML-RPC login: the demo runs the code a web shop copies.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs",
                                "examples"))
from own_shop_client import Odoo  # noqa: E402  (found through the path above)

SHOP_CODE = "WEB"
ADDRESS = {"name": "王小明", "mobile": "13800000000", "province": "浙江省", "city": "杭州市",
           "district": "西湖区", "street": "文三路 1 号", "zip": "310000"}


def beijing(minutes_ago):
    when = datetime.utcnow() + timedelta(hours=8) - timedelta(minutes=minutes_ago)
    return when.strftime("%Y-%m-%d %H:%M:%S")


def order(number, minutes_ago, nick, lines, postage="0.00", message=""):
    """A paid order; ``lines`` are (merchant code, title, qty, paid for the line)."""
    paid = sum(int(round(float(line[3]) * 100)) for line in lines)
    payment = paid + int(round(float(postage) * 100))
    created = beijing(minutes_ago)
    return {
        "number": number, "created": created, "modified": created, "status": "paid",
        "buyer": {"id": "web-" + nick, "nick": nick}, "address": ADDRESS,
        "lines": [{"line_id": str(index + 1), "merchant_code": code, "title": title,
                   "qty": qty, "paid": amount}
                  for index, (code, title, qty, amount) in enumerate(lines)],
        "postage": postage, "payment": "%d.%02d" % divmod(payment, 100),
        "buyer_message": message,
    }


ORDERS = [
    order("D1001", 45, "小王", [("WEB-TEE-M", "纯棉T恤 M码", 2, "118.00")], postage="8.00"),
    order("D1002", 30, "李女士", [
        ("WEB-MUG", "陶瓷马克杯", 1, "35.00"), ("WEB-TEE-M", "纯棉T恤 M码", 1, "59.00")]),
    order("D1003", 10, "老张", [("WEB-MUG", "陶瓷马克杯", 4, "128.00")], postage="10.00",
          message="请用纸箱包装，谢谢"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="ecommerce_demo")
    args = parser.parse_args()
    admin = Odoo(args.url, args.db, "admin", "admin")
    shop_ids = admin.call("ecommerce.shop", "search", [("code", "=", SHOP_CODE)])
    if not shop_ids:
        raise SystemExit("no shop %s: start the demo with make demo" % SHOP_CODE)
    key = admin.call("ecommerce.shop", "generate_own_key", shop_ids)["key"]
    webshop = Odoo(args.url, args.db, "webshop", "webshop")
    answer = webshop.call("ecommerce.shop", "receive_orders", shop_ids, ORDERS, key=key)
    for result in answer["results"]:
        note = " (%s)" % result["reason"] if result.get("reason") else ""
        if result.get("held"):
            note = " (held for review)"
        print("own shop order %s: %s%s" % (result["order"], result["result"], note))


if __name__ == "__main__":
    main()
