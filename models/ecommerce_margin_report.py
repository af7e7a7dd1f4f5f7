# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Per-shop margin: sales, refunds, platform charges, cost of goods (SQL view)."""
from odoo import api, fields, models, tools


class EcommerceMarginReport(models.Model):
    """One row per invoice line, platform charge and stock move of a shop's orders;
    pivot and graph add them up per shop, period and SKU. Amounts are untaxed, in
    the company currency; charges belong to a trade, not a SKU (no product)."""

    _name = "ecommerce.margin.report"
    _description = "E-commerce Margin"
    _auto = False
    _rec_name = "date"
    _order = "date desc"

    shop_id = fields.Many2one("ecommerce.shop", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Date(readonly=True)
    product_id = fields.Many2one("product.product", "SKU", readonly=True)
    sales = fields.Float(readonly=True, digits=(16, 2))
    refunds = fields.Float(readonly=True, digits=(16, 2))
    fees = fields.Float("Platform Charges", readonly=True, digits=(16, 2))
    cost = fields.Float("Cost of Goods", readonly=True, digits=(16, 2))
    margin = fields.Float(readonly=True, digits=(16, 2))

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("""
            CREATE VIEW ecommerce_margin_report AS (
            SELECT rows.*, rows.sales - rows.refunds - rows.fees - rows.cost AS margin
            FROM (
                -- Each row's id comes from its source record (x 3 + branch): a row
                -- number would be dealt anew by every query, and reading the rows a
                -- search found (WHERE id IN ...) could then return other rows.
                -- invoiced sales and credit notes, untaxed
                SELECT ail.id * 3 AS id, inv.ecommerce_shop_id AS shop_id, inv.company_id,
                       inv.date_invoice AS date, ail.product_id,
                       CASE WHEN inv.type = 'out_invoice'
                            THEN ail.price_subtotal_signed ELSE 0 END AS sales,
                       CASE WHEN inv.type = 'out_refund'
                            THEN -ail.price_subtotal_signed ELSE 0 END AS refunds,
                       0.0 AS fees, 0.0 AS cost
                FROM account_invoice_line ail
                JOIN account_invoice inv ON inv.id = ail.invoice_id
                WHERE inv.ecommerce_shop_id IS NOT NULL AND inv.state IN ('open', 'paid')
                  AND inv.type IN ('out_invoice', 'out_refund')
                UNION ALL
                -- the platform's charges the settlement booked to the shop's accounts
                SELECT aml.id * 3 + 1, shop.id, aml.company_id, aml.date, NULL,
                       0.0, 0.0, aml.debit - aml.credit, 0.0
                FROM account_move_line aml
                JOIN account_bank_statement_line bsl ON bsl.id = aml.statement_line_id
                JOIN ecommerce_shop shop ON shop.clearing_journal_id = bsl.journal_id
                WHERE aml.account_id IN (shop.commission_account_id,
                                         shop.payment_fee_account_id,
                                         shop.other_fee_account_id)
                UNION ALL
                -- cost of the goods delivered (returns take it back)
                SELECT sm.id * 3 + 2, so.ecommerce_shop_id, sm.company_id, sm.date::date,
                       sm.product_id,
                       0.0, 0.0, 0.0, -COALESCE(sm.value, 0.0)
                FROM stock_move sm
                JOIN sale_order_line sol ON sol.id = sm.sale_line_id
                JOIN sale_order so ON so.id = sol.order_id
                WHERE sm.state = 'done' AND so.ecommerce_shop_id IS NOT NULL
            ) AS rows)
        """)
