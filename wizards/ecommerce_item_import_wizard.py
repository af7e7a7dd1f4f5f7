# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class EcommerceItemImportWizard(models.TransientModel):
    """Items / SKU matching: search the platform items, import the ticked ones.

    Only collects parameters and shows results: the work and the access checks
    are done by the shop's public API (search_platform_items,
    import_platform_items), the same methods XML-RPC clients call.
    """

    _name = "ecommerce.item.import.wizard"
    _description = "Items / SKU matching"

    shop_id = fields.Many2one("ecommerce.shop", required=True,
                              default=lambda self: self._default_shop_id())
    name = fields.Char("Item Title", help="Part of the platform item title.")
    modified_from = fields.Datetime()
    modified_to = fields.Datetime()
    line_ids = fields.One2many("ecommerce.item.import.wizard.line", "wizard_id", "Items")
    result_message = fields.Text("Result", readonly=True)

    def _default_shop_id(self):
        return self.env["ecommerce.shop"].search([], limit=1)

    @api.multi
    def action_search_items(self):
        self.ensure_one()
        found = self.shop_id.search_platform_items(
            name=self.name or None, modified_from=self.modified_from or None,
            modified_to=self.modified_to or None)
        self.line_ids = [(5, 0, 0)] + [
            (0, 0, self._prepare_line_vals(row)) for row in found["items"]]
        self.result_message = _("%(count)s platform items found.") % {
            "count": len(found["items"])}
        return self._reopen()

    @api.model
    def _prepare_line_vals(self, row):
        vals = dict(row, selected=True, platform_modified=row["modified"])
        del vals["modified"]  # BaseModel.modified() is a method: the field has another name
        return vals

    @api.multi
    def action_import_products(self):
        self.ensure_one()
        selected = self.line_ids.filtered("selected")
        if not selected:
            raise UserError(_("Search the items first and tick those to import."))
        result = self.shop_id.import_platform_items(num_iids=selected.mapped("num_iid"))
        if not result.get("queued"):  # queued items are not imported yet
            failed = {e["num_iid"] for e in result["errors"]}
            selected.filtered(lambda line: line.num_iid not in failed).write({"imported": True})
        self.result_message = self._result_text(result)
        return self._reopen()

    @api.model
    def _result_text(self, result):
        if result.get("queued"):
            lines = [_("%(items)s items are imported in the background by %(jobs)s jobs "
                       "(Shop Health shows those that fail).") % {
                "items": result["queued"], "jobs": result["jobs"]}]
        else:
            lines = [_("%(templates)s products and %(variants)s variants created, %(linked)s "
                       "existing products linked, %(updated)s items updated.") % {
                "templates": result["templates_created"],
                "variants": result["variants_created"], "linked": result["linked"],
                "updated": result["updated"]}]
        lines += [_("SKU %(sku)s (%(code)s) of item %(num_iid)s is no longer sold: its "
                    "mapping is deactivated, its product kept.") % {
            "sku": d["sku_id"] or "-", "code": d["outer_id"], "num_iid": d["num_iid"]}
            for d in result["deactivated"]]
        lines += ["%s: %s" % (w["num_iid"], w["reason"]) for w in result["warnings"]]
        lines += [_("Item %(num_iid)s not imported: %(reason)s") % e for e in result["errors"]]
        return "\n".join(lines)

    def _reopen(self):
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form", "target": "new", "name": _("Items / SKU matching")}
