# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

# Fed to `odoo shell` once by tools/run_demo.sh: the demo shop on the local TOP sandbox,
# a sales journal, and a Chinese-speaking seller account.
import os

sandbox = os.environ["SANDBOX_URL"]
env["ir.config_parameter"].set_param("web.base.url", os.environ["DEMO_BASE_URL"])
if not env["account.journal"].search([("type", "=", "sale")], limit=1):
    env["account.journal"].create({"name": "Sales Journal (CNY)", "code": "SAJ", "type": "sale"})
shop = env["ecommerce.shop"].search([("code", "=", "TB")], limit=1)
if not shop:
    shop = env["ecommerce.shop"].create({
        "name": "淘宝沙箱店铺 (demo)",
        "code": "TB",
        "platform": "sandbox",
        "app_key": os.environ["SANDBOX_APP_KEY"],
        "app_secret": os.environ["SANDBOX_APP_SECRET"],
        "app_url": sandbox,
        "auth_url": sandbox + "/oauth/authorize",
        "token_url": sandbox + "/oauth/token",
        "session_key": os.environ["SANDBOX_SESSION"],
    })
if not env["res.users"].search([("login", "=", "seller")]):
    env["res.users"].with_context(no_reset_password=True).create({
        "name": "店主 (seller)", "login": "seller", "password": "seller", "lang": "zh_CN",
        "email": "seller@example.com",
        # The shop's owner, granted the reveal of masked receivers by name.
        "groups_id": [(6, 0, [env.ref("ecommerce_sync.group_ecommerce_manager").id,
                              env.ref("ecommerce_sync.group_ecommerce_privacy_viewer").id,
                              env.ref("sales_team.group_sale_manager").id,
                              env.ref("stock.group_stock_manager").id])],
    })
print("demo shop %s: %s" % (shop.id, shop.test_connection()["message"]))
env.cr.commit()
