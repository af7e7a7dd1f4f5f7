# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    ecommerce_num_iid = fields.Char(
        "Platform Item ID", index=True, copy=False, readonly=True,
        help="Numeric id (num_iid) of the platform item this product was imported from; "
             "a re-import updates this product.")
    ecommerce_mapping_ids = fields.One2many(
        "ecommerce.sku.mapping", "product_tmpl_id", "SKU Mappings")
    ecommerce_mapping_count = fields.Integer(compute="_compute_ecommerce_mapping_count")

    @api.depends("ecommerce_mapping_ids")
    def _compute_ecommerce_mapping_count(self):
        groups = self.env["ecommerce.sku.mapping"].read_group(
            [("product_tmpl_id", "in", self.ids)], ["product_tmpl_id"], ["product_tmpl_id"])
        counts = {g["product_tmpl_id"][0]: g["product_tmpl_id_count"] for g in groups}
        for template in self:
            template.ecommerce_mapping_count = counts.get(template.id, 0)

    @api.multi
    def action_view_ecommerce_mappings(self):
        action = self.env.ref("ecommerce_sync.ecommerce_sku_mapping_action").read()[0]
        action["domain"] = [("product_tmpl_id", "in", self.ids)]
        action["context"] = {"active_test": False}
        return action
