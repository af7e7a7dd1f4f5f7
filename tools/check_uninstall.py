# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

# Fed to `odoo shell`: uninstall the addon and prove that its tables, models, menus and
# groups are gone. Prints UNINSTALL OK on success.
module = env["ir.module.module"].search([("name", "=", "ecommerce_sync")])
assert module.state == "installed", module.state
module.button_immediate_uninstall()
env.cr.commit()
env.cr.execute("select count(*) from information_schema.tables"
               " where table_name like 'ecommerce_%%'")
tables = env.cr.fetchone()[0]
models_left = env["ir.model"].search_count([("model", "like", "ecommerce.%")])
data_left = env["ir.model.data"].search_count([("module", "=", "ecommerce_sync")])
env.cr.execute("select count(*) from information_schema.columns"
               " where column_name like 'ecommerce_%%'")
columns = env.cr.fetchone()[0]
# The shell's environment is stale after the registry reload: ask the database.
env.cr.execute("select state from ir_module_module where name = 'ecommerce_sync'")
state = env.cr.fetchone()[0]
print("state=%s tables=%s models=%s xmlids=%s columns=%s"
      % (state, tables, models_left, data_left, columns))
assert (state, tables, models_left, data_left, columns) == ("uninstalled", 0, 0, 0, 0)
print("UNINSTALL OK")
