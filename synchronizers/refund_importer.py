# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Refund importer: platform refunds -> ecommerce.refund, credit notes and returns.

One importer instance serves one run of one shop: ``_start(shop)`` gives it
the shop, the shop's platform adapter, the run's caches and its summary. The
platform is reached only through the adapter, whose errors are neutral.
"""
import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..adapters import PlatformError, RefusedError, SessionExpiredError
from ..mapping.refund_mapping import (GOOD_STATUS_SELECTION, REFUND_DONE, REFUND_PENDING,
                                      goods_returned, merge_detail)
from ..mapping.trade_mapping import HOLD_REFUND, TradeMappingError
from .order_follower import refund_text
from .order_importer import must_rerun

_logger = logging.getLogger(__name__)

KNOWN_GOOD_STATUSES = frozenset(code for code, _label in GOOD_STATUS_SELECTION)
# Errors of one refund's records (data or accounting set-up), not of the run.
# Any failure of one refund fails that refund only; a platform failure stops the run
# before a refund is stored and never gets here.
RECORD_ERRORS = (Exception,)


class RefundImporter(models.AbstractModel):
    _name = "ecommerce.refund.importer"
    _description = "E-commerce Refund Importer"

    # ------------------------------------------------------------------
    # Run state
    # ------------------------------------------------------------------
    @api.model
    def _start(self, shop):
        """An importer for one run of ``shop``; it carries the run's state."""
        importer = self.browse()
        importer.shop = shop
        importer.adapter = None
        importer.summary = {"created": [], "updated": [], "failed": [], "actions": []}
        importer.known_refunds = {}   # refund_id -> ecommerce.refund of the current window
        importer.known_orders = {}    # tid -> sale.order of the current window
        return importer

    @api.model
    def _public(self, summary):
        """The summary as sync_refunds returns it over XML-RPC."""
        result = {"created": len(summary["created"]), "updated": len(summary["updated"]),
                  "failed": [{"refund_id": f["refund_id"], "reason": f["reason"]}
                             for f in summary["failed"]]}
        if summary.get("error"):
            result["error"] = summary["error"]
        return result

    def run(self, start, end, move_watermark, commit):
        """Read [start, end] window by window; the watermark follows stored windows."""
        try:
            self.adapter = self.shop._get_adapter()
            for _window_start, window_end, rows in self.adapter.iter_refunds(start, end):
                self._store_window(rows)
                if move_watermark:
                    self.shop._move_refund_watermark(window_end)
                if commit:
                    # Own cursor of the cron: the window is stored for good.
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        except SessionExpiredError as err:
            self.shop._pause_sync(err)
            self.summary["error"] = self.shop._explain_error(err)
        except PlatformError as err:
            self.summary["error"] = self.shop._explain_error(err)
        except UserError as err:
            self.summary["error"] = err.name
        if self.summary.get("error"):
            _logger.warning("Shop %s: refund sync stopped: %s", self.shop.id,
                            self.summary["error"])
        return self.summary

    def record_log(self, start, end):
        """The run in the shop's sync log, one line per refusal and per action."""
        summary = self.summary
        log_summary = {
            "created": summary["created"], "updated": summary["updated"],
            "failed": [{"tid": f["tid"], "reason": _("Refund %(refund)s: %(reason)s")
                        % {"refund": f["refund_id"], "reason": f["reason"]}}
                       for f in summary["failed"]],
        }
        log = self.env["ecommerce.sync.log"]._record(
            self.shop, "refund_sync", log_summary,
            (fields.Datetime.to_string(start), fields.Datetime.to_string(end)),
            error=summary.get("error") or False,
            calls=self.adapter.calls if self.adapter else 0)
        if summary["actions"]:
            log.write({"line_ids": [(0, 0, {"tid": tid, "result": "refund_action",
                                            "reason": text})
                                    for tid, text in summary["actions"]]})
        return log

    # ------------------------------------------------------------------
    # One window
    # ------------------------------------------------------------------
    def _store_window(self, rows):
        plans = [plan for plan in (self._plan(raw) for raw in rows) if plan]
        self._prefetch_window(plans)
        for plan in plans:
            self._store_refund(plan)

    def _plan(self, raw):
        """The neutral record of a row, completed by the detail call if needed."""
        try:
            if isinstance(raw, dict) and raw.get("refund_id") and \
                    self.adapter.refund_needs_detail(raw):
                raw = self._with_detail(raw)
            return self.adapter.refund_plan(raw)
        except (TradeMappingError, RefusedError) as err:
            self._fail(raw, str(getattr(err, "reason", None) or err))
            return None

    def _with_detail(self, raw):
        return merge_detail(raw, self.adapter.refund_detail(str(raw["refund_id"])))

    def _fail(self, raw, reason):
        raw = raw if isinstance(raw, dict) else {}
        self.summary["failed"].append({"refund_id": str(raw.get("refund_id") or ""),
                                       "tid": str(raw.get("tid") or ""), "reason": reason})

    def _prefetch_window(self, plans):
        """Existing refunds and orders of the window, two queries in all."""
        refund_ids = list({p["refund_id"] for p in plans})
        tids = list({p["tid"] for p in plans})
        refunds = self.env["ecommerce.refund"].search(
            [("shop_id", "=", self.shop.id), ("refund_id", "in", refund_ids)])
        self.known_refunds = {r.refund_id: r for r in refunds}
        orders = self.env["sale.order"].search(
            [("ecommerce_shop_id", "=", self.shop.id), ("ecommerce_tid", "in", tids)])
        self.known_orders = {o.ecommerce_tid: o for o in orders}

    def _store_refund(self, plan):
        try:
            with self.env.cr.savepoint():
                refund = self._upsert(plan)
        except RECORD_ERRORS as err:
            if must_rerun(err):
                raise
            self._fail(plan, _("could not be stored: %(error)s") % {"error": _error_text(err)})
            return
        try:
            with self.env.cr.savepoint():
                self._act(refund, plan)
        except RECORD_ERRORS as err:
            # A concurrent update (another job reserving the same stock) voids the
            # transaction: the caller runs again; anything else stays this refund's.
            if must_rerun(err):
                raise
            # The refund stays recorded; its next reading tries again.
            self._fail(plan, _("recorded, but the after-sales document failed: %(error)s")
                       % {"error": _error_text(err)})

    def _upsert(self, plan):
        vals = self._refund_vals(plan)
        refund = self.known_refunds.get(plan["refund_id"])
        if not refund:
            refund = self.env["ecommerce.refund"].with_context(mail_create_nolog=True) \
                .create(vals)
            self.known_refunds[plan["refund_id"]] = refund
            self.summary["created"].append(plan["refund_id"])
            return refund
        changes = {name: value for name, value in vals.items()
                   if _stored(refund, name) != value}
        if changes:
            refund.write(changes)
            self.summary["updated"].append(plan["refund_id"])
        return refund

    def _refund_vals(self, plan):
        order = self.known_orders.get(plan["tid"]) or self.env["sale.order"]
        line = _refunded_line(order, plan)
        good_status = plan["good_status"]
        return {
            "shop_id": self.shop.id, "refund_id": plan["refund_id"], "tid": plan["tid"],
            "oid": plan["oid"] or line.ecommerce_oid or False,
            "sale_order_id": order.id or False,
            "sale_line_id": line.id or False, "status": plan["status"],
            "order_status": plan["order_status"] or False,
            "refund_fee": float(plan["refund_fee"]),
            "good_status": good_status if good_status in KNOWN_GOOD_STATUSES else False,
            "has_good_return": plan["has_good_return"],
            "reason": plan["reason"] or False, "description": plan["description"] or False,
            "date_requested": self._utc(plan["created"]),
            "date_modified": self._utc(plan["modified"]),
        }

    # ------------------------------------------------------------------
    # What a refund means for the order
    # ------------------------------------------------------------------
    def _utc(self, value):
        return fields.Datetime.to_string(self.adapter.parse_time(value)) if value else False

    def _act(self, refund, plan):
        line = refund.sale_line_id
        if line and line.ecommerce_refund_status != refund.status:
            line.write({"ecommerce_refund_status": refund.status})
        if not line:
            return
        self._hold_goods(refund, line)
        deliveries = self._done_deliveries(line)
        if not self._goods_left(line, deliveries):
            return  # before shipping: the trade re-read holds or reduces the order
        if plan["status"] in REFUND_DONE:
            self._book_credit_note(refund)
        if deliveries and goods_returned(plan) and not refund.return_picking_id:
            self._create_return(refund, deliveries, plan["qty"])

    @staticmethod
    def _goods_left(line, deliveries):
        """Odoo delivered the line, or the platform had shipped it before the
        go-live (history: no delivery in Odoo, the order total kept the money)."""
        return bool(deliveries) or line.ecommerce_no_delivery

    def _book_credit_note(self, refund):
        """A credit note of the refund, unless its money is booked already.

        A refund of nothing (an exchange closed as a refund) needs none; one
        the order total took before the goods left (see order_follower) must
        not be booked twice.
        """
        lines = self._sub_order_lines(refund)
        if refund.refund_fee > 0 and not refund.credit_note_id and \
                not any(lines.mapped("ecommerce_refund_booked")):
            self._create_credit_note(refund)

    def _book_stored(self, refunds):
        """Credit notes of succeeded refunds read before their goods left.

        A credit note that cannot be prepared fails alone and says why on the
        refund: the order sync that asked goes on.
        """
        for refund in refunds:
            line = refund.sale_line_id
            if not (line and self._goods_left(line, self._done_deliveries(line))):
                continue
            try:
                with self.env.cr.savepoint():
                    self._book_credit_note(refund)
            except RECORD_ERRORS as err:
                _logger.warning("Shop %s: refund %s: credit note failed: %s", self.shop.id,
                                refund.refund_id, _error_text(err))
                refund.message_post(body=_("The credit note could not be prepared: "
                                           "%(error)s") % {"error": _error_text(err)})

    @staticmethod
    def _sub_order_lines(refund):
        """Every order line of the refund's sub-order (a pack or bundle has several)."""
        line = refund.sale_line_id
        if not line.ecommerce_oid:
            return line
        return line.order_id.order_line.filtered(
            lambda each: each.ecommerce_oid == line.ecommerce_oid)

    def _hold_goods(self, refund, line):
        """A refund waiting on a sub-order whose goods are still here stops them; one
        that ended lets a parcel report the sub-order it had to leave out."""
        order = line.order_id
        order.picking_ids._ecommerce_requeue_left_out()
        if refund.status not in REFUND_PENDING or order.state == "cancel":
            return
        if not self.env["ecommerce.order.follower"]._unshipped(line):
            # Gone already: never silently, the parcel is flagged for after-sales.
            left = self._done_deliveries(line).mapped("picking_id")
            order._ecommerce_flag_left(_(
                "The buyer asked for a refund of %(items)s after the goods left.")
                % {"items": refund_text(order, line)}, left)
            return
        reason = _("The buyer asked for a refund of %(items)s: decide on it on the platform "
                   "before shipping.") % {"items": refund_text(order, line)}
        if reason in (order.ecommerce_review_reason or "").split("\n"):
            return
        order._ecommerce_hold(HOLD_REFUND, reason, left=order.picking_ids.browse())
        self._note(refund, reason)

    def _done_deliveries(self, line):
        # A search, not line.move_ids: the delivery may have been validated in
        # this very transaction, after the line's moves were read.
        return self.env["stock.move"].search([
            ("sale_line_id", "=", line.id), ("state", "=", "done"),
            ("location_dest_id.usage", "=", "customer")], order="id")

    def _note(self, refund, text):
        """Tell the seller on the order and the refund, and in the sync log."""
        refund.sale_order_id.message_post(body=text)
        refund.message_post(body=text)
        self.summary["actions"].append((refund.tid, text))

    def _create_credit_note(self, refund):
        # The properties (income and receivable accounts) of the order's company, not
        # of the current company of whoever syncs (the cron's user, a user working in
        # another company): else a line books to another company's account.
        refund = refund.with_context(force_company=refund.sale_order_id.company_id.id)
        order, line = refund.sale_order_id, refund.sale_line_id
        invoice = order.invoice_ids.filtered(
            lambda i: i.type == "out_invoice" and i.state in ("open", "paid"))[:1]
        credit_note = refund.env["account.invoice"].create(
            self._credit_note_vals(refund, order, line, invoice))
        credit_note.compute_taxes()
        refund.write({"credit_note_id": credit_note.id})
        if self._books_automatically():
            # Paid back from the clearing journal as it is validated (account_invoice).
            credit_note.action_invoice_open()
            text = _("Platform refund %(refund)s of sub-order %(oid)s (%(product)s) "
                     "succeeded: credit note %(number)s of %(amount).2f validated and paid "
                     "back from the clearing journal%(origin)s. Buyer's reason: %(reason)s")
        else:
            text = _("Platform refund %(refund)s of sub-order %(oid)s (%(product)s) "
                     "succeeded: draft credit note of %(amount).2f prepared%(origin)s. "
                     "Check and validate it. Buyer's reason: %(reason)s")
        self._note(refund, text % {
            "refund": refund.refund_id, "oid": refund.oid, "product": line.product_id.name,
            "amount": refund.refund_fee, "number": credit_note.number,
            "origin": invoice and _(" against invoice %(number)s")
            % {"number": invoice.number} or "",
            "reason": refund.reason or _("none given")})

    def _books_automatically(self):
        """A shop invoicing on its own with a clearing journal gets its credit notes
        validated and paid too; otherwise the seller checks a draft."""
        return self.shop.invoice_policy != "manual" and bool(self.shop.clearing_journal_id)

    def _credit_note_vals(self, refund, order, line, invoice):
        partner = invoice.partner_id or order.partner_invoice_id
        fiscal_position = order.fiscal_position_id
        journal = self.shop.journal_id or invoice.journal_id or self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", order.company_id.id)], limit=1)
        if not journal:
            raise UserError(_("The company %(company)s has no sales journal: the credit note "
                              "cannot be prepared.") % {"company": order.company_id.name})
        return {
            "type": "out_refund", "partner_id": partner.id, "ecommerce_shop_id": self.shop.id,
            "account_id": (invoice.account_id or partner.property_account_receivable_id).id,
            "origin": invoice.number or order.name,
            "refund_invoice_id": invoice.id or False,
            "name": _("Platform refund %(refund)s") % {"refund": refund.refund_id},
            "company_id": order.company_id.id,
            "currency_id": order.pricelist_id.currency_id.id,
            "journal_id": journal.id,
            "fiscal_position_id": fiscal_position.id or False,
            "team_id": order.team_id.id or False,
            "invoice_line_ids": [
                (0, 0, self._credit_line_vals(part, amount, order))
                for part, amount in _shares(self._sub_order_lines(refund) or line,
                                            refund.refund_fee)],
        }

    @staticmethod
    def _credit_line_vals(line, amount, order):
        """One product of the refund (each component of a pack or bundle)."""
        account = line.product_id.product_tmpl_id.get_product_accounts(
            fiscal_pos=order.fiscal_position_id)["income"]
        if not account:
            raise UserError(_("The product %(product)s has no income account: the credit "
                              "note cannot be prepared.") % {"product": line.product_id.name})
        return {
            "product_id": line.product_id.id, "name": line.name,
            "quantity": 1, "uom_id": line.product_uom.id,
            # The platform's amount includes the taxes: the line keeps the
            # order line's price-included taxes, so the total is the refund.
            "price_unit": amount, "account_id": account.id,
            "invoice_line_tax_ids": [(6, 0, line.tax_id.ids)],
            "account_analytic_id": order.analytic_account_id.id or False,
        }

    def _create_return(self, refund, deliveries, qty=None):
        """Return ``qty`` pieces of the line (all of it when the platform does not say)."""
        line = refund.sale_line_id
        picking = deliveries[-1].picking_id
        wizard = self.env["stock.return.picking"].with_context(
            active_id=picking.id, active_ids=picking.ids, active_model="stock.picking") \
            .create({})
        sub_lines = self._sub_order_lines(refund)
        own = wizard.product_return_moves.filtered(
            lambda r: r.move_id.sale_line_id in sub_lines)
        (wizard.product_return_moves - own).unlink()
        if not own:
            raise UserError(_("The delivery %(picking)s holds nothing of sub-order %(oid)s "
                              "to return.") % {"picking": picking.name, "oid": refund.oid})
        # Pieces counted in Odoo's units: a pack of 3 returned once is 3 units.
        wanted = {each: _units(each, qty) for each in sub_lines}
        for return_line in own:
            order_line = return_line.move_id.sale_line_id
            taken = min(return_line.quantity, wanted[order_line])
            return_line.write({"quantity": taken, "to_refund": True})
            wanted[order_line] -= taken
        # Not validated: the seller receives the parcel and validates the return.
        return_id, _type_id = wizard._create_returns()
        returned = self.env["stock.picking"].browse(return_id)
        refund.write({"return_picking_id": returned.id})
        self._note(refund, _(
            "The buyer returned the goods of sub-order %(oid)s (%(product)s, refund "
            "%(refund)s): return %(picking)s of %(qty)s prepared. Validate it when the "
            "parcel arrives.")
            % {"oid": refund.oid, "product": line.product_id.name,
               "refund": refund.refund_id, "picking": returned.name,
               "qty": sum(own.mapped("quantity"))})


def _units(line, platform_qty):
    """Odoo units of ``line`` for ``platform_qty`` platform pieces (all when None)."""
    if not platform_qty:
        return line.product_uom_qty
    if not line.ecommerce_platform_qty:  # imported before the field: one unit a piece
        return platform_qty
    return line.product_uom_qty * platform_qty / line.ecommerce_platform_qty


def _shares(lines, amount):
    """[(line, part of ``amount``)] by each line's share of what the sub-order
    cost, exact to the cent (the last line takes the rounding)."""
    lines = lines.filtered("product_uom_qty") or lines[:1]
    weights = [max(line.price_total, 0.0) for line in lines]
    total = sum(weights)
    if not total:
        return [(lines[0], amount)]
    shares, left = [], round(amount, 2)
    for line, weight in zip(lines[:-1], weights[:-1]):
        part = round(amount * weight / total, 2)
        shares.append((line, part))
        left = round(left - part, 2)
    shares.append((lines[-1], left))
    return [(line, part) for line, part in shares if part]


def _refunded_line(order, plan):
    """The first order line of the refunded sub-order.

    Taobao names the sub-order. JD has none: its refund names the SKU, whose
    lines carry ``<order>-<sku>`` ids; a refund naming nothing refunds the
    order's only sub-order, if it has one only.
    """
    lines = order.order_line.filtered("ecommerce_oid")
    if plan["oid"]:
        return lines.filtered(lambda line: line.ecommerce_oid == plan["oid"])[:1]
    if plan.get("sku_id"):
        prefix = "%s-%s" % (plan["tid"], plan["sku_id"])
        return lines.filtered(lambda line: line.ecommerce_oid == prefix or
                              line.ecommerce_oid.startswith(prefix + "-"))[:1]
    if len(set(lines.mapped("ecommerce_oid"))) == 1:
        return lines[:1]
    return lines.browse()


def _stored(record, name):
    """A stored value in the form create/write take, to compare with new values."""
    field = record._fields[name]
    value = field.convert_to_write(record[name], record)
    if field.type == "float" or field.type == "monetary":
        return round(value or 0.0, 2)
    return value


def _error_text(err):
    return getattr(err, "name", None) or str(err).splitlines()[0]
