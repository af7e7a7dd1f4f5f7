# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Platform-neutral order import: new trades become sales orders, changed trades
update theirs. One importer serves one run of one shop: it holds the shop, its
platform adapter, the run's caches and its summary.
"""
import collections
import logging
import zlib
from decimal import Decimal

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY

from ..adapters import PlatformError
from ..mapping.region_mapping import province, province_names
from ..mapping.trade_mapping import (CENT, CLOSED_STATUSES, HOLD_FORBIDDEN, HOLD_MESSAGE,
                                     HOLD_PRESALE, HOLD_REFUND, KNOWN_STATUSES,
                                     TradeMappingError, due_with_credit_notes,
                                     first_seen_shipped, is_payable, presale_waiting)

_logger = logging.getLogger(__name__)

# Errors that say nothing about one trade but about the platform or the session:
# the run stops there so that the watermark does not pass unstored trades.
RUN_STOPPING_FAMILIES = ("transport", "session", "auth", "rate_limit", "malformed")
# Backlog item of a refused trade whose sub-orders cannot be read at all.
UNKNOWN_ITEM = "-"
SUMMARY_KEYS = ("created", "skipped", "failed", "updated", "cancelled", "held")
TID_CONSTRAINT = "sale_order_ecommerce_tid_shop_uniq"
PARTNER_INDEXES = ("res_partner_ecommerce_buyer_uniq", "res_partner_ecommerce_address_uniq")
# A genuine serialization failure, so that the caller's transaction is retried
# the way Odoo retries a concurrent update.
RUN_AGAIN_SQL = """DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'serialization_failure',
    MESSAGE = 'ecommerce_sync: a trade was stored by a concurrent synchronisation'; END $$"""
# First key of the advisory lock taken to create a tax's price-included twin; the
# second is the tax id.
TWIN_LOCK_CLASS = zlib.crc32(b"ecommerce_sync.tax_twin") & 0x7FFFFFFF


class SetupConflict(UserError):
    """Another synchronisation is creating shared set-up (a tax) right now.

    The run must start again once that one has committed: jobs retry, a
    person is told to try again.
    """


def must_rerun(err):
    """Errors that void the whole transaction, not one trade: they must not be
    filed against the trade (and every trade after it) but end the run."""
    return isinstance(err, SetupConflict) or (
        isinstance(err, psycopg2.OperationalError)
        and err.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY)


def _spread(amount, weights):
    """``amount`` in cents over ``weights``, exact (the last takes the rounding)."""
    total = sum(weights, Decimal(0))
    parts, left = [], amount
    for weight in weights[:-1]:
        part = (amount * weight / total).quantize(CENT) if total else Decimal(0)
        parts.append(part)
        left -= part
    return parts + [left]


def _discount_shares(goods, line):
    """[(tax ids, own discount, paid)] of the order lines of one sub-order: what
    the platform took off its listed price (and a partial refund before import),
    shared by the lines' listed amounts."""
    listed = [Decimal(str(vals["price_unit"])) * Decimal(str(vals["product_uom_qty"]))
              for vals in goods]
    own = sum(listed, Decimal(0)) - line["amount"] + (line.get("booked") or Decimal(0))
    parts = _spread(own, listed) if own else [Decimal(0)] * len(goods)
    return [(tuple(sorted(vals["tax_id"][0][2])), part, amount - part)
            for vals, part, amount in zip(goods, parts, listed)]


def platform_status(row):
    """The status in the platform's own words of a list row or a plan."""
    return row.get("platform_status") or row.get("status") or False


def platform_holds(plan):
    """The holds of the platform; a message or memo is the audit rules' to judge."""
    return [code for code in plan["holds"] if code != HOLD_MESSAGE]


def new_summary():
    return {"created": [], "skipped": [], "failed": [], "updated": [], "cancelled": [],
            "held": [], "skipped_reasons": {}, "cancel_reasons": {}}


class EcommerceOrderImporter(models.AbstractModel):
    """Import and follow the trades of one shop.

    Create it with ``_for_shop``; the run's state lives on that recordset, so
    its methods call each other on ``self`` and never on a ``with_context``
    copy of it.
    """

    _name = "ecommerce.order.importer"
    _description = "E-commerce Order Importer"

    @api.model
    def _for_shop(self, shop, adapter=None):
        importer = self.with_env(shop.env).browse()
        importer.shop = shop
        importer.adapter = adapter or shop._get_adapter()
        importer.summary = new_summary()
        importer.cache = {}
        importer.rows_detailed = False
        return importer

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    def import_rows(self, rows, update_existing=False, report_existing=True,
                    background=False, detailed=False):
        """Store the trades of list ``rows``: create the new, follow the known.

        :param update_existing: re-read known trades that changed and apply
            the changes to their orders.
        :param background: the background sync, which honours the shop's
            go-live date.
        :param detailed: the rows are full trades just read one by one
            (``trade_detail``): they are not read a second time.
        """
        self.rows_detailed = detailed
        rows = [dict(row, tid=str(row.get("tid") or "")) for row in rows if row]
        existing = self._orders_by_tid([row["tid"] for row in rows])
        new, changed = [], []
        for row in rows:
            order = existing.get(row["tid"])
            if order and update_existing:
                if self._has_changed(order, row):
                    changed.append((order, row))
            elif order:
                if report_existing:
                    self._skip(row["tid"], _("Already imported as %(order)s.")
                               % {"order": order.name})
            elif not (is_payable(row.get("status")) or presale_waiting(row)):
                if report_existing:
                    self._skip(row["tid"], self._unpayable_reason(row))
            elif background and self._before_go_live(row):
                self._skip(row["tid"], _("Created before the shop's go-live date %(date)s "
                                         "(UTC); the background sync does not import it.")
                           % {"date": self.shop.order_import_from})
            else:
                new.append(row)
        for order, row in changed:
            self._guarded(row["tid"], lambda o=order, r=row: self._follow(o, r))
        self._create_orders(new)
        return self.summary

    def public_summary(self, keys=SUMMARY_KEYS + ("error",)):
        return {k: v for k, v in self.summary.items() if k in keys}

    # ------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------
    def _orders_by_tid(self, tids):
        # sudo: a duplicate must be detected even when the user cannot see it.
        orders = self.env["sale.order"].sudo().search(
            [("ecommerce_shop_id", "=", self.shop.id), ("ecommerce_tid", "in", list(tids))])
        return {o.ecommerce_tid: o.with_env(self.env) for o in orders}

    def _has_changed(self, order, row):
        summary = self._summary_of(row)
        if summary is None:
            return True  # unreadable time: read the details and let them decide
        known = fields.Datetime.from_string(order.ecommerce_modified)
        return (row.get("status") != order.ecommerce_status or known is None
                or platform_status(row) != order.ecommerce_native_status
                or (summary.modified and summary.modified > known))

    def _summary_of(self, row):
        try:
            return self.adapter.summary(row)
        except ValueError:
            return None

    def _detail(self, row, force=False, new=True):
        """The full trade where the list row lacks what the order needs."""
        if self.rows_detailed:
            return row
        summary = self._summary_of(row)
        # The shop's "always read details" matters only where list rows lack fields.
        full = self.shop.order_full_detail and self.adapter.always_read_detail
        if not (force or full or summary is None or summary.needs_detail):
            return row
        try:
            detail = self.adapter.trade_detail(row["tid"])
        except PlatformError as err:
            if err.family in RUN_STOPPING_FAMILIES or err.retryable:
                raise
            self._fail_raw(row, _("The platform did not give the details of the trade: "
                                  "%(error)s") % {"error": err}, new)
            return None
        return dict(detail, tid=row["tid"])

    def _plan(self, raw, new=True):
        try:
            return self.adapter.plan(raw, self._refund_fees(raw))
        except TradeMappingError as err:
            self._fail_raw(raw, _("The platform trade is incomplete or invalid: %(error)s")
                           % {"error": err}, new)
        except PlatformError as err:
            if err.family in RUN_STOPPING_FAMILIES or err.retryable:
                raise
            self._fail_raw(raw, _("The platform did not give the refunds of the trade: "
                                  "%(error)s") % {"error": err}, new)
        return None

    def _refund_fees(self, raw):
        """{sub_id: Decimal} of the trade's succeeded refunds: the refunds Odoo
        recorded, else read from the platform (a few trades only)."""
        refunded = self.adapter.refunded_sub_orders(raw)
        if not refunded:
            return {}
        stored = self.env["ecommerce.refund"].sudo().search([
            ("shop_id", "=", self.shop.id), ("refund_id", "in", list(refunded.values())),
            ("status", "=", "SUCCESS")])
        by_id = {r.refund_id: Decimal(str(r.refund_fee)).quantize(CENT) for r in stored}
        return {oid: by_id[refund_id] if refund_id in by_id
                else self.adapter.refund_fee(refund_id)
                for oid, refund_id in refunded.items()}

    # ------------------------------------------------------------------
    # New trades
    # ------------------------------------------------------------------
    def _create_orders(self, rows):
        plans = []
        for row in rows:
            raw = self._detail(row)
            plan = raw and self._plan(raw)
            if plan and self._importable(plan):
                plans.append(plan)
        if not plans:
            return
        self._warm_precisions()
        products = self._resolve_products(plans)
        partners = self._partner_cache(plans)
        self.cache.update(partners)
        # Outside the per-trade savepoints: a trade that fails must not take
        # with it a tax or a pricelist that later trades use.
        self.cache["taxes"] = self._tax_twins(products)
        self.cache["pricelist"] = self.shop._cny_pricelist()
        # Asked before the orders are confirmed: merging (合单) puts a masked
        # receiver's goods straight into the parcel the platform's answer allows.
        buyers = self.env["res.partner"].browse([
            partner.id for key, partner in partners.items() if key[0] == "buyer"])
        self.cache["receiver_groups"] = self.shop._group_receivers_of_plans(
            self.adapter, plans, buyers)
        for plan in plans:
            self._import_plan(plan, products)

    def _importable(self, plan):
        if not plan["lines"]:
            self._skip(plan["tid"], _("Every sub-order was refunded or closed before import: "
                                      "nothing is left to sell."))
            return False
        if first_seen_shipped(plan) and self.shop.order_history_policy == "skip":
            self._skip(plan["tid"], _("Already shipped or finished on the platform (%(status)s) "
                                      "when first seen; the shop skips such trades.")
                       % {"status": plan["status"]})
            return False
        return True

    def _import_plan(self, plan, products):
        tid = plan["tid"]
        reason = self._unmapped_reason(plan, products)
        if reason:
            self._fail(tid, reason, plan)
            return
        pending = {}
        try:
            with self.env.cr.savepoint():
                order = self._create_order(plan, products, pending)
        except psycopg2.IntegrityError as err:
            if err.diag.constraint_name in PARTNER_INDEXES:
                self._partner_stored_meanwhile(tid)
            if err.diag.constraint_name != TID_CONSTRAINT:
                self._fail(tid, self._error_text(err), plan)
                return
            self._stored_meanwhile(tid)
            return
        except Exception as err:  # noqa: B902 - one trade must never stop the others
            if must_rerun(err):
                raise
            _logger.exception("Shop %s: trade %s could not be stored", self.shop.id, tid)
            self._fail(tid, self._error_text(err), plan)
            return
        self.cache.update(pending)
        self.summary["created"].append(order.id)
        self._clear_backlog([tid])
        if order.ecommerce_review_needed:
            self.summary["held"].append({"tid": tid, "reason": order.ecommerce_review_reason})

    def _stored_meanwhile(self, tid):
        """Another synchronisation stored the trade first: the constraint held.

        Where this transaction does not see that order, it began before the
        other committed, and all it knows of the shop's orders is stale: it
        would answer "refused" where the caller repeated an order already
        stored. The whole call then runs again from a fresh view (Odoo retries
        a serialization failure: XML-RPC, JSON-RPC and jobs do), and answers as
        any later call: already imported, unchanged or updated.
        """
        order = self._orders_by_tid([tid]).get(tid)
        if order:
            self._skip(tid, _("Already imported as %(order)s.") % {"order": order.name})
            return
        _logger.info("Shop %s: trade %s was stored by a concurrent synchronisation since this "
                     "one began; it runs again", self.shop.id, tid)
        self.env.cr.execute(RUN_AGAIN_SQL, log_exceptions=False)

    def _partner_stored_meanwhile(self, tid):
        """A concurrent re-read created this trade's buyer (or address) since this
        transaction began: run again from a fresh view, which finds it."""
        _logger.info("Shop %s: the buyer of trade %s was stored by a concurrent "
                     "synchronisation since this one began; it runs again", self.shop.id, tid)
        self.env.cr.execute(RUN_AGAIN_SQL, log_exceptions=False)

    def _create_order(self, plan, products, pending):
        buyer = self._buyer(plan, pending)
        delivery = self._delivery_address(plan, buyer, pending)
        vals = self._prepare_sale_order_vals(plan, buyer, delivery)
        vals["order_line"] = [(0, 0, v) for v in self._prepare_order_lines(plan, products)]
        order = self.env["sale.order"].with_context(
            force_company=self.shop.company_id.id, mail_create_nolog=True,
            mail_create_nosubscribe=True, tracking_disable=True).create(vals)
        self._settle_cents(order, plan)
        # Goods that left after go-live leave the stock whatever holds the order.
        shipped = first_seen_shipped(plan)
        if shipped and not self._is_history(plan):
            order.with_context(ecommerce_audited=True).action_confirm()
            return order
        if not shipped:
            order._ecommerce_add_gifts()
        if platform_holds(plan):
            order._ecommerce_audit()  # the desk shows every reason at once
        else:
            order.action_confirm()  # the audit rules hold it or let it go
        return order

    def _prepare_sale_order_vals(self, plan, buyer, delivery):
        """Values of the sales order of a trade; company and warehouse come from the shop.

        Set explicitly because the cron runs as superuser, whose defaults belong
        to another company.
        """
        shop = self.shop
        reason = self._hold_text(plan)
        return {
            "name": "%s%s" % (shop.code, plan["tid"]),
            "client_order_ref": plan["tid"], "origin": plan["tid"],
            "partner_id": buyer.id, "partner_invoice_id": buyer.id,
            "partner_shipping_id": delivery.id,
            "date_order": fields.Datetime.to_string(self.adapter.parse_time(plan["created"])),
            "company_id": shop.company_id.id, "warehouse_id": shop.warehouse_id.id,
            "team_id": shop.team_id.id,
            "pricelist_id": (self.cache.get("pricelist") or shop._cny_pricelist()).id,
            "ecommerce_shop_id": shop.id, "ecommerce_tid": plan["tid"],
            "workflow_process_id": shop._invoice_workflow().id or False,
            "ecommerce_status": plan["status"],
            "ecommerce_native_status": platform_status(plan),
            "ecommerce_modified": fields.Datetime.to_string(
                self.adapter.parse_time(plan["modified"])),
            "ecommerce_buyer_message": plan["buyer_message"] or False,
            "ecommerce_seller_memo": plan["seller_memo"] or False,
            "ecommerce_address_key": plan["address"]["key"],
            "ecommerce_receiver_group": self.cache.get("receiver_groups", {}).get(plan["tid"])
            or False,
            "ecommerce_review_needed": bool(reason),
            "ecommerce_review_reason": reason or False,
            "ecommerce_hold_codes": ",".join(platform_holds(plan)) or False,
            "ecommerce_ship_by": self._ship_by(plan),
            "ecommerce_cod": bool(plan.get("cod")),
        }

    def _ship_by(self, plan):
        """The platform's promised shipping time (UTC), else the shop's own promise."""
        if plan.get("ship_by"):
            return fields.Datetime.to_string(self.adapter.parse_time(plan["ship_by"]))
        return self.shop._desk_default_ship_by(self.adapter.parse_time(plan["created"]))

    def _hold_text(self, plan):
        texts = {
            HOLD_FORBIDDEN: _("The platform forbids shipping this trade for now "
                              "(PAID_FORBID_CONSIGN); it is released when shipping is "
                              "allowed."),
            HOLD_REFUND: _("The buyer asked for a refund of %(items)s: decide on the refund "
                           "on the platform before shipping."),
            HOLD_PRESALE: _("Presale: the buyer has not paid the final payment yet; the order "
                            "ships once it is paid."),
        }
        refunding = ", ".join(line["title"] or line["oid"] for line in plan["lines"]
                              if line["refund_status"].startswith("WAIT_"))
        return "\n".join(texts[code] % {"items": refunding} if code == HOLD_REFUND
                         else texts[code] for code in platform_holds(plan))

    def _prepare_order_lines(self, plan, products):
        """Goods at their listed price, postage, then the discounts: one line per
        tax of the goods, with that tax (a Chinese VAT invoice's 折扣行), so that
        VAT falls on what the buyer paid."""
        shop, twins = self.shop, self.cache["taxes"]
        shipped_first = first_seen_shipped(plan)
        history = self._is_history(plan)
        lines, shares = [], []
        for line in plan["lines"]:
            shipped = shipped_first or line["state"] == "shipped"
            goods = self._prepare_goods_lines(line, products, twins)
            for vals in goods:
                vals["ecommerce_refund_status"] = line["refund_status"] or False
                # A partial refund before import is in the total already.
                vals["ecommerce_refund_booked"] = float(line.get("booked") or 0)
                vals["ecommerce_platform_qty"] = line["qty"]
                # Shipped before Odoo knew the trade: never ship it again. History
                # from before go-live moves no stock; later goods leave the stock.
                vals["ecommerce_no_delivery"] = shipped and history
                vals["ecommerce_platform_shipped"] = shipped and not history
                lines.append(vals)
            shares += _discount_shares(goods, line)
        if plan["postage"]:
            lines.append(self._prepare_order_line_vals(
                shop.postage_product_id, 1, plan["postage"], twins=twins))
        return lines + self._prepare_discount_lines(plan, shares)

    def _prepare_discount_lines(self, plan, shares):
        """The discount lines: per tax, the sub-orders' own discounts (listed less
        paid) and its part of the trade's remainder (trade-wide promotions,
        partial refunds, cents), shared by what the goods of each tax cost.

        :param shares: [(tax ids, own discount, paid)] per goods line.
        """
        shop = self.shop
        # The partial refunds before import are the sub-orders' own (see _discount_shares).
        remainder = plan["discount"] + sum((line.get("booked") or Decimal(0)
                                            for line in plan["lines"]), Decimal(0))
        by_tax = collections.OrderedDict()
        for taxes, own, _paid in shares:
            by_tax[taxes] = by_tax.get(taxes, Decimal(0)) - own
        paid = collections.OrderedDict()
        for taxes, _own, amount in shares:
            paid[taxes] = paid.get(taxes, Decimal(0)) + max(amount, Decimal(0))
        if remainder and not any(paid.values()):
            # Nothing paid to share it by (gifts only): the discount product's own tax.
            taxes = shop.discount_product_id.taxes_id.filtered(
                lambda t: t.company_id == shop.company_id)
            key = tuple(sorted(self.cache["taxes"].get(t.id, t.id) for t in taxes))
            by_tax[key] = by_tax.get(key, Decimal(0)) + remainder
        elif remainder:
            for taxes, part in zip(paid, _spread(remainder, list(paid.values()))):
                by_tax[taxes] += part
        name = shop.discount_product_id.name
        if plan["promotions"]:
            name = "%s: %s" % (name, ", ".join(plan["promotions"]))
        lines = []
        for taxes, amount in by_tax.items():
            if amount:
                vals = self._prepare_order_line_vals(shop.discount_product_id, 1, amount, name,
                                                     twins=self.cache["taxes"])
                vals["tax_id"] = [(6, 0, list(taxes))]
                lines.append(vals)
        return lines

    def _prepare_goods_lines(self, line, products, twins):
        """The order lines of one sub-order at its listed price: one line, or one
        per pack/bundle component."""
        key = (line["num_iid"], line["sku_id"])
        price = line.get("list_price", line["price_unit"])
        product = products.get(key)
        if not product:  # an unmapped gift: the shop's gift product carries its title
            product = self.shop.gift_product_id
            return [self._prepare_order_line_vals(
                product, line["qty"], price,
                "%s: %s" % (product.name, line["title"]), line, twins)]
        mapping = self.cache.get("expanding", {}).get(key)
        if not mapping:
            return [self._prepare_order_line_vals(product, line["qty"], price,
                                                  False, line, twins)]
        return [self._prepare_order_line_vals(part, qty, part_price, False, line, twins)
                for part, qty, part_price in mapping._expand_order_line(line["qty"], price)]

    def _prepare_order_line_vals(self, product, qty, price_unit, name=False, line=None,
                                 twins=None):
        """One order line at the price the buyer paid, which includes the taxes."""
        if not name:
            # Not display_name: product.name_get reads every prefetched variant's
            # attributes and suppliers, which made it the slowest step per line.
            name = product.name
            if product.default_code:
                name = "[%s] %s" % (product.default_code, name)
            if line and line["title"] and line["title"] not in name:
                name = "%s\n%s %s" % (name, line["title"], line["sku_properties"])
        if twins is None:
            twins = self._tax_twins({None: product})
        taxes = product.taxes_id.filtered(lambda t: t.company_id == self.shop.company_id)
        return {
            "ecommerce_oid": line and line["oid"] or False,
            "product_id": product.id, "name": name.strip(),
            "product_uom_qty": qty, "product_uom": product.uom_id.id,
            "price_unit": float(price_unit),
            "tax_id": [(6, 0, [twins.get(t.id, t.id) for t in taxes])],
        }

    def _lower_discounts(self, order, lowered):
        """Partial refunds found after import lower the discount line of the
        refunded goods' own tax rate (added when missing), as at import: the
        VAT of the other rates stays on what the buyer paid for them.

        :param lowered: {oid: [refunded amount, the sub-order's order lines]}
        """
        by_tax = collections.OrderedDict()
        for amount, lines in lowered.values():
            lines = lines.filtered("product_uom_qty") or lines[:1]
            weights = [Decimal(str(max(line.price_unit * line.product_uom_qty, 0.0)))
                       for line in lines]
            for line, part in zip(lines, _spread(Decimal(str(amount)).quantize(CENT), weights)):
                taxes = tuple(sorted(line.tax_id.ids))
                by_tax[taxes] = by_tax.get(taxes, Decimal(0)) + part
        product = self.shop.discount_product_id
        discounts = order.order_line.filtered(lambda line: line.product_id == product)
        added = []
        for taxes, part in by_tax.items():
            own = discounts.filtered(lambda line: tuple(sorted(line.tax_id.ids)) == taxes)[:1]
            if own:
                own.price_unit -= float(part)
            elif part:
                vals = self._prepare_order_line_vals(product, 1, -part,
                                                     twins=self.cache.get("taxes"))
                vals["tax_id"] = [(6, 0, list(taxes))]
                added.append((0, 0, vals))
        if added:
            order.write({"order_line": added})

    def _settle_cents(self, order, plan, credited=()):
        """Make amount_total equal what the buyer pays for what ships, to the cent.

        Paid prices divided by quantities and global tax rounding can leave a
        few cents; the discount line takes them. ``credited`` sub-orders have
        their refunds booked as credit notes: the order keeps their money.
        """
        due = due_with_credit_notes(plan, set(credited))
        gap = due - Decimal(str(order.amount_total)).quantize(CENT)
        if not gap:
            return
        shop = self.shop
        discount_lines = order.order_line.filtered(
            lambda line: line.product_id == shop.discount_product_id)
        if discount_lines:
            discount_lines[0].price_unit += float(gap)
        else:
            order.write({"order_line": [(0, 0, self._prepare_order_line_vals(
                shop.discount_product_id, 1, gap, twins=self.cache.get("taxes")))]})

    # ------------------------------------------------------------------
    # Known trades: follow what changed on the platform
    # ------------------------------------------------------------------
    def _follow(self, order, row):
        raw = self._detail(row, force=True, new=False)
        plan = raw and self._plan(raw, new=False)
        if not plan:
            return
        notes = self.env["ecommerce.order.follower"]._apply(self, order, plan)
        if notes:
            self.summary["updated"].append(plan["tid"])
            order.message_post(body="<br/>".join(notes))
        if order.ecommerce_review_needed and order.state in ("draft", "sent", "sale"):
            reason = order.ecommerce_review_reason
            if notes and {"tid": plan["tid"], "reason": reason} not in self.summary["held"]:
                self.summary["held"].append({"tid": plan["tid"], "reason": reason})

    # ------------------------------------------------------------------
    # Products, partners, taxes
    # ------------------------------------------------------------------
    def _resolve_products(self, plans):
        """{(num_iid, sku_id): product} through the mappings, else merchant codes."""
        shop = self.shop
        keys = {(line["num_iid"], line["sku_id"]) for p in plans for line in p["lines"]}
        index = self.env["ecommerce.sku.mapping"]._get_mapping_index(shop, keys)
        # Own prefetch per product: sharing it with the whole catalogue made each
        # cache miss on one line re-read every mapped variant.
        products = {key: mapping.product_id.with_prefetch()
                    for key, mapping in index.items()}
        # Packs and bundles ship other quantities or several products per unit.
        self.cache["expanding"] = {key: mapping for key, mapping in index.items()
                                   if mapping.component_ids or mapping.product_qty != 1}
        codes = {line["outer_id"] for p in plans for line in p["lines"]
                 if (line["num_iid"], line["sku_id"]) not in products and line["outer_id"]}
        by_code = {}
        if codes:
            found = self.env["product.product"].search([
                ("default_code", "in", list(codes)),
                "|", ("company_id", "=", False), ("company_id", "=", shop.company_id.id)])
            for product in found:
                # Two products with one code: ambiguous, better refuse than guess.
                by_code[product.default_code] = False if product.default_code in by_code \
                    else product.with_prefetch()
        for plan in plans:
            for line in plan["lines"]:
                key = (line["num_iid"], line["sku_id"])
                if key not in products and by_code.get(line["outer_id"]):
                    products[key] = by_code[line["outer_id"]]
        return products

    @staticmethod
    def _unmapped_reason(plan, products):
        for line in plan["lines"]:
            if line["kind"] == "goods" and (line["num_iid"], line["sku_id"]) not in products:
                if line["sku_id"]:
                    return _("SKU %(sku)s of item %(item)s is not mapped (merchant code "
                             "%(code)s matches no product).") % {
                        "sku": line["sku_id"], "item": line["num_iid"],
                        "code": line["outer_id"] or "-"}
                return _("Item %(item)s is not mapped (merchant code %(code)s matches no "
                         "product).") % {"item": line["num_iid"], "code": line["outer_id"] or "-"}
        return False

    def _partner_cache(self, plans):
        """Buyers of the page by nick, and their known addresses, in two searches."""
        partner_model = self.env["res.partner"].with_context(active_test=False)
        nicks = list({p["buyer_nick"] for p in plans})
        buyers = partner_model.search([("ecommerce_shop_id", "=", self.shop.id),
                                       ("ecommerce_buyer_nick", "in", nicks),
                                       ("parent_id", "=", False)]) if nicks else partner_model
        cache = {("buyer", b.ecommerce_buyer_nick): b for b in buyers}
        if buyers:
            keys = list({p["address"]["key"] for p in plans})
            for address in partner_model.search([("parent_id", "in", buyers.ids),
                                                 ("ecommerce_address_key", "in", keys)]):
                cache[("address", address.parent_id.id, address.ecommerce_address_key)] = address
        return cache

    def _buyer(self, plan, pending):
        key = ("buyer", plan["buyer_nick"])
        buyer = self.cache.get(key) or pending.get(key)
        if not buyer:
            buyer = self._partner_model().create({
                "name": plan.get("buyer_name") or plan["buyer_nick"],
                "ecommerce_shop_id": self.shop.id,
                "ecommerce_buyer_nick": plan["buyer_nick"], "customer": True,
                "company_id": self.shop.company_id.id, "country_id": self._country_cn().id,
            })
            pending[key] = buyer
        return buyer

    def _delivery_address(self, plan, buyer, pending):
        address = plan["address"]
        key = ("address", buyer.id, address["key"])
        partner = self.cache.get(key) or pending.get(key)
        if not partner:
            partner = self._partner_model().create({
                "parent_id": buyer.id, "type": "delivery",
                "name": address["name"] or plan.get("buyer_name") or plan["buyer_nick"],
                "mobile": address["mobile"] or False, "phone": address["phone"] or False,
                "street": address["full"] or False, "street2": address["district"] or False,
                "city": address["city"] or False, "zip": address["zip"] or False,
                "state_id": self._state_of(address["state"]).id,
                "country_id": self._country_cn().id, "company_id": self.shop.company_id.id,
                "ecommerce_shop_id": self.shop.id, "ecommerce_address_key": address["key"],
                "ecommerce_oaid": address.get("oaid") or False,
            })
            pending[key] = partner
        return partner

    def _partner_model(self):
        # sudo: importing orders includes creating their customers, which the
        # E-commerce User may do although sales users in general may not.
        # No chatter: thousands of "contact created" notes help nobody.
        return self.env["res.partner"].sudo().with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True,
            ecommerce_import_partner=True)

    def _country_cn(self):
        return self.env.ref("base.cn")

    def _state_of(self, name):
        """Province of China by any name form the platforms use (region_mapping)."""
        if not name:
            return self.env["res.country.state"]
        if ("state", name) not in self.cache:
            found = province(name)
            domain = [("name", "in", province_names(name))]
            if found:  # l10n_cn stores 重庆's code with a trailing space
                domain = ["|", "|"] + domain + [("code", "=", found.code),
                                                ("code", "=", found.code + " ")]
            states = self.env["res.country.state"].search(
                [("country_id", "=", self._country_cn().id)] + domain)
            # Several matches (a name and another's code): the name wins.
            by_name = states.filtered(lambda s: s.name in province_names(name))
            self.cache[("state", name)] = (by_name or states)[:1]
        return self.cache[("state", name)]

    def _tax_twins(self, products):
        """{tax id: id of its price-included twin} for the taxes of the order lines.

        Platform prices are gross: a tax added on top would make the order dearer
        than what the buyer paid; the included twin splits the same amount.
        """
        shop = self.shop
        products = self.env["product.product"].union(*products.values()) | \
            shop.postage_product_id | shop.discount_product_id | shop.gift_product_id
        return self._price_included_twins(products, shop.company_id)

    @api.model
    def _price_included_twins(self, products, company):
        """{tax id: twin id} for the sales taxes of ``products`` in ``company``,
        the twins created where missing."""
        taxes = products.mapped("taxes_id").filtered(
            lambda t: t.company_id == company and not t.price_include
            and t.amount_type in ("percent", "fixed", "division"))
        return {tax.id: self._price_included_twin(tax).id for tax in taxes}

    def _price_included_twin(self, tax):
        twin = self.env["account.tax"].search([
            ("company_id", "=", tax.company_id.id), ("type_tax_use", "=", tax.type_tax_use),
            ("amount_type", "=", tax.amount_type), ("amount", "=", tax.amount),
            ("price_include", "=", True)], limit=1)
        return twin or self._create_price_included_twin(tax)

    def _create_price_included_twin(self, tax):
        """Create the twin, once, although several shops' imports may need it at once.

        The first import to take the tax's lock creates it; the others are told
        to run again after it has committed, rather than wait for its whole run
        or trip over the tax's unique name.
        """
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)",
                            (TWIN_LOCK_CLASS, tax.id))
        locked = self.env.cr.fetchone()[0]
        conflict = SetupConflict(_(
            "Another synchronisation is creating the price-included twin of tax %(tax)s "
            "right now; run this one again in a minute.") % {"tax": tax.name})
        if not locked:
            raise conflict
        # copy_data, not copy: account.tax.copy() names every copy "... (Copy)".
        vals = tax.sudo().copy_data({"price_include": True, "include_base_amount": False})[0]
        vals["name"] = _("%(name)s (included in price)") % {"name": tax.name}
        try:
            with self.env.cr.savepoint():
                # sudo: creating the twin is accounting configuration the seller's
                # import needs once; it copies the accounts of the original tax.
                return self.env["account.tax"].sudo().create(vals)
        except psycopg2.IntegrityError:
            raise conflict  # created and committed since this run began

    def _warm_precisions(self):
        """Load the decimal precisions before the per-trade savepoints.

        On a cache miss Odoo 11 reads them through another cursor; under
        HttpCase that cursor is the shared test cursor, whose simulated commit
        would release our savepoints.
        """
        precision = self.env["decimal.precision"]
        # A handful of rows (Product Price, Discount, ...): all of them are wanted.
        for name in precision.search([]).mapped("name"):  # pylint: disable=no-search-all
            precision.precision_get(name)

    # ------------------------------------------------------------------
    # Summary and bookkeeping
    # ------------------------------------------------------------------
    def _guarded(self, tid, job):
        """Run ``job`` in a savepoint; any failure fails this trade only."""
        try:
            with self.env.cr.savepoint():
                job()
        except PlatformError as err:
            if err.family in RUN_STOPPING_FAMILIES or err.retryable:
                raise
            self._fail(tid, self._error_text(err))
        except Exception as err:  # noqa: B902 - one trade must never stop the others
            if must_rerun(err):
                raise
            _logger.exception("Shop %s: trade %s could not be updated", self.shop.id, tid)
            self._fail(tid, self._error_text(err))

    @staticmethod
    def _error_text(err):
        if isinstance(err, UserError):
            return err.name
        return _("Unexpected error while storing the trade: %(error)s") % {
            "error": "%s: %s" % (type(err).__name__, err)}

    def _skip(self, tid, reason):
        self.summary["skipped"].append(tid)
        self.summary["skipped_reasons"][tid] = reason

    def _fail(self, tid, reason, plan=None):
        self.summary["failed"].append({"tid": tid, "reason": reason})
        if plan is not None:
            self._record_backlog(plan, reason)

    def _fail_raw(self, raw, reason, new=True):
        """Fail a trade that has no plan. A new one gets its backlog row, which
        keeps it for the retry job and the health screen (so the watermark may
        pass it); a known one is stored already and is read again when it changes.
        """
        self._fail(raw["tid"], reason)
        backlog = self.env.get("ecommerce.trade.backlog")
        if new and backlog is not None:
            # One row at least, even when no sub-order can be read: the trade is kept.
            units = self.adapter.sold_units(raw) or [(UNKNOWN_ITEM, "", 0)]
            backlog.sudo()._record_pending(self.shop, raw["tid"], units, reason)

    def _record_backlog(self, plan, reason):
        """Units sold on the platform that Odoo does not hold yet: the stock push
        must not offer them again."""
        backlog = self.env.get("ecommerce.trade.backlog")
        if backlog is not None:
            backlog.sudo()._record_pending(
                self.shop, plan["tid"],
                [(line["num_iid"], line["sku_id"], line["qty"]) for line in plan["lines"]
                 if line["kind"] == "goods"], reason)

    def _clear_backlog(self, tids):
        backlog = self.env.get("ecommerce.trade.backlog")
        if backlog is not None and tids:
            backlog.sudo()._clear_pending(self.shop, tids)

    def _is_history(self, plan):
        """Created before the shop's go-live date (or no date set): the stock was
        counted after it, so its goods must not leave the stock again."""
        start = fields.Datetime.from_string(self.shop.order_import_from)
        return not start or self.adapter.parse_time(plan["created"]) < start

    def _before_go_live(self, row):
        start = fields.Datetime.from_string(self.shop.order_import_from)
        if not start or not row.get("created"):
            return False
        try:
            return self.adapter.parse_time(row["created"]) < start
        except ValueError:
            return False

    @staticmethod
    def _unpayable_reason(row):
        status = row.get("status")
        if status in CLOSED_STATUSES:
            return _("The trade was closed on the platform (%(status)s); it is not imported.") \
                % {"status": status}
        if status not in KNOWN_STATUSES:
            # Not "not paid yet": a new platform status must reach a person.
            return _("The platform status %(status)s of this trade is unknown to the addon; "
                     "it is not imported.") % {"status": status}
        return _("The trade is not paid yet (%(status)s); it is imported once paid.") \
            % {"status": status}
