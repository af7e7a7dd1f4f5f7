# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models


class EcommerceOrderImportWizardLine(models.TransientModel):
    """One platform trade listed by the missing-order check."""

    _name = "ecommerce.order.import.wizard.line"
    _description = "Missing Platform Order"
    _order = "created, tid"

    wizard_id = fields.Many2one("ecommerce.order.import.wizard", required=True,
                                ondelete="cascade")
    tid = fields.Char("Platform Order No.", readonly=True)
    buyer_nick = fields.Char("Buyer", readonly=True)
    payment = fields.Char("Amount Paid", readonly=True)
    created = fields.Datetime(readonly=True)
    status = fields.Char("Platform Status", readonly=True)
    result = fields.Char(readonly=True)
