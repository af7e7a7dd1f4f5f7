# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""TOP-shaped trades for the order tests, with money as sandbox/README.md says.

A goods line is ``line(num_iid, sku_id, price, num, discount, adjust, mjz)``;
amounts in cents. Times are Beijing strings, as TOP sends them.
"""
from datetime import datetime, timedelta

from odoo.addons.ecommerce_sync.top_client import beijing_str

NUM_IID = 520000000001
SKU_ID = "4000000000001"


def money(cents):
    sign = "-" if cents < 0 else ""
    return "%s%d.%02d" % ((sign,) + divmod(abs(int(cents)), 100))


def ago(**delta):
    """Beijing time string of utcnow - delta."""
    return beijing_str(datetime.utcnow().replace(microsecond=0) - timedelta(**delta))


def line(num_iid=NUM_IID, sku_id=SKU_ID, price=9900, num=1, discount=0, adjust=0, mjz=0,
         outer_iid="WA-01", outer_sku_id="WA-01-S", title="Widget A", gift=False):
    return {"num_iid": num_iid, "sku_id": sku_id, "price": price, "num": num,
            "discount": discount, "adjust": adjust, "mjz": mjz, "outer_iid": outer_iid,
            "outer_sku_id": outer_sku_id, "title": title, "gift": gift}


def gift_line(num_iid=520000000009, title="Free sample", outer_iid=""):
    return line(num_iid=num_iid, sku_id="", price=0, outer_iid=outer_iid, outer_sku_id="",
                title=title, gift=True)


ADDRESS = {"receiver_name": "张三", "receiver_state": "浙江省", "receiver_city": "杭州市",
           "receiver_district": "西湖区", "receiver_town": "", "receiver_address": "文三路1号",
           "receiver_zip": "310000", "receiver_mobile": "13800000000", "receiver_phone": ""}


def trade(tid, lines=None, post_fee=0, status="WAIT_SELLER_SEND_GOODS", buyer_nick="tb_buyer",
          created=None, modified=None, buyer_message=None, seller_memo=None,
          promo_gifts=(), address=None, **extra):
    lines = lines or [line()]
    orders = []
    single = len(lines) == 1
    for index, spec in enumerate(lines):
        total = spec["price"] * spec["num"] + spec["adjust"] - spec["discount"]
        divide = total - spec["mjz"]
        order = {
            "oid": tid if single else "%s%02d" % (tid, index), "num_iid": spec["num_iid"],
            "sku_id": spec["sku_id"], "outer_iid": spec["outer_iid"],
            "outer_sku_id": spec["outer_sku_id"], "title": spec["title"],
            "sku_properties_name": "颜色分类:黑色" if spec["sku_id"] else "",
            "price": money(spec["price"]), "num": spec["num"], "total_fee": money(total),
            "discount_fee": money(spec["discount"]), "adjust_fee": money(spec["adjust"]),
            "part_mjz_discount": money(spec["mjz"]), "divide_order_fee": money(divide),
            "payment": money(divide + (post_fee if single else 0)),
            "refund_status": "NO_REFUND", "status": status,
        }
        if spec["gift"]:
            order["is_free_gift"] = True
        orders.append(order)
    specs = lines
    payment = sum(s["price"] * s["num"] + s["adjust"] - s["discount"] - s["mjz"]
                  for s in specs) + post_fee
    created = created or ago(hours=2)
    promos = [{"id": tid, "promotion_name": "满就送", "discount_fee": "0.00",
               "gift_item_id": str(num_iid), "gift_item_name": name, "gift_item_num": str(qty)}
              for num_iid, name, qty in promo_gifts]
    if any(s["mjz"] for s in specs):
        promos.append({"id": tid, "promotion_name": "满199减20",
                       "discount_fee": money(sum(s["mjz"] for s in specs))})
    result = {
        "tid": tid, "status": status, "type": "fixed", "created": created,
        "modified": modified or created, "pay_time": created, "buyer_nick": buyer_nick,
        "seller_nick": "悦享生活旗舰店", "seller_flag": 1 if seller_memo else 0,
        "has_buyer_message": bool(buyer_message),
        "total_fee": money(sum(s["price"] * s["num"] for s in specs)),
        "post_fee": money(post_fee),
        "discount_fee": money(sum(s["discount"] + s["mjz"] for s in specs)),
        "adjust_fee": money(sum(s["adjust"] for s in specs)), "payment": money(payment),
        "orders": {"order": orders},
        "promotion_details": {"promotion_detail": promos},
    }
    result.update(address or ADDRESS)
    if buyer_message:
        result["buyer_message"] = buyer_message
    if seller_memo:
        result["seller_memo"] = seller_memo
    result.update(extra)
    return result
