# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Build TOP-shaped items (as taobao.item.seller.get returns them) for the sandbox."""
COLOR = ("1627207", "颜色分类")
SIZE = ("20509", "尺码")
VALUE_IDS = {"红色": "28326", "蓝色": "28338", "黑色": "28341", "S": "28314", "M": "28315",
             "L": "28316"}


def prop(attribute, value, vid=None):
    """``pid:vid:pname:vname`` of a colour or size value."""
    pid, pname = attribute
    return "%s:%s:%s:%s" % (pid, vid or VALUE_IDS.get(value, "9%d" % (hash(value) % 10000)),
                            pname, value)


def sku(sku_id, properties_name, price="10.00", outer_id=None, quantity=5):
    parts = [p.split(":") for p in properties_name.split(";")]
    row = {"sku_id": sku_id, "price": price, "quantity": quantity, "status": "normal",
           "properties_name": properties_name,
           "properties": ";".join("%s:%s" % tuple(p[:2]) for p in parts if len(p) > 1),
           "modified": "2024-06-01 10:00:00"}
    if outer_id:
        row["outer_id"] = outer_id
    return row


def item(num_iid, title, price="10.00", outer_id=None, skus=(), property_alias=None,
         modified="2024-06-01 10:00:00", approve_status="onsale"):
    row = {"num_iid": num_iid, "title": title, "price": price, "type": "fixed",
           "approve_status": approve_status, "modified": modified,
           "list_time": "2024-05-01 10:00:00", "nick": "test-seller",
           "num": sum(s["quantity"] for s in skus) or 10,
           "skus": {"sku": list(skus)}}
    if outer_id:
        row["outer_id"] = outer_id
    if property_alias:
        row["property_alias"] = property_alias
    if skus:
        row["props_name"] = ";".join(sorted({p for s in skus
                                             for p in s["properties_name"].split(";")}))
    return row


def tshirt(num_iid=5201, title="纯棉T恤", code="TS", prices=None, colors=("红色", "蓝色"),
           sizes=("S", "M"), skip=(), sku_base=None, **kwargs):
    """An item with one SKU per colour x size (minus ``skip``), codes CODE-COLOR-SIZE."""
    prices = prices or {}
    skus, sku_id = [], sku_base or num_iid * 100
    for color in colors:
        for size in sizes:
            sku_id += 1
            if (color, size) in skip:
                continue
            skus.append(sku(sku_id, "%s;%s" % (prop(COLOR, color), prop(SIZE, size)),
                            prices.get((color, size), prices.get(size, "59.00")),
                            "%s-%s-%s" % (code, VALUE_IDS[color], size)))
    return item(num_iid, title, price="59.00", outer_id=code, skus=skus, **kwargs)
