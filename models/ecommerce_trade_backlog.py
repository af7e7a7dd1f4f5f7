# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.addons import decimal_precision as dp

from ..mapping.stock_mapping import target_key


class EcommerceTradeBacklog(models.Model):
    """Units a platform sold that Odoo has no order for yet.

    The order sync records here the lines of the trades it refused or has
    not imported yet; the platform already took them off its count, so the
    stock push must not offer them again. A trade's rows go once it is
    imported, closed or dropped.
    """

    _name = "ecommerce.trade.backlog"
    _description = "E-commerce Trade Not Imported Yet"
    _order = "shop_id, create_date desc, tid, id"
    _rec_name = "tid"

    shop_id = fields.Many2one("ecommerce.shop", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="shop_id.company_id", store=True, readonly=True)
    tid = fields.Char("Platform Order No.", required=True, index=True)
    num_iid = fields.Char("Item Numeric ID", required=True, index=True)
    sku_id = fields.Char("SKU ID", default="", help="Empty for an item without SKUs.")
    qty = fields.Float("Quantity Sold", required=True,
                       digits=dp.get_precision("Product Unit of Measure"),
                       help="Platform units (packs or bundles) of this line.")
    reason = fields.Text(help="Why the trade is not an order in Odoo yet.")
    mapping_id = fields.Many2one(
        "ecommerce.sku.mapping", "Platform SKU", compute="_compute_mapping_id",
        help="Empty when the SKU is not mapped: its units then hold back no product.")

    @api.depends("shop_id", "num_iid", "sku_id")
    def _compute_mapping_id(self):
        mapping_model = self.env["ecommerce.sku.mapping"].with_context(active_test=False)
        for shop in self.mapped("shop_id"):
            rows = self.filtered(lambda r: r.shop_id == shop)
            index = mapping_model._get_mapping_index(
                shop, [(r.num_iid, r.sku_id) for r in rows])
            for row in rows:
                row.mapping_id = index.get((row.num_iid, row.sku_id or ""))

    @api.model
    def _record_pending(self, shop, tid, lines, reason):
        """Keep what trade ``tid`` sold until it is imported (order sync API).

        :param lines: [(num_iid, sku_id, qty)] in platform units; they replace
            the rows the trade had.
        :param reason: why the trade is not imported (shown to the seller).
        :returns: the new rows.
        """
        backlog = self.sudo()
        tid = str(tid).strip()
        backlog.search([("shop_id", "=", shop.id), ("tid", "=", tid)]).unlink()
        rows = backlog.browse()
        for num_iid, sku_id, qty in lines:
            num_iid, sku_id = target_key(num_iid, sku_id)
            rows |= backlog.create({"shop_id": shop.id, "tid": tid, "num_iid": num_iid,
                                    "sku_id": sku_id, "qty": qty, "reason": reason})
        return rows

    @api.model
    def _clear_pending(self, shop, tids):
        """Forget trades ``tids`` of ``shop``: imported, closed or dropped."""
        tids = [str(tid).strip() for tid in tids or []]
        if tids:
            self.sudo().search([("shop_id", "=", shop.id), ("tid", "in", tids)]).unlink()
        return True
