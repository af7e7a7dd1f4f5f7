# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, fields, models
from odoo.addons import decimal_precision as dp
from odoo.exceptions import ValidationError

from ..mapping.stock_mapping import apportion_price


class EcommerceSkuMapping(models.Model):
    """Which Odoo variant a platform item or SKU is.

    One row per (shop, num_iid, sku_id); ``sku_id`` is empty for an item sold
    without SKUs. Order import finds its products here, stock sync pushes to it.
    """

    _name = "ecommerce.sku.mapping"
    _description = "E-commerce SKU Mapping"
    _order = "shop_id, num_iid, sku_id"
    _rec_name = "outer_id"

    shop_id = fields.Many2one("ecommerce.shop", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="shop_id.company_id", store=True, readonly=True)
    num_iid = fields.Char("Item Numeric ID", required=True, index=True)
    sku_id = fields.Char("SKU ID", index=True, help="Empty for an item without SKUs.")
    outer_id = fields.Char("Merchant Code", index=True)
    title = fields.Char("Platform Title")
    sku_properties = fields.Char("SKU Properties")
    product_id = fields.Many2one("product.product", required=True, ondelete="restrict",
                                 index=True)
    product_tmpl_id = fields.Many2one(related="product_id.product_tmpl_id", store=True,
                                      readonly=True)
    product_qty = fields.Float(
        "Units per Platform SKU", default=1.0, required=True,
        digits=dp.get_precision("Product Unit of Measure"),
        help="Units of the product one platform unit ships: 3 for a pack of 3. Ignored "
             "when the SKU is a bundle of components.")
    component_ids = fields.One2many(
        "ecommerce.sku.mapping.component", "mapping_id", "Bundle Components",
        help="Products shipped for one platform unit of a bundle (组合商品), each with its "
             "units. Empty: the SKU ships its product.")
    stock_sync_ids = fields.One2many("ecommerce.stock.sync", "mapping_id")
    active = fields.Boolean(default=True,
                            help="Unticked when the platform no longer sells this SKU.")
    last_sync_date = fields.Datetime(readonly=True)

    _sql_constraints = [
        # sku_id is '' rather than NULL for items without SKUs so that the
        # database enforces uniqueness for them too.
        ("shop_item_sku_uniq", "unique(shop_id, num_iid, sku_id)",
         "This platform item / SKU is already mapped for this shop."),
    ]

    @api.model
    def create(self, vals):
        mapping = super().create(self._normalize_vals(vals))
        self.env["ecommerce.stock.sync"]._create_for_mappings(mapping)
        mapping._prepare_tax_twins()
        return mapping

    @api.multi
    def write(self, vals):
        result = super().write(self._normalize_vals(vals))
        if "product_id" in vals or "component_ids" in vals:
            self._prepare_tax_twins()
            self.mapped("stock_sync_ids")._check_product_type()
            # A consumable made storable (or replaced by a storable) gets its record now.
            self.env["ecommerce.stock.sync"]._create_for_mappings(
                self.filtered(lambda mapping: not mapping.stock_sync_ids))
        return result

    def _prepare_tax_twins(self):
        """The price-included twins of the products' taxes, made now, in the transaction
        that maps them: left to the order imports, the first jobs of several shops
        would all need the same new twin at once and wait for each other."""
        importer = self.env["ecommerce.order.importer"]
        for mapping in self:
            products = mapping.product_id | mapping.component_ids.mapped("product_id")
            importer._price_included_twins(products, mapping.shop_id.company_id)

    @api.constrains("product_qty")
    def _check_product_qty(self):
        if any(mapping.product_qty <= 0 for mapping in self):
            raise ValidationError(_("The units per platform SKU must be positive."))

    def _get_components(self):
        """[(product, units)] one platform unit of this SKU ships."""
        self.ensure_one()
        if self.component_ids:
            return [(c.product_id, c.product_qty) for c in self.component_ids]
        return [(self.product_id, self.product_qty)]

    @api.multi
    def _expand_order_line(self, qty, price_unit):
        """The order lines of ``qty`` platform units sold at ``price_unit`` each.

        A pack ships ``qty * units`` of its product, a bundle ``qty * units``
        of each component; the amount is shared by list price, exact to the
        currency's cent (the last component takes the rounding, and may come
        as two lines for that). The order importer calls this per trade line.

        :returns: [(product, qty, price_unit)]
        """
        self.ensure_one()
        components = self._get_components()
        currency = self.shop_id.company_id.currency_id
        digits = currency.decimal_places if currency else 2
        lines = apportion_price(qty, price_unit, [
            (product, units, product.lst_price) for product, units in components],
            digits=digits)
        return [(product, line_qty, price) for product, line_qty, price in lines]

    @api.model
    def _normalize_vals(self, vals):
        vals = dict(vals)
        for key in ("num_iid", "sku_id", "outer_id"):
            if key in vals:
                vals[key] = str(vals[key] or "").strip()
        return vals

    @api.model
    def _get_mapping_index(self, shop, keys):
        """Mappings of ``shop`` for ``keys`` [(num_iid, sku_id)], in one query.

        :returns: ``{(num_iid, sku_id): mapping}`` with ids as strings and
                  ``""`` for a missing sku_id.
        """
        keys = {(str(n), str(s or "")) for n, s in keys}
        if not keys:
            return {}
        mappings = self.search([("shop_id", "=", shop.id),
                                ("num_iid", "in", list({k[0] for k in keys}))])
        return {(m.num_iid, m.sku_id or ""): m for m in mappings
                if (m.num_iid, m.sku_id or "") in keys}

    @api.multi
    def name_get(self):
        result = []
        for mapping in self:
            label = mapping.outer_id or mapping.sku_id or mapping.num_iid
            if mapping.sku_properties:
                label = "%s (%s)" % (label, mapping.sku_properties)
            result.append((mapping.id, "[%s] %s" % (mapping.shop_id.code, label)))
        return result

    @api.multi
    def action_open_product(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "res_model": "product.product",
            "res_id": self.product_id.id, "view_mode": "form", "target": "current",
        }
