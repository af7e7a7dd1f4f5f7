# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""E-waybills for deliveries (打单): one waybill per parcel from the shop's account.

One issuer per shop run: it holds the shop, its adapter and the summary. Each
delivery is a parcel of its own (a split delivery gets its own waybill); the
parcels go to the platform in batches of the adapter's ``waybill_batch``.
Asking again for a parcel gives its code again (a reprint never costs a
waybill); a new waybill for a parcel first cancels its old code.
"""
import logging

from odoo import _, models

from ..adapters import PlatformError

_logger = logging.getLogger(__name__)


def _chunks(rows, size):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


class WaybillIssuer(models.AbstractModel):
    _name = "ecommerce.waybill.issuer"
    _description = "E-waybill Issuer"

    def _start(self, shop):
        run = self.browse()
        run.shop = shop
        run.adapter = shop._get_adapter()
        run.summary = {"issued": [], "reused": [], "skipped": [], "failed": []}
        return run

    # ------------------------------------------------------------------
    # Get
    # ------------------------------------------------------------------
    def issue(self, pickings, account=None, renew=False):
        """Waybills for ``pickings`` (of this shop), in their order."""
        todo = []
        for picking in pickings:
            reason = self._refusal(picking)
            if reason:
                self._note("skipped", picking, reason)
            elif picking.ecommerce_waybill_code and not renew:
                self._note("reused", picking, waybill=picking.ecommerce_waybill_code)
            else:
                todo.append(picking)
        if renew:
            todo = [picking for picking in todo if self._cancel_old(picking)]
        by_account = {}
        for picking in todo:
            chosen = account or self.env["ecommerce.waybill.account"]._default_for(
                self.shop, picking.carrier_id)
            if not chosen:
                self._note("skipped", picking, _("Shop %(shop)s has no e-waybill account: "
                                                 "read them from the platform first.")
                           % {"shop": self.shop.name})
                continue
            by_account.setdefault(chosen, []).append(picking)
        for chosen, group in by_account.items():
            for batch in _chunks(group, self.adapter.waybill_batch):
                self._get_batch(chosen, batch)
        return dict(self.summary, api_calls=self.adapter.calls)

    def _refusal(self, picking):
        if picking.ecommerce_shop_id != self.shop:
            return _("This delivery is not for an order of shop %(shop)s.") % {
                "shop": self.shop.name}
        if picking.state in ("done", "cancel"):
            return _("This delivery is done or cancelled.")
        if picking.ecommerce_held:
            return _("On hold: %(reason)s") % {"reason": picking.ecommerce_hold_reason}
        return False

    def _get_batch(self, account, batch):
        parcels = [self._prepare_parcel(p) for p in batch]
        try:
            answers = self.adapter.get_waybills(
                {"carrier_code": account.carrier_code, "sender": account._sender(),
                 "template_url": account.template_url}, parcels)
        except PlatformError as err:
            reason = self.shop._explain_error(err)
            for picking in batch:
                self._note("failed", picking, reason)
            return
        by_object = dict((a["object_id"], a) for a in answers)
        fresh = 0
        for picking, parcel in zip(batch, parcels):
            answer = by_object.get(parcel["object_id"])
            if not answer or not answer["waybill"]:
                self._note("failed", picking, _("The platform gave no waybill for it."))
                continue
            fresh += 0 if picking.ecommerce_waybill_code == answer["waybill"] else 1
            picking.write(self._prepare_waybill_vals(account, parcel, answer))
            self._note("issued", picking, waybill=answer["waybill"])
        # sudo: the count left is the account's bookkeeping; a sync reads the truth
        account.sudo().quantity -= fresh

    def _prepare_parcel(self, picking):
        order = picking.sale_id
        partner = order.partner_shipping_id
        revision = picking.ecommerce_waybill_revision
        object_id = "%s-%s" % (picking.id, revision) if revision else str(picking.id)
        if partner.ecommerce_oaid:
            receiver = {"tid": order.ecommerce_tid, "oaid": partner.ecommerce_oaid}
        else:
            receiver = {"name": partner.name or "", "mobile": partner.mobile or "",
                        "phone": partner.phone or "", "state": partner.state_id.name or "",
                        "city": partner.city or "", "district": partner.street2 or "",
                        "town": "", "address": partner.street or ""}
        return {"object_id": object_id, "package_id": picking.name,
                "tids": [order.ecommerce_tid], "channel": self.shop.platform,
                "items": picking._ecommerce_waybill_items(), "receiver": receiver}

    @staticmethod
    def _prepare_waybill_vals(account, parcel, answer):
        vals = {"ecommerce_waybill_account_id": account.id,
                "ecommerce_waybill_code": answer["waybill"],
                "ecommerce_waybill_object_id": parcel["object_id"],
                "ecommerce_waybill_print_data": answer["print_data"],
                "ecommerce_waybill_print_state": "to_print",
                "ecommerce_waybill_print_error": False,
                "carrier_tracking_ref": answer["waybill"]}
        if account.carrier_id:
            vals["carrier_id"] = account.carrier_id.id
        return vals

    # ------------------------------------------------------------------
    # Cancel
    # ------------------------------------------------------------------
    def cancel(self, pickings):
        """Give the waybills of ``pickings`` back; the deliveries keep no code."""
        for picking in pickings:
            if not picking.ecommerce_waybill_code:
                self._note("skipped", picking, _("This delivery has no e-waybill."))
            elif picking.state == "done":
                self._note("skipped", picking, _("This delivery has left with its waybill."))
            elif self._cancel_old(picking):
                picking.write({"ecommerce_waybill_code": False,
                               "ecommerce_waybill_print_data": False,
                               "ecommerce_waybill_print_state": False,
                               "carrier_tracking_ref": False})
        return dict(self.summary, api_calls=self.adapter.calls)

    def _cancel_old(self, picking):
        """Cancel the delivery's code on the platform; the next one is a new parcel."""
        account = picking.ecommerce_waybill_account_id
        code = picking.ecommerce_waybill_code
        if not code:
            return True
        try:
            self.adapter.cancel_waybill(account.carrier_code, code)
        except PlatformError as err:
            self._note("failed", picking, self.shop._explain_error(err))
            return False
        account.sudo().quantity += 1
        picking.write({"ecommerce_waybill_revision": picking.ecommerce_waybill_revision + 1,
                       "ecommerce_waybill_note": _("Waybill %(code)s was cancelled.")
                       % {"code": code}})
        self._note("cancelled", picking, waybill=code)
        return True

    def _note(self, key, picking, reason=None, waybill=None):
        entry = {"picking": picking.id}
        if reason:
            entry["reason"] = reason
        if waybill:
            entry["waybill"] = waybill
        self.summary.setdefault(key, []).append(entry)
