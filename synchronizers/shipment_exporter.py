# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Shipment write-back (发货回传): tell the platform which deliveries have left.

One exporter per shop run: it holds the shop, its platform adapter, the
caches of the run and its summary. Platform calls go through the adapter only;
everything the seller must fix is found before any call, so that nothing is
ever sent empty or twice.
"""
import logging
from datetime import datetime, timedelta

from odoo import _, fields, models

from ..adapters import PlatformError, SessionExpiredError, Shipment

_logger = logging.getLogger(__name__)

WAITING_REFUND = ("WAIT_SELLER_AGREE", "WAIT_BUYER_RETURN_GOODS", "WAIT_SELLER_CONFIRM_GOODS")
REFUNDED = ("SUCCESS",)
RETRY_FIRST = timedelta(minutes=5)
RETRY_LONGEST = timedelta(hours=6)
# The call may or may not have reached the platform: try again later, and an
# "already shipped" answer then is checked against the trade.
RETRY_FAMILIES = ("rate_limit", "transport", "malformed")
# After these, every further call of the run would fail the same way.
RUN_STOPPING_FAMILIES = RETRY_FAMILIES + ("session", "auth", "permission")
STATE_FIELDS = ["ecommerce_shipment_state", "ecommerce_sent_waybill",
                "ecommerce_sent_company_code", "ecommerce_sent_sub_ids",
                "ecommerce_unsent_sub_ids"]


class ShipmentProblem(Exception):
    """The delivery cannot be sent as it is; the seller has to act (no call made)."""


class NothingToReport(Exception):
    """The delivery is not a platform shipment after all (no call made)."""


def _split_ids(text):
    return [part for part in (text or "").split(",") if part]


class ShipmentExporter(models.AbstractModel):
    _name = "ecommerce.shipment.exporter"
    _description = "E-commerce Shipment Write-back"

    def _start(self, shop, commit=False):
        """A new exporter for one run of ``shop``; ``commit`` after each shipment (cron)."""
        run = self.browse()
        run.shop = shop
        run.commit = commit
        run.platform = shop._shipment_platform()
        run.adapter = shop._get_adapter()
        run.summary = {"sent": [], "skipped": [], "failed": []}
        run.stop_reason = None
        run.companies_checked = False
        return run

    # ------------------------------------------------------------------
    # Run
    # ------------------------------------------------------------------
    def run(self, picking_ids=None):
        """Send the given deliveries (all states but sent), or the due ones."""
        if picking_ids is None:
            pickings = self._due_pickings()
        else:
            pickings = self._requested_pickings(picking_ids)
        for picking in pickings:
            if self.stop_reason:
                self._skip(picking, self.stop_reason)
                continue
            self._export_locked(picking, explicit=picking_ids is not None)
            if self.commit:
                # own cursor of the cron: a shipment the platform accepted stays recorded
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return dict(self.summary, api_calls=self.adapter.calls)

    def _due_pickings(self):
        return self.env["stock.picking"].search(
            self.shop._due_shipments_domain([self.shop.id]), order="date_done, id")

    def _requested_pickings(self, picking_ids):
        pickings = self.env["stock.picking"].browse(picking_ids).exists()
        for missing in set(picking_ids) - set(pickings.ids):
            self._skip_id(missing, _("This delivery does not exist."))
        pickings.check_access_rule("write")
        mine = pickings.filtered(lambda p: p.ecommerce_shop_id == self.shop)
        for picking in pickings - mine:
            self._skip(picking, _("This delivery is not for an order of shop %(shop)s.")
                       % {"shop": self.shop.name})
        ready = mine.filtered(lambda p: p._is_ecommerce_shipment())
        for picking in mine - ready:
            self._skip(picking, _("This delivery is not validated yet, or does not go to "
                                  "the customer."))
        return ready.sorted(lambda p: (p.date_done or "", p.id))

    def _export_locked(self, picking, explicit):
        # Another run (the cron, a second click) may hold the delivery: leave it to
        # that run rather than wait, and re-read what it may have just committed.
        self.env.cr.execute("SELECT id FROM stock_picking WHERE id = %s "
                            "FOR UPDATE SKIP LOCKED", (picking.id,))
        if not self.env.cr.fetchone():
            self._skip(picking, _("This delivery is being sent by another run right now."))
            return
        picking.invalidate_cache(STATE_FIELDS, picking.ids)
        if picking.ecommerce_shipment_state == "sent":
            self._skip(picking, _("Already sent to the platform."))
        elif picking.ecommerce_shipment_state == "platform":
            self._skip(picking, _("Shipped on the platform: nothing to report."))
        elif explicit or picking.ecommerce_shipment_state == "to_send":
            self._export(picking)
        else:
            self._skip(picking, _("Waiting for the seller: %(reason)s")
                       % {"reason": picking.ecommerce_shipment_reason or "-"})

    def _export(self, picking):
        try:
            shipment, resend, note = self._prepare(picking)
        except ShipmentProblem as problem:
            self._mark(picking, "attention", str(problem))
            return
        except NothingToReport as why:
            picking.write({"ecommerce_shipment_state": False, "ecommerce_shipment_reason": False,
                           "ecommerce_shipment_note": str(why)})
            self._skip(picking, str(why))
            return
        if shipment is None:
            self._mark_sent(picking, None, note)
            return
        self._call(picking, shipment, resend, note)

    # ------------------------------------------------------------------
    # What to send
    # ------------------------------------------------------------------
    def _prepare(self, picking):
        """(Shipment or None when nothing is left to tell, resend?, note)."""
        if picking.ecommerce_unsent_sub_ids and picking.ecommerce_sent_sub_ids:
            return self._prepare_left_out(picking)
        if picking.ecommerce_sent_waybill:
            return self._prepare_resend(picking, self._carrier(picking))
        send_ids, all_ids, note = self._sub_orders(picking)
        if send_ids is None:
            return None, False, note
        carrier = self._carrier(picking)
        if carrier.ecommerce_no_logistics:
            if set(send_ids) != set(all_ids) - set(self._refunding_ids(picking)):
                raise ShipmentProblem(_(
                    "Carrier %(carrier)s ships without logistics, which the platform only "
                    "accepts for the whole order: this delivery holds only a part of it.")
                    % {"carrier": carrier.name})
            return Shipment(picking.sale_id.ecommerce_tid, "", "", send_ids, all_ids,
                            True), False, note
        company, waybill = self._check_waybill(picking, carrier)
        return Shipment(picking.sale_id.ecommerce_tid, company.code, waybill, send_ids,
                        all_ids, False, picking.sale_id.ecommerce_cod), False, note

    def _carrier(self, picking):
        carrier = picking.carrier_id or self.shop.default_carrier_id
        if not carrier:
            raise ShipmentProblem(_("The delivery has no carrier and the shop no default "
                                    "carrier: choose the carrier."))
        return carrier

    def _prepare_resend(self, picking, carrier):
        if carrier.ecommerce_no_logistics:
            raise ShipmentProblem(_(
                "This delivery was reported with waybill %(waybill)s: the platform cannot "
                "turn it into a shipment without logistics.")
                % {"waybill": picking.ecommerce_sent_waybill})
        company, waybill = self._check_waybill(picking, carrier)
        sent = (picking.ecommerce_sent_company_code, picking.ecommerce_sent_waybill)
        if (company.code, waybill) == sent:
            return None, False, picking.ecommerce_shipment_note
        sub_ids = _split_ids(picking.ecommerce_sent_sub_ids)
        shipped_by_all = self._reported_sub_ids(picking.sale_id, None)
        note = _("Waybill changed from %(old)s to %(new)s.") % {
            "old": picking.ecommerce_sent_waybill, "new": waybill}
        return Shipment(picking.sale_id.ecommerce_tid, company.code, waybill, sub_ids,
                        sorted(shipped_by_all), False), True, note

    def _prepare_left_out(self, picking):
        """Sub-orders left out for a refund that was then refused: they left in this
        parcel, so they are reported with its waybill (a split send)."""
        unsent = _split_ids(picking.ecommerce_unsent_sub_ids)
        refunding = self._refunding_ids(picking)
        send_ids = [oid for oid in unsent if oid not in refunding
                    and oid not in self._refunded_ids(picking)]
        if not send_ids:
            return None, False, picking.ecommerce_shipment_note
        reported = self._reported_sub_ids(picking.sale_id, None)
        all_ids = [line.ecommerce_oid for line in picking.sale_id.order_line
                   if line.ecommerce_oid and line.ecommerce_oid not in reported
                   and line.ecommerce_refund_status not in REFUNDED]
        note = _("Sub-orders %(ids)s, left out while a refund was waiting, were reported "
                 "with waybill %(waybill)s.") % {
            "ids": ", ".join(send_ids), "waybill": picking.ecommerce_sent_waybill}
        return Shipment(picking.sale_id.ecommerce_tid, picking.ecommerce_sent_company_code or "",
                        picking.ecommerce_sent_waybill or "", send_ids, all_ids,
                        not picking.ecommerce_sent_waybill), False, note

    def _refunded_ids(self, picking):
        return picking.sale_id.order_line.filtered(
            lambda line: line.ecommerce_oid and line.ecommerce_refund_status in REFUNDED) \
            .mapped("ecommerce_oid")

    def _check_waybill(self, picking, carrier):
        waybill = (picking.carrier_tracking_ref or "").strip()
        if not waybill:
            raise ShipmentProblem(_("The delivery has no tracking number: enter the waybill "
                                    "number of carrier %(carrier)s.")
                                  % {"carrier": carrier.name})
        company = self._company_of(carrier)
        if not company.waybill_matches(waybill):
            raise ShipmentProblem(_(
                "The tracking number %(waybill)s does not have the format of %(company)s: "
                "check it, or the carrier.") % {"waybill": waybill, "company": company.name})
        return company, waybill

    def _company_of(self, carrier):
        self._ensure_companies()
        company = carrier._ecommerce_company(self.platform)
        if not company:
            raise ShipmentProblem(_(
                "Carrier %(carrier)s has no logistics company for this platform: choose "
                "one on the carrier.") % {"carrier": carrier.name})
        return company

    def _ensure_companies(self):
        """Read the platform's companies on first use (one call, once per run)."""
        if self.companies_checked:
            return
        self.companies_checked = True
        known = self.env["ecommerce.logistics.company"].with_context(active_test=False) \
            .search_count([("platform", "=", self.platform)])
        if not known:
            self.shop._fetch_logistics_companies(self.adapter)

    def _sub_orders(self, picking):
        """(ids to send or None, ids of the trade still to ship, note).

        A sub-order split over two deliveries is reported with the first one:
        the platform ships sub-orders, not quantities. Sub-orders without any
        stock move (a service, a gift sold as a service) never get a delivery of
        their own: they go with the first delivery reported.
        """
        order = picking.sale_id
        trade_lines = order.order_line.filtered("ecommerce_oid")
        if not trade_lines:
            return [], [], False  # no sub-order ids known: the whole trade
        reported = self._reported_sub_ids(order, picking)
        carried = picking.move_lines.filtered(lambda m: m.state == "done") \
            .mapped("sale_line_id").filtered("ecommerce_oid")
        carried |= trade_lines.filtered(lambda line: not line.move_ids)
        if not carried:
            raise NothingToReport(_("This delivery holds none of the platform order's "
                                    "sub-orders, only extra goods: the platform needs no "
                                    "shipment for it."))
        mine = [oid for oid in dict.fromkeys(carried.mapped("ecommerce_oid"))
                if oid not in reported]
        refunding = self._refunding_ids(picking)
        send_ids = [oid for oid in mine if oid not in refunding]
        all_ids = [line.ecommerce_oid for line in trade_lines
                   if line.ecommerce_oid not in reported
                   and line.ecommerce_refund_status not in REFUNDED]
        note = False
        left_out = [oid for oid in mine if oid in refunding]
        if left_out:
            note = _("Sub-orders %(ids)s have a refund in progress: the platform refuses to "
                     "ship them, so they were left out.") % {"ids": ", ".join(left_out)}
        if not send_ids and left_out:
            raise ShipmentProblem(note)
        if not send_ids:
            return None, all_ids, _("Its sub-orders were already reported with an earlier "
                                    "delivery of this order.")
        return send_ids, all_ids, note

    def _refunding_ids(self, picking):
        return picking.sale_id.order_line.filtered(
            lambda line: line.ecommerce_oid
            and line.ecommerce_refund_status in WAITING_REFUND) \
            .mapped("ecommerce_oid")

    def _reported_sub_ids(self, order, but):
        """Sub-order ids already reported by the deliveries of ``order`` (except ``but``)."""
        reported = set()
        for other in order.picking_ids:
            if other != but and other.ecommerce_sent_sub_ids:
                reported.update(_split_ids(other.ecommerce_sent_sub_ids))
        return reported

    # ------------------------------------------------------------------
    # The call and its outcome
    # ------------------------------------------------------------------
    def _call(self, picking, shipment, resend, note):
        self._count_attempt(picking)
        try:
            if resend:
                self.adapter.resend_shipment(shipment)
            else:
                self.adapter.send_shipment(shipment)
        except SessionExpiredError as err:
            self.shop._pause_sync(err)
            self._retry_later(picking, err, stop=True)
        except PlatformError as err:
            if err.family in RETRY_FAMILIES or err.retryable:
                self._retry_later(picking, err, stop=err.family in RUN_STOPPING_FAMILIES)
            elif "B04" in (err.sub_code or ""):
                self._check_already_shipped(picking, shipment, err, note)
            else:
                self._refused(picking, err, stop=err.family in RUN_STOPPING_FAMILIES)
        else:
            self._mark_sent(picking, shipment, note)

    def _check_already_shipped(self, picking, shipment, err, note):
        """"Already shipped": done if the platform has these sub-orders on this waybill."""
        try:
            shipped = self.adapter.shipped_sub_orders(shipment.tid)
        except PlatformError as read_err:
            _logger.warning("Shop %s: re-reading trade %s failed: %s", self.shop.id,
                            shipment.tid, read_err)
            self._refused(picking, err)
            return
        wanted = shipment.sub_ids or list(shipped)
        done = bool(wanted) and all(
            oid in shipped and (shipment.dummy or shipped[oid] == shipment.waybill)
            for oid in wanted)
        if done:
            self._mark_sent(picking, shipment, note or _(
                "The platform already had this shipment; nothing was sent twice."))
        else:
            self._refused(picking, err)

    def _mark_sent(self, picking, shipment, note):
        vals = {"ecommerce_shipment_state": "sent", "ecommerce_shipment_reason": False,
                "ecommerce_shipment_next_try": False, "ecommerce_shipment_note": note or False}
        sent = _split_ids(picking.ecommerce_sent_sub_ids)
        if shipment is not None:
            sent = list(dict.fromkeys(sent + list(shipment.sub_ids)))
            vals.update(ecommerce_sent_waybill=shipment.waybill or False,
                        ecommerce_sent_company_code=shipment.carrier_code or False,
                        ecommerce_sent_sub_ids=",".join(sent) or False)
        unsent = self._left_out(picking, sent)
        vals["ecommerce_unsent_sub_ids"] = ",".join(unsent) or False
        if unsent:
            # Not "sent": a sub-order of this parcel is still unshipped on the platform.
            vals["ecommerce_shipment_state"] = "part_sent"
        picking.write(vals)
        self.summary["sent"].append(picking.sale_id.ecommerce_tid)

    def _left_out(self, picking, sent):
        """Sub-orders this parcel carries that the platform was not told about."""
        if not sent:
            return []  # reported as a whole trade
        carried = picking.move_lines.filtered(lambda m: m.state == "done") \
            .mapped("sale_line_id").filtered("ecommerce_oid").mapped("ecommerce_oid")
        skip = set(sent) | self._reported_sub_ids(picking.sale_id, picking) | \
            set(self._refunded_ids(picking))
        return [oid for oid in dict.fromkeys(carried) if oid not in skip]

    def _refused(self, picking, err, stop=False):
        reason = self._explain(err)
        self._mark(picking, "error", reason)
        if stop:
            self.stop_reason = reason

    def _retry_later(self, picking, err, stop):
        reason = self._explain(err)
        wait = min(RETRY_FIRST * 2 ** max(picking.ecommerce_shipment_attempts - 1, 0),
                   RETRY_LONGEST)
        wait = max(wait, timedelta(seconds=err.retry_after or 0))
        next_try = datetime.utcnow().replace(microsecond=0) + wait
        picking.write({"ecommerce_shipment_state": "to_send",
                       "ecommerce_shipment_reason": reason,
                       "ecommerce_shipment_next_try": fields.Datetime.to_string(next_try)})
        self._fail(picking, reason)
        if stop:
            self.stop_reason = reason

    def _mark(self, picking, state, reason):
        picking.write({"ecommerce_shipment_state": state, "ecommerce_shipment_reason": reason,
                       "ecommerce_shipment_next_try": False})
        self._fail(picking, reason)

    def _count_attempt(self, picking):
        picking.write({"ecommerce_shipment_attempts": picking.ecommerce_shipment_attempts + 1,
                       "ecommerce_shipment_last_try": fields.Datetime.now()})

    def _explain(self, err):
        code = (err.sub_code or "").rsplit(":", 1)[-1]
        plain = {
            "B01": _("The platform does not know this order."),
            "B04": _("The platform order is already shipped, closed, or may not be shipped "
                     "in its current status."),
            "B60": _("The platform refused the tracking number: it does not have the "
                     "carrier's format."),
            "P38": _("The platform refused the split shipment: a sub-order is already "
                     "shipped, closed or has a refund in progress."),
        }.get(code)
        text = self.shop._explain_error(err)
        return "%s\n%s" % (plain, text) if plain else text

    # -- summary ------------------------------------------------------------
    def _fail(self, picking, reason):
        self.summary["failed"].append({"tid": picking.sale_id.ecommerce_tid,
                                       "picking": picking.id, "reason": reason})

    def _skip(self, picking, reason):
        self._skip_id(picking.id, reason)

    def _skip_id(self, picking_id, reason):
        self.summary["skipped"].append({"picking": picking_id, "reason": reason})
