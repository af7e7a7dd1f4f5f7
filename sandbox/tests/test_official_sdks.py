# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Each sandbox answers the platform's official Python SDK from PyPI over HTTP.

JD's ``jd-sdk`` and TOP's SDK as packaged in ``py-taobao-open`` sign and send
calls their own way (timestamps with the server's zone offset or in epoch
milliseconds, parameters in the query string or the body): a sandbox that drifts
from what the real gateways accept fails here. The SDKs run in a child process
whose clock is in UTC (TZ=UTC), as on most servers.

The SDKs are installed in the Python 3.11 environment (requirements-py311.txt):
there a missing SDK is a failure; the Python 3.7 run skips these tests.
"""
import datetime
import json
import os
import subprocess
import sys
import textwrap

import pytest

from jd_client.tests.conftest import APP_KEY as JD_KEY, APP_SECRET as JD_SECRET, \
    TOKEN as JD_TOKEN, JdSandbox
from top_client.tests.conftest import APP_KEY, APP_SECRET, SESSION, Sandbox

SDK_PYTHON = (3, 11)
pytestmark = pytest.mark.skipif(
    sys.version_info < SDK_PYTHON,
    reason="the official SDKs are installed in the Python 3.11 environment only")

JD_SCRIPT = textwrap.dedent('''
    import json, sys
    import jd
    from jd.api.base import RestApi

    def request(port, method, params):
        """A JOS call through the SDK's own signing and transport, as the SDK's
        generated request classes make them."""
        call = type("Request", (RestApi,), {"getapiname": lambda self: method})(
            "127.0.0.1", port)
        call.__dict__.update(params)
        return call

    port, key, secret, token, calls = (int(sys.argv[1]), sys.argv[2], sys.argv[3],
                                       sys.argv[4], json.loads(sys.argv[5]))
    jd.setDefaultAppInfo(key, secret)
    print(json.dumps([request(port, method, params).getResponse(token)
                      for method, params in calls]))
''')

TOP_SCRIPT = textwrap.dedent('''
    import json, sys
    import taobao_open
    from taobao_open.api.base import RestApi
    from taobao_open.api.rest.TimeGetRequest import TimeGetRequest
    from taobao_open.api.rest.ItemSkusGetRequest import ItemSkusGetRequest

    class TradesSoldGet(RestApi):
        def __init__(self, domain, port):
            RestApi.__init__(self, domain, port)
            self.fields = None
            self.page_size = None

        def getapiname(self):
            return "taobao.trades.sold.get"

    port, key, secret, session, num_iid = (int(sys.argv[1]), sys.argv[2], sys.argv[3],
                                           sys.argv[4], sys.argv[5])
    taobao_open.setDefaultAppInfo(key, secret)
    skus = ItemSkusGetRequest("127.0.0.1", port)
    skus.fields, skus.num_iids = "sku_id,num_iid,quantity", num_iid
    trades = TradesSoldGet("127.0.0.1", port)
    trades.fields, trades.page_size = "tid,status", 5
    print(json.dumps([TimeGetRequest("127.0.0.1", port).getResponse(),
                      skus.getResponse(session), trades.getResponse(session)]))
''')


def beijing(**delta):
    moment = datetime.datetime.utcnow() + datetime.timedelta(hours=8) + \
        datetime.timedelta(**delta)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def run_sdk(script, *args):
    """The SDK's answers, run in a child process whose clock is in UTC."""
    done = subprocess.run([sys.executable, "-c", script] + [str(a) for a in args],
                          env=dict(os.environ, TZ="UTC"), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return json.loads(done.stdout.decode("utf-8"))


@pytest.fixture(scope="module")
def jd_box(tmp_path_factory):
    box = JdSandbox(str(tmp_path_factory.mktemp("jd_sdk")))
    yield box
    box.stop()


@pytest.fixture(scope="module")
def top_box(tmp_path_factory):
    box = Sandbox(str(tmp_path_factory.mktemp("top_sdk")))
    yield box
    box.stop()


def test_the_sdks_are_installed():
    import jd  # noqa: F401 pylint: disable=unused-import,import-outside-toplevel
    import taobao_open  # noqa: F401 pylint: disable=unused-import,import-outside-toplevel


def test_jd_sdk_on_a_utc_server_reads_orders_skus_and_attribute_names(jd_box):
    jd_box.control("reset")
    ware = jd_box.control("state")["wares"][0]
    calls = [
        ("jingdong.pop.order.search", {
            "start_date": beijing(days=-30), "end_date": beijing(hours=1),
            "order_state": "WAIT_SELLER_STOCK_OUT,LOCKED", "optional_fields":
            "orderId,orderState", "page": 1, "page_size": 100}),
        ("jingdong.sku.read.searchSkuList", {"wareId": [ware["wareId"]], "page_size": 50}),
        ("jingdong.category.read.findAttrsByCategoryIdUnlimitCate", {
            "cid": ware["categoryId"], "attributeType": 4}),
    ]
    orders, skus, attrs = run_sdk(JD_SCRIPT, jd_box.port, JD_KEY, JD_SECRET, JD_TOKEN,
                                  json.dumps(calls))
    found = orders["jingdong_pop_order_search_responce"]["searchorderinfo_result"]
    assert found["apiResult"]["success"] is True
    assert found["orderInfoList"]
    states = {o["orderState"] for o in found["orderInfoList"]}
    assert states <= {"WAIT_SELLER_STOCK_OUT", "LOCKED"}
    rows = skus["jingdong_sku_read_searchSkuList_responce"]["page"]["data"]
    sale_attrs = [a for sku in rows for a in sku["saleAttrs"]]
    assert sale_attrs and all("attrName" not in a for a in sale_attrs)
    names = {str(a["id"]): a["name"] for a in attrs[
        "jingdong_category_read_findAttrsByCategoryIdUnlimitCate_responce"][
        "findattrsbycategoryidunlimitcate_result"]}
    assert {a["attrId"] for a in sale_attrs} <= set(names)
    # The SDK sent its UTC clock with the offset, and the sandbox took it as UTC.
    stamps = [line["params"]["timestamp"] for line in jd_box.log_lines()[-3:]]
    assert all(stamp.endswith(".000+0000") for stamp in stamps), stamps


def test_jd_sandbox_refuses_a_utc_clock_sent_as_beijing_time(jd_box):
    """Without its offset a UTC clock is 8 hours off Beijing time: error 8."""
    jd_box.control("reset")
    script = JD_SCRIPT.replace("import jd\n", "import jd, time\n"
                               "import jd.api.base as base\n"
                               "base.time = type('Clock', (), {'localtime': time.localtime, "
                               "'strftime': staticmethod(lambda form, moment: time.strftime("
                               "'%Y-%m-%d %H:%M:%S', moment))})\n")
    [answer] = run_sdk(script, jd_box.port, JD_KEY, JD_SECRET, JD_TOKEN,
                       json.dumps([("jingdong.sku.read.searchSkuList", {"wareId": [1]})]))
    assert str(answer["error_response"]["code"]) == "8"


def test_top_sdk_reads_time_skus_and_trades(top_box):
    top_box.control("reset")
    num_iid = top_box.control("state")["items"][0]["num_iid"]
    clock, skus, trades = run_sdk(TOP_SCRIPT, top_box.port, APP_KEY, APP_SECRET, SESSION,
                                  num_iid)
    assert clock["time_get_response"]["time"]
    listed = skus["item_skus_get_response"]["skus"]["sku"]
    assert listed and all(str(s["num_iid"]) == str(num_iid) for s in listed)
    assert trades["trades_sold_get_response"]["total_results"] >= 1
