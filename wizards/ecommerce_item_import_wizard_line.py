# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models


class EcommerceItemImportWizardLine(models.TransientModel):
    """One platform item found by the search of the Items / SKU matching wizard."""

    _name = "ecommerce.item.import.wizard.line"
    _description = "Platform item found"
    _order = "platform_modified desc, num_iid"

    wizard_id = fields.Many2one("ecommerce.item.import.wizard", required=True,
                                ondelete="cascade")
    selected = fields.Boolean("Import", default=True)
    num_iid = fields.Char("Item Numeric ID", readonly=True)
    title = fields.Char(readonly=True)
    outer_id = fields.Char("Merchant Code", readonly=True)
    sku_count = fields.Integer("SKUs", readonly=True)
    platform_modified = fields.Datetime("Modified", readonly=True)
    imported = fields.Boolean(readonly=True)
