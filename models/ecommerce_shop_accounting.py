# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The books of a shop: when its orders are invoiced and where their money waits."""
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .api_arguments import ApiArguments

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

    @api.model
    def _invoice_workflows(self):
        """Every workflow an invoice policy sets on orders (an order keeps the one
        of the setting it was imported under)."""
        workflows = self.env["sale.workflow.process"]
        for xmlid in INVOICE_WORKFLOWS.values():
            workflows |= self.env.ref(xmlid, raise_if_not_found=False) or workflows
        return workflows

    @api.multi
    def invoice_orders(self, order_ids=None):
        """Invoice now what the automatic workflow's cron would invoice at its next
        run: the shop's orders that their Invoice Orders setting makes due (all, or
        those of ``order_ids``), validated and paid into the clearing journal.

        :returns: ``{"invoiced": [order ids], "invoice_ids": [ids],
                  "failed": [{"order", "reason"}], "skipped": [{"order", "reason"}]}``
                  (``skipped``: the orders of ``order_ids`` that are not due, and why)
        """
        args = ApiArguments(self, "invoice_orders")
        args.check_single_shop()
        order_ids = args.check_existing_ids(args.check_id_list(order_ids, "order_ids"),
                                            "order_ids", "sale.order")
        orders_domain = [("ecommerce_shop_id", "=", self.id)]
        drafts_domain = list(orders_domain)
        if order_ids is not None:
            orders_domain.append(("id", "in", order_ids))
            drafts_domain.append(("invoice_line_ids.sale_line_ids.order_id", "in", order_ids))
        invoicer = self.env["ecommerce.order.invoicer"]._start(self)
        orders, drafts = invoicer._due(self._invoice_workflows(), orders_domain, drafts_domain)
        summary = invoicer.run(orders, drafts)
        not_due = self.env["sale.order"].browse(order_ids or []) - orders
        summary["skipped"] = [{"order": order.id, "reason": self._not_due_reason(order)}
                              for order in not_due]
        return summary

    def _not_due_reason(self, order):
        if order.ecommerce_shop_id != self:
            return _("Not an order of this shop.")
        if order.invoice_status == "invoiced":
            return _("Invoiced already.")
        if order.workflow_process_id not in self._invoice_workflows():
            return _("Invoiced by hand: the shop's Invoice Orders setting was By hand when "
                     "the order was imported.")
        if order.state not in ("sale", "done"):
            return _("The order is not confirmed.")
        if order.invoice_status == "to invoice":
            return _("Waits for its delivery: invoiced when shipped.")
        return _("Nothing of the order is left to invoice.")
