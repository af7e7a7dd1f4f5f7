# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""A Chinese-speaking seller walks the seed end to end in the real Odoo 11 web client.

Sales / 电商订单同步 / 电商店铺 -> 商品/sku匹配 -> 订单导入 -> 库存同步, against the local TOP
sandbox serving sandbox/demo_data.json (times rebased to now); then the delivery of an
imported order is sent to the platform, a JD shop runs the same steps against the JD
sandbox, and the Shop Health card of a new shop turns red on a refused trade and green
once its SKU is mapped. The steps run in order and share state (`walk`); a step whose
feature (menu) is not in the addon is skipped with the reason. Each step saves
screenshots; ten go to docs/screenshots/ (the user guide shows them). The steps added
with the shipment, the JD shop and the health screen find elements by field, button and
menu names, not labels.
"""
import datetime
import json
import re
import time

import pytest
from selenium.webdriver.common.by import By

from browser_tests.helpers import addon_menus, label, tr, tree_columns

SALES_APP = "sale.sale_menu_root"
STOCK_APP = "stock.menu_stock_root"
ROOT_MENU = "ecommerce_sync.ecommerce_sync_menu_root"
SHOP_MENU = "ecommerce_sync.ecommerce_shop_menu"
SHOP_CODE = "TB"


def need(walk, *keys):
    missing = [k for k in keys if k not in walk]
    if missing:
        pytest.skip("an earlier step did not complete (%s)" % ", ".join(missing))


def open_addon_menu(ui, leaf_xmlid, zh, en):
    ui.open_app(SALES_APP)
    section, leaf = ui.open_menu(ROOT_MENU, leaf_xmlid)
    assert section == label("电商订单同步", "E-commerce Sync")
    # Chinese labels need i18n/zh_CN.po; without it the English source labels show.
    assert leaf == label(zh, en), "menu label %r, expected %r" % (leaf, label(zh, en))
    return leaf


def parse_format(fmt_text, text):
    """{name: int} of the %(name)s placeholders of fmt_text found in text, or None."""
    pattern = re.escape(fmt_text)
    pattern = re.sub(r"%\\\(([a-z_]+)\\\)s", r"(?P<\1>\\d+)", pattern)
    match = re.search(pattern, text)
    return {k: int(v) for k, v in match.groupdict().items()} if match else None


DAY, MINUTE = datetime.timedelta(days=1), datetime.timedelta(minutes=1)


def beijing_now():
    return datetime.datetime.utcnow() + datetime.timedelta(hours=8)


def fmt(moment):
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def give_stock(rpc, quantities):
    """Count {default_code: quantity} into the shop's warehouse stock, as the seller's
    warehouse clerk would (stock.change.product.qty over JSON-RPC, logged in as the
    seller, who is a stock manager). Returns quantities."""
    ids = {}
    for code in quantities:
        product = rpc.kw("product.product", "search", [[("default_code", "=", code)]])
        assert len(product) == 1, "product %s: %s" % (code, product)
        ids[product[0]] = quantities[code]
    stock_products(rpc, ids)
    return quantities


def stock_products(rpc, quantities):
    """Count {product id: quantity} into the warehouse stock (see give_stock)."""
    location = rpc.search_read("stock.warehouse", [], ["lot_stock_id"],
                               limit=1)[0]["lot_stock_id"][0]
    for product_id, qty in quantities.items():
        wizard = rpc.kw("stock.change.product.qty", "create", [{
            "product_id": product_id, "new_quantity": qty, "location_id": location}])
        rpc.kw("stock.change.product.qty", "change_product_qty", [[wizard]])


def test_01_login_in_chinese(ui):
    """The seller logs in; the web client speaks Simplified Chinese (Odoo's own zh_CN)."""
    ui.login("seller", "seller")
    lang = ui.d.execute_script("return odoo.session_info && odoo.session_info.user_context"
                               " && odoo.session_info.user_context.lang")
    assert lang == "zh_CN", "the seller's web client runs in %r" % lang
    apps = ui.d.find_elements(By.CSS_SELECTOR, '#oe_main_menu_navbar a.oe_menu_toggler'
                                               '[data-menu-xmlid="%s"]' % SALES_APP)
    assert apps, "the seller does not see the Sales app"
    assert apps[0].get_attribute("textContent").strip() == "销售"


def test_02_shop_and_test_connection(ui, config, walk):
    """电商店铺: create the sandbox shop, 测试连接, the success banner shows."""
    open_addon_menu(ui, SHOP_MENU, "电商店铺", "Shops")
    ui.click_until(".o_list_button_add", ".o_form_view.o_form_editable")
    ui.set("name", "淘宝沙箱店铺")
    ui.set("code", SHOP_CODE)
    ui.set("platform", "sandbox")
    ui.tab("API")
    ui.set("app_key", config["SANDBOX_APP_KEY"])
    ui.set("app_secret", config["SANDBOX_APP_SECRET"])
    ui.set("app_url", config["SANDBOX_URL"])
    ui.set("session_key", config["SANDBOX_SESSION"])
    ui.save()
    ui.click(ui.header_button(tr("Test Connection")))
    banner = ui.visible(".o_form_view .alert-success")
    message = banner.text.strip()
    assert message, "the success banner is empty"
    assert tr("Connected. Platform time %(time)s (UTC); the session key is accepted.").split(
        "%(time)s")[0] in message, message
    assert not ui.visible_all(".o_form_view .alert-danger")
    walk["shop_url"] = ui.d.current_url
    walk["shop_name"] = "淘宝沙箱店铺"
    ui.screenshot("shop-form-connected", docs_name="shop_form.png")


ITEMS_MENU = "ecommerce_sync.ecommerce_item_import_wizard_menu"
ORDERS_MENU = "ecommerce_sync.ecommerce_order_import_wizard_menu"
STOCK_MENU = "ecommerce_sync.ecommerce_stock_sync_menu"
MODAL = ".modal.in"


def require_menu(xmlid, what):
    if xmlid not in addon_menus():
        pytest.skip("%s is not in the addon yet (no menu %s in views/*.xml)"
                    % (what, xmlid))


def x2many_count(ui, name, scope=MODAL):
    """Number of records of a one2many/many2many list, all pages (pager or rows)."""
    field = '%s .o_field_widget[name="%s"]' % (scope, name)
    limits = [el for el in ui.d.find_elements(By.CSS_SELECTOR, field + " .o_pager_limit")
              if el.is_displayed()]
    if limits:
        return int(limits[0].text.strip())
    return len(ui.list_rows(field))


def column_values(ui, columns, scope=".o_list_view"):
    """[{field: cell text}] of the displayed rows of a list whose columns are `columns`
    (see helpers.tree_columns)."""
    rows = []
    for row in ui.list_rows(scope):
        cells = row.find_elements(By.CSS_SELECTOR, "td.o_data_cell")
        assert len(cells) == len(columns), "%d cells for columns %s" % (len(cells), columns)
        rows.append({f: cell.text.strip() for f, cell in zip(columns, cells)})
    return rows


ITEM_LINES = "wizards/ecommerce_item_import_wizard_views.xml"
ORDER_WIZARD = "wizards/ecommerce_order_import_wizard_views.xml"
STOCK_VIEWS = "views/ecommerce_stock_sync_views.xml"


def test_03_items_search_and_import(ui, sandbox, walk):
    """商品/sku匹配: 商品检索 lists every sandbox item, 导入产品 creates the products."""
    need(walk, "shop_name")
    require_menu(ITEMS_MENU, "Items / SKU matching (商品/sku匹配)")
    ui.open_app(SALES_APP)
    section, leaf = ui.open_menu(ROOT_MENU, ITEMS_MENU, expect=MODAL + " .o_form_view")
    assert leaf == label("商品/sku匹配", "Items / SKU matching")
    assert ui.text_of("shop_id", MODAL) == walk["shop_name"]
    items = sandbox.state()["items"]
    ui.click(ui.button("action_search_items", MODAL))
    ui.visible(MODAL + ' .o_field_widget[name="line_ids"] tr.o_data_row')
    assert x2many_count(ui, "line_ids") == len(items)
    titles = {r["title"] for r in column_values(
        ui, tree_columns(ITEM_LINES, "line_ids"), MODAL + ' .o_field_widget[name="line_ids"]')}
    assert titles <= {i["title"] for i in items}
    ui.screenshot("items-search-result", docs_name="item_search.png")

    result = MODAL + ' .o_field_widget[name="result_message"]'
    searched = ui.visible(result).text.strip()
    ui.click(ui.button("action_import_products", MODAL))
    message = ui.wait(lambda d: next((el.text.strip() for el in d.find_elements(
        By.CSS_SELECTOR, result) if el.is_displayed() and el.text.strip() not in ("", searched)),
        False), timeout=120, message="no import result")
    counts = parse_format(tr("%(templates)s products and %(variants)s variants created, "
                             "%(linked)s existing products linked, %(updated)s items updated."),
                          message)
    assert counts, "unexpected import result: %s" % message
    assert counts["templates"] + counts["linked"] == len(items), message
    ui.screenshot("items-imported")
    ui.click(MODAL + " .modal-footer button.btn-default, " + MODAL + " .close")

    # The seller finds an imported item among the products (Sales / 产品).
    ui.open_menu("sale.product_menu_catalog", "sale.menu_product_template_action",
                 expect=".o_kanban_view, .o_list_view")
    ui.search(items[0]["title"])
    ui.wait(lambda d: any(items[0]["title"] in el.text for el in d.find_elements(
        By.CSS_SELECTOR, ".o_kanban_record, .o_data_row")),
        message="imported product %r not listed" % items[0]["title"])
    ui.screenshot("products")
    walk["items"] = items


def number(text):
    return float(text.replace(",", "") or 0)


def eligible_tids(trades, start, end):
    return {t["tid"] for t in trades if t["status"] == "WAIT_SELLER_SEND_GOODS"
            and start <= t["created"] <= end}


def test_04_order_check_and_import(ui, sandbox, walk):
    """订单导入: 漏单检查 lists the window's missing orders, 订单导入 creates them (TB+tid)."""
    need(walk, "items")
    require_menu(ORDERS_MENU, "Order import (订单导入)")
    ui.open_app(SALES_APP)
    before = beijing_now()
    section, leaf = ui.open_menu(ROOT_MENU, ORDERS_MENU, expect=MODAL + " .o_form_view")
    assert leaf == label("订单导入", "Order import")
    assert ui.text_of("shop_id", MODAL) == walk["shop_name"]
    ui.click(ui.button("action_check_missing", MODAL))
    after = beijing_now()
    ui.visible(MODAL + ' .o_field_widget[name="line_ids"] tr.o_data_row')
    listed = {r["tid"] for r in column_values(
        ui, tree_columns(ORDER_WIZARD, "line_ids"), MODAL + ' .o_field_widget[name="line_ids"]')}
    trades = sandbox.state()["trades"]
    # The default window is the last 24 hours; a minute of slack on each edge.
    must = eligible_tids(trades, fmt(before - DAY + MINUTE), fmt(before))
    may = eligible_tids(trades, fmt(after - DAY - MINUTE), fmt(after + MINUTE))
    assert must, "the sandbox has no order to import in the last 24 hours"
    missing_count = x2many_count(ui, "line_ids")
    assert len(must) <= missing_count <= len(may), (missing_count, len(must), len(may))
    assert listed <= may, sorted(listed - may)
    if missing_count == len(listed):  # every line on one page
        assert must <= listed, sorted(must - listed)
    ui.screenshot("orders-missing-check", docs_name="order_missing_check.png")

    ui.click(ui.button("action_import_orders", MODAL))
    field = MODAL + ' .o_field_widget[name="order_ids"]'
    ui.visible(field + " tr.o_data_row", timeout=120)
    names = {r["name"] for r in column_values(ui, tree_columns(ORDER_WIZARD, "order_ids"), field)}
    # Every missing order is imported, named shop prefix + platform order number (tid).
    assert x2many_count(ui, "order_ids") == missing_count, "not all imported: %s" % names
    assert names and names <= {SHOP_CODE + tid for tid in may}, sorted(names)
    if missing_count == len(listed):
        assert names == {SHOP_CODE + tid for tid in listed}, sorted(names)
    ui.d.execute_script("arguments[0].scrollIntoView()", ui.visible(field))
    sample = sorted(listed)[0]
    walk["order_name"] = SHOP_CODE + sample
    walk["order_names"] = sorted(names)
    ui.screenshot("orders-imported", docs_name="order_import.png")
    ui.click(MODAL + " .modal-footer button.btn-default, " + MODAL + " .close")

    # The seller finds one imported order among the sales orders.
    ui.open_menu("sale.sale_order_menu", "sale.menu_sale_order", expect=".o_list_view")
    ui.search(walk["order_name"])
    ui.wait(lambda d: any(walk["order_name"] in r.text for r in ui.list_rows()),
            message="order %s not among the sales orders" % walk["order_name"])
    ui.screenshot("sale-order-list")


def test_05_stock_push(ui, sandbox, walk, rpc):
    """库存同步: select records, 动作 -> 库存同步; the list shows what the sandbox now has."""
    need(walk, "items")
    require_menu(STOCK_MENU, "Stock sync (库存同步)")
    # Records for the shop's SKUs, by the button of the shop form.
    ui.open_app(SALES_APP)
    ui.open_menu(ROOT_MENU, SHOP_MENU)
    ui.click_until(".o_list_view tr.o_data_row", ".o_form_view.o_form_readonly")
    ui.click(ui.header_button(tr("Create Stock Sync Records")))
    ui.visible(".o_list_view tr.o_data_row")
    columns = tree_columns(STOCK_VIEWS)
    # Stock for the SKUs of the first rows, so that something else than 0 is pushed.
    codes = [re.match(r"\[([^\]]+)\]", r["product_id"]).group(1)
             for r in column_values(ui, columns)[:3]]
    stocked = give_stock(rpc, dict(zip(codes, (100, 50, 30))))

    ui.open_app(SALES_APP)
    section, leaf = ui.open_menu(ROOT_MENU, STOCK_MENU)
    assert leaf == label("库存同步", "Stock sync")
    ui.visible(".o_list_view tr.o_data_row")
    sellable = {r["product_id"].split("]")[0][1:]: number(r["sellable_qty"])
                for r in column_values(ui, columns)}
    assert all(sellable[code] > 0 for code in stocked), sellable
    ui.click_until("thead .o_list_record_selector input, thead .o_list_record_selector",
                   ".o_cp_sidebar > .btn-group:not(.o_hidden)")
    actions = next(b for b in ui.visible_all(".o_cp_sidebar .o_dropdown_toggler_btn")
                   if b.text.strip() == "动作")  # Odoo's own zh_CN: "Action"
    ui.click(actions)
    ui.screenshot("stock-action-menu")
    push = ui.wait(lambda d: next((a for a in d.find_elements(
        By.CSS_SELECTOR, ".o_cp_sidebar .dropdown-menu a")
        if a.is_displayed() and a.text.strip() == tr("Push Stock")), False),
        message="no %r in the Action menu" % tr("Push Stock"))
    ui.click(push)
    ui.wait(lambda d: any(r["last_push_date"] for r in column_values(ui, columns)),
            timeout=120, message="no pushed quantity shown")
    rows = column_values(ui, columns)
    state = {}
    for item in sandbox.state()["items"]:
        skus = (item.get("skus") or {}).get("sku") or []
        for sku in skus:
            state[(str(item["num_iid"]), str(sku["sku_id"]))] = sku["quantity"]
        state.setdefault((str(item["num_iid"]), ""), item["num"])
    # Every selected record (the whole page) was pushed, without error, its sellable
    # quantity; the sandbox now sells exactly that; the stocked SKUs are not zero.
    assert all(r["last_push_date"] and not r["last_error"] for r in rows), rows[:3]
    for row in rows:
        qty = number(row["last_pushed_qty"])
        assert qty == number(row["sellable_qty"]), row
        assert qty == state[(row["num_iid"].replace(",", ""), row["sku_id"].replace(",", ""))], row
    pushed = {r["product_id"].split("]")[0][1:]: number(r["last_pushed_qty"]) for r in rows}
    assert all(pushed[code] == sellable[code] > 0 for code in stocked), (stocked, pushed)
    ui.screenshot("stock-pushed", docs_name="stock_sync.png")


SHIPMENT_MENU = "ecommerce_sync.ecommerce_shipment_menu"
LOGISTICS_MENU = "ecommerce_sync.ecommerce_logistics_company_menu"
LOGISTICS_VIEWS = "views/ecommerce_logistics_company_views.xml"
CARRIER_MENU = "delivery.sale_menu_action_delivery_carrier_form"
CARRIER_PARENT = "sale.menu_sales_config"
PICKING_FORM = "stock.view_picking_form"
CARRIER_NAME = "顺丰速运 电商"


def open_shop(ui, name):
    """电商店铺 -> the form of shop `name`."""
    ui.open_app(SALES_APP)
    ui.open_menu(ROOT_MENU, SHOP_MENU, expect=".o_list_view")
    row = ui.wait(lambda d: next((r for r in ui.list_rows() if name in r.text), False),
                  message="shop %s not listed" % name)
    ui.click(row)
    ui.visible(".o_form_view.o_form_readonly")


def field_text(ui, name, expected, timeout=60):
    """Wait until field `name` of the form shows `expected`; returns it."""
    css = '.o_form_view .o_field_widget[name="%s"]' % name
    ui.wait(lambda d: any(el.text.strip() == expected for el in ui.visible_all(css)),
            timeout, "field %s does not show %r (%s)" % (
                name, expected, [el.text for el in ui.visible_all(css)]))
    return expected


def shippable_order(rpc, sandbox, names):
    """(sale order, delivery) of an imported, confirmed order whose platform trade
    waits, whole and without refund, for the seller to ship."""
    trades = {t["tid"]: t for t in sandbox.state()["trades"]}
    orders = rpc.search_read("sale.order", [("name", "in", names), ("state", "=", "sale")],
                             ["name", "ecommerce_tid"], order="name")
    for order in orders:
        trade = trades.get(order["ecommerce_tid"]) or {}
        subs = (trade.get("orders") or {}).get("order") or []
        if trade.get("status") != "WAIT_SELLER_SEND_GOODS" or any(
                o.get("refund_status") not in (None, "", "NO_REFUND") for o in subs):
            continue
        pickings = rpc.search_read("stock.picking", [("sale_id", "=", order["id"])],
                                   ["state", "picking_type_code", "move_lines"])
        if len(pickings) == 1 and pickings[0]["picking_type_code"] == "outgoing" \
                and pickings[0]["state"] in ("confirmed", "waiting", "assigned"):
            return order, pickings[0]
    raise AssertionError("no imported order is confirmed and waits to be shipped: %s" % names)


def test_06_shipment_sent_to_platform(ui, sandbox, rpc, walk):
    """The delivery of an imported order leaves with a mapped carrier and a waybill;
    发送 sends it and the platform trade is shipped with that waybill."""
    need(walk, "shop_name", "order_names")
    require_menu(SHIPMENT_MENU, "Shipments to Platforms")
    # The platform's logistics companies and waybill formats, read from the shop.
    open_shop(ui, walk["shop_name"])
    ui.click(ui.button("action_fetch_logistics_companies", ".o_form_view"))
    ui.open_app(SALES_APP)
    ui.open_menu(ROOT_MENU, LOGISTICS_MENU, expect=".o_list_view")
    companies = ui.wait(lambda d: [r for r in column_values(ui, tree_columns(LOGISTICS_VIEWS))
                                   if r["code"] == "SF"],
                        message="the logistics company SF was not read from the platform")
    assert companies[0]["waybill_regex"], companies
    waybill_re = re.compile(companies[0]["waybill_regex"])
    ui.screenshot("logistics-companies")

    # A carrier of the seller's own, told to the platform as SF.
    if not ui.menu_leaf(CARRIER_MENU):  # under the folded 配置 / 销售订单 entry
        ui.click('a.oe_menu_toggler[data-menu-xmlid="%s"]' % CARRIER_PARENT)
    ui.open_menu("sale.menu_sale_config", CARRIER_MENU, expect=".o_list_view")
    ui.click_until(".o_list_button_add", ".o_form_view.o_form_editable")
    ui.set("name", CARRIER_NAME)
    ui.set_many2one("product_id", "Delivery")
    ui.set_many2one("ecommerce_company_ids", companies[0]["name"])
    ui.save()
    tags = ui.visible('.o_form_view .o_field_widget[name="ecommerce_company_ids"]').text
    assert "(SF)" in tags, tags
    ui.screenshot("carrier-mapped", docs_name="carrier_mapped.png")

    # The warehouse has the goods of one imported order; the seller opens its delivery.
    order, picking = shippable_order(rpc, sandbox, walk["order_names"])
    moves = rpc.search_read("stock.move", [("id", "in", picking["move_lines"])],
                            ["product_id", "product_uom_qty"])
    stock_products(rpc, {m["product_id"][0]: m["product_uom_qty"] + 10 for m in moves})
    ui.open_app(STOCK_APP)
    ui.open_menu("stock.menu_stock_warehouse_mgmt", "stock.all_picking", expect=".o_list_view")
    ui.search(order["name"])  # the transfers' search matches the source document
    row = ui.wait(lambda d: next((r for r in ui.list_rows() if order["name"] in r.text),
                                 False), message="no delivery of %s listed" % order["name"])
    ui.click(row)
    ui.visible(".o_form_view.o_form_readonly")
    assert ui.text_of("origin") == order["name"]
    if picking["state"] != "assigned":
        ui.click(ui.header_button_named(rpc, "stock.picking", "action_assign", PICKING_FORM))
    waybill = "SF%013d" % (int(order["ecommerce_tid"]) % 10 ** 13)
    assert waybill_re.match(waybill), (waybill, waybill_re.pattern)
    ui.click(".o_form_button_edit")
    ui.visible(".o_form_view.o_form_editable")
    ui.tab_of("carrier_id")
    ui.set_many2one("carrier_id", CARRIER_NAME)
    ui.set("carrier_tracking_ref", waybill)
    ui.save()
    ui.click(ui.header_button_named(rpc, "stock.picking", "button_validate", PICKING_FORM))
    ui.click(ui.button("process", MODAL))  # immediate transfer: everything reserved leaves
    ui.tab_of("ecommerce_shipment_state")
    state_label = dict((k, tr(v)) for k, v in (("to_send", "To send"), ("sent", "Sent")))
    field_text(ui, "ecommerce_shipment_state", state_label["to_send"])
    ui.screenshot("delivery-validated")

    # 立即发送 instead of waiting for the background job.
    ui.click(ui.header_button_named(rpc, "stock.picking", "action_ecommerce_send_shipment",
                                    PICKING_FORM))
    ui.tab_of("ecommerce_shipment_state")
    field_text(ui, "ecommerce_shipment_state", state_label["sent"])
    assert ui.text_of("ecommerce_sent_waybill") == waybill
    assert ui.text_of("ecommerce_sent_company_code") == "SF"
    assert not ui.visible_all(".o_form_view .alert-danger")
    ui.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", ui.visible(
        '.o_form_view .o_field_widget[name="ecommerce_shipment_state"]'))
    ui.screenshot("delivery-sent", docs_name="shipment_sent.png")

    # The platform now shows the trade shipped, every sub-order with the waybill.
    trade = next(t for t in sandbox.state()["trades"] if t["tid"] == order["ecommerce_tid"])
    assert trade["status"] == "WAIT_BUYER_CONFIRM_GOODS", trade["status"]
    subs = trade["orders"]["order"]
    assert all(o["invoice_no"] == waybill and o["status"] == "WAIT_BUYER_CONFIRM_GOODS"
               for o in subs), [(o["oid"], o.get("status"), o.get("invoice_no")) for o in subs]
    walk["shipped_tid"] = order["ecommerce_tid"]


JD_SHOP_NAME = "京东沙箱店铺"
JD_SHOP_CODE = "JD"
JD_TO_SHIP = ("WAIT_SELLER_STOCK_OUT", "WAIT_SELLER_DELIVERY")


def choose_shop(ui, name, scope=MODAL):
    """Pick shop `name` in a wizard unless it is already chosen."""
    if ui.text_of("shop_id", scope) != name:
        ui.set_many2one("shop_id", name, scope)
    assert ui.text_of("shop_id", scope) == name


def test_07_jd_shop_and_test_connection(ui, jd_config, jd_sandbox, rpc, walk):
    """A JD shop on the JD sandbox: 测试连接 shows the success banner."""
    need(walk, "shop_name")
    open_addon_menu(ui, SHOP_MENU, "电商店铺", "Shops")
    ui.click_until(".o_list_button_add", ".o_form_view.o_form_editable")
    ui.set("name", JD_SHOP_NAME)
    ui.set("code", JD_SHOP_CODE)
    ui.set("platform", "jd")
    ui.tab_of("app_key")
    url = jd_config["JD_SANDBOX_URL"].rstrip("/")
    ui.set("app_key", jd_config["JD_SANDBOX_APP_KEY"])
    ui.set("app_secret", jd_config["JD_SANDBOX_APP_SECRET"])
    ui.set("app_url", url + "/routerjson")
    ui.set("auth_url", url + "/oauth2/to_login")
    ui.set("token_url", url + "/oauth2/access_token")
    ui.set("session_key", jd_config["JD_SANDBOX_TOKEN"])
    ui.save()
    calls = jd_sandbox.calls()
    ui.click(ui.header_button_named(rpc, "ecommerce.shop", "action_test_connection"))
    banner = ui.visible(".o_form_view .alert-success")
    assert tr("Connected; the session key is accepted.") in banner.text, banner.text
    assert not ui.visible_all(".o_form_view .alert-danger")
    # The banner is JD's answer, not a cached state: the sandbox was called.
    assert jd_sandbox.calls() > calls
    walk["jd_shop_name"] = JD_SHOP_NAME
    ui.screenshot("jd-shop-connected", docs_name="jd_shop_form.png")


def test_08_jd_wares_search_and_import(ui, jd_sandbox, walk):
    """商品/sku匹配 on the JD shop: the wares are listed and imported as products."""
    need(walk, "jd_shop_name")
    require_menu(ITEMS_MENU, "Items / SKU matching (商品/sku匹配)")
    ui.open_app(SALES_APP)
    ui.open_menu(ROOT_MENU, ITEMS_MENU, expect=MODAL + " .o_form_view")
    choose_shop(ui, walk["jd_shop_name"])
    wares = [w for w in jd_sandbox.state()["wares"] if w.get("wareStatus") in (1, 2, 4, 8)]
    ui.click(ui.button("action_search_items", MODAL))
    lines = MODAL + ' .o_field_widget[name="line_ids"]'
    ui.visible(lines + " tr.o_data_row")
    assert x2many_count(ui, "line_ids") == len(wares)
    listed = column_values(ui, tree_columns(ITEM_LINES, "line_ids"), lines)
    assert {r["title"] for r in listed} <= {w["title"] for w in wares}
    ui.screenshot("jd-wares-search-result")

    result = MODAL + ' .o_field_widget[name="result_message"]'
    searched = ui.visible(result).text.strip()
    ui.click(ui.button("action_import_products", MODAL))
    message = ui.wait(lambda d: next((el.text.strip() for el in d.find_elements(
        By.CSS_SELECTOR, result) if el.is_displayed() and el.text.strip() not in ("", searched)),
        False), timeout=120, message="no import result")
    counts = parse_format(tr("%(templates)s products and %(variants)s variants created, "
                             "%(linked)s existing products linked, %(updated)s items updated."),
                          message)
    assert counts, "unexpected import result: %s" % message
    assert counts["templates"] + counts["linked"] == len(wares), message
    ui.screenshot("jd-wares-imported")
    ui.click(MODAL + " .modal-footer button.btn-default, " + MODAL + " .close")
    walk["jd_wares"] = wares


def test_09_jd_order_check_and_import(ui, jd_sandbox, walk):
    """订单导入 on the JD shop: the orders to ship of the last day, imported as JD+orderId."""
    need(walk, "jd_wares")
    ui.open_app(SALES_APP)
    before = beijing_now()
    ui.open_menu(ROOT_MENU, ORDERS_MENU, expect=MODAL + " .o_form_view")
    choose_shop(ui, walk["jd_shop_name"])
    ui.click(ui.button("action_check_missing", MODAL))
    after = beijing_now()
    lines = MODAL + ' .o_field_widget[name="line_ids"]'
    ui.visible(lines + " tr.o_data_row")
    listed = {r["tid"].replace(",", "") for r in column_values(
        ui, tree_columns(ORDER_WIZARD, "line_ids"), lines)}
    orders = jd_sandbox.state()["orders"]

    def to_ship(start, end):
        return {o["orderId"] for o in orders if o["orderState"] in JD_TO_SHIP
                and start <= o["orderStartTime"] <= end}
    must = to_ship(fmt(before - DAY + MINUTE), fmt(before))
    may = to_ship(fmt(after - DAY - MINUTE), fmt(after + MINUTE))
    assert must, "the JD sandbox has no order to ship in the last 24 hours"
    assert must <= listed <= may, (sorted(listed), sorted(must), sorted(may))
    ui.screenshot("jd-orders-missing-check")

    ui.click(ui.button("action_import_orders", MODAL))
    field = MODAL + ' .o_field_widget[name="order_ids"]'
    ui.visible(field + " tr.o_data_row", timeout=120)
    names = {r["name"] for r in column_values(ui, tree_columns(ORDER_WIZARD, "order_ids"), field)}
    assert names == {JD_SHOP_CODE + oid for oid in listed}, sorted(names)
    ui.screenshot("jd-orders-imported")
    ui.click(MODAL + " .modal-footer button.btn-default, " + MODAL + " .close")
    walk["jd_orders"] = sorted(listed)


def test_10_jd_stock_push(ui, jd_sandbox, rpc, walk):
    """The JD shop's stock: records from the shop, 推送库存, the JD sandbox sells it."""
    need(walk, "jd_wares")
    open_shop(ui, walk["jd_shop_name"])
    ui.click(ui.header_button_named(rpc, "ecommerce.shop", "action_create_stock_sync_records"))
    ui.visible(".o_list_view tr.o_data_row")
    columns = tree_columns(STOCK_VIEWS)
    rows = column_values(ui, columns)
    assert rows and all(r["shop_id"] == walk["jd_shop_name"] for r in rows), rows[:3]
    codes = [m.group(1) for m in (re.match(r"\[([^\]]+)\]", r["product_id"]) for r in rows)
             if m][:2]
    stocked = give_stock(rpc, dict(zip(codes, (40, 25))))

    open_shop(ui, walk["jd_shop_name"])
    ui.click(ui.header_button_named(rpc, "ecommerce.shop", "action_push_stock"))
    ui.wait(lambda d: any(r["last_push_date"] for r in column_values(ui, columns)),
            timeout=120, message="no pushed quantity shown")
    rows = column_values(ui, columns)
    stock = {str(s["skuId"]): s.get("stockNum") for w in jd_sandbox.state()["wares"]
             for s in w["skus"]}
    # Every SKU of the shop was pushed without error its sellable quantity, and JD now
    # holds exactly that; the stocked SKUs sell more than nothing.
    assert all(r["last_push_date"] and not r["last_error"] for r in rows), rows[:3]
    for row in rows:
        qty = number(row["last_pushed_qty"])
        assert qty == number(row["sellable_qty"]), row
        assert qty == stock[row["sku_id"].replace(",", "")], (row, stock)
    pushed = {r["product_id"].split("]")[0][1:]: number(r["last_pushed_qty"]) for r in rows}
    assert all(pushed[code] > 0 for code in stocked), (stocked, pushed)
    ui.screenshot("jd-stock-pushed")


HEALTH_MENU = "ecommerce_sync.ecommerce_shop_health_menu"
MAPPING_MENU = "ecommerce_sync.ecommerce_sku_mapping_menu"
HEALTH_SHOP, HEALTH_CODE = "淘宝新开店铺", "TBN"
CARD = ".o_kanban_view .o_ecommerce_health_card"
COLOURS = {"alert-danger": "red", "alert-warning": "amber", "alert-success": "green"}
HEALTH_LABELS = {"red": tr("Act now"), "amber": tr("Needs a look"), "green": tr("Running")}


def unmapped_trade(sandbox, tid):
    """A new paid trade of one sub-order whose item and SKU no shop maps, cloned from a
    one-order demo trade (its money stays consistent); nothing holds it for review."""
    base = next(t for t in sandbox.state()["trades"]
                if t["status"] == "WAIT_SELLER_SEND_GOODS" and len(t["orders"]["order"]) == 1
                and t["orders"]["order"][0].get("sku_id")
                and not (t.get("promotion_details") or {}).get("promotion_detail"))
    trade = json.loads(json.dumps(base))
    now = fmt(beijing_now() - MINUTE)
    for key in ("buyer_message", "seller_memo", "buyer_memo", "trade_memo"):
        trade.pop(key, None)
    trade.update(tid=tid, created=now, modified=now, pay_time=now, has_buyer_message=False,
                 seller_flag=0)
    order = trade["orders"]["order"][0]
    order.update(oid=tid + "1", num_iid=990000000001, sku_id="990000000002",
                 outer_iid="HEALTH-NEW", outer_sku_id="HEALTH-NEW-RED",
                 title="新品 健康检查 T恤", status="WAIT_SELLER_SEND_GOODS",
                 refund_status="NO_REFUND")
    return trade


def open_health(ui):
    ui.open_app(SALES_APP)
    ui.open_menu(ROOT_MENU, HEALTH_MENU, expect=CARD)


def health_card(ui, name):
    """(card element, colour) of shop `name` on the health screen."""
    def find(driver):
        for card in driver.find_elements(By.CSS_SELECTOR, CARD):
            title = card.find_elements(By.CSS_SELECTOR, ".o_kanban_record_title")
            if card.is_displayed() and title and title[0].text.strip() == name:
                return card
        return False
    card = ui.wait(find, message="no health card of shop %s" % name)
    # The seller reads the verdict in a coloured block under the shop's name.
    state = card.find_element(By.CSS_SELECTOR, ".o_ecommerce_health_state")
    assert state.value_of_css_property("background-color") not in (
        "rgba(255, 255, 255, 1)", "rgba(0, 0, 0, 0)"), "the health state is not coloured"
    colour = next((COLOURS[c] for c in state.get_attribute("class").split() if c in COLOURS),
                  None)
    shown = state.text.strip()
    assert shown == HEALTH_LABELS.get(colour), (name, colour, shown)
    return card, colour


def wait_health(rpc, shop_id, state, timeout=120):
    """Wait until the job runner has run the shop's jobs and its health is `state`;
    returns the shop's figures (asserting on the last ones read)."""
    fields = ["health_state", "health_trades_refused", "health_trades_waiting",
              "health_jobs_waiting", "health_jobs_failed", "health_reasons"]
    deadline = time.time() + timeout
    while True:
        shop = rpc.kw("ecommerce.shop", "read", [[shop_id], fields])[0]
        if (shop["health_state"] == state and not shop["health_jobs_waiting"]) \
                or time.time() > deadline:
            assert shop["health_state"] == state and not shop["health_jobs_waiting"], shop
            return shop
        time.sleep(1)


def test_11_health_card_red_then_green(ui, config, sandbox, health_sandbox, rpc, walk):
    """Shop Health: a trade refused for an unmapped SKU fails its retry and turns the
    card red; once the SKU is mapped, Retry imports it and the card is green."""
    need(walk, "items")
    require_menu(HEALTH_MENU, "Shop Health")
    # A new shop on a platform account of its own: only its trade colours its card.
    shop_id = rpc.kw("ecommerce.shop", "create", [{
        "name": HEALTH_SHOP, "code": HEALTH_CODE, "platform": "sandbox",
        "app_key": config["SANDBOX_APP_KEY"], "app_secret": config["SANDBOX_APP_SECRET"],
        "app_url": health_sandbox.url, "session_key": config["SANDBOX_SESSION"]}])

    # It sells an item Odoo has not mapped; the background order sync (run now, as its
    # job would) refuses the trade and stays up to date.
    tid = "2009%012d" % (int(time.time()) % 10 ** 12)
    trade = unmapped_trade(sandbox, tid)
    health_sandbox.post("/_sandbox/upsert", {"trades": [trade]})
    result = rpc.kw("ecommerce.shop", "sync_orders", [[shop_id]])
    assert [f["tid"] for f in result["failed"]] == [tid] and not result["created"], result
    open_health(ui)
    card, colour = health_card(ui, HEALTH_SHOP)
    assert colour == "amber", colour

    # Retry while the SKU is still unmapped: the job fails and names the trade: red.
    ui.click(card)
    ui.visible(".o_form_view")
    ui.click(ui.header_button_named(rpc, "ecommerce.shop", "action_retry_trades",
                                    "ecommerce_sync.ecommerce_shop_health_view_form"))
    figures = wait_health(rpc, shop_id, "red")
    assert figures["health_jobs_failed"] == 1 and figures["health_trades_refused"] == 1, \
        figures
    open_health(ui)
    assert health_card(ui, HEALTH_SHOP)[1] == "red"
    ui.screenshot("health-card-red", docs_name="shop_health_red.png")

    # The seller maps the platform SKU to an existing product (SKU映射).
    product = walk["items"][0]
    ui.open_menu(ROOT_MENU, MAPPING_MENU, expect=".o_list_view")
    ui.click_until(".o_list_button_add", ".o_form_view.o_form_editable")
    ui.set_many2one("shop_id", HEALTH_SHOP)
    sub = trade["orders"]["order"][0]
    ui.set("num_iid", str(sub["num_iid"]))
    ui.set("sku_id", sub["sku_id"])
    ui.set_many2one("product_id", product["title"][:6])
    ui.save()

    # Retry: the failed job runs again and imports the trade; the card turns green.
    open_health(ui)
    ui.click(health_card(ui, HEALTH_SHOP)[0])
    ui.visible(".o_form_view")
    calls = health_sandbox.calls()
    ui.click(ui.header_button_named(rpc, "ecommerce.shop", "action_retry_trades",
                                    "ecommerce_sync.ecommerce_shop_health_view_form"))
    figures = wait_health(rpc, shop_id, "green")
    assert not figures["health_trades_refused"] and not figures["health_jobs_failed"], figures
    assert health_sandbox.calls() > calls, "the trade was not read from the platform again"
    open_health(ui)
    card, colour = health_card(ui, HEALTH_SHOP)
    assert colour == "green"
    ui.screenshot("health-card-green", docs_name="shop_health_green.png")
    # The card's chart of the last day: the lag as a line, and a bar for the trade that
    # was not imported at the first sync; none now.
    chart = card.find_element(By.CSS_SELECTOR, ".o_ecommerce_health_history svg")
    assert chart.find_elements(By.CSS_SELECTOR, "polyline"), chart.get_attribute("outerHTML")
    bars = chart.find_elements(By.CSS_SELECTOR, "rect[fill='#f0ad4e']")
    assert len(bars) == 1, chart.get_attribute("outerHTML")
    ui.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", chart)
    ui.screenshot("health-card-chart", docs_name="shop_health_chart.png")
    orders = rpc.search_read("sale.order", [("name", "=", HEALTH_CODE + tid)], ["state"])
    assert orders and orders[0]["state"] == "sale", orders
