# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""After-sales decisions: sent through the shop's adapter, each answer stored."""
import logging
from datetime import datetime, timedelta
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..adapters import PlatformError, SessionExpiredError

_logger = logging.getLogger(__name__)
READ_BACK_BEFORE = timedelta(minutes=10)
READ_BACK_AFTER = timedelta(minutes=2)


class RefundDecider(models.AbstractModel):
    _name = "ecommerce.refund.decider"
    _description = "E-commerce After-sales Decisions"

    @api.model
    def agree(self, refunds):
        """Agree ``refunds`` (several shops allowed), one batch per shop."""
        answers = []
        for shop in refunds.mapped("shop_id"):
            mine = refunds.filtered(lambda r, shop=shop: r.shop_id == shop)
            results = self._call(shop, "agree", mine, lambda adapter: adapter.agree_refunds(
                [(r.refund_id, Decimal(str(r.refund_fee))) for r in mine]))
            shop_answers = [self._record(r, "agree", *results[r.refund_id]) for r in mine]
            self._read_back(shop, shop_answers)
            answers += shop_answers
        return answers

    @api.model
    def agree_return(self, refund, remark):
        self._adapter(refund.shop_id, "return")  # before asking for an address
        address = self._return_address(refund.shop_id)
        result = self._call(refund.shop_id, "return", refund, lambda adapter: {
            refund.refund_id: (adapter.agree_return(refund.refund_id, address, remark), "")})
        answers = [self._record(refund, "return", *result[refund.refund_id], note=remark)]
        self._read_back(refund.shop_id, answers)
        return answers[0]

    @api.model
    def refuse(self, refund, reason):
        result = self._call(refund.shop_id, "refuse", refund, lambda adapter: {
            refund.refund_id: (adapter.refuse_refund(refund.refund_id, reason), "")})
        answers = [self._record(refund, "refuse", *result[refund.refund_id], note=reason)]
        self._read_back(refund.shop_id, answers)
        return answers[0]

    # ------------------------------------------------------------------
    @staticmethod
    def _adapter(shop, decision):
        """The shop's adapter, when its platform takes ``decision`` from Odoo."""
        adapter = shop._get_adapter()
        if decision not in adapter.decisions:
            raise UserError(_("Shop %(shop)s: Odoo cannot send this decision to the "
                              "platform: the platform's API, as documented, has no call "
                              "for it. Decide on the platform's seller centre.")
                            % {"shop": shop.name})
        return adapter

    def _call(self, shop, decision, refunds, send):
        """{refund_id: (accepted, message)}; a failed call refuses all its refunds."""
        adapter = self._adapter(shop, decision)
        try:
            return send(adapter)
        except SessionExpiredError as err:
            shop._pause_sync(err)
            why = shop._explain_error(err)
        except PlatformError as err:
            why = err.reason or shop._explain_error(err)
        _logger.info("Shop %s: %s decision refused: %s", shop.id, decision, why)
        return {r.refund_id: (False, why) for r in refunds}

    def _record(self, refund, decision, accepted, message, note=None):
        self.env["ecommerce.refund.decision"].create({
            "refund_id": refund.id, "decision": decision, "accepted": bool(accepted),
            "message": message or False, "note": note or False})
        label = dict(self.env["ecommerce.refund.decision"]._fields["decision"]
                     ._description_selection(self.env))[decision]
        if accepted:
            text = _("%(decision)s: sent to the platform, which accepted it.") % {
                "decision": label}
        else:
            text = _("%(decision)s: the platform refused it: %(why)s") % {
                "decision": label, "why": message or _("no reason given")}
        refund.message_post(body=text)
        return {"refund_id": refund.refund_id, "decision": decision,
                "accepted": bool(accepted), "message": message or ""}

    @staticmethod
    def _return_address(shop):
        partner = shop.return_partner_id
        if not (partner and shop.return_address_id):
            raise UserError(_("Shop %(shop)s has no return address: set the return address "
                              "and its platform id on the shop.") % {"shop": shop.name})
        street = ", ".join(p for p in (partner.state_id.name, partner.city, partner.street,
                                       partner.street2) if p)
        return {"address_id": shop.return_address_id, "name": partner.name,
                "street": street, "zip": partner.zip or "", "phone": partner.phone or "",
                "mobile": partner.mobile or ""}

    @staticmethod
    def _read_back(shop, answers):
        """The platform's new state of the refunds at once (the decisions moved their
        modification time); a sync that cannot run now leaves it to the cron."""
        if not any(a["accepted"] for a in answers):
            return
        # A window, not the watermark: the platform stamped the decision now, or a
        # second later when it changed the refund twice within one second.
        now = datetime.utcnow().replace(microsecond=0)
        try:
            shop.sync_refunds(fields.Datetime.to_string(now - READ_BACK_BEFORE),
                              fields.Datetime.to_string(now + READ_BACK_AFTER))
        except UserError as err:
            _logger.info("Shop %s: refunds not read back after a decision: %s",
                         shop.id, err.name)
