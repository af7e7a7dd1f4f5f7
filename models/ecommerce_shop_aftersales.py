# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models


class EcommerceShopAftersales(models.Model):
    _inherit = "ecommerce.shop"

    return_partner_id = fields.Many2one(
        "res.partner", "Return Address",
        help="Where buyers send goods back: name, address, zip, phone and mobile go to "
             "the platform when a return is agreed.")
    return_address_id = fields.Char(
        "Platform Return Address ID",
        help="The platform's id of the same address in the seller's address book "
             "(Taobao: taobao.logistics.address.search).")
    agree_refund_on_return = fields.Boolean(
        "Agree Refund When The Return Arrives",
        help="Validating the return delivery of a refund agrees the refund on the "
             "platform in the same step.")
