# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Own web shop (自有商城): orders pushed in, sellable stock read out (XML-RPC API).

An own shop (a mini-program, a website) has no platform API to poll: it calls
``receive_orders`` with its orders in the neutral format of docs/own_shop.md,
which go through the same order importer as the platforms' trades, and asks
``get_sellable_stock`` what it may sell, computed by the stock push's rules.
"""
import hashlib
import hmac
import logging
import secrets

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..adapters.own import OwnShopAdapter
from ..mapping.own_mapping import order_number, order_row
from ..mapping.trade_mapping import CLOSED_STATUSES, TradeMappingError
from .api_arguments import ApiArguments
from .ecommerce_shop_orders import LOCK_CLASS

_logger = logging.getLogger(__name__)

# Orders of one call: each is stored in its own savepoint within one request,
# which must end well before the worker's time limit.
MAX_ORDERS = 500


class EcommerceShopOwn(models.Model):
    _inherit = "ecommerce.shop"

    # The key itself is never stored: a SHA-256 of 32 random bytes cannot be
    # reversed or guessed, so no slow password hash is needed (every push
    # checks it), and the compare takes constant time.
    own_key_hash = fields.Char(copy=False, groups="ecommerce_sync.group_ecommerce_manager")
    own_key_hint = fields.Char(
        "Shop Key", copy=False, readonly=True,
        help="The first characters of the own shop's key. The key itself is shown once, "
             "when a manager makes it; receive_orders and get_sellable_stock need it.")

    # ------------------------------------------------------------------
    # Public API (XML-RPC / JSON-RPC)
    # ------------------------------------------------------------------
    @api.multi
    def generate_own_key(self):
        """Make a new key for this own shop; the previous one stops working.

        Managers only. The key is returned once and never stored: keep it
        in the shop's server.
        :returns: ``{"key": text}``
        """
        ApiArguments(self, "generate_own_key").check_single_shop()
        self.ensure_one()
        self._check_own_key_rights()
        self._check_own_shop("generate_own_key")
        key = "esk_%s" % secrets.token_urlsafe(32)
        self.sudo().write({"own_key_hash": self._own_key_digest(key),
                           "own_key_hint": key[:10] + "…"})
        self.message_post(body=_("A new own-shop key was made by %(user)s; the previous "
                                 "key no longer works.") % {"user": self.env.user.name})
        return {"key": key}

    @api.multi
    def revoke_own_key(self):
        """Withdraw this own shop's key: pushes and stock reads stop until a new one."""
        ApiArguments(self, "revoke_own_key").check_single_shop()
        self.ensure_one()
        self._check_own_key_rights()
        self.sudo().write({"own_key_hash": False, "own_key_hint": False})
        self.message_post(body=_("The own-shop key was withdrawn by %(user)s.")
                          % {"user": self.env.user.name})
        return True

    @api.multi
    def action_new_own_key(self):
        """Button: make a key and show it once, in a dialog."""
        key = self.generate_own_key()["key"]
        wizard = self.env["ecommerce.own.key.wizard"].create({"shop_id": self.id})
        return {"type": "ir.actions.act_window", "res_model": wizard._name,
                "res_id": wizard.id, "view_mode": "form", "target": "new",
                "context": {"ecommerce_own_key": key},
                "name": _("Key of shop %(shop)s") % {"shop": self.name}}

    @api.multi
    def receive_orders(self, orders, key=None):
        """Store the orders an own web shop pushes (docs/own_shop.md).

        New orders become sales orders, known ones follow their changes
        (address, memo, per-line refunds, cancellation) when ``modified`` is
        newer; one refused order never stops the others.

        :param orders: list of order objects, at most MAX_ORDERS.
        :param key: the shop's key (``generate_own_key``).
        :returns: ``{"results": [{"order", "result", "reason"?, "sale_order_id"?,
                  "state"?, "held"?}]}`` in the order of ``orders``; result is
                  ``created``, ``updated``, ``unchanged`` or ``refused``.
        """
        args = ApiArguments(self, "receive_orders")
        args.check_single_shop()
        orders = self._check_order_list(args, orders)
        self.ensure_one()
        self._check_order_rights()
        if not self.env.user.has_group("ecommerce_sync.group_ecommerce_own_feed"):
            raise AccessError(_("Only users of the group E-commerce Own Shop Feed may push "
                                "orders into an own shop."))
        self._check_own_shop("receive_orders")
        self._check_own_key(key)
        # Waits for another push of this shop instead of refusing it: a shop
        # sends orders as they come, two calls may overlap.
        self.env.cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_CLASS, self.id))
        entries, rows = self._read_pushed_orders(orders)
        importer = self._order_importer(OwnShopAdapter(rows))
        known = self._own_orders_by_number([row["tid"] for row in rows])
        if rows:
            importer.import_rows(rows, update_existing=True, report_existing=True)
        self._forget_closed_backlog(importer, rows)
        results = self._push_results(entries, importer.summary, known)
        for entry in entries:  # in the log too, once the importer's own are read
            if entry.get("reason"):
                importer._fail(entry["order"] or "", entry["reason"])
        if entries:
            self.env["ecommerce.sync.log"]._record(self, "order_import", importer.summary)
        return {"results": results}

    @api.multi
    def get_sellable_stock(self, skus=None, key=None):
        """What the own shop may sell now, per merchant code, by the stock push's rules.

        :param skus: merchant codes to read; None for every listing of the shop.
        :param key: the shop's key (``generate_own_key``).
        :returns: ``{"quantities": {code: qty}, "unknown": [code],
                  "skipped": [{"sku", "reason"}], "held_back": [{"sku", "qty",
                  "reason"}]}``: ``unknown`` are codes no SKU mapping of the
                  shop holds, ``skipped`` listings whose quantity is not
                  computed (and why), ``held_back`` quantities lowered or set to
                  0 because another shop selling the product is stale (which
                  shop, and why).
        """
        args = ApiArguments(self, "get_sellable_stock")
        args.check_single_shop()
        skus = self._check_sku_list(args, skus)
        self.ensure_one()
        self.check_access_rights("read")
        self.check_access_rule("read")
        self.env["ecommerce.stock.sync"].check_access_rights("read")
        self._check_own_shop("get_sellable_stock")
        self._check_own_key(key)
        return self._sellable_stock(skus)

    # ------------------------------------------------------------------
    # Argument checks
    # ------------------------------------------------------------------
    @staticmethod
    def _check_order_list(args, orders):
        form = _("a list of order objects (see docs/own_shop.md)")
        orders = args._check_list(orders, "orders", form, optional=False)
        if len(orders) > MAX_ORDERS:
            raise UserError(_("orders holds %(count)d orders; send at most %(max)d per call.")
                            % {"count": len(orders), "max": MAX_ORDERS})
        wrong = [order for order in orders if not isinstance(order, dict)]
        if wrong:
            args._refuse("orders", form, wrong[0])
        return orders

    @staticmethod
    def _check_sku_list(args, skus):
        form = _('a list of merchant codes (strings), e.g. ["WA-01-S"], or null for all')
        skus = args._check_list(skus, "skus", form, optional=True)
        if skus is None:
            return None
        wrong = [sku for sku in skus if not isinstance(sku, str) or not sku.strip()]
        if wrong:
            args._refuse("skus", form, wrong[0])
        return list(dict.fromkeys(sku.strip() for sku in skus))

    def _check_own_key_rights(self):
        self.check_access_rights("write")
        self.check_access_rule("write")
        if not self.env.user.has_group("ecommerce_sync.group_ecommerce_manager"):
            raise AccessError(_("Only an E-commerce Manager may make or withdraw a shop's "
                                "key."))

    @staticmethod
    def _own_key_digest(key):
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    def _check_own_key(self, key):
        """The caller holds this shop's key (a key of another shop is refused)."""
        stored = self.sudo().own_key_hash
        if not stored:
            raise AccessError(_("Shop %(shop)s has no key yet: an E-commerce Manager makes "
                                "one (shop form, Make a New Key).") % {"shop": self.name})
        given = self._own_key_digest(key) if isinstance(key, str) else ""
        if not hmac.compare_digest(given, stored):
            _logger.warning("Shop %s: call with a wrong or missing own-shop key", self.id)
            raise AccessError(_("The key is missing or not the key of shop %(shop)s.")
                              % {"shop": self.name})

    def _check_own_shop(self, method):
        if self.platform != "own":
            label = dict(self._fields["platform"]._description_selection(self.env))
            raise UserError(_("%(method)s serves own web shops only; shop %(shop)s is a "
                              "%(platform)s shop, whose orders and stock go through its "
                              "platform.") % {"method": method, "shop": self.name,
                                              "platform": label[self.platform]})

    # ------------------------------------------------------------------
    # Orders in
    # ------------------------------------------------------------------
    @staticmethod
    def _read_pushed_orders(orders):
        """One entry per pushed order ({"order", "reason"?}) and the importer rows of
        the valid ones; a number seen twice in one call keeps its first order only."""
        entries, rows, seen = [], [], set()
        for order in orders:
            try:
                number = order_number(order)
            except TradeMappingError as err:
                number = str(order.get("number") or "") or False
                entries.append({"order": number, "reason": _("The order is incomplete or "
                                                             "invalid: %(error)s")
                                % {"error": err}})
                continue
            if number in seen:
                entries.append({"order": number, "reason": _(
                    "Order %(order)s appears more than once in this call; only its first "
                    "occurrence is stored.") % {"order": number}})
                continue
            seen.add(number)
            try:
                rows.append(order_row(order))
            except TradeMappingError as err:
                entries.append({"order": number, "reason": _("The order is incomplete or "
                                                             "invalid: %(error)s")
                                % {"error": err}})
                continue
            entries.append({"order": number})
        return entries, rows

    def _own_orders_by_number(self, numbers):
        # sudo: the result must name a stored order even where the caller's
        # record rules hide it; only its id, state and hold are returned.
        orders = self.env["sale.order"].sudo().search(
            [("ecommerce_shop_id", "=", self.id), ("ecommerce_tid", "in", list(numbers))])
        return {order.ecommerce_tid: order for order in orders}

    def _forget_closed_backlog(self, importer, rows):
        """A cancelled order that was never stored no longer holds back stock."""
        closed = [row["tid"] for row in rows if row["status"] in CLOSED_STATUSES
                  and row["tid"] in importer.summary["skipped"]]
        importer._clear_backlog(closed)

    def _push_results(self, entries, summary, known):
        failed = {f["tid"]: f["reason"] for f in summary["failed"]}
        skipped = summary["skipped_reasons"]
        updated = set(summary["updated"])
        stored = self._own_orders_by_number(
            [e["order"] for e in entries if not e.get("reason")])
        results = []
        for entry in entries:
            number = entry["order"]
            reason = entry.get("reason") or failed.get(number) or skipped.get(number)
            order = stored.get(number)
            if reason and not (order and number in known):
                results.append({"order": number, "result": "refused", "reason": reason})
                continue
            if number not in known:
                result = "created"
            else:
                result = "updated" if number in updated else "unchanged"
            line = {"order": number, "result": result, "sale_order_id": order.id,
                    "state": order.state, "held": bool(order.ecommerce_review_needed)}
            if reason:  # a known order whose change could not be applied
                line.update(result="refused", reason=reason)
            results.append(line)
        return results

    # ------------------------------------------------------------------
    # Stock out
    # ------------------------------------------------------------------
    def _sellable_stock(self, skus):
        """Quantities from ecommerce.stock.sync's own computation (the push's)."""
        mappings = self.env["ecommerce.sku.mapping"].sudo().search(
            [("shop_id", "=", self.id)])
        by_code = {mapping.num_iid: mapping for mapping in mappings if not mapping.sku_id}
        wanted_codes = skus if skus is not None else sorted(by_code)
        result = {"quantities": {}, "unknown": [], "skipped": []}
        records = self.env["ecommerce.stock.sync"].sudo().search([
            ("shop_id", "=", self.id), ("sync", "=", True),
            ("num_iid", "in", [code for code in wanted_codes if code in by_code])])
        rows = records._read_push_rows()
        held = {}
        quantities, not_computed = records._plan_quantities(rows, held)
        result["held_back"] = []
        for code in wanted_codes:
            key = (self.id, (code, ""))
            if code not in by_code:
                result["unknown"].append(code)
            elif key in quantities:
                result["quantities"][code] = quantities[key]
                if key in held:
                    result["held_back"].append({"sku": code, "qty": quantities[key],
                                                "reason": held[key]})
            else:
                result["skipped"].append({"sku": code, "reason": not_computed.get(key) or _(
                    "No stock sync record of this listing is flagged for sync: the shop "
                    "offers none of it until one is.")})
        if skus is None:
            result["skipped"] += [
                {"sku": mapping.num_iid, "reason": _(
                    "An own-shop listing has its merchant code as Item ID and no SKU ID; "
                    "this mapping has SKU ID %(sku)s.") % {"sku": mapping.sku_id}}
                for mapping in mappings if mapping.sku_id]
        return result
