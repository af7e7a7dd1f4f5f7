# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models

from ..mapping.refund_mapping import GOOD_STATUS_SELECTION

# Taobao's refund statuses (mapping.refund_mapping.REFUND_STATUSES), in the
# order a refund goes through them.
REFUND_STATUS_SELECTION = [
    ("WAIT_SELLER_AGREE", "Buyer asks for a refund"),
    ("WAIT_BUYER_RETURN_GOODS", "Seller agreed, waiting for the goods"),
    ("WAIT_SELLER_CONFIRM_GOODS", "Goods sent back, seller to confirm"),
    ("WAIT_SELLER_CONSIGN_GOODS", "Exchange: seller to send goods"),
    ("WAIT_BUYER_CONFIRM_EXCHANGE_SELLER_SEND_GOODS", "Exchange: buyer to confirm"),
    ("EXCHANGE_TRANSFORM_TO_REFUND", "Exchange turned into a refund"),
    ("SELLER_REFUSE_BUYER", "Refused by the seller"),
    ("CLOSED", "Closed"),
    ("SUCCESS", "Refunded"),
]


class EcommerceRefund(models.Model):
    """An after-sales refund (售后) of a platform order, as the platform knows it.

    One record per refund of a shop; the sync updates it in place, and links
    the draft credit note and return it prepared for the seller to check.
    """

    _name = "ecommerce.refund"
    _inherit = ["mail.thread"]
    _description = "E-commerce After-sales Refund"
    _order = "date_modified desc, id desc"
    _rec_name = "refund_id"

    shop_id = fields.Many2one("ecommerce.shop", required=True, readonly=True,
                              index=True, ondelete="cascade")
    company_id = fields.Many2one(related="shop_id.company_id", store=True, readonly=True)
    refund_id = fields.Char("Refund No.", required=True, readonly=True, index=True)
    tid = fields.Char("Platform Order No.", readonly=True, index=True)
    oid = fields.Char("Platform Sub-order", readonly=True)
    sale_order_id = fields.Many2one("sale.order", "Sales Order", readonly=True, index=True,
                                    ondelete="set null")
    sale_line_id = fields.Many2one("sale.order.line", "Order Line", readonly=True,
                                   ondelete="set null")
    product_id = fields.Many2one(related="sale_line_id.product_id", readonly=True)
    partner_id = fields.Many2one(related="sale_order_id.partner_id", readonly=True)
    status = fields.Selection(REFUND_STATUS_SELECTION, readonly=True, index=True,
                              track_visibility="onchange")
    order_status = fields.Char("Platform Order Status", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    refund_fee = fields.Monetary("Refund Amount", readonly=True, currency_field="currency_id")
    good_status = fields.Selection(GOOD_STATUS_SELECTION, "Goods", readonly=True,
                                   track_visibility="onchange")
    has_good_return = fields.Boolean("Goods To Return", readonly=True)
    reason = fields.Char(readonly=True)
    description = fields.Text(readonly=True)
    # Not "created"/"modified": BaseModel.modified() is an ORM method.
    date_requested = fields.Datetime("Requested On", readonly=True)
    date_modified = fields.Datetime("Platform Modified", readonly=True)
    credit_note_id = fields.Many2one("account.invoice", readonly=True,
                                     copy=False, ondelete="set null")
    return_picking_id = fields.Many2one("stock.picking", "Return", readonly=True, copy=False,
                                        ondelete="set null")

    _sql_constraints = [
        # The database, not a search before create, keeps a cron and a user
        # reading the same refund at once from storing it twice.
        ("refund_shop_uniq", "unique(shop_id, refund_id)",
         "This refund is already recorded for this shop."),
    ]

    @api.multi
    def action_view_credit_note(self):
        self.ensure_one()
        action = self.env.ref("account.action_invoice_tree1").read()[0]
        action.update(res_id=self.credit_note_id.id, view_mode="form",
                      views=[(self.env.ref("account.invoice_form").id, "form")])
        return action

    @api.multi
    def action_view_return(self):
        self.ensure_one()
        action = self.env.ref("stock.action_picking_tree_all").read()[0]
        action.update(res_id=self.return_picking_id.id, view_mode="form",
                      views=[(self.env.ref("stock.view_picking_form").id, "form")])
        return action


class EcommerceSyncLog(models.Model):
    _inherit = "ecommerce.sync.log"

    kind = fields.Selection(selection_add=[("refund_sync", "Refund sync")])


class EcommerceSyncLogLine(models.Model):
    _inherit = "ecommerce.sync.log.line"

    result = fields.Selection(selection_add=[("refund_action", "After-sales action")])
