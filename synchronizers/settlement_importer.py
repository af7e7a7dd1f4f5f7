# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Settlement importer: the platform's bills -> a statement of the clearing journal.

Matching uses Odoo's own bank reconciliation: a trade's money is matched to the
payments of its invoices and credit notes already in the clearing journal
(``payment_aml_rec``, no new entry); a charge becomes an entry to the shop's
expense account (``new_aml_dicts``). A line that matches nothing stays open on
the reconciliation screen, its note saying why.
"""
import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..adapters import UNDOCUMENTED_ANSWER, PlatformError, SessionExpiredError
from ..mapping.settlement_mapping import SettlementMappingError

_logger = logging.getLogger(__name__)


class SettlementImporter(models.AbstractModel):
    _name = "ecommerce.settlement.importer"
    _description = "E-commerce Settlement Importer"

    @api.model
    def _start(self, shop):
        importer = self.browse()
        importer.shop = shop
        importer.journal = shop.clearing_journal_id
        importer.account = shop.clearing_journal_id.default_debit_account_id
        return importer

    def run(self, start, end):
        rows = self._read(start, end)
        known = set(self.env["account.bank.statement.line"].search(
            [("journal_id", "=", self.journal.id),
             ("ref", "in", [row["ref"] for row in rows])]).mapped("ref"))
        fresh = [row for row in rows if row["ref"] not in known]
        summary = {"statement_id": False, "imported": len(fresh),
                   "skipped": len(rows) - len(fresh), "matched": 0, "unmatched": []}
        if not fresh:
            return summary
        statement = self._statement(start, end, fresh)
        summary["statement_id"] = statement.id
        orders = self._orders({row["tid"] for row in fresh})
        for line, row in zip(statement.line_ids.sorted("id"), fresh):
            reason = self._match(line, row, orders.get(row["tid"]))
            if reason:
                line.write({"note": reason})
                summary["unmatched"].append({"ref": row["ref"], "tid": row["tid"],
                                             "amount": float(row["amount"]),
                                             "reason": reason})
            else:
                summary["matched"] += 1
        return summary

    def _read(self, start, end):
        try:
            return list(self.shop._get_adapter().iter_settlement(start, end))
        except SessionExpiredError as err:
            self.shop._pause_sync(err)
            raise UserError(self.shop._explain_error(err))
        except PlatformError as err:
            raise UserError(self.shop._explain_error(err))
        except SettlementMappingError as err:
            raise UserError(_("The platform's settlement cannot be read: %(error)s")
                            % {"error": err})
        except NotImplementedError as err:
            raise UserError(self._not_offered(err))

    def _not_offered(self, err):
        if UNDOCUMENTED_ANSWER in err.args:
            return _("Shop %(shop)s: Odoo does not import this platform's settlement. Its "
                     "settlement call is documented by its request only: no source at hand "
                     "gives the fields of its answer, and Odoo does not book money from "
                     "guessed field names. Reconcile the platform's bills by hand on the "
                     "clearing journal (Invoicing / Bank Reconciliation).") % {
                "shop": self.shop.name}
        return _("Shop %(shop)s: this platform offers no settlement to import. Reconcile its "
                 "payouts by hand on the clearing journal (Invoicing / Bank "
                 "Reconciliation).") % {"shop": self.shop.name}

    def _statement(self, start, end, rows):
        """One statement per import; it continues the journal's last balance."""
        last = self.env["account.bank.statement"].search(
            [("journal_id", "=", self.journal.id)], order="date desc, id desc", limit=1)
        opening = last.balance_end_real if last else 0.0
        total = float(sum(row["amount"] for row in rows))
        return self.env["account.bank.statement"].create({
            "name": _("%(shop)s settlement %(start)s - %(end)s") % {
                "shop": self.shop.name, "start": fields.Date.to_string(start),
                "end": fields.Date.to_string(end)},
            "journal_id": self.journal.id, "date": fields.Date.to_string(end),
            "balance_start": opening, "balance_end_real": round(opening + total, 2),
            "line_ids": [(0, 0, self._line_vals(row)) for row in rows],
        })

    def _line_vals(self, row):
        return {"name": "%s %s" % (row["label"], row["tid"]), "ref": row["ref"],
                "amount": float(row["amount"]),
                "date": fields.Date.to_string(row["when"])}

    def _orders(self, tids):
        orders = self.env["sale.order"].search([("ecommerce_shop_id", "=", self.shop.id),
                                                ("ecommerce_tid", "in", list(tids))])
        return {order.ecommerce_tid: order for order in orders}

    # ------------------------------------------------------------------
    def _match(self, line, row, order):
        """None when matched, else why not."""
        if row["kind"] != "income":
            return self._book_charge(line, row, order)
        if not order:
            return _("Trade %(tid)s is not an order of this shop in Odoo.") % {"tid": row["tid"]}
        payments = self._open_payments(order)
        if not payments:
            return _("Order %(order)s has no invoice paid into the clearing journal yet.") % {
                "order": order.name}
        paid = round(sum(payments.mapped("debit")) - sum(payments.mapped("credit")), 2)
        if abs(paid - float(row["amount"])) >= 0.005:
            return _("The platform settled %(amount).2f for order %(order)s, Odoo's invoices "
                     "and credit notes make %(paid).2f.") % {
                "amount": row["amount"], "order": order.name, "paid": paid}
        if order.partner_invoice_id:
            line.partner_id = order.partner_invoice_id.commercial_partner_id
        line.process_reconciliation(payment_aml_rec=payments)
        return None

    def _open_payments(self, order):
        """Clearing-journal lines of the payments of the order's invoices and credit
        notes that no statement matched yet."""
        payments = order.invoice_ids.mapped("payment_ids").filtered(
            lambda p: p.journal_id == self.journal and p.state in ("posted", "reconciled"))
        return payments.mapped("move_line_ids").filtered(
            lambda aml: aml.account_id == self.account and not aml.statement_id)

    def _book_charge(self, line, row, order):
        account = self.shop._fee_account(row["kind"])
        if not account:
            return _("No expense account is set on the shop for %(label)s (%(kind)s).") % {
                "label": row["label"], "kind": row["kind"]}
        amount = float(row["amount"])
        line.process_reconciliation(new_aml_dicts=[{
            "name": "%s %s" % (row["label"], order.name if order else row["tid"]),
            "account_id": account.id,
            "debit": -amount if amount < 0 else 0.0,
            "credit": amount if amount > 0 else 0.0}])
        return None
