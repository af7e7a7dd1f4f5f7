# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Every province name form the platforms write -> Odoo's state of China."""
import pytest

from mapping.region_mapping import PROVINCES, province, province_names

# (name as a platform writes it, official name of Odoo's l10n_cn state).
FORMS = [(p.name, p.name) for p in PROVINCES] + [(p.short, p.name) for p in PROVINCES] + [
    # Provinces with 省, municipalities with 市 added or dropped.
    ("浙江", "浙江省"), ("黑龙江省", "黑龙江省"), ("北京", "北京市"), ("重庆市", "重庆市"),
    # Autonomous regions: full, short, and with the bare 自治区 or a wrong 省.
    ("广西", "广西壮族自治区"), ("广西自治区", "广西壮族自治区"), ("广西省", "广西壮族自治区"),
    ("广西壮族自治区", "广西壮族自治区"), ("内蒙古", "内蒙古自治区"), ("内蒙", "内蒙古自治区"),
    ("内蒙古自治区", "内蒙古自治区"), ("新疆", "新疆维吾尔自治区"),
    ("新疆自治区", "新疆维吾尔自治区"), ("新疆维吾尔自治区", "新疆维吾尔自治区"),
    ("宁夏", "宁夏回族自治区"), ("宁夏自治区", "宁夏回族自治区"),
    ("宁夏回族自治区", "宁夏回族自治区"), ("西藏", "西藏自治区"), ("西藏自治区", "西藏自治区"),
    # Special administrative regions.
    ("香港", "香港特别行政区"), ("香港特区", "香港特别行政区"),
    ("香港特别行政区", "香港特别行政区"), ("澳门", "澳门特别行政区"),
    ("澳门特区", "澳门特别行政区"), ("澳门特别行政区", "澳门特别行政区"),
    ("台湾", "台湾省"), (" 广 西 ", "广西壮族自治区"),
]


@pytest.mark.parametrize("written, official", FORMS)
def test_every_form_finds_the_official_province(written, official):
    assert province(written).name == official
    assert province_names(written)[0] == official


def test_the_table_holds_the_34_provinces_of_china_once():
    assert len(PROVINCES) == 34
    assert len({p.name for p in PROVINCES}) == 34
    assert len({p.short for p in PROVINCES}) == 34
    assert len({p.code for p in PROVINCES}) == 34


@pytest.mark.parametrize("written", ["", None, "省", "自治区", "火星", "California"])
def test_an_unknown_or_empty_name_finds_none(written):
    assert province(written) is None
    assert province_names(written) == ([written] if written else [])
