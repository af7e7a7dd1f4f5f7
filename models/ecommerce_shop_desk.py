# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models


class EcommerceShop(models.Model):
    _inherit = "ecommerce.shop"

    desk_audit_free = fields.Boolean(
        "Audit-free (免审)",
        help="Orders of this shop skip the optional audit rules of the order desk; the "
             "rules marked 'Also for Audit-free' and the platform's holds still apply.")
