# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models


class EcommerceShopWaybills(models.Model):
    _inherit = "ecommerce.shop"

    waybill_account_ids = fields.One2many("ecommerce.waybill.account", "shop_id",
                                          "E-waybill Accounts")

    @api.multi
    def action_sync_waybill_accounts(self):
        """Button: read the shop's e-waybill accounts (carrier, branch, sender, balance)."""
        for shop in self:
            self.env["ecommerce.waybill.account"].sync_accounts(shop.id)
        return True
