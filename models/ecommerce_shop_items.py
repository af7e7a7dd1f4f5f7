# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .api_arguments import ApiArguments


class EcommerceShopItems(models.Model):
    """The items API of a shop; the work is done by ecommerce.item.importer."""

    _inherit = "ecommerce.shop"

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------
    @api.multi
    def search_platform_items(self, name=None, modified_from=None, modified_to=None):
        """Platform items (on sale and in the warehouse) matching the filters.

        :param name: part of the item title
        :param modified_from, modified_to: UTC ``YYYY-MM-DD HH:MM:SS``
        :returns: ``{"items": [{"num_iid", "title", "outer_id", "sku_count",
                  "modified" (UTC), "imported"}]}``
        """
        args = ApiArguments(self, "search_platform_items")
        args.check_single_shop()
        name = args.check_text(name, "name")
        modified_from, modified_to = args.check_window(
            modified_from, modified_to, ("modified_from", "modified_to"), required=False)
        self._check_item_access()
        return self._item_importer().search(name, modified_from, modified_to)

    @api.multi
    def import_platform_items(self, num_iids=None, name=None, modified_from=None,
                              modified_to=None):
        """Create or update products and SKU mappings for platform items.

        Without ``num_iids`` every item matching the filters is imported.
        Each item runs in its own savepoint: a bad item is reported in
        ``errors`` and leaves nothing behind; the others import.

        :returns: ``{"templates_created", "variants_created", "updated",
                  "linked", "deactivated": [{"num_iid", "sku_id", "outer_id"}],
                  "warnings": [{"num_iid", "reason"}],
                  "errors": [{"num_iid", "reason"}]}``
        """
        args = ApiArguments(self, "import_platform_items")
        args.check_single_shop()
        num_iids = args.check_str_list(num_iids, "num_iids")
        name = args.check_text(name, "name")
        modified_from, modified_to = args.check_window(
            modified_from, modified_to, ("modified_from", "modified_to"), required=False)
        if num_iids is not None and (name or modified_from or modified_to):
            # The filters would be ignored: say so rather than import another set.
            raise UserError(_("Give either num_iids or the filters name, modified_from and "
                              "modified_to, not both."))
        self._check_item_access()
        return self._item_importer().import_items(num_iids, name, modified_from, modified_to)

    def _item_importer(self, adapter=None):
        return self.env["ecommerce.item.importer"]._for_shop(self, adapter)

    def _check_item_access(self):
        self.ensure_one()
        self.check_access_rights("read")
        self.check_access_rule("read")
        self._check_platform_supported()

    # ------------------------------------------------------------------
    # Values of the records an import creates (hooks for other modules)
    # ------------------------------------------------------------------
    @api.model
    def _sku_label(self, variant):
        return ";".join("%s:%s" % value for value in variant["values"])

    def _prepare_mapping_vals(self, plan, variant, product):
        return {
            "shop_id": self.id, "num_iid": plan["num_iid"], "sku_id": variant["sku_id"],
            "outer_id": variant["code"], "title": plan["title"],
            "sku_properties": self._sku_label(variant), "product_id": product.id,
            "last_sync_date": fields.Datetime.now(), "active": True,
        }

    def _prepare_template_vals(self, plan):
        return {
            "name": plan["title"], "list_price": float(plan["list_price"]),
            "type": "product", "sale_ok": True, "ecommerce_num_iid": plan["num_iid"],
            "company_id": self.company_id.id,
        }
