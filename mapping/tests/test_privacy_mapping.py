# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Masked receivers: addresses keyed by OAID, buyers by open id where the nick is masked."""
from mapping.jd_mapping import address_of as jd_address_of
from mapping.trade_mapping import address_of, plan_trade

MASKED = {"receiver_name": "陈*", "receiver_mobile": "*******1234",
          "receiver_state": "浙江省", "receiver_city": "杭州市", "receiver_district": "西湖区",
          "receiver_address": "文三路**号"}


def trade(**fields):
    row = {"tid": "1", "status": "WAIT_SELLER_SEND_GOODS", "created": "2026-11-30 10:00:00",
           "buyer_nick": "tb_chen", "payment": "1.00",
           "orders": [{"oid": "1", "num_iid": "5", "price": "1.00", "num": 1}]}
    row.update(fields)
    return row


def test_same_mask_other_oaid_gives_another_address():
    one = address_of(dict(MASKED, oaid="aaa"))
    two = address_of(dict(MASKED, oaid="bbb"))
    assert one["full"] == two["full"] == "浙江省 杭州市 西湖区 文三路**号"
    assert one["key"] != two["key"]
    assert one["oaid"] == "aaa" and one["name"] == "陈*" and one["mobile"] == "*******1234"


def test_same_oaid_is_the_same_address_and_plain_keeps_its_key():
    assert address_of(dict(MASKED, oaid="aaa"))["key"] == \
        address_of(dict(MASKED, receiver_name="陈**", oaid="aaa"))["key"]
    plain = dict(MASKED, receiver_name="陈明", receiver_address="文三路90号")
    assert address_of(plain)["oaid"] == ""
    assert address_of(plain)["key"] != address_of(dict(plain, receiver_address="文三路12号"))["key"]


def test_masked_nick_uses_the_open_uid():
    masked = plan_trade(trade(buyer_nick="t**n", buyer_open_uid="AAHxyz"))
    assert (masked["buyer_nick"], masked["buyer_name"]) == ("AAHxyz", "t**n")
    plain = plan_trade(trade(buyer_open_uid="AAHxyz"))
    assert (plain["buyer_nick"], plain["buyer_name"]) == ("tb_chen", "tb_chen")


def test_jd_address_keyed_by_oaid():
    info = {"fullname": "王**", "mobile": "*******5678", "province": "浙江", "city": "杭州市",
            "county": "西湖区", "fullAddress": "浙江 杭州市 西湖区 文三路**号"}
    one = jd_address_of({"consigneeInfo": info, "oaid": "o1"})
    two = jd_address_of({"consigneeInfo": info, "oaid": "o2"})
    assert one["oaid"] == "o1" and one["key"] != two["key"]
    assert one["key"] == jd_address_of({"consigneeInfo": dict(info, fullname="王*"),
                                        "oaid": "o1"})["key"]
