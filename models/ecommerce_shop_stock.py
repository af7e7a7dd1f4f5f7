from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .api_arguments import ApiArguments


class EcommerceShop(models.Model):
    _inherit = "ecommerce.shop"

    stock_sync_auto = fields.Boolean(
        "Sync Stock of New SKUs", default=True,
        help="New SKU mappings get a stock sync record flagged for sync. Untick to "
             "review new SKUs before their stock is pushed.")
    stock_safety_buffer = fields.Integer(
        "Stock Safety Buffer", default=0,
        help="Units of each SKU kept back from the shop, so that orders arriving "
             "between two pushes do not oversell.")
    stock_sync_count = fields.Integer(compute="_compute_stock_sync_count")

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
                  "errors": [{"num_iid", "sku_id", "reason"}]}``
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
            domain.append(("product_id", "in", list(product_ids)))
        return self.env["ecommerce.stock.sync"].search(domain).push_stock(force=force)

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
        """Push changed quantities of every active shop.

        With ``use_new_cursor`` (the cron) each shop runs in its own cursor
        that commits after every item, since the platform already changed.
        """
        def job(shop):
            if not use_new_cursor:
                shop._push_all_stock(commit=False)
                return
            with self.pool.cursor() as cr:
                shop.with_env(shop.env(cr=cr))._push_all_stock(commit=True)

        self._active_sync_shops()._run_isolated(job)

    def _push_all_stock(self, commit):
        records = self.env["ecommerce.stock.sync"].search(
            [("shop_id", "=", self.id), ("sync", "=", True)])
        return records._push(commit=commit)
