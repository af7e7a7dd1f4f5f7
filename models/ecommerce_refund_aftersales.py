# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""After-sales decisions taken from the refund record (public API and buttons)."""
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

AFTERSALES_GROUP = "ecommerce_sync.group_ecommerce_aftersales"
# The refunds a seller still decides on.
UNDECIDED = ("WAIT_SELLER_AGREE", "WAIT_SELLER_CONFIRM_GOODS")


class EcommerceRefundAftersales(models.Model):
    _inherit = "ecommerce.refund"

    decision_ids = fields.One2many("ecommerce.refund.decision", "refund_id", "Decisions",
                                   readonly=True)
    can_decide = fields.Boolean(compute="_compute_can_decide")

    @api.depends("status")
    def _compute_can_decide(self):
        for refund in self:
            refund.can_decide = refund.status in UNDECIDED

    # ------------------------------------------------------------------
    # Public API (XML-RPC)
    # ------------------------------------------------------------------
    @api.multi
    def agree_refunds(self):
        """Agree these refunds on the platform (batched per shop).

        :returns: ``[{"refund_id", "decision", "accepted", "message"}]``; a refused
                  one says why in ``message``.
        """
        self._check_decision(self)
        return self.env["ecommerce.refund.decider"].agree(self)

    @api.multi
    def agree_return(self, remark=None):
        """Agree that the buyer returns the goods, to the shop's return address."""
        self.ensure_one()
        self._check_decision(self)
        return self.env["ecommerce.refund.decider"].agree_return(self, remark or "")

    @api.multi
    def refuse_refund(self, reason):
        """Refuse the refund; ``reason`` (2 to 200 characters) is shown to the buyer."""
        self.ensure_one()
        reason = (reason or "").strip()
        if not 2 <= len(reason) <= 200:
            raise UserError(_("Give the buyer a reason of 2 to 200 characters."))
        self._check_decision(self)
        return self.env["ecommerce.refund.decider"].refuse(self, reason)

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    @api.multi
    def action_agree_refund(self):
        self.agree_refunds()
        return True

    @api.multi
    def action_agree_return(self):
        self.agree_return()
        return True

    @api.multi
    def action_refuse_refund(self):
        self.ensure_one()
        action = self.env.ref("ecommerce_sync.ecommerce_refund_refuse_wizard_action").read()[0]
        action["context"] = {"default_refund_id": self.id}
        return action

    # ------------------------------------------------------------------
    @api.model
    def _check_decision(self, refunds):
        if not self.env.user.has_group(AFTERSALES_GROUP):
            raise AccessError(_("Only E-commerce After-sales users decide on refunds."))
        decided = refunds.filtered(lambda r: r.status not in UNDECIDED)
        if decided:
            raise UserError(_("Refunds %(refunds)s wait for no decision of the seller.")
                            % {"refunds": ", ".join(decided.mapped("refund_id"))})

    def _agree_after_return(self, user):
        """The return of the goods was validated by ``user``: agree the refund when the
        shop says so and the user may decide; otherwise say who must."""
        for refund in self.filtered(lambda r: r.shop_id.agree_refund_on_return
                                    and r.status in UNDECIDED):
            if not user.has_group(AFTERSALES_GROUP):
                refund.message_post(body=_("The goods are back: an After-sales user must "
                                           "agree the refund."))
                continue
            refund.sudo(user).agree_refunds()
