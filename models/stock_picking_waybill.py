# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""E-waybills on deliveries: get, print through the print component, cancel."""
import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

PRINT_STATES = [("to_print", "To print"), ("printed", "Printed"), ("failed", "Print failed")]
DEFAULT_COMPONENT_URL = "ws://127.0.0.1:13528"


class StockPickingWaybill(models.Model):
    _inherit = "stock.picking"

    ecommerce_waybill_account_id = fields.Many2one(
        "ecommerce.waybill.account", "E-waybill Account", copy=False, readonly=True)
    ecommerce_waybill_code = fields.Char("E-waybill", copy=False, readonly=True, index=True)
    ecommerce_waybill_object_id = fields.Char("E-waybill Parcel Id", copy=False, readonly=True)
    ecommerce_waybill_revision = fields.Integer(copy=False, readonly=True)
    ecommerce_waybill_print_data = fields.Text(
        "Print Data", copy=False, readonly=True,
        help="The label as the platform issued it, enciphered: only the print component "
             "reads it.")
    ecommerce_waybill_print_state = fields.Selection(PRINT_STATES, "Label", copy=False,
                                                     readonly=True, index=True)
    ecommerce_waybill_print_error = fields.Char("Print Problem", copy=False, readonly=True)
    ecommerce_waybill_print_count = fields.Integer("Times Printed", copy=False, readonly=True)
    ecommerce_waybill_note = fields.Char("E-waybill Note", copy=False, readonly=True)

    # ------------------------------------------------------------------
    # Public API (XML-RPC)
    # ------------------------------------------------------------------
    @api.multi
    def ecommerce_get_waybills(self, account_id=None, renew=False):
        """Get an e-waybill for each of these deliveries (one parcel each).

        :param account_id: the waybill account to use (its shop's deliveries only); by
            default the account of each delivery's carrier, else the shop's first.
        :param renew: cancel the present code on the platform and get a new one
            (a reprint never needs this: the same code comes again)
        :returns: ``{"issued": [{"picking", "waybill"}], "reused": [...], "cancelled":
            [...], "skipped": [{"picking", "reason"}], "failed": [...], "api_calls": n}``
        """
        self._check_waybill_rights()
        account = self.env["ecommerce.waybill.account"]
        if account_id:
            account = account.browse(account_id).exists()
            if not account:
                raise UserError(_("Waybill account %(id)s does not exist.")
                                % {"id": account_id})
        summary = {"issued": [], "reused": [], "cancelled": [], "skipped": [], "failed": [],
                   "api_calls": 0}
        for shop, pickings in self._ecommerce_by_shop(summary):
            if account and account.shop_id != shop:
                summary["skipped"] += [{"picking": p.id, "reason": _(
                    "Account %(account)s belongs to another shop.") % {
                    "account": account.name}} for p in pickings]
                continue
            issuer = self.env["ecommerce.waybill.issuer"]._start(shop)
            self._merge_summary(summary, issuer.issue(pickings, account or None, renew))
        return summary

    @api.multi
    def ecommerce_cancel_waybills(self):
        """Cancel the e-waybills of these open deliveries on the platform (the
        quantity goes back to the account); they may get a new one later.

        :returns: ``{"cancelled": [{"picking", "waybill"}], "skipped": [...],
            "failed": [...], "api_calls": n}``
        """
        self._check_waybill_rights()
        summary = {"cancelled": [], "skipped": [], "failed": [], "api_calls": 0}
        for shop, pickings in self._ecommerce_by_shop(summary):
            issuer = self.env["ecommerce.waybill.issuer"]._start(shop)
            self._merge_summary(summary, issuer.cancel(pickings))
        return summary

    @api.multi
    def ecommerce_print_documents(self):
        """What the print component must print for these deliveries, in their order.

        A delivery on hold (a refund, a memo, a platform hold) or without a waybill
        is left out with its reason: its label must not reach a parcel.

        :returns: ``{"component_url", "printer", "documents": [{"picking", "name",
            "waybill", "documentID", "contents"}], "skipped": [{"picking", "reason"}]}``
        """
        self.check_access_rights("read")
        self.check_access_rule("read")
        documents, skipped = [], []
        for picking in self:
            reason = picking._ecommerce_print_refusal()
            if reason:
                skipped.append({"picking": picking.id, "reason": reason})
                continue
            documents.append({"picking": picking.id, "name": picking.name,
                              "waybill": picking.ecommerce_waybill_code,
                              "documentID": picking.ecommerce_waybill_code,
                              "contents": picking._ecommerce_print_contents()})
        url = self.env["ir.config_parameter"].sudo().get_param(
            "ecommerce_sync.print_component_url", DEFAULT_COMPONENT_URL)
        return {"component_url": url, "printer": self.env.user.ecommerce_waybill_printer or "",
                "documents": documents, "skipped": skipped}

    @api.multi
    def ecommerce_print_result(self, results, printer=None):
        """Record what the print component answered; remembers the packer's printer.

        :param results: ``[{"picking": id, "status": "printed"|"failed", "msg": text}]``
        :param printer: the printer the packer chose (kept for the next time)
        :returns: ``{"printed": [ids], "failed": [ids]}``
        """
        self.check_access_rights("write")
        if not isinstance(results, list) or not all(
                isinstance(r, dict) and r.get("status") in ("printed", "failed")
                for r in results):
            raise UserError(_("results must be a list of {picking, status: printed or "
                              "failed, msg}."))
        answer = {"printed": [], "failed": []}
        pickings = self.browse([r.get("picking") for r in results
                                if isinstance(r.get("picking"), int)]).exists()
        pickings.check_access_rule("write")
        for result in results:
            picking = pickings.filtered(lambda p, r=result: p.id == r.get("picking"))
            if not picking:
                continue
            printed = result["status"] == "printed"
            picking.write({
                "ecommerce_waybill_print_state": result["status"],
                "ecommerce_waybill_print_error": False if printed else
                (str(result.get("msg") or "") or _("The print component reported a failure.")),
                "ecommerce_waybill_print_count": picking.ecommerce_waybill_print_count
                + (1 if printed else 0)})
            answer[result["status"]].append(picking.id)
        if printer and isinstance(printer, str):
            # sudo: a packer may not write on their user; the printer is their own choice
            self.env.user.sudo().ecommerce_waybill_printer = printer
        return answer

    # ------------------------------------------------------------------
    # Buttons and list actions
    # ------------------------------------------------------------------
    @api.multi
    def action_ecommerce_get_waybills(self):
        summary = self.ecommerce_get_waybills()
        problems = summary["skipped"] + summary["failed"]
        if problems and not (summary["issued"] or summary["reused"]):
            names = dict((p.id, p.name) for p in self)
            raise UserError("\n".join("%s: %s" % (names.get(p["picking"], p["picking"]),
                                                  p["reason"]) for p in problems))
        return True

    @api.multi
    def action_ecommerce_renew_waybill(self):
        self.ecommerce_get_waybills(renew=True)
        return True

    @api.multi
    def action_ecommerce_cancel_waybill(self):
        self.ecommerce_cancel_waybills()
        return True

    @api.multi
    def action_ecommerce_print_waybills(self):
        """The print screen of the web client for these deliveries."""
        return {"type": "ir.actions.client", "tag": "ecommerce_waybill_print",
                "name": _("Print Waybills"), "params": {"picking_ids": self.ids}}

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @api.multi
    def action_cancel(self):
        with_code = self.filtered(lambda p: p.ecommerce_waybill_code and p.state != "done")
        result = super().action_cancel()
        if with_code:
            # the codes are the shop's: give them back whoever cancels the delivery
            with_code.sudo().ecommerce_cancel_waybills()
        return result

    def _check_waybill_rights(self):
        self.check_access_rights("write")
        self.check_access_rule("write")

    def _ecommerce_by_shop(self, summary):
        for picking in self.filtered(lambda p: not p.ecommerce_shop_id):
            summary["skipped"].append({"picking": picking.id, "reason": _(
                "This delivery is not for an order of a shop.")})
        shops = self.mapped("ecommerce_shop_id")
        return [(shop, self.filtered(lambda p, s=shop: p.ecommerce_shop_id == s))
                for shop in shops]

    @staticmethod
    def _merge_summary(summary, part):
        for key, value in part.items():
            if key == "api_calls":
                summary[key] += value
            else:
                summary.setdefault(key, []).extend(value)

    def _ecommerce_print_refusal(self):
        self.ensure_one()
        if self.ecommerce_held:
            return _("On hold, do not pack: %(reason)s") % {
                "reason": self.ecommerce_hold_reason}
        if self.state == "cancel":
            return _("This delivery is cancelled.")
        if not self.ecommerce_waybill_code or not self.ecommerce_waybill_print_data:
            return _("This delivery has no e-waybill yet.")
        return False

    def _ecommerce_waybill_items(self):
        self.ensure_one()
        items = {}
        for move in self.move_lines.filtered(lambda m: m.state != "cancel"):
            name = move.product_id.display_name
            items[name] = items.get(name, 0) + int(move.product_uom_qty)
        return [{"name": name, "count": count} for name, count in items.items()]

    def _ecommerce_print_contents(self):
        """The sealed label, then the plain custom area (items, quantities, memo)."""
        self.ensure_one()
        contents = [self.ecommerce_waybill_print_data]
        account = self.ecommerce_waybill_account_id
        items = "; ".join("%s x %s" % (i["name"], i["count"])
                          for i in self._ecommerce_waybill_items())
        contents.append({"templateURL": account.custom_template_url or "",
                         "data": {"items": items, "picking": self.name,
                                  "memo": self.sale_id.ecommerce_seller_memo or ""}})
        return contents
