# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    ecommerce_shop_id = fields.Many2one("ecommerce.shop", "E-commerce Shop", index=True,
                                        copy=False, ondelete="set null")
    ecommerce_buyer_nick = fields.Char("Buyer Nick", index=True, copy=False)
    ecommerce_address_key = fields.Char(
        index=True, copy=False,
        help="Fingerprint of the platform receiving address: the same address of the "
             "same buyer is found again instead of being created twice.")
    ecommerce_oaid = fields.Char(
        "Receiver OAID", index=True, copy=False, readonly=True,
        help="The platform's id of the masked receiver (Open Addressee ID). The name, "
             "phone and street are stored masked, as the platform sends them; the "
             "plaintext is only shown on purpose, never stored.")
    ecommerce_audit_free = fields.Boolean(
        "Audit-free Buyer (免审)",
        help="This buyer's platform orders skip the optional audit rules of the order desk.")
