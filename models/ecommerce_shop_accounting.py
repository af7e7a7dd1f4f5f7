# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The books of a shop: when its orders are invoiced and where their money waits."""
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# The shop setting -> the sale.workflow.process (OCA sale_automatic_workflow)
# whose cron creates and validates the invoices.
INVOICE_WORKFLOWS = {
    "confirm": "ecommerce_sync.sale_workflow_process_invoice_on_confirm",
    "ship": "ecommerce_sync.sale_workflow_process_invoice_when_shipped",
}


class EcommerceShopAccounting(models.Model):
    _inherit = "ecommerce.shop"

    invoice_policy = fields.Selection(
        [("manual", "By hand"), ("confirm", "On confirmation"), ("ship", "When shipped")],
        "Invoice Orders", required=True, default="manual", track_visibility="onchange",
        help="When an imported order is invoiced in the shop's sales journal. The buyer "
             "paid the platform already: each validated invoice is paid at once into the "
             "clearing journal.")
    clearing_journal_id = fields.Many2one(
        "account.journal", track_visibility="onchange",
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        help="The platform's account that holds the buyers' money until the payout "
             "(Alipay, JD wallet, the own shop's payment gateway). Invoices of the shop are "
             "paid into it, credit notes of its refunds paid back from it, and the "
             "platform's settlement is imported as its statements.")

    @api.constrains("clearing_journal_id", "company_id")
    def _check_clearing_journal(self):
        for shop in self.filtered("clearing_journal_id"):
            if shop.clearing_journal_id.company_id != shop.company_id:
                raise ValidationError(_("The clearing journal of shop %(shop)s belongs to "
                                        "another company.") % {"shop": shop.name})

    def _invoice_workflow(self):
        """The automatic workflow of the shop's new orders (none when invoiced by hand)."""
        self.ensure_one()
        xmlid = INVOICE_WORKFLOWS.get(self.invoice_policy)
        workflow = xmlid and self.env.ref(xmlid, raise_if_not_found=False)
        return workflow or self.env["sale.workflow.process"]
