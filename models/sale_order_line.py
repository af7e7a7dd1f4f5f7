# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # The platform's sub-order id: shipments name it (split shipping) and
    # refunds and sub-order closures find their line through it.
    ecommerce_oid = fields.Char("Platform Sub-order", readonly=True, copy=False, index=True)
    ecommerce_refund_status = fields.Char(
        "Platform Refund Status", readonly=True, copy=False,
        help="The platform's refund status of this sub-order (e.g. WAIT_SELLER_AGREE while "
             "the buyer asks for a refund, SUCCESS once refunded).")
    ecommerce_no_delivery = fields.Boolean(
        "Shipped Before Import", readonly=True, copy=False,
        help="The platform had already shipped this sub-order when the order was imported: "
             "it gets no delivery, so its goods are neither shipped nor taken from stock "
             "twice.")

    ecommerce_platform_shipped = fields.Boolean(
        "Shipped on the Platform", readonly=True, copy=False,
        help="The platform shipped this sub-order outside Odoo (e.g. in Qianniu) after the "
             "shop's go-live date: its delivery is validated as it is, so its goods leave "
             "the stock once and are never shipped again.")

    @api.multi
    def _action_launch_procurement_rule(self):
        return super(SaleOrderLine, self.filtered(
            lambda line: not line.ecommerce_no_delivery))._action_launch_procurement_rule()
