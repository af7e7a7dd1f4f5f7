# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Province names as the platforms write them -> the provinces of China. Pure Python.

Taobao, JD and own shops write a province in full (广西壮族自治区), short (广西), or
half-way (广西自治区, 新疆自治区, 香港特区, 北京); Odoo's states of China (the
l10n_cn data) carry the full official name and a one-character code. ``province``
turns every such form into that pair, so that no region ends with an empty province.
"""
from collections import namedtuple

Province = namedtuple("Province", "name short code")

# (official name, short name, code of Odoo's l10n_cn state). 四川 is 蜀 and
# 重庆 "渝 " (with a space) in that data: the lookup matches the name first.
PROVINCES = tuple(Province(*row) for row in (
    ("北京市", "北京", "京"), ("天津市", "天津", "津"), ("上海市", "上海", "沪"),
    ("重庆市", "重庆", "渝"), ("河北省", "河北", "冀"), ("山西省", "山西", "晋"),
    ("辽宁省", "辽宁", "辽"), ("吉林省", "吉林", "吉"), ("黑龙江省", "黑龙江", "黑"),
    ("江苏省", "江苏", "苏"), ("浙江省", "浙江", "浙"), ("安徽省", "安徽", "皖"),
    ("福建省", "福建", "闽"), ("江西省", "江西", "赣"), ("山东省", "山东", "鲁"),
    ("河南省", "河南", "豫"), ("湖北省", "湖北", "鄂"), ("湖南省", "湖南", "湘"),
    ("广东省", "广东", "粤"), ("海南省", "海南", "琼"), ("四川省", "四川", "蜀"),
    ("贵州省", "贵州", "黔"), ("云南省", "云南", "滇"), ("陕西省", "陕西", "陕"),
    ("甘肃省", "甘肃", "甘"), ("青海省", "青海", "青"), ("台湾省", "台湾", "台"),
    ("内蒙古自治区", "内蒙古", "蒙"), ("广西壮族自治区", "广西", "桂"),
    ("西藏自治区", "西藏", "藏"), ("宁夏回族自治区", "宁夏", "宁"),
    ("新疆维吾尔自治区", "新疆", "新"), ("香港特别行政区", "香港", "港"),
    ("澳门特别行政区", "澳门", "澳"),
))
# Longest first: 维吾尔自治区 must go before 自治区 leaves "新疆维吾尔".
SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "特区", "省", "市")
# Short forms some platforms and buyers use besides the usual one.
ALIASES = {"内蒙": "内蒙古", "新疆维吾尔": "新疆", "广西壮族": "广西", "宁夏回族": "宁夏"}
BY_SHORT = {p.short: p for p in PROVINCES}


def province(name):
    """The Province a platform's province name stands for, or None if none.

    Spaces are ignored; full, short and suffixed forms all match.
    """
    text = "".join(str(name or "").split())
    if not text:
        return None
    for suffix in SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[:-len(suffix)]
            break
    return BY_SHORT.get(ALIASES.get(text, text))


def province_names(name):
    """Every name under which Odoo may hold the province of ``name`` (official
    first), or just ``name`` for a place this table does not know."""
    found = province(name)
    if found is None:
        return [name] if name else []
    return [found.name, found.short]
