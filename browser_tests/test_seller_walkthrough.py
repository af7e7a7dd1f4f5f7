"""A Chinese-speaking seller walks the seed end to end in the real Odoo 11 web client.

Sales / 电商订单同步 / 电商店铺 -> 商品/sku匹配 -> 订单导入 -> 库存同步, against the local TOP
sandbox serving sandbox/demo_data.json (times rebased to now). The steps run in order
and share state (`walk`); a step whose feature (menu) is not in the addon is skipped
with the reason. Each step saves screenshots; four go to docs/screenshots/.
"""
import datetime
import re

import pytest
import requests
from selenium.webdriver.common.by import By

from browser_tests.helpers import addon_menus, label, tr, tree_columns

SALES_APP = "sale.sale_menu_root"
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


def give_stock(config, quantities):
    """Count {default_code: quantity} into the shop's warehouse stock, as the seller's
    warehouse clerk would (stock.change.product.qty over JSON-RPC, logged in as the
    seller, who is a stock manager). Returns quantities."""
    session = requests.Session()
    url = config["ODOO_URL"].rstrip("/")

    def call(path, params):
        resp = session.post(url + path, json={"jsonrpc": "2.0", "method": "call",
                                              "params": params}, timeout=60)
        body = resp.json()
        assert "error" not in body, body.get("error")
        return body["result"]

    def kw(model, method, args, kwargs=None):
        return call("/web/dataset/call_kw", {"model": model, "method": method, "args": args,
                                             "kwargs": kwargs or {}})

    call("/web/session/authenticate", {"db": config["ODOO_DB"], "login": "seller",
                                       "password": "seller"})
    location = kw("stock.warehouse", "search_read", [[]],
                  {"fields": ["lot_stock_id"], "limit": 1})[0]["lot_stock_id"][0]
    for code, qty in quantities.items():
        product = kw("product.product", "search", [[("default_code", "=", code)]])
        assert len(product) == 1, "product %s: %s" % (code, product)
        wizard = kw("stock.change.product.qty", "create", [{
            "product_id": product[0], "new_quantity": qty, "location_id": location}])
        kw("stock.change.product.qty", "change_product_qty", [[wizard]])
    return quantities


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
        pytest.skip("%s is not in the addon yet (no menu %s in views/ecommerce_menus.xml)"
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
    ui.screenshot("orders-missing-check")

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
    ui.screenshot("orders-imported", docs_name="order_import.png")
    ui.click(MODAL + " .modal-footer button.btn-default, " + MODAL + " .close")

    # The seller finds one imported order among the sales orders.
    ui.open_menu("sale.sale_order_menu", "sale.menu_sale_order", expect=".o_list_view")
    ui.search(walk["order_name"])
    ui.wait(lambda d: any(walk["order_name"] in r.text for r in ui.list_rows()),
            message="order %s not among the sales orders" % walk["order_name"])
    ui.screenshot("sale-order-list")


def test_05_stock_push(ui, sandbox, walk, config):
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
    stocked = give_stock(config, dict(zip(codes, (100, 50, 30))))

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
