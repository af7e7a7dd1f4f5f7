# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, fields, models

from ..models.ecommerce_privacy_log import REVEAL_SCENES


class EcommercePrivacyRevealWizard(models.TransientModel):
    """Asks why the receiver is needed; the answer goes to a dialog, not to a record."""

    _name = "ecommerce.privacy.reveal.wizard"
    _description = "Reveal a Masked Receiver"

    order_id = fields.Many2one("sale.order", required=True, readonly=True,
                               ondelete="cascade")
    scene = fields.Selection(REVEAL_SCENES, "Why", required=True, default="manual_waybill",
                             help="Told to the platform with the decrypt, and logged.")

    def action_reveal(self):
        self.ensure_one()
        result = self.order_id.ecommerce_reveal_receiver(self.scene)
        params = {"ok": result["ok"], "message": result.get("message") or "",
                  "title": _("Receiver of %(order)s") % {"order": self.order_id.name}}
        if result["ok"]:
            params["lines"] = self._receiver_lines(result["receiver"])
        # A client action: the plaintext lives in the browser's dialog only.
        return {"type": "ir.actions.client", "tag": "ecommerce_sync_receiver_dialog",
                "params": params}

    @staticmethod
    def _receiver_lines(receiver):
        area = " ".join(receiver[key] for key in ("state", "city", "district", "town")
                        if receiver.get(key))
        lines = [(_("Name"), receiver.get("name")), (_("Mobile"), receiver.get("mobile")),
                 (_("Phone"), receiver.get("phone")), (_("Area"), area),
                 (_("Address"), receiver.get("address"))]
        return [[label, value] for label, value in lines if value]
