# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import logging
from collections import defaultdict, namedtuple

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..mapping.stock_mapping import (
    allocated_quantity, complete_sets, free_quantity, target_key)
from .api_arguments import ApiArguments

_logger = logging.getLogger(__name__)


class PushRow(namedtuple("PushRow", "id shop_id mapping_id location_id num_iid sku_id "
                                    "last_sent mode percent cap fixed")):
    """A stock sync record as the push sees it; ``last_sent`` is None when the
    platform's quantity is unknown (never pushed, or the last push failed)."""

    @property
    def target(self):
        return target_key(self.num_iid, self.sku_id)


# Moves that still take stock out of a location but have not done it yet.
PENDING_MOVE_STATES = ("waiting", "confirmed", "partially_available", "assigned")
# E-commerce orders in these states reserve nothing in Odoo yet, although the
# platform already took their units off its count.
HELD_ORDER_STATES = ("draft", "sent")
STORABLE = "product"


class EcommerceStockSync(models.Model):
    """Which stock a platform item or SKU sells, and what was last sent.

    One row per (SKU mapping, location). Rows of one mapping in several
    locations add up: the shop sells the free stock of all of them.
    """

    _name = "ecommerce.stock.sync"
    _description = "E-commerce Stock Sync"
    _order = "shop_id, num_iid, sku_id, id"
    _rec_name = "mapping_id"

    mapping_id = fields.Many2one(
        "ecommerce.sku.mapping", "Platform SKU", required=True, ondelete="cascade",
        index=True)
    shop_id = fields.Many2one(related="mapping_id.shop_id", store=True, readonly=True,
                              index=True)
    company_id = fields.Many2one(related="mapping_id.shop_id.company_id", store=True,
                                 readonly=True)
    product_id = fields.Many2one(related="mapping_id.product_id", store=True, readonly=True)
    num_iid = fields.Char(related="mapping_id.num_iid", store=True, readonly=True)
    sku_id = fields.Char(related="mapping_id.sku_id", store=True, readonly=True)
    location_id = fields.Many2one(
        "stock.location", "Stock Location", required=True, ondelete="restrict",
        domain="[('usage', '=', 'internal')]",
        help="Its free stock, sub-locations included, is what the shop sells. "
             "Defaults to the stock location of the shop's warehouse.")
    sync = fields.Boolean(default=True, help="Only flagged records are pushed.")
    sellable_qty = fields.Integer(
        "Sellable Quantity", compute="_compute_sellable_qty",
        help="What the next push would send: the complete packs or bundles the share of "
             "free stock makes up, free stock being on hand minus confirmed deliveries not "
             "shipped yet, minus what the platform sold that Odoo has not reserved yet "
             "(held orders, trades not imported); then the shop's safety buffer and the cap.")
    allocation_mode = fields.Selection(
        [("share", "Share of free stock"), ("fixed", "Fixed quantity")],
        "Allocation", default="share", required=True,
        help="Share: a percentage of the product's free stock, when one product backs "
             "several listings. Fixed: always this quantity, whatever the stock (the only "
             "choice for consumables and services).")
    allocation_percent = fields.Float(
        "Share (%)", default=100.0,
        help="Percentage of the product's free stock this listing offers.")
    allocation_cap = fields.Integer(
        "Cap", default=0, help="Most this listing offers; 0 means no cap.")
    fixed_qty = fields.Integer("Fixed Quantity", default=0)
    allocation_warning = fields.Char(
        compute="_compute_allocation_warning",
        help="Set when the shares of one product add up to more than 100 %.")
    unmapped_sold_qty = fields.Float(
        "Unmapped Sold Units", compute="_compute_unmapped_sold_qty",
        help="Units of this item's SKUs without a mapping that the platform sold and Odoo "
             "has no order for: they hold back no product until the SKUs are mapped.")
    push_block_reason = fields.Text(
        related="shop_id.stock_push_block_reason", readonly=True,
        string="Push Blocked Because")
    last_push_date = fields.Datetime("Last Push", readonly=True, copy=False)
    last_pushed_qty = fields.Integer(
        "Last Pushed Quantity", readonly=True, copy=False,
        help="The quantity the platform accepted at the last push.")
    last_error = fields.Text(readonly=True, copy=False)

    _sql_constraints = [
        ("mapping_location_uniq", "unique(mapping_id, location_id)",
         "This platform SKU already has a stock sync record for this location."),
        ("allocation_percent_range", "CHECK(allocation_percent >= 0 AND allocation_percent <= 100)",
         "The share of free stock is a percentage between 0 and 100."),
        ("allocation_cap_positive", "CHECK(allocation_cap >= 0)",
         "The cap cannot be negative (0 means no cap)."),
        ("fixed_qty_positive", "CHECK(fixed_qty >= 0)",
         "The fixed quantity cannot be negative."),
    ]

    @api.model
    def create(self, vals):
        if not vals.get("location_id") and vals.get("mapping_id"):
            mapping = self.env["ecommerce.sku.mapping"].browse(vals["mapping_id"])
            vals = dict(vals, location_id=mapping.shop_id.warehouse_id.lot_stock_id.id)
        return super().create(vals)

    @api.onchange("mapping_id")
    def _onchange_mapping_id(self):
        if self.mapping_id and not self.location_id:
            self.location_id = self.mapping_id.shop_id.warehouse_id.lot_stock_id

    @api.constrains("mapping_id", "allocation_mode")
    def _check_product_type(self):
        """A consumable or service has no stock to count: pushing its "free
        stock" would send 0 and silently stop the sales. Refuse it unless the
        seller says what to offer."""
        for record in self.filtered(lambda r: r.allocation_mode != "fixed"):
            bad = [product for product, _units in record.mapping_id._get_components()
                   if product.type != STORABLE]
            if bad:
                raise ValidationError(_(
                    "%(product)s is not a storable product, so it has no stock to push to "
                    "platform SKU %(sku)s. Choose the allocation 'Fixed quantity' and the "
                    "quantity the shop may sell, or make the product storable.")
                    % {"product": bad[0].display_name,
                       "sku": record.mapping_id.display_name})

    @api.depends("mapping_id", "location_id", "allocation_mode", "allocation_percent",
                 "allocation_cap", "fixed_qty")
    def _compute_sellable_qty(self):
        saved = self.browse([i for i in map(self._origin_id, self) if i])
        # In a form being edited the allocation shown is not saved yet.
        shown = {self._origin_id(record): record for record in self}
        rows = [self._with_form_allocation(row, shown[row.id]) if row.id in shown else row
                for row in saved._read_push_rows(only_flagged=False)]
        wanted, _skipped = saved._plan_quantities(rows)
        for record in self:
            target = target_key(record.num_iid, record.sku_id)
            record.sellable_qty = wanted.get((record.shop_id.id, target), 0)

    @staticmethod
    def _with_form_allocation(row, record):
        return row._replace(mode=record.allocation_mode, percent=record.allocation_percent,
                            cap=record.allocation_cap, fixed=record.fixed_qty)

    @api.depends("mapping_id", "allocation_mode", "allocation_percent", "sync")
    def _compute_allocation_warning(self):
        products = {record: [p.id for p, _u in record.mapping_id._get_components()]
                    for record in self if record.mapping_id}
        all_ids = sorted({pid for ids in products.values() for pid in ids})
        own_ids = [self._origin_id(record) for record in self]
        others = self._shares_by_product(all_ids, [i for i in own_ids if i])
        for record in self:
            record.allocation_warning = False
            if record not in products:
                continue
            own = record.allocation_percent \
                if record.sync and record.allocation_mode == "share" else 0.0
            over = [(pid, others.get(pid, 0.0) + own) for pid in products[record]
                    if others.get(pid, 0.0) + own > 100.0 + 1e-6]
            if over:
                product = self.env["product.product"].browse(over[0][0])
                record.allocation_warning = _(
                    "The listings of %(product)s share %(total).0f %% of its free stock: "
                    "together they may sell more than there is.") % {
                        "product": product.display_name, "total": over[0][1]}

    @staticmethod
    def _origin_id(record):
        origin = getattr(record, "_origin", None)
        if isinstance(record.id, int):
            return record.id
        return origin.id if origin and isinstance(origin.id, int) else None

    def _shares_by_product(self, product_ids, exclude_ids):
        """{product id: sum of the shares of the flagged listings selling it}.

        One listing counts once however many locations it has (its first
        record's share, as the push uses).
        """
        if not product_ids:
            return {}
        self.env.cr.execute("""
            WITH firsts AS (
                SELECT DISTINCT ON (s.mapping_id) s.id, s.mapping_id, s.sync,
                       s.allocation_mode, s.allocation_percent
                  FROM ecommerce_stock_sync s ORDER BY s.mapping_id, s.id)
            SELECT COALESCE(c.product_id, m.product_id), SUM(f.allocation_percent)
              FROM firsts f
              JOIN ecommerce_sku_mapping m ON m.id = f.mapping_id AND m.active
              LEFT JOIN ecommerce_sku_mapping_component c ON c.mapping_id = m.id
             WHERE f.sync AND f.allocation_mode = 'share' AND NOT f.id = ANY(%s)
               AND COALESCE(c.product_id, m.product_id) = ANY(%s)
             GROUP BY 1""", [list(exclude_ids) or [0], list(product_ids)])
        return dict(self.env.cr.fetchall())

    def _compute_unmapped_sold_qty(self):
        keys = {(r.shop_id.id, r.num_iid) for r in self if r.shop_id and r.num_iid}
        sold = {}
        if keys:
            self.env.cr.execute("""
                SELECT b.shop_id, b.num_iid, SUM(b.qty) FROM ecommerce_trade_backlog b
                 WHERE b.shop_id = ANY(%s) AND b.num_iid = ANY(%s)
                   AND NOT EXISTS (
                       SELECT 1 FROM ecommerce_sku_mapping m
                        WHERE m.shop_id = b.shop_id AND m.num_iid = b.num_iid
                          AND COALESCE(m.sku_id, '') = COALESCE(b.sku_id, ''))
                 GROUP BY 1, 2""", [list({k[0] for k in keys}), list({k[1] for k in keys})])
            sold = {(shop_id, num_iid): qty for shop_id, num_iid, qty in self.env.cr.fetchall()}
        for record in self:
            record.unmapped_sold_qty = sold.get((record.shop_id.id, record.num_iid), 0.0)

    # ------------------------------------------------------------------
    # Record creation
    # ------------------------------------------------------------------
    @api.model
    def _create_for_mappings(self, mappings, sync=None):
        """Give each mapping a record on its shop's stock location, once.

        Mappings of consumables or services get none: their record needs a
        fixed quantity, which only the seller can choose (the push lists them
        as skipped until then).

        :param sync: flag of the new records; by default the shop's
                     ``stock_sync_auto``.
        :returns: the records created.
        """
        existing = self.sudo().search([("mapping_id", "in", mappings.ids)])
        done = {(r.mapping_id.id, r.location_id.id) for r in existing}
        created = self.browse()
        for mapping in mappings:
            shop = mapping.shop_id
            location = shop.warehouse_id.lot_stock_id
            if not location or (mapping.id, location.id) in done:
                continue
            if any(p.type != STORABLE for p, _units in mapping._get_components()):
                continue
            created |= self.create({
                "mapping_id": mapping.id, "location_id": location.id,
                "sync": shop.stock_sync_auto if sync is None else sync,
            })
        return created

    # ------------------------------------------------------------------
    # Quantities
    # ------------------------------------------------------------------
    # A push handles tens of thousands of records: it works on plain rows read
    # in a few grouped queries instead of record fields (whose per-record cost
    # dominated), whatever the number of records, orders and trades.

    def _read_push_rows(self, only_flagged=True):
        """One PushRow per record (flagged, of an active mapping) in one query."""
        if not self.ids:
            return []
        self.env.cr.execute("""
            SELECT s.id, s.shop_id, s.mapping_id, s.location_id, m.num_iid,
                   COALESCE(m.sku_id, ''),
                   CASE WHEN s.last_push_date IS NOT NULL AND s.last_error IS NULL
                        THEN s.last_pushed_qty END,
                   s.allocation_mode, s.allocation_percent, s.allocation_cap, s.fixed_qty
              FROM ecommerce_stock_sync s
              JOIN ecommerce_sku_mapping m ON m.id = s.mapping_id
             WHERE s.id IN %s AND (s.sync OR NOT %s) AND m.active
             ORDER BY s.id""", [tuple(self.ids), only_flagged])
        return [PushRow(*row) for row in self.env.cr.fetchall()]

    def _compute_wanted_quantities(self, rows):
        """{(shop id, target): sellable qty} of ``rows``, computed in batch."""
        return self._plan_quantities(rows)[0]

    def _plan_quantities(self, rows, held=None):
        """What each target of ``rows`` may sell, and the targets left out.

        :param held: a dict filled with {(shop id, target): reason} of the
            targets lowered or offered 0 because another shop selling the same
            products is stale (see _allow_for_stale_shops).
        :returns: ``(wanted, skipped)``: {(shop id, target): qty} and
                  {(shop id, target): reason}.
        """
        components = self._read_components({row.mapping_id for row in rows})
        stocks = self._read_stock_by_location(rows, components)
        sold = self._read_sold_not_reserved(
            {pid for parts in components.values() for pid, _units, _type in parts})
        by_target = defaultdict(list)
        for row in rows:
            by_target[(row.shop_id, row.target)].append(row)
        shops = self.env["ecommerce.shop"].sudo().browse({row.shop_id for row in rows})
        buffers = {shop.id: shop.stock_safety_buffer for shop in shops}
        policies = {shop.id: shop.stock_stale_policy for shop in shops}
        stale = self._read_stale_sales(
            {pid for parts in components.values() for pid, _units, _type in parts})
        held = {} if held is None else held
        wanted, skipped = {}, {}
        for key, target_rows in by_target.items():
            first = target_rows[0]
            parts = components.get(first.mapping_id, [])
            if first.mode == "fixed":
                wanted[key] = allocated_quantity(0, fixed=first.fixed)
                continue
            if not parts or any(ptype != STORABLE for _pid, _units, ptype in parts):
                skipped[key] = _("Not a storable product: give the listing a fixed quantity.")
                continue
            free = {pid: free_quantity([stocks.get((pid, row.location_id), (0.0, 0.0))
                                        for row in target_rows]) - sold.get(pid, 0.0)
                    for pid, _units, _type in parts}
            hold = self._allow_for_stale_shops(key[0], parts, stale, free)
            if hold and hold[0] != "lowered":
                if policies[key[0]] == "skip":
                    skipped[key] = hold[1]
                else:
                    wanted[key], held[key] = 0, hold[1]
                continue
            if hold:
                held[key] = hold[1]
            sets = complete_sets(free, {pid: units for pid, units, _type in parts},
                                 first.percent)
            wanted[key] = allocated_quantity(sets, buffers[key[0]], first.cap)
        return wanted, skipped

    def _allow_for_stale_shops(self, shop_id, parts, stale, free):
        """Lower ``free`` {product id: units} by what stale shops other than
        ``shop_id`` may have sold of ``parts``.

        A stale shop's platform can have sold at most the quantities it was
        last sent; where one of its listings has no known quantity, nothing
        bounds its sales and the target is held back instead.

        :returns: None, ``("lowered", reason)`` or ``("held", reason)``.
        """
        lowered, unknown, reasons = 0.0, False, []
        for pid, _units, _type in parts:
            for other_id, reason, units in stale.get(pid, []):
                if other_id == shop_id:
                    continue
                reasons.append(reason)
                if units is None:
                    unknown = True
                else:
                    free[pid] -= units
                    lowered += units
        if not reasons:
            return None
        why = " ".join(sorted(set(reasons)))
        if unknown:
            return "held", _("Held back: a shop selling the same product has stale orders "
                             "and no known quantity on its platform, so its sales since are "
                             "unbounded. %(why)s") % {"why": why}
        return "lowered", _("Lowered by %(units)d units that a shop selling the same product "
                            "may have sold since its orders went stale (the quantities it was "
                            "last sent). %(why)s") % {"units": lowered, "why": why}

    def _read_stale_sales(self, product_ids):
        """{product id: [(shop id, reason, units or None)]} of the stale shops'
        listings selling ``product_ids``: the units of the product their
        platforms were last sent (None where unknown: never pushed, the last
        push failed, or not pushed by Odoo)."""
        stale = self.env["ecommerce.shop"]._stale_shops() if product_ids else {}
        if not stale:
            return {}
        self.env.cr.execute("""
            SELECT m.shop_id, COALESCE(c.product_id, m.product_id),
                   COALESCE(c.product_qty, m.product_qty) * (
                       SELECT CASE WHEN s.sync AND s.last_push_date IS NOT NULL
                                        AND s.last_error IS NULL THEN s.last_pushed_qty END
                         FROM ecommerce_stock_sync s WHERE s.mapping_id = m.id
                        ORDER BY s.id LIMIT 1)
              FROM ecommerce_sku_mapping m
              LEFT JOIN ecommerce_sku_mapping_component c ON c.mapping_id = m.id
             WHERE m.active AND m.shop_id = ANY(%s)
               AND COALESCE(c.product_id, m.product_id) = ANY(%s)""",
                            [list(stale), list(product_ids)])
        result = defaultdict(list)
        for shop_id, product_id, units in self.env.cr.fetchall():
            result[product_id].append((shop_id, stale[shop_id], units))
        return result

    def _read_components(self, mapping_ids):
        """{mapping id: [(product id, units, product type)]} in one query."""
        if not mapping_ids:
            return {}
        self.env.cr.execute("""
            SELECT m.id, p.id, COALESCE(c.product_qty, m.product_qty), t.type
              FROM ecommerce_sku_mapping m
              LEFT JOIN ecommerce_sku_mapping_component c ON c.mapping_id = m.id
              JOIN product_product p ON p.id = COALESCE(c.product_id, m.product_id)
              JOIN product_template t ON t.id = p.product_tmpl_id
             WHERE m.id = ANY(%s)
             ORDER BY m.id, c.sequence, c.id""", [list(mapping_ids)])
        result = defaultdict(list)
        for mapping_id, product_id, units, ptype in self.env.cr.fetchall():
            result[mapping_id].append((product_id, units, ptype))
        return result

    def _read_stock_by_location(self, rows, components):
        """{(product id, location id): (on hand, promised)}, two queries per location.

        Promised: what confirmed deliveries not shipped yet take out of the
        location tree (reserved or not); platform orders already lowered the
        platform's count, so this stock must not be offered again. SQL rather
        than read_group: read_group would name_get every product.
        """
        result = {}
        by_location = defaultdict(set)
        for row in rows:
            by_location[row.location_id].update(
                pid for pid, _units, _type in components.get(row.mapping_id, []))
        for location_id, product_ids in by_location.items():
            if not product_ids:
                continue
            tree = tuple(self.env["stock.location"].sudo().search(
                [("id", "child_of", location_id)]).ids)
            on_hand = self._sum_by_product("""
                SELECT product_id, SUM(quantity) FROM stock_quant
                 WHERE product_id IN %s AND location_id IN %s GROUP BY product_id""",
                                           tuple(product_ids), tree)
            promised = self._sum_by_product("""
                SELECT product_id, SUM(product_qty) FROM stock_move
                 WHERE product_id IN %s AND location_id IN %s
                   AND location_dest_id NOT IN %s AND state IN %s GROUP BY product_id""",
                                            tuple(product_ids), tree, tree, PENDING_MOVE_STATES)
            for product_id in product_ids:
                result[(product_id, location_id)] = (on_hand.get(product_id, 0.0),
                                                     promised.get(product_id, 0.0))
        return result

    def _read_sold_not_reserved(self, product_ids):
        """{product id: units} the platforms sold that Odoo has not reserved yet.

        (a) lines of e-commerce orders held in draft/sent (no delivery yet),
        in the product's unit; (b) lines of trades not imported yet
        (ecommerce.trade.backlog), through their SKU's pack units or bundle
        components. A backlog line of an unmapped SKU holds back nothing.
        Every shop counts: they all sell the same stock.
        """
        if not product_ids:
            return {}
        params = {"products": list(product_ids), "states": list(HELD_ORDER_STATES)}
        held = self._fetch_sums("""
            SELECT l.product_id, SUM(l.product_uom_qty / lu.factor * pu.factor)
              FROM sale_order_line l
              JOIN sale_order o ON o.id = l.order_id
              JOIN product_uom lu ON lu.id = l.product_uom
              JOIN product_product p ON p.id = l.product_id
              JOIN product_template t ON t.id = p.product_tmpl_id
              JOIN product_uom pu ON pu.id = t.uom_id
             WHERE o.ecommerce_shop_id IS NOT NULL AND o.state = ANY(%(states)s)
               AND l.product_id = ANY(%(products)s)
             GROUP BY l.product_id""", params)
        backlog = self._fetch_sums("""
            SELECT COALESCE(c.product_id, m.product_id),
                   SUM(b.qty * COALESCE(c.product_qty, m.product_qty))
              FROM ecommerce_trade_backlog b
              JOIN ecommerce_sku_mapping m
                ON m.shop_id = b.shop_id AND m.num_iid = b.num_iid
               AND COALESCE(m.sku_id, '') = COALESCE(b.sku_id, '')
              LEFT JOIN ecommerce_sku_mapping_component c ON c.mapping_id = m.id
             WHERE COALESCE(c.product_id, m.product_id) = ANY(%(products)s)
             GROUP BY 1""", params)
        return {pid: held.get(pid, 0.0) + backlog.get(pid, 0.0)
                for pid in set(held) | set(backlog)}

    def _sum_by_product(self, query, *params):
        return self._fetch_sums(query, params)

    def _fetch_sums(self, query, params):
        self.env.cr.execute(query, params)
        return dict(self.env.cr.fetchall())

    # ------------------------------------------------------------------
    # Push
    # ------------------------------------------------------------------
    @api.multi
    def push_stock(self, force=False):
        """Send the sellable quantities of these records to their shops.

        Only flagged records of active mappings go, and only where the
        quantity differs from the one last accepted (all of them with
        ``force``). Results are written on the records; see docs/en/stock.md.

        :returns: ``{"pushed", "unchanged", "api_calls", "errors", "skipped",
                  "held_back", "orders_stale"}``
        """
        args = ApiArguments(self, "push_stock")
        args.check_existing()
        force = args.check_bool(force, "force")
        self.check_access_rights("read")
        self.check_access_rule("read")
        return self.sudo()._push(force=force)

    @api.multi
    def action_push_stock(self):
        self.push_stock()
        return {"type": "ir.actions.client", "tag": "reload"}

    def _push(self, force=False, commit=False):
        """Push per shop through ``ecommerce.stock.exporter``; merged results."""
        result = self.env["ecommerce.stock.exporter"]._empty_summary()
        stale = []
        rows = self._read_push_rows()
        exporter = self.env["ecommerce.stock.exporter"]
        for shop_id in sorted({row.shop_id for row in rows}):
            shop = self.env["ecommerce.shop"].browse(shop_id)
            run = exporter._start(shop, commit=commit)
            shop_result = run._push_rows([r for r in rows if r.shop_id == shop_id], force)
            for key in ("pushed", "unchanged", "api_calls"):
                result[key] += shop_result[key]
            result["errors"].extend(shop_result["errors"])
            result["skipped"].extend(shop_result["skipped"])
            result["held_back"].extend(shop_result["held_back"])
            if shop_result["orders_stale"]:
                stale.append(shop_result["orders_stale"])
        result["orders_stale"] = "\n".join(stale) or False
        return result

    def _invalidate_results(self, record_ids):
        self.invalidate_cache(["last_push_date", "last_pushed_qty", "last_error"], record_ids)
