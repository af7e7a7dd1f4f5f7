# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The platform's settlement of a shop, imported as statements of its clearing journal."""
from datetime import datetime

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .api_arguments import ApiArguments

EXPENSE_DOMAIN = "[('deprecated', '=', False), ('company_id', '=', company_id)]"


class EcommerceShopSettlement(models.Model):
    _inherit = "ecommerce.shop"

    commission_account_id = fields.Many2one(
        "account.account", domain=EXPENSE_DOMAIN,
        help="Expense account of the platform's commission (佣金 / 技术服务费).")
    payment_fee_account_id = fields.Many2one(
        "account.account", domain=EXPENSE_DOMAIN,
        help="Expense account of the payment fees (支付服务费, 花呗 / credit card).")
    other_fee_account_id = fields.Many2one(
        "account.account", "Other Charges Account", domain=EXPENSE_DOMAIN,
        help="Expense account of the platform's other charges (淘宝客佣金, services...).")

    @api.multi
    def import_settlement(self, date_from, date_to):
        """Import the platform's settlement booked in [date_from, date_to] (UTC,
        ``YYYY-MM-DD HH:MM:SS``) as a statement of the clearing journal, and match it.

        Each line is matched to its trade's invoice payments, or booked to the
        shop's expense account of its charge; a line that matches nothing stays on
        the reconciliation screen with the reason in its note. A line imported
        before is skipped, so a period may be imported again.

        :returns: ``{"statement_id", "imported", "skipped", "matched",
                  "unmatched": [{"ref", "tid", "amount", "reason"}]}``
        """
        ApiArguments(self, "import_settlement").check_single_shop()
        start, end = (self._settlement_date("date_from", date_from),
                      self._settlement_date("date_to", date_to))
        if end <= start:
            raise UserError(_("date_to must come after date_from."))
        if not self.clearing_journal_id:
            raise UserError(_("Shop %(shop)s has no clearing journal: set it on the shop's "
                              "Accounting tab first.") % {"shop": self.name})
        return self.env["ecommerce.settlement.importer"]._start(self).run(start, end)

    @api.model
    def _settlement_date(self, name, value):
        try:
            return datetime.strptime(value or "", "%Y-%m-%d %H:%M:%S")
        except (TypeError, ValueError):
            raise UserError(_("%(name)s must be a UTC date and time as YYYY-MM-DD HH:MM:SS, "
                              "not %(value)r.") % {"name": name, "value": value})

    def _fee_account(self, kind):
        return {"commission": self.commission_account_id,
                "payment_fee": self.payment_fee_account_id,
                "other": self.other_fee_account_id}.get(kind) or self.env["account.account"]
