# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .api_arguments import ApiArguments
from .ecommerce_privacy_log import REVEAL_SCENES


class SaleOrder(models.Model):
    _inherit = "sale.order"

    ecommerce_shop_id = fields.Many2one("ecommerce.shop", "E-commerce Shop", readonly=True,
                                        index=True, copy=False, ondelete="restrict")
    ecommerce_tid = fields.Char("Platform Order No.", readonly=True, index=True, copy=False)
    ecommerce_status = fields.Char("Platform Status", readonly=True, copy=False)
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

    # ------------------------------------------------------------------
    # Masked receivers
    # ------------------------------------------------------------------
    ecommerce_receiver_group = fields.Char(
        "Same Receiver As", readonly=True, copy=False, index=True,
        help="Open orders of the shop that the platform says go to the same receiver "
             "(platform order numbers): the warehouse may pack them as one parcel.")
    ecommerce_receiver_masked = fields.Boolean(
        "Receiver Masked", compute="_compute_ecommerce_receiver_masked",
        help="The platform sent the receiver masked: only a Privacy Viewer can reveal it.")

    @api.depends("partner_shipping_id.ecommerce_oaid")
    def _compute_ecommerce_receiver_masked(self):
        for order in self:
            order.ecommerce_receiver_masked = bool(order.partner_shipping_id.ecommerce_oaid)

    @api.multi
    def action_ecommerce_reveal_receiver(self):
        """Button: ask why, then show the receiver in a dialog that keeps nothing."""
        self.ensure_one()
        self.ecommerce_shop_id._check_privacy_viewer()
        return {
            "type": "ir.actions.act_window", "res_model": "ecommerce.privacy.reveal.wizard",
            "view_mode": "form", "target": "new", "name": _("Reveal Receiver"),
            "context": {"default_order_id": self.id},
        }

    @api.multi
    def ecommerce_reveal_receiver(self, scene):
        """Decrypt this order's masked receiver through the platform (public API).

        Only for the E-commerce Privacy Viewer group. Every call is logged
        (ecommerce.privacy.log) and counted against the shop's daily cap.

        :param scene: manual_waybill, after_sales or customer_care
        :returns: ``{"ok": True, "receiver": {"name", "mobile", "phone", "state",
            "city", "district", "town", "address", ...}}`` or ``{"ok": False,
            "message"}``. Nothing of it is stored.
        """
        args = ApiArguments(self, "ecommerce_reveal_receiver")
        args.check_some_records()
        if len(self) != 1:
            raise UserError(_("Reveal the receiver of one order at a time."))
        self.ecommerce_shop_id._check_privacy_viewer()
        args.check_choice(scene, "scene", [key for key, _label in REVEAL_SCENES], required=True)
        self.check_access_rule("read")
        if not (self.ecommerce_shop_id and self.ecommerce_receiver_masked):
            raise UserError(_("Order %(order)s has no masked receiver: its delivery address "
                              "is the one to ship to.") % {"order": self.name})
        return self.ecommerce_shop_id._reveal_receiver(self, scene)
