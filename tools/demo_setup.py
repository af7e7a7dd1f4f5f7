# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

# Fed to `odoo shell` by tools/run_demo.sh at every start: what is missing of the demo (a
# Taobao shop on the local TOP sandbox, a JD shop on the local JD sandbox, an own web shop
# with its feed account, a sales journal, a Chinese-speaking seller), then one sync of
# every platform shop, so that the health screen shows where each shop stands rather than
# "never synchronised". The own shop's orders come from tools/demo_own_feed.py.
import os

env = globals()["env"]  # given by odoo shell
Shop = env["ecommerce.shop"]
top = os.environ["SANDBOX_URL"]
jd = os.environ["JD_SANDBOX_URL"]
SHOPS = [
    {"name": "淘宝沙箱店铺 (demo)", "code": "TB", "platform": "sandbox",
     "app_key": os.environ["SANDBOX_APP_KEY"], "app_secret": os.environ["SANDBOX_APP_SECRET"],
     "app_url": top, "auth_url": top + "/oauth/authorize", "token_url": top + "/oauth/token",
     "session_key": os.environ["SANDBOX_SESSION"]},
    {"name": "京东沙箱店铺 (demo)", "code": "JD", "platform": "jd",
     "app_key": os.environ["JD_SANDBOX_APP_KEY"],
     "app_secret": os.environ["JD_SANDBOX_APP_SECRET"],
     "app_url": jd + "/routerjson", "auth_url": jd + "/oauth2/to_login",
     "token_url": jd + "/oauth2/access_token", "session_key": os.environ["JD_SANDBOX_TOKEN"]},
    {"name": "自有商城 (demo)", "code": "WEB", "platform": "own"},
]


def ensure_base():
    env["ir.config_parameter"].set_param("web.base.url", os.environ["DEMO_BASE_URL"])
    if not env["account.journal"].search([("type", "=", "sale")], limit=1):
        env["account.journal"].create({"name": "Sales Journal (CNY)", "code": "SAJ",
                                       "type": "sale"})
    ensure_user("seller", "店主 (seller)", "zh_CN", [
        "ecommerce_sync.group_ecommerce_manager",
        # The shop's owner, granted the reveal of masked receivers by name.
        "ecommerce_sync.group_ecommerce_privacy_viewer",
        "sales_team.group_sale_manager", "stock.group_stock_manager"])
    # The account the own shop's server logs in with (tools/demo_own_feed.py).
    ensure_user("webshop", "自有商城接口 (webshop)", "en_US",
                ["ecommerce_sync.group_ecommerce_own_feed"])


def ensure_user(login, name, lang, groups):
    if env["res.users"].with_context(active_test=False).search([("login", "=", login)]):
        return
    env["res.users"].with_context(no_reset_password=True).create({
        "name": name, "login": login, "password": login, "lang": lang, "tz": "Asia/Shanghai",
        "email": "%s@example.com" % login,  # mail tracking needs an author address
        "groups_id": [(6, 0, [env.ref(group).id for group in groups])]})


# The own shop's listings (merchant code, name, price): Item ID = merchant code, no SKU ID,
# as docs/own_shop.md maps them; docs/examples/own_shop_client.py sells WEB-TEE-M too.
OWN_LISTINGS = [("WEB-TEE-M", "纯棉T恤 M码 (自有商城)", 59.0), ("WEB-MUG", "陶瓷马克杯 (自有商城)", 35.0)]


def ensure_own_listings(shop):
    for code, name, price in OWN_LISTINGS:
        product = env["product.product"].search([("default_code", "=", code)], limit=1)
        if not product:
            product = env["product.product"].create({
                "name": name, "type": "product", "default_code": code, "list_price": price})
            env["stock.quant"]._update_available_quantity(
                product, shop.warehouse_id.lot_stock_id, 50)
        if not env["ecommerce.sku.mapping"].search([("shop_id", "=", shop.id),
                                                    ("num_iid", "=", code)]):
            env["ecommerce.sku.mapping"].create({"shop_id": shop.id, "num_iid": code,
                                                 "product_id": product.id})


def stock_up(shop):
    """Goods in the warehouse for every product of the shop, so that the orders of the
    first sync reserve them and can be shipped (and the stock push has something to say)."""
    mappings = env["ecommerce.sku.mapping"].search([("shop_id", "=", shop.id)])
    location = shop.warehouse_id.lot_stock_id
    for product in mappings.mapped("product_id").filtered(lambda p: p.type == "product"):
        if not product.qty_available:
            env["stock.quant"]._update_available_quantity(product, location, 50)


def ensure_shops():
    """The shops, each with its items imported once: products with merchant codes."""
    shops = Shop.browse()
    for vals in SHOPS:
        shop = Shop.with_context(active_test=False).search([("code", "=", vals["code"])],
                                                           limit=1)
        if not shop:
            shop = Shop.create(vals)
            if shop.platform != "own":
                items = shop.import_platform_items()
                print("demo shop %s: %d products, %d errors" % (
                    shop.code, items["variants_created"], len(items["errors"])))
                stock_up(shop)
        if shop.platform == "own":
            ensure_own_listings(shop)
        shops |= shop
    return shops


CARRIER = "顺丰速运 (demo)"


def ensure_carrier(shops):
    """A carrier told to every platform as SF Express (顺丰), so that a delivery can be
    sent back with a waybill number right away."""
    Carrier = env["delivery.carrier"]
    if Carrier.search([("name", "=", CARRIER)]):
        return
    for shop in shops.filtered(lambda s: s.platform != "own"):
        shop.action_fetch_logistics_companies()
    companies = env["ecommerce.logistics.company"].search(
        ["|", ("code", "=", "SF"), ("name", "=like", "顺丰%")], order="platform, id")
    one_per_platform = {}
    for company in companies:  # the code SF where the platform has it
        if company.platform not in one_per_platform or company.code == "SF":
            one_per_platform[company.platform] = company
    Carrier.create({"name": CARRIER, "product_id": env.ref("delivery.product_product_delivery").id,
                    "ecommerce_company_ids": [(6, 0, [c.id for c in one_per_platform.values()])]})


def count(value):
    return len(value) if isinstance(value, list) else value or 0


def sync_once(shops):
    """One sync of each platform shop, committed shop by shop."""
    for shop in shops.filtered(lambda s: s.platform != "own"):
        connection = shop.test_connection()
        orders = shop.sync_orders()
        refunds = shop.sync_refunds()
        env.cr.commit()
        print("demo shop %s: %s; orders created %d, updated %d; refunds created %d%s" % (
            shop.code, connection["message"], count(orders.get("created")),
            count(orders.get("updated")), count(refunds.get("created")),
            "; error: %s" % orders["error"] if orders.get("error") else ""))


ensure_base()
demo_shops = ensure_shops()
env.cr.commit()
ensure_carrier(demo_shops)
env.cr.commit()
sync_once(demo_shops)
print("DEMO SETUP OK")
