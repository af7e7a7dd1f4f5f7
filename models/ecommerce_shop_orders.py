import logging
import zlib
from datetime import datetime, timedelta
from decimal import Decimal

import psycopg2

import odoo
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..mapping.trade_mapping import (CENT, CLOSED_STATUSES, FULL_FIELDS, KNOWN_STATUSES,
                                     LIST_FIELDS, TRADE_TYPES, TradeMappingError, is_payable,
                                     needs_full_detail, needs_review, plan_trade)
from ..top_client import SessionError, TopError, parse_beijing
from .api_arguments import ApiArguments

_logger = logging.getLogger(__name__)

PAGE_SIZE = 100
WINDOW = timedelta(days=1)        # taobao.trades.sold.increment.get accepts at most a day
OVERLAP = timedelta(minutes=10)   # list APIs lag behind writes on the platform
# First key of the advisory lock: "order sync of a shop"; the second key is the shop id.
LOCK_CLASS = zlib.crc32(b"ecommerce_sync.order_sync") & 0x7FFFFFFF
# Errors that say nothing about one trade but about the platform or the session:
# the run stops there so that the watermark does not pass unstored trades.
RUN_STOPPING_FAMILIES = ("transport", "session", "auth", "rate_limit", "malformed")


def _new_summary():
    return {"created": [], "skipped": [], "failed": [], "updated": [], "cancelled": [],
            "skipped_reasons": {}, "cancel_reasons": {}}


def _merge(into, part):
    for key, value in part.items():
        if isinstance(value, dict):
            into[key].update(value)
        else:
            into[key].extend(value)


def _public(summary, keys=("created", "skipped", "failed", "updated", "cancelled", "error")):
    """The summary as the XML-RPC API returns it (no internal keys)."""
    return {k: v for k, v in summary.items() if k in keys}


class EcommerceShopOrders(models.Model):
    _inherit = "ecommerce.shop"

    team_id = fields.Many2one("crm.team", "Sales Team",
                              help="Sales team set on the orders imported from this shop.")
    order_sync_watermark = fields.Datetime(
        "Orders Synced Up To", copy=False,
        help="Platform modification time up to which every trade is stored; the "
             "background sync continues from here (with a small overlap).")
    order_sync_start_days = fields.Integer(
        "First Sync Looks Back (days)", default=1,
        help="How far back the first background sync reads trades.")
    order_check_days = fields.Integer(
        "Daily Missing-order Check (days)", default=3,
        help="Once a day the background sync lists the trades created in these last days "
             "and imports those that are still missing.")
    order_check_last = fields.Datetime("Last Missing-order Check", copy=False, readonly=True)
    order_sync_last_success = fields.Datetime(
        "Last Successful Order Sync", copy=False, readonly=True,
        help="When the background order sync last read the platform to the end without "
             "an error. The stock push waits for it: quantities computed on stale orders "
             "oversell.")
    order_sync_error = fields.Text("Last Order Sync Error", copy=False, readonly=True)
    # On by default: the trade lists never carry the seller memo, and an order whose
    # memo goes unseen would be confirmed and shipped against the seller's note.
    order_full_detail = fields.Boolean(
        "Always Read Full Trade Details", default=True,
        help="Read every trade with taobao.trade.fullinfo.get (one more call per order). "
             "Without it, only trades with a buyer message, a seller flag or a zero-price "
             "item are read in full: a seller memo without a flag and a promotion gift "
             "(满就送) on another trade are then not seen, and such an order may be "
             "confirmed automatically.")

    # ------------------------------------------------------------------
    # Public API (XML-RPC)
    # ------------------------------------------------------------------
    @api.multi
    def check_missing_orders(self, date_from, date_to, status="WAIT_SELLER_SEND_GOODS"):
        """Platform trades created in [date_from, date_to] (UTC) not imported yet.

        :returns: ``{"missing": [tid, ...], "imported": [tid, ...]}``
        """
        args = ApiArguments(self, "check_missing_orders")
        args.check_single_shop()
        date_from, date_to = args.check_window(date_from, date_to)
        status = args.check_trade_status(status)
        self.ensure_one()
        self._check_order_rights()
        trades = self._list_created_trades(self._get_top_client(), date_from, date_to, status)
        existing = self._orders_by_tid([t["tid"] for t in trades])
        return {"missing": [t["tid"] for t in trades if t["tid"] not in existing],
                "imported": [t["tid"] for t in trades if t["tid"] in existing]}

    @api.multi
    def import_orders(self, date_from, date_to, status="WAIT_SELLER_SEND_GOODS", tids=None):
        """Import the trades created in [date_from, date_to] (UTC) with ``status``.

        :param tids: only these platform order numbers of the window.
        :returns: ``{"created": [sale_order_id], "skipped": [tid],
                  "failed": [{"tid", "reason"}]}``; with ``tids`` also
                  ``"unknown": [tid]``, those not among the window's trades.
        """
        args = ApiArguments(self, "import_orders")
        args.check_single_shop()
        date_from, date_to = args.check_window(date_from, date_to)
        status = args.check_trade_status(status)
        tids = args.check_digit_list(tids, "tids")
        self.ensure_one()
        self._check_order_rights()
        self._acquire_order_lock()
        client = self._get_top_client()
        trades = self._list_created_trades(client, date_from, date_to, status)
        if tids is not None:
            wanted = {str(t) for t in tids}
            trades = [t for t in trades if t["tid"] in wanted]
        summary = _new_summary()
        try:
            self._import_trades(client, trades, summary)
        except TopError as err:
            raise UserError(self._explain_error(err))
        self.env["ecommerce.sync.log"]._record(
            self, "order_import", summary, self._window(date_from, date_to),
            calls=client.stats["calls"])
        result = _public(summary, ("created", "skipped", "failed"))
        if tids is not None:  # asked for, not among the trades of the window: say so
            found = {t["tid"] for t in trades}
            result["unknown"] = [tid for tid in tids if tid not in found]
        return result

    @api.multi
    def sync_orders(self):
        """Run the background sync of this shop now; nothing is committed.

        :returns: the import summary plus "updated", "cancelled" and "error".
        """
        ApiArguments(self, "sync_orders").check_single_shop()
        self.ensure_one()
        self._check_order_rights()
        summary = self._sync_orders_run(commit=False)
        return _public(summary)

    @api.model
    def _cron_sync_orders(self, use_new_cursor=False):
        """Cron entry: sync every active shop.

        With ``use_new_cursor`` (the cron) each shop runs on its own cursor that
        commits page by page, like stock's run_scheduler; tests and users call
        it without, and nothing is committed.
        """
        for shop_id in self._active_sync_shops().ids:
            if use_new_cursor:
                self._sync_shop_on_new_cursor(shop_id)
            else:
                self.browse(shop_id)._sync_orders_run(commit=False)
        return True

    # ------------------------------------------------------------------
    # Background sync
    # ------------------------------------------------------------------
    def _sync_shop_on_new_cursor(self, shop_id):
        with api.Environment.manage():
            cr = odoo.registry(self.env.cr.dbname).cursor()
            try:
                env = api.Environment(cr, self.env.uid, self.env.context)
                env["ecommerce.shop"].browse(shop_id)._sync_orders_run(commit=True)
                cr.commit()
            except (UserError, ValidationError, psycopg2.Error) as err:
                cr.rollback()
                _logger.warning("Shop %s: order sync failed: %s", shop_id, err)
            finally:
                cr.close()

    def _sync_orders_run(self, commit):
        """One sync of this shop: increment, then the daily missing check; logged."""
        self.ensure_one()
        try:
            self._acquire_order_lock(session=commit)
        except UserError as err:
            return dict(_new_summary(), error=err.name)
        if not commit:
            return self._sync_orders_logged(commit)
        try:
            return self._sync_orders_logged(commit)
        finally:
            # The session lock outlives transactions: drop what an unexpected
            # error left uncommitted, then free the shop for the next run.
            self.env.cr.rollback()
            self._release_order_lock()

    def _sync_orders_logged(self, commit):
        summary, error, client = _new_summary(), False, None
        now = datetime.utcnow().replace(microsecond=0)
        window_from = self._watermark_or_start(now) - OVERLAP
        try:
            client = self._get_top_client()
            self._sync_increment(client, summary, now, commit)
            if self._missing_check_due(now):
                self._sync_missing(client, summary, now, commit)
        except SessionError as err:
            self._pause_sync(err)
            error = self._explain_error(err)
        except TopError as err:
            error = self._explain_error(err)
        except UserError as err:
            error = err.name
        if error:
            _logger.warning("Shop %s: order sync stopped: %s", self.id, error)
            summary["error"] = error
        self.sudo().write({"order_sync_error": error or False,
                           "order_sync_last_success": self.order_sync_last_success if error
                           else fields.Datetime.to_string(now)})
        self.env["ecommerce.sync.log"]._record(
            self, "order_sync", summary, (fields.Datetime.to_string(window_from),
                                          self.order_sync_watermark),
            error=error, calls=client.stats["calls"] if client else 0)
        if commit:
            self.env.cr.commit()  # own cursor of the cron (see _cron_sync_orders)
        return summary

    def _watermark_or_start(self, now):
        watermark = fields.Datetime.from_string(self.order_sync_watermark)
        return watermark or now - timedelta(days=max(self.order_sync_start_days, 0) or 1)

    def _sync_increment(self, client, summary, now, commit):
        start = self._watermark_or_start(now) - OVERLAP
        while start < now:
            end = min(start + WINDOW, now)
            params = {"fields": LIST_FIELDS, "type": TRADE_TYPES,
                      "start_modified": start, "end_modified": end}
            for page in client.iter_pages_backwards(
                    "taobao.trades.sold.increment.get", params, "trades", PAGE_SIZE):
                self._store_page(client, page, summary, commit, update_existing=True)
            self._move_watermark(end, commit)
            start = end

    def _store_page(self, client, page, summary, commit, update_existing, report_existing=True):
        """Import one page in a savepoint, then move the watermark past it.

        A failure inside the page undoes the page only; what earlier pages
        stored, and the watermark they reached, stay.
        """
        part = _new_summary()
        with self.env.cr.savepoint():
            self._import_trades(client, page, part, update_existing, report_existing)
            if update_existing:
                stamps = [parse_beijing(t["modified"]) for t in page if t.get("modified")]
                if stamps:
                    self._move_watermark(max(stamps), commit=False)
        _merge(summary, part)
        if commit:
            self.env.cr.commit()  # own cursor of the cron: the page is stored for good

    def _move_watermark(self, moment, commit):
        current = fields.Datetime.from_string(self.order_sync_watermark)
        if current is None or moment > current:
            self.sudo().write({"order_sync_watermark": fields.Datetime.to_string(moment)})
        if commit:
            self.env.cr.commit()  # own cursor of the cron

    def _missing_check_due(self, now):
        last = fields.Datetime.from_string(self.order_check_last)
        return self.order_check_days > 0 and (last is None or now - last >= timedelta(days=1))

    def _sync_missing(self, client, summary, now, commit):
        """Daily completeness pass: import paid trades of the last days still missing."""
        date_from = now - timedelta(days=self.order_check_days)
        params = {"fields": LIST_FIELDS, "type": TRADE_TYPES,
                  "start_created": date_from, "end_created": now}
        for page in client.iter_pages_backwards("taobao.trades.sold.get", params, "trades",
                                                   PAGE_SIZE):
            # Refused by the increment of this run already: one reason is enough.
            seen = set(summary["skipped"]) | {f["tid"] for f in summary["failed"]}
            page = [t for t in page if str(t.get("tid")) not in seen]
            self._store_page(client, page, summary, commit, update_existing=False,
                             report_existing=False)
        self.sudo().write({"order_check_last": fields.Datetime.to_string(now)})

    # ------------------------------------------------------------------
    # Locking and rights
    # ------------------------------------------------------------------
    def _check_order_rights(self):
        self.check_access_rights("read")
        self.check_access_rule("read")
        self.env["sale.order"].check_access_rights("create")

    def _acquire_order_lock(self, session=False):
        """One order sync per shop at a time, whoever starts it.

        The cron's own cursor commits page by page, so it holds a session lock;
        a user's import holds a transaction lock, released by its commit.
        """
        if session:
            self.env.cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (LOCK_CLASS, self.id))
        else:
            self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)",
                                (LOCK_CLASS, self.id))
        if not self.env.cr.fetchone()[0]:
            raise UserError(_("An order synchronisation of shop %(shop)s is running right now. "
                              "Wait until it has finished, then try again.")
                            % {"shop": self.name})

    def _release_order_lock(self):
        self.env.cr.execute("SELECT pg_advisory_unlock(%s, %s)", (LOCK_CLASS, self.id))

    # ------------------------------------------------------------------
    # Listing
    # ------------------------------------------------------------------
    @api.model
    def _window(self, date_from, date_to):
        try:
            start = fields.Datetime.from_string(date_from)
            end = fields.Datetime.from_string(date_to)
        except ValueError:
            start = end = None
        if not start or not end or end <= start:
            raise UserError(_("Give a start and an end time (UTC, YYYY-MM-DD HH:MM:SS), the "
                              "end after the start."))
        return fields.Datetime.to_string(start), fields.Datetime.to_string(end)

    def _list_created_trades(self, client, date_from, date_to, status):
        date_from, date_to = self._window(date_from, date_to)
        params = {"fields": LIST_FIELDS, "type": TRADE_TYPES, "status": status or None,
                  "start_created": fields.Datetime.from_string(date_from),
                  "end_created": fields.Datetime.from_string(date_to)}
        trades, seen = [], set()
        try:
            for page in client.iter_pages_backwards("taobao.trades.sold.get", params, "trades",
                                                   PAGE_SIZE):
                for trade in page:
                    trade["tid"] = str(trade.get("tid") or "")
                    if trade["tid"] not in seen:
                        seen.add(trade["tid"])
                        trades.append(trade)
        except TopError as err:
            raise UserError(self._explain_error(err))
        trades.sort(key=lambda t: (t.get("created") or "", t["tid"]))
        return trades

    def _fetch_details(self, client, trades, summary):
        """Replace list rows by full details where the list lacks what the order needs."""
        result = []
        for trade in trades:
            if not (self.order_full_detail or needs_full_detail(trade)):
                result.append(trade)
                continue
            try:
                detail = client.call("taobao.trade.fullinfo.get",
                                     {"fields": FULL_FIELDS, "tid": trade["tid"]})
            except TopError as err:
                if err.family in RUN_STOPPING_FAMILIES or err.retryable:
                    raise
                summary["failed"].append({"tid": trade["tid"], "reason": _(
                    "The platform did not give the details of the trade: %(error)s")
                    % {"error": err}})
                continue
            result.append(dict(detail.get("trade") or {}, tid=trade["tid"]))
        return result

    # ------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------
    def _orders_by_tid(self, tids):
        # sudo: a duplicate must be detected even when the user cannot see it.
        orders = self.env["sale.order"].sudo().search(
            [("ecommerce_shop_id", "=", self.id), ("ecommerce_tid", "in", list(tids))])
        return {o.ecommerce_tid: o for o in orders}

    def _import_trades(self, client, trades, summary, update_existing=False,
                       report_existing=True):
        for trade in trades:
            trade["tid"] = str(trade.get("tid") or "")
        existing = self._orders_by_tid([t["tid"] for t in trades])
        todo = []
        for trade in trades:
            order = existing.get(trade["tid"])
            if order and update_existing:
                self._update_order_status(order.with_env(self.env), trade, summary)
            elif order:
                if report_existing:
                    self._skip(summary, trade["tid"], _("Already imported as %(order)s.")
                               % {"order": order.name})
            elif not is_payable(trade.get("status")):
                if report_existing:
                    self._skip(summary, trade["tid"], self._unpayable_reason(trade))
            else:
                todo.append(trade)
        plans = self._plan_trades(self._fetch_details(client, todo, summary), summary)
        self._warm_precisions()
        products = self._resolve_products(plans)
        cache = self._partner_cache(plans)
        # Outside the per-trade savepoints: a trade that fails must not take
        # with it a tax that later trades use.
        cache["taxes"] = self._tax_twins(products)
        for plan in plans:
            self._import_plan(plan, products, cache, summary)

    def _warm_precisions(self):
        """Load the decimal precisions before the per-trade savepoints.

        On a cache miss Odoo 11 reads them through another cursor; under
        HttpCase that cursor is the shared test cursor, whose simulated commit
        would release our savepoints.
        """
        precision = self.env["decimal.precision"]
        for name in precision.search([]).mapped("name"):
            precision.precision_get(name)

    def _skip(self, summary, tid, reason):
        summary["skipped"].append(tid)
        summary["skipped_reasons"][tid] = reason

    def _unpayable_reason(self, trade):
        if trade.get("status") in CLOSED_STATUSES:
            return _("The trade was closed on the platform (%(status)s); it is not imported.") \
                % {"status": trade.get("status")}
        if trade.get("status") not in KNOWN_STATUSES:
            # Not "not paid yet": a new platform status must reach a person.
            return _("The platform status %(status)s of this trade is unknown to the addon; "
                     "it is not imported.") % {"status": trade.get("status")}
        return _("The trade is not paid yet (%(status)s); it is imported once paid.") \
            % {"status": trade.get("status")}

    def _plan_trades(self, trades, summary):
        plans = []
        for trade in trades:
            try:
                plans.append(plan_trade(trade))
            except TradeMappingError as err:
                summary["failed"].append({"tid": trade["tid"], "reason": _(
                    "The platform trade is incomplete or invalid: %(error)s")
                    % {"error": err}})
        return plans

    def _import_plan(self, plan, products, cache, summary):
        tid = plan["tid"]
        reason = self._unmapped_reason(plan, products)
        if reason:
            summary["failed"].append({"tid": tid, "reason": reason})
            return
        pending = {}
        try:
            with self.env.cr.savepoint():
                order = self._create_order(plan, products, cache, pending)
        except psycopg2.IntegrityError:
            # Another import stored the same trade first: the constraint held.
            self._skip(summary, tid, _("Already imported by another synchronisation."))
            return
        except (UserError, ValidationError) as err:
            summary["failed"].append({"tid": tid, "reason": err.name})
            return
        for key, partner in pending.items():
            cache[key] = partner
        summary["created"].append(order.id)

    # -- products ---------------------------------------------------------
    def _resolve_products(self, plans):
        """{(num_iid, sku_id): product} through the mappings, else merchant codes."""
        keys = {(l["num_iid"], l["sku_id"]) for p in plans for l in p["lines"]}
        index = self.env["ecommerce.sku.mapping"]._get_mapping_index(self, keys)
        # Own prefetch per product: sharing it with the whole catalogue made each
        # cache miss on one line re-read every mapped variant.
        products = {key: mapping.product_id.with_prefetch()
                    for key, mapping in index.items()}
        codes = {l["outer_id"] for p in plans for l in p["lines"]
                 if (l["num_iid"], l["sku_id"]) not in products and l["outer_id"]}
        by_code = {}
        if codes:
            found = self.env["product.product"].search([
                ("default_code", "in", list(codes)),
                "|", ("company_id", "=", False), ("company_id", "=", self.company_id.id)])
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

    def _unmapped_reason(self, plan, products):
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

    # -- partners ---------------------------------------------------------
    def _partner_cache(self, plans):
        """Buyers of the page by nick, and their known addresses, in two searches."""
        partner_model = self.env["res.partner"].with_context(active_test=False)
        nicks = list({p["buyer_nick"] for p in plans})
        buyers = partner_model.search([("ecommerce_shop_id", "=", self.id),
                                       ("ecommerce_buyer_nick", "in", nicks),
                                       ("parent_id", "=", False)]) if nicks else partner_model
        cache = {("buyer", b.ecommerce_buyer_nick): b for b in buyers}
        if buyers:
            keys = list({p["address"]["key"] for p in plans})
            for address in partner_model.search([("parent_id", "in", buyers.ids),
                                                 ("ecommerce_address_key", "in", keys)]):
                cache[("address", address.parent_id.id, address.ecommerce_address_key)] = address
        return cache

    def _buyer(self, plan, cache, pending):
        key = ("buyer", plan["buyer_nick"])
        buyer = cache.get(key)
        if not buyer:
            buyer = self._partner_model().create({
                "name": plan["buyer_nick"], "ecommerce_shop_id": self.id,
                "ecommerce_buyer_nick": plan["buyer_nick"], "customer": True,
                "company_id": self.company_id.id, "country_id": self._country_cn().id,
            })
            pending[key] = buyer
        return buyer

    def _delivery_address(self, plan, buyer, cache, pending):
        address = plan["address"]
        key = ("address", buyer.id, address["key"])
        partner = cache.get(key) or pending.get(key)
        if not partner:
            partner = self._partner_model().create({
                "parent_id": buyer.id, "type": "delivery",
                "name": address["name"] or plan["buyer_nick"],
                "mobile": address["mobile"] or False, "phone": address["phone"] or False,
                "street": address["full"] or False, "street2": address["district"] or False,
                "city": address["city"] or False, "zip": address["zip"] or False,
                "state_id": self._state_of(address["state"], cache).id,
                "country_id": self._country_cn().id, "company_id": self.company_id.id,
                "ecommerce_shop_id": self.id, "ecommerce_address_key": address["key"],
            })
            pending[key] = partner
        return partner

    def _partner_model(self):
        # sudo: importing orders includes creating their customers, which the
        # E-commerce User may do although sales users in general may not.
        # No chatter: thousands of "contact created" notes help nobody.
        return self.env["res.partner"].sudo().with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True)

    def _country_cn(self):
        return self.env.ref("base.cn")

    def _state_of(self, name, cache):
        """Province by its Chinese name, with or without the 省/市 suffix."""
        if not name:
            return self.env["res.country.state"]
        if ("state", name) not in cache:
            base = name[:-1] if name[-1:] in ("省", "市") else name
            cache[("state", name)] = self.env["res.country.state"].search([
                ("country_id", "=", self._country_cn().id),
                ("name", "in", [name, base, base + "省", base + "市"])], limit=1)
        return cache[("state", name)]

    # -- sales order ------------------------------------------------------
    def _create_order(self, plan, products, cache, pending):
        buyer = self._buyer(plan, cache, pending)
        delivery = self._delivery_address(plan, buyer, cache, pending)
        vals = self._prepare_sale_order_vals(plan, buyer, delivery)
        vals["order_line"] = [(0, 0, v) for v in self._prepare_order_lines(
            plan, products, cache["taxes"])]
        order = self.env["sale.order"].with_context(
            force_company=self.company_id.id, mail_create_nolog=True,
            mail_create_nosubscribe=True, tracking_disable=True).create(vals)
        self._settle_cents(order, plan, cache["taxes"])
        if not needs_review(plan):
            order.action_confirm()
        return order

    def _prepare_sale_order_vals(self, plan, buyer, delivery):
        """Values of the sales order of a trade; company and warehouse come from the shop.

        Set explicitly because the cron runs as superuser, whose defaults belong
        to another company.
        """
        review = needs_review(plan)
        pricelist = buyer.with_context(force_company=self.company_id.id) \
            .property_product_pricelist
        return {
            "name": "%s%s" % (self.code, plan["tid"]),
            "client_order_ref": plan["tid"], "origin": plan["tid"],
            "partner_id": buyer.id, "partner_invoice_id": buyer.id,
            "partner_shipping_id": delivery.id,
            "date_order": fields.Datetime.to_string(parse_beijing(plan["created"])),
            "company_id": self.company_id.id, "warehouse_id": self.warehouse_id.id,
            "team_id": self.team_id.id, "pricelist_id": pricelist.id,
            "ecommerce_shop_id": self.id, "ecommerce_tid": plan["tid"],
            "ecommerce_status": plan["status"],
            "ecommerce_modified": fields.Datetime.to_string(parse_beijing(plan["modified"])),
            "ecommerce_buyer_message": plan["buyer_message"] or False,
            "ecommerce_seller_memo": plan["seller_memo"] or False,
            "ecommerce_review_needed": review,
            "ecommerce_review_reason": review and _(
                "The buyer left a message or the seller a memo: read it, then confirm.")
            or False,
        }

    def _prepare_order_lines(self, plan, products, twins):
        lines = []
        for line in plan["lines"]:
            product = products.get((line["num_iid"], line["sku_id"]))
            name = False
            if not product:  # an unmapped gift: the shop's gift product carries its title
                product = self.gift_product_id
                name = "%s: %s" % (product.name, line["title"])
            lines.append(self._prepare_order_line_vals(
                product, line["qty"], line["price_unit"], name, line, twins))
        if plan["postage"]:
            lines.append(self._prepare_order_line_vals(
                self.postage_product_id, 1, plan["postage"], twins=twins))
        if plan["discount"]:
            name = self.discount_product_id.name
            if plan["promotions"]:
                name = "%s: %s" % (name, ", ".join(plan["promotions"]))
            lines.append(self._prepare_order_line_vals(
                self.discount_product_id, 1, plan["discount"], name, twins=twins))
        return lines

    def _prepare_order_line_vals(self, product, qty, price_unit, name=False, line=None,
                                 twins=None):
        """One order line at the platform's price, which includes the taxes."""
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
        taxes = product.taxes_id.filtered(lambda t: t.company_id == self.company_id)
        return {
            "ecommerce_oid": line and line["oid"] or False,
            "product_id": product.id, "name": name.strip(),
            "product_uom_qty": qty, "product_uom": product.uom_id.id,
            "price_unit": float(price_unit),
            "tax_id": [(6, 0, [twins.get(t.id, t.id) for t in taxes])],
        }

    def _tax_twins(self, products):
        """{tax id: id of its price-included twin} for the taxes of the order lines.

        Platform prices are gross: a tax added on top would make the order dearer
        than what the buyer paid; the included twin splits the same amount.
        """
        products = self.env["product.product"].union(*products.values()) | \
            self.postage_product_id | self.discount_product_id | self.gift_product_id
        taxes = products.mapped("taxes_id").filtered(
            lambda t: t.company_id == self.company_id and not t.price_include
            and t.amount_type in ("percent", "fixed", "division"))
        return {tax.id: self._price_included_twin(tax).id for tax in taxes}

    def _price_included_twin(self, tax):
        twin = self.env["account.tax"].search([
            ("company_id", "=", tax.company_id.id), ("type_tax_use", "=", tax.type_tax_use),
            ("amount_type", "=", tax.amount_type), ("amount", "=", tax.amount),
            ("price_include", "=", True)], limit=1)
        if not twin:
            # sudo: creating the twin is accounting configuration the seller's
            # import needs once; it copies the accounts of the original tax.
            twin = tax.sudo().copy({
                "name": _("%(name)s (included in price)") % {"name": tax.name},
                "price_include": True, "include_base_amount": False})
        return twin

    def _settle_cents(self, order, plan, twins):
        """Make amount_total equal the buyer's payment to the cent.

        Included taxes keep the gross amounts, but global tax rounding can still
        leave a cent; the discount line takes it so that the order matches the
        platform and the payment.
        """
        gap = plan["payment"] - Decimal(str(order.amount_total)).quantize(CENT)
        if not gap:
            return
        discount_lines = order.order_line.filtered(
            lambda l: l.product_id == self.discount_product_id)
        if discount_lines:
            discount_lines[0].price_unit += float(gap)
        else:
            order.write({"order_line": [(0, 0, self._prepare_order_line_vals(
                self.discount_product_id, 1, gap, twins=twins))]})

    # -- status updates ---------------------------------------------------
    def _update_order_status(self, order, trade, summary):
        status = trade.get("status")
        if not status or status == order.ecommerce_status:
            return
        order.write({"ecommerce_status": status})
        summary["updated"].append(trade["tid"])
        if status in CLOSED_STATUSES and order.state != "cancel":
            self._cancel_closed_order(order, trade, summary)

    def _cancel_closed_order(self, order, trade, summary):
        shipped = order.picking_ids.filtered(lambda p: p.state == "done")
        invoiced = order.invoice_ids.filtered(lambda i: i.state not in ("draft", "cancel"))
        if shipped or invoiced:
            reason = _("The trade was closed on the platform (%(status)s) but the order is "
                       "already shipped or invoiced: handle the return or refund by hand.") \
                % {"status": trade["status"]}
            order.write({"ecommerce_review_needed": True, "ecommerce_review_reason": reason})
        else:
            order.action_cancel()
            reason = _("Cancelled: the trade was closed on the platform (%(status)s) before "
                       "shipping.") % {"status": trade["status"]}
            summary["cancelled"].append(trade["tid"])
        summary["cancel_reasons"][trade["tid"]] = reason
        order.message_post(body=reason)
