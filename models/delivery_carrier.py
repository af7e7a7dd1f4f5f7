# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    ecommerce_company_ids = fields.Many2many(
        "ecommerce.logistics.company", "delivery_carrier_ecommerce_company_rel",
        "carrier_id", "company_id", "Platform Logistics Companies",
        help="Which logistics company each platform is told for parcels of this carrier: "
             "at most one per platform.")
    ecommerce_no_logistics = fields.Boolean(
        "No Logistics (virtual goods, pick-up)",
        help="Deliveries with this carrier are reported to the platforms as shipped "
             "without a parcel (taobao.logistics.dummy.send): no tracking number needed.")

    @api.constrains("ecommerce_company_ids")
    def _check_one_company_per_platform(self):
        for carrier in self:
            platforms = carrier.ecommerce_company_ids.mapped("platform")
            if len(platforms) != len(set(platforms)):
                raise ValidationError(_(
                    "Carrier %(carrier)s: choose at most one logistics company per platform.")
                    % {"carrier": carrier.name})

    def _ecommerce_company(self, platform):
        """The logistics company of this carrier on ``platform`` (maybe empty)."""
        self.ensure_one()
        return self.ecommerce_company_ids.filtered(lambda c: c.platform == platform)[:1]
