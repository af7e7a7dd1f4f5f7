# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models


class EcommerceOwnKeyWizard(models.TransientModel):
    """Shows a new own-shop key once (ecommerce.shop.action_new_own_key).

    The key travels in the dialog's context only: a transient record's fields
    are rows of the database, where the key must never be.
    """

    _name = "ecommerce.own.key.wizard"
    _description = "New Own-shop Key"

    shop_id = fields.Many2one("ecommerce.shop", required=True, readonly=True,
                              ondelete="cascade")
    key = fields.Char(compute="_compute_key", readonly=True)

    @api.depends("shop_id")
    def _compute_key(self):
        for wizard in self:
            wizard.key = self.env.context.get("ecommerce_own_key") or False
