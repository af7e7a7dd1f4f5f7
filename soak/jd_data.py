# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""JD wares and orders for the soak's JD shop, in the JD sandbox's data-file shape.

Some JD wares sell the same products as the Taobao shop (the SKU's merchant code is
the code of a Taobao item without SKUs), so one product's stock backs two shops.
Money follows sandbox/README.md: orderTotalPrice = sum(jdPrice x itemTotal),
orderSellerPrice = total (no seller coupons), orderPayment = total + freight.
Stdlib only.
"""
import datetime
import random

FMT = "%Y-%m-%d %H:%M:%S"
# JD state -> share of the generated orders. TRADE_CANCELED ones are never imported.
STATE_WEIGHTS = [("WAIT_SELLER_STOCK_OUT", 62), ("WAIT_GOODS_RECEIVE_CONFIRM", 14),
                 ("FINISHED_L", 10), ("TRADE_CANCELED", 9), ("LOCKED", 5)]
PAYABLE_STATES = {"WAIT_SELLER_STOCK_OUT", "WAIT_SELLER_DELIVERY", "WAIT_SEND_CODE", "LOCKED",
                  "POP_ORDER_PAUSE", "PAUSE", "WAIT_GOODS_RECEIVE_CONFIRM", "FINISHED_L"}
SF_CARRIER = "467"
WARE_BASE, SKU_BASE, ORDER_BASE = 20000000000, 300000000000, 290000000000


def shared_codes(taobao_items, count):
    """Merchant codes of Taobao items without SKUs: the products both shops sell."""
    codes = [item["outer_id"] for item in taobao_items
             if item.get("outer_id") and not (item.get("skus") or {}).get("sku")
             and item.get("approve_status") == "onsale" and not item["outer_id"].startswith("GIFT")]
    return codes[:count]


def make_wares(taobao_items, wares, skus_per_ware, shared, modified):
    result = []
    for code_index, code in enumerate(shared_codes(taobao_items, shared)):
        ware_id = WARE_BASE + code_index + 1
        result.append(ware(ware_id, "共享商品 %s" % code, code, [(SKU_BASE + ware_id, code, "")],
                           modified))
    for index in range(wares):
        ware_id = WARE_BASE + 100 + index
        skus = [(SKU_BASE + ware_id * 10 + n, "JD%03d-%d" % (index, n), "款式%d" % n)
                for n in range(skus_per_ware)]
        result.append(ware(ware_id, "京东商品 %d" % index, "JD%03d" % index, skus, modified))
    return result


def ware(ware_id, title, code, skus, modified):
    price = "%d.00" % (30 + ware_id % 70)
    rows = []
    for sku_id, outer_id, style in skus:
        attrs = [{"attrId": "1000000041", "attrName": "规格", "attrValues": [str(sku_id)],
                  "attrValueAlias": [style], "index": 1}] if style else []
        rows.append({"skuId": sku_id, "wareId": ware_id, "outerId": outer_id, "saleAttrs": attrs,
                     "jdPrice": price, "stockNum": 0, "status": 1,
                     "skuName": ("%s %s" % (title, style)).strip(), "modified": modified})
    return {"wareId": ware_id, "title": title, "itemNum": code, "wareStatus": 8,
            "jdPrice": price, "stockNum": 0, "modified": modified, "skus": rows}


def make_order(rng, number, wares, start, now):
    created = start + datetime.timedelta(seconds=rng.uniform(0, (now - start).total_seconds()))
    state = rng.choices([s for s, _w in STATE_WEIGHTS], [w for _s, w in STATE_WEIGHTS])[0]
    modified = min(now, created + datetime.timedelta(minutes=rng.randint(2, 240)))
    items, total = [], 0
    for ware_row in rng.sample(wares, rng.choice([1, 1, 1, 2])):
        sku = rng.choice(ware_row["skus"])
        count = rng.choice([1, 1, 2])
        items.append({"skuId": str(sku["skuId"]), "outerSkuId": sku["outerId"],
                      "skuName": sku["skuName"], "jdPrice": sku["jdPrice"],
                      "itemTotal": str(count), "wareId": str(ware_row["wareId"]),
                      "productNo": ware_row["itemNum"], "giftPoint": "0"})
        total += int(float(sku["jdPrice"]) * 100) * count
    freight = rng.choice([0, 0, 1000])
    order_id = str(ORDER_BASE + number)
    order = {
        "orderId": order_id, "venderId": "10086001", "orderType": "22", "payType": "4-在线支付",
        "orderTotalPrice": cents(total), "orderSellerPrice": cents(total),
        "orderPayment": cents(total + freight), "freightPrice": cents(freight),
        "sellerDiscount": "0.00", "balanceUsed": "0.00", "orderState": state,
        "orderRemark": "", "venderRemark": "", "orderStartTime": created.strftime(FMT),
        "orderEndTime": "", "paymentConfirmTime":
            (created + datetime.timedelta(minutes=1)).strftime(FMT),
        "modified": modified.strftime(FMT), "waybill": "", "logisticsId": "",
        "consigneeInfo": {"fullname": "买家%d" % number, "telephone": "",
                          "mobile": "138%08d" % number, "province": "北京", "city": "北京市",
                          "county": "朝阳区", "town": "",
                          "fullAddress": "北京 北京市 朝阳区 建国路%d号" % (number % 300 + 1)},
        "itemInfoList": items, "couponDetailList": [], "pin": "jd_soak_%d" % number}
    if state in ("WAIT_GOODS_RECEIVE_CONFIRM", "FINISHED_L"):
        order.update(logisticsId=SF_CARRIER, waybill="SF%012d" % number)
    if state in ("FINISHED_L", "TRADE_CANCELED"):
        order["orderEndTime"] = modified.strftime(FMT)
    return order


def cents(value):
    return "%d.%02d" % divmod(int(value), 100)


def generate_jd(taobao_items, orders, days, seed, now, wares=8, skus_per_ware=3, shared=3):
    """{"wares", "orders", "refunds"} for the JD sandbox; ``now`` a Beijing datetime."""
    rng = random.Random(seed * 7 + 3)
    start = now - datetime.timedelta(days=days)
    ware_rows = make_wares(taobao_items, wares, skus_per_ware, shared,
                           (start - datetime.timedelta(days=1)).strftime(FMT))
    return {"wares": ware_rows, "refunds": [],
            "orders": [make_order(rng, n + 1, ware_rows, start, now) for n in range(orders)]}
