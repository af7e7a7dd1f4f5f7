# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    ecommerce_shop_id = fields.Many2one("ecommerce.shop", "E-commerce Shop", readonly=True,
                                        index=True, copy=False, ondelete="restrict")
    ecommerce_tid = fields.Char("Platform Order No.", readonly=True, index=True, copy=False)
    ecommerce_status = fields.Char(
        "Platform Status", readonly=True, copy=False,
        help="The trade status in the addon's neutral words (Taobao's), the same for every "
             "platform: what the synchronisation decides on.")
    ecommerce_native_status = fields.Char(
        "Platform's Own Status", readonly=True, copy=False, index=True,
        help="The status in the platform's own words (JD: WAIT_SELLER_STOCK_OUT, LOCKED, "
             "POP_ORDER_PAUSE, ...), as the platform's seller centre shows it.")
    ecommerce_modified = fields.Datetime("Platform Modified", readonly=True, copy=False)
    ecommerce_buyer_message = fields.Text("Buyer Message", readonly=True, copy=False)
    ecommerce_seller_memo = fields.Text("Seller Memo", readonly=True, copy=False)
    ecommerce_review_needed = fields.Boolean(
        "To Review", copy=False,
        help="Set when the platform order carries a buyer message or seller memo, or was "
             "closed on the platform after it could no longer be cancelled here.")
    ecommerce_review_reason = fields.Text("Review Reason", copy=False)
    ecommerce_hold_codes = fields.Char(
        readonly=True, copy=False,
        help="Why the order is held, as codes: message (a person decides), forbidden and "
             "refund (the platform lifts them).")
    ecommerce_address_key = fields.Char(readonly=True, copy=False,
                                        help="Fingerprint of the platform's receiving address.")

    ecommerce_refund_ids = fields.One2many("ecommerce.refund", "sale_order_id",
                                           "Platform Refunds", readonly=True)
    ecommerce_refund_count = fields.Integer("Refunds", compute="_compute_ecommerce_refund_count")

    _sql_constraints = [
        # The database, not a search before create, is what keeps a cron and a
        # user importing at the same time from creating the order twice.
        ("ecommerce_tid_shop_uniq", "unique(ecommerce_shop_id, ecommerce_tid)",
         "This platform order is already imported for this shop."),
    ]

    @api.depends("ecommerce_refund_ids")
    def _compute_ecommerce_refund_count(self):
        for order in self:
            order.ecommerce_refund_count = len(order.ecommerce_refund_ids)

    @api.multi
    def action_view_ecommerce_refunds(self):
        self.ensure_one()
        action = self.env.ref("ecommerce_sync.ecommerce_refund_action").read()[0]
        action["domain"] = [("sale_order_id", "=", self.id)]
        return action

    @api.multi
    def action_ecommerce_reviewed(self):
        """The seller has read the message/memo: clear the flag and confirm.

        A hold the platform imposes (shipping forbidden, a refund in progress)
        is not the seller's to lift: the sync releases it when the platform does.
        """
        for order in self:
            platform_holds = set((order.ecommerce_hold_codes or "").split(",")) & \
                {"forbidden", "refund"}
            if platform_holds:
                raise UserError(_(
                    "Order %(order)s stays held until the platform allows shipping and no "
                    "refund is in progress; the synchronisation releases it then.")
                    % {"order": order.name})
            order.write({"ecommerce_review_needed": False, "ecommerce_review_reason": False,
                         "ecommerce_hold_codes": False})
            if order.state in ("draft", "sent"):
                order.action_confirm()
        return True

    @api.multi
    def _prepare_invoice(self):
        vals = super()._prepare_invoice()
        journal = self.ecommerce_shop_id.journal_id
        if journal:
            if journal.company_id != self.company_id:
                raise UserError(_("The sales journal of shop %(shop)s belongs to another "
                                  "company.") % {"shop": self.ecommerce_shop_id.name})
            vals["journal_id"] = journal.id
        return vals
