# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    ecommerce_waybill_printer = fields.Char(
        "Waybill Printer", help="The printer of the print component this packer chose last: "
                                "the print screen offers it first.")
