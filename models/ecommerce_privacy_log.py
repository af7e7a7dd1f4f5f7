# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models

REVEAL_SCENES = [("manual_waybill", "Hand-written waybill"), ("after_sales", "After-sales"),
                 ("customer_care", "Customer care")]


class EcommercePrivacyLog(models.Model):
    """One reveal of a masked receiver: who, when, which trade, why, the answer.

    The receiver's plaintext is never part of it: the log proves an access, it
    does not repeat it.
    """

    _name = "ecommerce.privacy.log"
    _description = "E-commerce Receiver Reveal"
    _order = "id desc"

    create_date = fields.Datetime("When", readonly=True, index=True)
    user_id = fields.Many2one("res.users", "Who", required=True, readonly=True,
                              ondelete="restrict", index=True)
    shop_id = fields.Many2one("ecommerce.shop", required=True, readonly=True,
                              ondelete="cascade", index=True)
    company_id = fields.Many2one(related="shop_id.company_id", store=True, readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True, ondelete="set null")
    tid = fields.Char("Platform Order No.", required=True, readonly=True, index=True)
    scene = fields.Selection(REVEAL_SCENES, required=True, readonly=True,
                             help="Why the receiver was revealed, as told to the platform.")
    result_code = fields.Char(
        "Platform Answer", required=True, readonly=True,
        help="ok, or the platform's error code when it refused the decrypt.")
    revealed = fields.Boolean(readonly=True, help="The platform gave the plaintext.")
    reported = fields.Boolean(
        "Reported To Platform", readonly=True,
        help="The access was reported to the platform (JD asks for every access).")
