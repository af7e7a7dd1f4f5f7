# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

# Fed to `odoo shell` by tools/run_browser_test.sh: what the browser walk-through needs
# besides the addon itself. Like tools/demo_setup.py but WITHOUT the shop: the test
# creates the shop through the web client, as a seller would.
import os

env["ir.config_parameter"].set_param("web.base.url", os.environ["ODOO_URL"])
if not env["account.journal"].search([("type", "=", "sale")], limit=1):
    env["account.journal"].create({"name": "Sales Journal (CNY)", "code": "SAJ", "type": "sale"})
if not env["res.users"].search([("login", "=", "seller")]):
    env["res.users"].with_context(no_reset_password=True).create({
        "name": "店主 (seller)", "login": "seller", "password": "seller", "lang": "zh_CN",
        "email": "seller@example.com",  # mail tracking of the shop needs an author address
        "tz": "Asia/Shanghai",
        "groups_id": [(6, 0, [env.ref("ecommerce_sync.group_ecommerce_manager").id,
                              env.ref("sales_team.group_sale_manager").id,
                              env.ref("stock.group_stock_manager").id])],
    })
# --load-language installed zh_CN; make sure it is active for the seller.
lang = env["res.lang"].with_context(active_test=False).search([("code", "=", "zh_CN")])
lang.write({"active": True})
print("BROWSER SETUP OK: seller user %s, lang %s" % (
    env["res.users"].search([("login", "=", "seller")]).id, lang.code))
env.cr.commit()
