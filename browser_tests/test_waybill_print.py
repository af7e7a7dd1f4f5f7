# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""打单发货 in the browser, in Chinese: a batch of 12 deliveries of masked trades gets its
e-waybills (two ii.get calls), the labels go to the print component emulator in the
batch's order on the printer the packer chose, a reprint costs no waybill, the parcels
ship on the platform with their codes, a cancelled waybill returns its quantity.

Self-contained (its own shop, trades and print component): run it alone with
``tools/run_browser_test.sh -k waybill``.
"""
import copy
import datetime
import json
import re
import socket
import subprocess
import sys
import time

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browser_tests.conftest import BUSY_WAIT, Rpc
from browser_tests.helpers import ROOT, tr

COUNT = 12
# The trades of this test are 40 days old, a window no demo trade is in (the demo data
# of the other steps is of the last days): the import takes only them.
AGE = datetime.timedelta(days=40)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def component(config, tmp_path_factory):
    """The print component emulator, and Odoo told where it listens."""
    port = free_port()
    record = tmp_path_factory.mktemp("component") / "printed.jsonl"
    proc = subprocess.Popen([sys.executable, str(ROOT / "sandbox" / "print_component.py"),
                             "--port", str(port), "--record", str(record)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = "http://127.0.0.1:%d" % port
    for _n in range(100):
        try:
            requests.get(base + "/_component/documents", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    Rpc(config, "admin", "admin").kw("ir.config_parameter", "set_param", [
        "ecommerce_sync.print_component_url", "ws://127.0.0.1:%d" % port])
    yield {"base": base, "record": record}
    proc.terminate()
    proc.wait(10)


def documents(component):
    return requests.get(component["base"] + "/_component/documents", timeout=10) \
        .json()["documents"]


def waybill_state(sandbox):
    return sandbox.get("/_sandbox/waybill")


@pytest.fixture(scope="module")
def batch(config, sandbox, rpc):
    """A shop on the sandbox, 12 masked trades imported, their deliveries in one batch."""
    sandbox.post("/_sandbox/privacy", {"masked": True})
    base = next(t for t in sandbox.state()["trades"]
                if t["status"] == "WAIT_SELLER_SEND_GOODS"
                and len(t["orders"]["order"]) == 1 and t["orders"]["order"][0].get("sku_id"))
    order = base["orders"]["order"][0]
    created = datetime.datetime.utcnow().replace(microsecond=0) - AGE
    beijing = (created + datetime.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")
    window = {"date_from": str(created - datetime.timedelta(minutes=10)),
              "date_to": str(created + datetime.timedelta(minutes=10))}
    trades = []
    for n in range(COUNT + 1):
        trade = copy.deepcopy(base)
        tid = str(3900000000000000000 + n * 10)
        trade.update(tid=tid, seller_memo="", buyer_message="", has_buyer_message=False,
                     seller_flag=0, created=beijing, modified=beijing, pay_time=beijing)
        trade["orders"]["order"][0].update(oid=tid, status="WAIT_SELLER_SEND_GOODS",
                                           refund_status="NO_REFUND")
        trades.append(trade)
    sandbox.post("/_sandbox/upsert", {"trades": trades})
    shop_id = rpc.kw("ecommerce.shop", "create", [{
        "name": "面单测试店", "code": "WB", "platform": "sandbox",
        "app_key": config["SANDBOX_APP_KEY"], "app_secret": config["SANDBOX_APP_SECRET"],
        "app_url": config["SANDBOX_URL"], "session_key": config["SANDBOX_SESSION"],
        "auth_url": config["SANDBOX_URL"] + "/oauth/authorize",
        "token_url": config["SANDBOX_URL"] + "/oauth/token"}])
    product_id = rpc.kw("product.product", "create", [{"name": "茶杯 (面单)", "type": "product"}])
    rpc.kw("ecommerce.sku.mapping", "create", [{
        "shop_id": shop_id, "num_iid": str(order["num_iid"]), "sku_id": str(order["sku_id"]),
        "product_id": product_id}])
    rpc.kw("ecommerce.shop", "action_fetch_logistics_companies", [[shop_id]])
    zto = rpc.kw("ecommerce.logistics.company", "search",
                 [[("code", "=", "ZTO"), ("platform", "=", "taobao")]])
    fee_id = rpc.kw("product.product", "create", [{"name": "运费 (面单)", "type": "service"}])
    zto_carrier = rpc.kw("delivery.carrier", "create", [{
        "name": "中通快递", "product_id": fee_id, "ecommerce_company_ids": [(6, 0, zto)]}])
    # The shop ships by ZTO: other tests of this database map a carrier of their own to SF.
    rpc.kw("ecommerce.shop", "write", [[shop_id], {"default_carrier_id": zto_carrier}])
    rpc.kw("ecommerce.waybill.account", "sync_accounts", [shop_id])
    imported = rpc.kw("ecommerce.shop", "import_orders", [[shop_id]],
                      dict(window, tids=[t["tid"] for t in trades]))["created"]
    orders = rpc.kw("sale.order", "read", [imported, ["ecommerce_tid", "picking_ids",
                                                      "ecommerce_review_reason"]])
    tids = [t["tid"] for t in trades]
    assert sorted(o["ecommerce_tid"] for o in orders) == sorted(tids), orders
    assert all(o["picking_ids"] for o in orders), orders
    pickings = dict((o["ecommerce_tid"], o["picking_ids"][0]) for o in orders)
    batch_id = rpc.kw("stock.picking.batch", "create", [{
        "picking_ids": [(6, 0, [pickings[tid] for tid in tids[:COUNT]])]}])
    ids = rpc.kw("stock.picking.batch", "read", [[batch_id], ["picking_ids"]])[0]["picking_ids"]
    by_picking = dict((v, k) for k, v in pickings.items())
    return {"id": batch_id, "shop_id": shop_id, "picking_ids": ids,
            "tids": [by_picking[i] for i in ids], "spare": pickings[tids[COUNT]],
            "spare_tid": tids[COUNT]}


def open_batch(ui, batch):
    ui.d.get("%s/web#id=%d&model=stock.picking.batch&view_type=form" % (ui.url, batch["id"]))
    ui.visible(".o_form_view .o_field_widget[name=picking_ids]")
    ui.idle()


def test_waybill_01_get_waybills_for_a_batch(ui, rpc, sandbox, batch, component):
    """批量拣货 -> 获取面单: 12 codes from two ii.get calls, each in its delivery's tracking."""
    ui.login("seller", "seller")
    before = sandbox.get("/_sandbox/stats")["by_method"].get("cainiao.waybill.ii.get", 0)
    open_batch(ui, batch)
    ui.click(ui.header_button_named(rpc, "stock.picking.batch",
                                    "action_ecommerce_get_waybills"))
    rows = rpc.kw("stock.picking", "read", [batch["picking_ids"], [
        "ecommerce_waybill_code", "carrier_tracking_ref"]])
    codes = [r["ecommerce_waybill_code"] for r in rows]
    # the account of the shop's carrier (中通, ZTO) is the one taken
    assert all(re.match(r"^(ZT)?[0-9]{12,15}$", code or "") for code in codes), codes
    assert len(set(codes)) == COUNT
    assert [r["carrier_tracking_ref"] for r in rows] == codes
    assert sandbox.get("/_sandbox/stats")["by_method"]["cainiao.waybill.ii.get"] \
        == before + 2  # ceil(12 / 10)
    ui.wait(lambda d: all(code in d.find_element(
        By.CSS_SELECTOR, ".o_field_widget[name=picking_ids]").text for code in codes),
        message="the batch lists every waybill")
    batch["codes"] = codes


def test_waybill_02_print_in_batch_order(ui, rpc, sandbox, batch, component):
    """打印面单: the labels reach the print component in the batch's order, each with its
    delivery's print data, on the printer chosen; the screen says 已打印 for each."""
    requests.delete(component["base"] + "/_component/documents", timeout=10)
    open_batch(ui, batch)
    ui.click(ui.header_button_named(rpc, "stock.picking.batch",
                                    "action_ecommerce_print_waybills"))
    ui.visible(".o_ecommerce_waybill_print .o_waybill_component.label-success")
    assert ui.d.find_element(By.CSS_SELECTOR, ".o_ecommerce_waybill_print h2").text \
        == tr("Print Waybills")
    printers = Select(ui.visible(".o_waybill_printer"))
    printer = printers.options[1].text
    printers.select_by_visible_text(printer)
    ui.click(".o_waybill_print_all")
    ui.visible(".o_ecommerce_waybill_print.o_waybill_done", timeout=BUSY_WAIT)
    ui.screenshot("waybill-print", docs_name="waybill_print.png")
    statuses = [el.text for el in ui.d.find_elements(By.CSS_SELECTOR, ".o_waybill_status")]
    assert statuses == [tr("Printed")] * COUNT
    printed = documents(component)
    data = rpc.kw("stock.picking", "read", [batch["picking_ids"],
                                            ["ecommerce_waybill_print_data",
                                             "ecommerce_waybill_print_state"]])
    assert [d["documentID"] for d in printed] == batch["codes"]
    assert [d["print_data"] for d in printed] == [r["ecommerce_waybill_print_data"]
                                                  for r in data]
    assert {d["printer"] for d in printed} == {printer}
    assert {r["ecommerce_waybill_print_state"] for r in data} == {"printed"}
    lines = component["record"].read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["waybill_code"] for x in lines][-COUNT:] == batch["codes"]


def test_waybill_03_reprint_costs_no_waybill(ui, rpc, sandbox, batch, component):
    """重新打印: the same codes print again; the printer is remembered; no new waybill."""
    issued = len(waybill_state(sandbox)["waybills"])
    calls = sandbox.get("/_sandbox/stats")["by_method"]["cainiao.waybill.ii.get"]
    ui.d.back()
    ui.idle()
    open_batch(ui, batch)
    ui.click(ui.header_button_named(rpc, "stock.picking.batch",
                                    "action_ecommerce_print_waybills"))
    ui.visible(".o_ecommerce_waybill_print .o_waybill_component.label-success")
    remembered = Select(ui.visible(".o_waybill_printer")).first_selected_option.text
    ui.click(".o_waybill_print_all")
    ui.visible(".o_ecommerce_waybill_print.o_waybill_done", timeout=BUSY_WAIT)
    printed = documents(component)
    assert [d["documentID"] for d in printed[-COUNT:]] == batch["codes"]
    assert {d["printer"] for d in printed} == {remembered}
    assert len(waybill_state(sandbox)["waybills"]) == issued
    assert sandbox.get("/_sandbox/stats")["by_method"]["cainiao.waybill.ii.get"] == calls


def test_waybill_04_validated_parcels_ship_with_their_codes(rpc, sandbox, batch):
    """验证 + 发货回传: each trade is shipped on the platform with its delivery's code."""
    for picking_id in batch["picking_ids"]:
        rpc.kw("stock.picking", "force_assign", [[picking_id]])
        moves = rpc.search_read("stock.move", [("picking_id", "=", picking_id)],
                                ["product_uom_qty"])
        for move in moves:
            rpc.kw("stock.move", "write", [[move["id"]],
                                           {"quantity_done": move["product_uom_qty"]}])
        rpc.kw("stock.picking", "action_done", [[picking_id]])
    sent = rpc.kw("ecommerce.shop", "send_shipments", [[batch["shop_id"]]])
    assert sorted(sent["sent"]) == sorted(batch["tids"]), sent
    trades = dict((t["tid"], t) for t in sandbox.state()["trades"])
    for tid, code in zip(batch["tids"], batch["codes"]):
        order = trades[tid]["orders"]["order"][0]
        assert (trades[tid]["status"], order["logistics_company"], order["invoice_no"]) == \
            ("WAIT_BUYER_CONFIRM_GOODS", "ZTO", code)


def test_waybill_05_cancel_returns_the_quantity(rpc, sandbox, batch):
    """取消面单: an unused waybill goes back; the account counts it again."""
    def left():
        return next(b["quantity"] for s in waybill_state(sandbox)["subscriptions"]
                    if s["cp_code"] == "ZTO" for b in s["branches"])
    rpc.kw("stock.picking", "ecommerce_get_waybills", [[batch["spare"]]])
    before = left()
    answer = rpc.kw("stock.picking", "ecommerce_cancel_waybills", [[batch["spare"]]])
    assert len(answer["cancelled"]) == 1
    assert left() == before + 1
    assert rpc.kw("stock.picking", "read", [[batch["spare"]], ["ecommerce_waybill_code"]])[0][
        "ecommerce_waybill_code"] is False
