# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .api_arguments import ApiArguments
from .ecommerce_shop import SYNC_PLATFORMS

_logger = logging.getLogger(__name__)


class EcommerceShop(models.Model):
    _inherit = "ecommerce.shop"

    stock_sync_auto = fields.Boolean(
        "Sync Stock of New SKUs", default=True,
        help="New SKU mappings get a stock sync record flagged for sync. Untick to "
             "review new SKUs before their stock is pushed.")
    stock_safety_buffer = fields.Integer(
        default=0,
        help="Units of each SKU kept back from the shop, so that orders arriving "
             "between two pushes do not oversell.")
    stock_sync_count = fields.Integer(compute="_compute_stock_sync_count")
    stock_push_max_lag_minutes = fields.Integer(
        "Order Sync Lag Allowed (minutes)", default=30,
        help="The stock cron pushes only when the order sync succeeded in these last "
             "minutes: quantities computed on stale orders offer units the platform has "
             "already sold. 0 turns the lag check off (a failed order sync still blocks).")
    stock_push_block_reason = fields.Text(
        "Stock Push Blocked Because", readonly=True, copy=False,
        help="Why the stock cron did not push this shop at its last run.")
    trade_backlog_count = fields.Integer(compute="_compute_trade_backlog_count")
    # Default 0: the quantity last sent was computed before the other shop's
    # unseen sales, so keeping it lets two platforms sell the same units; a
    # listing at 0 only waits until the other shop is fresh again.
    stock_stale_policy = fields.Selection(
        [("zero", "Offer 0"), ("skip", "Keep the quantity last sent")],
        "When a Shop Sharing the Stock Is Stale", default="zero", required=True,
        help="A product this shop sells is also sold by another shop whose orders are "
             "stale (paused, failing, lagging): that shop may have sold units Odoo does not "
             "know. Where its listings' quantities are known, this shop's quantity is "
             "lowered by them; where they are not, this shop either offers 0 of the "
             "product or keeps the quantity last sent (no push) until that shop is fresh.")

    @api.constrains("stock_push_max_lag_minutes")
    def _check_stock_push_max_lag(self):
        if any(shop.stock_push_max_lag_minutes < 0 for shop in self):
            raise ValidationError(_("The order sync lag allowed cannot be negative."))

    def _compute_trade_backlog_count(self):
        groups = self.env["ecommerce.trade.backlog"].read_group(
            [("shop_id", "in", self.ids)], ["shop_id"], ["shop_id"])
        counts = {group["shop_id"][0]: group["shop_id_count"] for group in groups}
        for shop in self:
            shop.trade_backlog_count = counts.get(shop.id, 0)

    @api.constrains("stock_safety_buffer")
    def _check_stock_safety_buffer(self):
        if any(shop.stock_safety_buffer < 0 for shop in self):
            raise ValidationError(_("The stock safety buffer cannot be negative."))

    def _compute_stock_sync_count(self):
        groups = self.env["ecommerce.stock.sync"].read_group(
            [("shop_id", "in", self.ids)], ["shop_id"], ["shop_id"])
        counts = {group["shop_id"][0]: group["shop_id_count"] for group in groups}
        for shop in self:
            shop.stock_sync_count = counts.get(shop.id, 0)

    @api.multi
    def push_stock(self, product_ids=None, force=False):
        """Push the sellable stock of these shops (XML-RPC API).

        :param product_ids: limit the push to these product.product ids.
        :param force: send every flagged quantity, changed or not.
        :returns: ``{"pushed": n, "unchanged": n, "api_calls": n,
                  "errors": [{"num_iid", "sku_id", "reason"}],
                  "skipped": [{"num_iid", "sku_id", "reason"}],
                  "held_back": [{"num_iid", "sku_id", "qty", "reason"}],
                  "orders_stale": False or why the orders may be out of date}``;
                  a stale order sync does not stop a push asked for by a user.
                  ``held_back`` are the quantities lowered or set to 0 because
                  another shop selling the same product is stale (its name and
                  why are in the reason).
        """
        args = ApiArguments(self, "push_stock")
        args.check_some_records()
        product_ids = args.check_existing_ids(args.check_id_list(
            product_ids, "product_ids", allow_empty=False), "product_ids", "product.product")
        force = args.check_bool(force, "force")
        self.check_access_rights("read")
        self.check_access_rule("read")
        self._check_platform_supported()
        domain = [("shop_id", "in", self.ids), ("sync", "=", True)]
        if product_ids:
            domain += ["|", ("product_id", "in", list(product_ids)),
                       ("mapping_id.component_ids.product_id", "in", list(product_ids))]
        records = self.env["ecommerce.stock.sync"].search(domain)
        result = records.sudo()._push(force=force)
        result["skipped"].extend(self._unsynced_listings(product_ids))
        result["orders_stale"] = "\n".join(
            filter(None, [shop._stock_push_block_reason() for shop in self])) or False
        return result

    def _unsynced_listings(self, product_ids=None):
        """Active SKUs of non-storable products that have no stock sync record:
        nothing is pushed for them until the seller gives one a fixed quantity."""
        domain = [("shop_id", "in", self.ids), ("stock_sync_ids", "=", False)]
        if product_ids:
            domain += ["|", ("product_id", "in", list(product_ids)),
                       ("component_ids.product_id", "in", list(product_ids))]
        mappings = self.env["ecommerce.sku.mapping"].sudo().search(domain)
        reason = _("Not a storable product: give the listing a stock sync record with a "
                   "fixed quantity.")
        return [{"num_iid": m.num_iid, "sku_id": m.sku_id or "", "reason": reason}
                for m in mappings
                if any(p.type != "product" for p, _units in m._get_components())]

    def _stock_push_block_reason(self):
        """Why quantities computed now may oversell, or False.

        The push subtracts what the platform sold from the orders synced so
        far; a failed or late order sync means units sold since are offered
        again.
        """
        self.ensure_one()
        shop = self.sudo()
        if shop.order_sync_error:
            return _("Shop %(shop)s: the last order sync failed, so the orders may be out of "
                     "date (%(error)s).") % {"shop": shop.name, "error": shop.order_sync_error}
        if shop.sync_paused:
            return _("Shop %(shop)s: the synchronisation is paused, so the orders sold since "
                     "are unknown (%(reason)s).") % {"shop": shop.name,
                                                     "reason": shop.sync_pause_reason or "-"}
        if not shop.order_unshipped_pass_last:
            return _("Shop %(shop)s: the trades waiting to ship were never all listed yet (the "
                     "first full pass runs with the order sync), so an old unshipped trade "
                     "may be unknown.") % {"shop": shop.name}
        last = fields.Datetime.from_string(shop.order_sync_last_success)
        if not last:
            return _("Shop %(shop)s: the orders were never synchronised, so units sold on "
                     "the platform are unknown.") % {"shop": shop.name}
        limit = shop.stock_push_max_lag_minutes
        lag = fields.Datetime.from_string(fields.Datetime.now()) - last
        if limit and lag > timedelta(minutes=limit):
            return _("Shop %(shop)s: the orders were last synchronised %(minutes)d minutes "
                     "ago, more than the %(limit)d allowed.") % {
                         "shop": shop.name, "minutes": lag.total_seconds() // 60,
                         "limit": limit}
        return False

    @api.model
    def _stale_shops(self):
        """{shop id: reason} of the platform shops whose orders are stale now.

        Their platforms may have sold units Odoo does not know yet: every
        other shop selling the same products must allow for them.
        """
        shops = self.sudo().search([("platform", "in", SYNC_PLATFORMS)])
        reasons = {shop.id: shop._stock_push_block_reason() for shop in shops}
        return {shop_id: reason for shop_id, reason in reasons.items() if reason}

    @api.multi
    def action_push_stock(self):
        self.push_stock()
        return self.action_view_stock_sync()

    @api.multi
    def action_create_stock_sync_records(self):
        """One stock sync record per active SKU mapping of the shops."""
        self.check_access_rights("read")
        self.check_access_rule("read")
        mappings = self.env["ecommerce.sku.mapping"].search([("shop_id", "in", self.ids)])
        self.env["ecommerce.stock.sync"]._create_for_mappings(mappings)
        return self.action_view_stock_sync()

    @api.multi
    def action_view_stock_sync(self):
        action = self.env.ref("ecommerce_sync.ecommerce_stock_sync_action").read()[0]
        action["domain"] = [("shop_id", "in", self.ids)]
        return action

    @api.model
    def _cron_push_stock(self, use_new_cursor=False):
        """Push changed quantities of every active shop whose orders are fresh.

        A shop whose order sync failed or lags is not pushed: it gets the
        reason in ``stock_push_block_reason`` (and the log) instead. With
        ``use_new_cursor`` (the cron) each shop runs in its own cursor that
        commits after every item, since the platform already changed.
        """
        def job(shop):
            if not use_new_cursor:
                shop._cron_push_shop_stock(commit=False)
                return
            with self.pool.cursor() as cr:
                shop.with_env(shop.env(cr=cr))._cron_push_shop_stock(commit=True)

        self._active_sync_shops()._run_isolated(job)

    def _cron_push_shop_stock(self, commit=False):
        """Push this shop unless its orders are stale (also callable right after
        the shop's order sync). Returns the push result, or None when blocked."""
        self.ensure_one()
        reason = self._stock_push_block_reason()
        if reason != (self.stock_push_block_reason or False):
            self.sudo().write({"stock_push_block_reason": reason})
        if reason:
            _logger.warning("Shop %s: stock not pushed: %s", self.id, reason)
            return None
        return self._push_all_stock(commit=commit)

    def _push_all_stock(self, commit):
        records = self.env["ecommerce.stock.sync"].search(
            [("shop_id", "=", self.id), ("sync", "=", True)])
        return records._push(commit=commit)

    @api.multi
    def action_view_trade_backlog(self):
        action = self.env.ref("ecommerce_sync.ecommerce_trade_backlog_action").read()[0]
        action["domain"] = [("shop_id", "in", self.ids)]
        return action
