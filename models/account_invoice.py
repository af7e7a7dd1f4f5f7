# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models


class AccountInvoice(models.Model):
    """Invoices and credit notes of platform orders are settled with the platform.

    The buyer paid the platform, not the seller: a validated invoice of a shop
    with a clearing journal is paid at once into it (a receivable from the
    platform), a credit note paid back from it.
    """

    _inherit = "account.invoice"

    ecommerce_shop_id = fields.Many2one("ecommerce.shop", "E-commerce Shop", readonly=True,
                                        index=True, copy=False)

    @api.multi
    def action_invoice_open(self):
        result = super().action_invoice_open()
        self._ecommerce_pay_from_clearing()
        return result

    def _ecommerce_pay_from_clearing(self):
        """One payment per open invoice of a shop with a clearing journal; a paid
        invoice is never open again, so a validation repeated pays nothing twice.
        The payments of a batch are posted together."""
        payments = self.env["account.payment"]
        for invoice in self.filtered(
                lambda i: i.state == "open" and i.ecommerce_shop_id.clearing_journal_id
                and i.type in ("out_invoice", "out_refund")):
            payments |= payments.create(invoice._ecommerce_payment_vals())
        payments.post()

    def _ecommerce_payment_vals(self):
        journal = self.ecommerce_shop_id.clearing_journal_id
        inbound = self.type == "out_invoice"
        methods = journal.inbound_payment_method_ids if inbound \
            else journal.outbound_payment_method_ids
        return {
            "payment_type": "inbound" if inbound else "outbound",
            "partner_type": "customer", "partner_id": self.commercial_partner_id.id,
            "amount": self.residual, "currency_id": self.currency_id.id,
            "journal_id": journal.id, "payment_method_id": methods[:1].id,
            "payment_date": self.date_invoice, "communication": self.number,
            "invoice_ids": [(6, 0, self.ids)],
        }
