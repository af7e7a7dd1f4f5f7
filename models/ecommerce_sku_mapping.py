from odoo import api, fields, models


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
        return mapping

    @api.multi
    def write(self, vals):
        return super().write(self._normalize_vals(vals))

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
