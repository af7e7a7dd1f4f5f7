# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, models


class AutomaticWorkflowJob(models.Model):
    """OCA's workflow cron (every minute) invoices the shops' orders in batches.

    The shops' own workflows (the Invoice Orders setting) are run shop by shop by
    ``ecommerce.order.invoicer``, with the same filters; every other workflow runs
    as OCA made it.
    """

    _inherit = "automatic.workflow.job"

    @api.model
    def run_with_workflow(self, sale_workflow):
        if sale_workflow not in self.env["ecommerce.shop"]._invoice_workflows():
            return super().run_with_workflow(sale_workflow)
        invoicer = self.env["ecommerce.order.invoicer"]
        on_shops = [("ecommerce_shop_id", "!=", False)]
        orders, drafts = invoicer._due(sale_workflow, on_shops, on_shops)
        for shop in orders.mapped("ecommerce_shop_id") | drafts.mapped("ecommerce_shop_id"):
            invoicer._start(shop).run(
                orders.filtered(lambda o, shop=shop: o.ecommerce_shop_id == shop),
                drafts.filtered(lambda i, shop=shop: i.ecommerce_shop_id == shop))
        return True
