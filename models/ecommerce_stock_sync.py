import logging
from collections import defaultdict, namedtuple

from odoo import api, fields, models

from ..mapping.stock_mapping import (
    accepted_quantities, plan_calls, select_changed, sellable_quantity, target_key)
from ..top_client import SessionError, TopError
from .api_arguments import ApiArguments

_logger = logging.getLogger(__name__)


class PushRow(namedtuple("PushRow", "id shop_id product_id location_id num_iid sku_id "
                                    "last_sent")):
    """A stock sync record as the push sees it; ``last_sent`` is None when the
    platform's quantity is unknown (never pushed, or the last push failed)."""

    @property
    def target(self):
        return target_key(self.num_iid, self.sku_id)

# Moves that still take stock out of a location but have not done it yet.
PENDING_MOVE_STATES = ("waiting", "confirmed", "partially_available", "assigned")


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
        help="What the next push would send: on hand minus confirmed deliveries "
             "not shipped yet, minus the shop's safety buffer.")
    last_push_date = fields.Datetime("Last Push", readonly=True, copy=False)
    last_pushed_qty = fields.Integer(
        "Last Pushed Quantity", readonly=True, copy=False,
        help="The quantity the platform accepted at the last push.")
    last_error = fields.Text(readonly=True, copy=False)

    _sql_constraints = [
        ("mapping_location_uniq", "unique(mapping_id, location_id)",
         "This platform SKU already has a stock sync record for this location."),
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

    @api.depends("mapping_id", "location_id")
    def _compute_sellable_qty(self):
        saved = self.filtered("id")
        wanted = saved._compute_wanted_quantities(saved._read_push_rows(only_flagged=False))
        for record in self:
            target = target_key(record.num_iid, record.sku_id)
            record.sellable_qty = wanted.get((record.shop_id.id, target), 0)

    # ------------------------------------------------------------------
    # Record creation
    # ------------------------------------------------------------------
    @api.model
    def _create_for_mappings(self, mappings, sync=None):
        """Give each mapping a record on its shop's stock location, once.

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
            created |= self.create({
                "mapping_id": mapping.id, "location_id": location.id,
                "sync": shop.stock_sync_auto if sync is None else sync,
            })
        return created

    # ------------------------------------------------------------------
    # Quantities
    # ------------------------------------------------------------------
    # A push handles tens of thousands of records: it works on plain rows read
    # in one query instead of record fields (whose per-record cost dominated).

    def _read_push_rows(self, only_flagged=True):
        """One PushRow per record (flagged, of an active mapping) in one query."""
        if not self.ids:
            return []
        self.env.cr.execute("""
            SELECT s.id, s.shop_id, s.product_id, s.location_id, m.num_iid,
                   COALESCE(m.sku_id, ''),
                   CASE WHEN s.last_push_date IS NOT NULL AND s.last_error IS NULL
                        THEN s.last_pushed_qty END
              FROM ecommerce_stock_sync s
              JOIN ecommerce_sku_mapping m ON m.id = s.mapping_id
             WHERE s.id IN %s AND (s.sync OR NOT %s) AND m.active
             ORDER BY s.id""", [tuple(self.ids), only_flagged])
        return [PushRow(*row) for row in self.env.cr.fetchall()]

    def _compute_wanted_quantities(self, rows):
        """{(shop id, target): sellable qty} of ``rows``, computed in batch."""
        stocks = self._read_stock_by_location(rows)
        per_target = defaultdict(list)
        for row in rows:
            per_target[(row.shop_id, row.target)].append(
                stocks.get((row.product_id, row.location_id), (0.0, 0.0)))
        shops = self.env["ecommerce.shop"].sudo().browse({row.shop_id for row in rows})
        buffers = {shop.id: shop.stock_safety_buffer for shop in shops}
        return {key: sellable_quantity(parts, buffers[key[0]])
                for key, parts in per_target.items()}

    def _read_stock_by_location(self, rows):
        """{(product id, location id): (on hand, promised)}, two queries per location.

        Promised: what confirmed deliveries not shipped yet take out of the
        location tree (reserved or not); platform orders already lowered the
        platform's count, so this stock must not be offered again. SQL rather
        than read_group: read_group would name_get every product.
        """
        result = {}
        by_location = defaultdict(set)
        for row in rows:
            by_location[row.location_id].add(row.product_id)
        for location_id, product_ids in by_location.items():
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

    def _sum_by_product(self, query, *params):
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
        ``force``). Results are written on the records; see docs/api_stock.md.

        :returns: ``{"pushed", "unchanged", "api_calls", "errors"}``
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
        result = {"pushed": 0, "unchanged": 0, "api_calls": 0, "errors": []}
        rows = self._read_push_rows()
        for shop_id in sorted({row.shop_id for row in rows}):
            shop = self.env["ecommerce.shop"].browse(shop_id)
            shop_result = self._push_shop(shop, [r for r in rows if r.shop_id == shop_id],
                                          force, commit)
            for key in ("pushed", "unchanged", "api_calls"):
                result[key] += shop_result[key]
            result["errors"].extend(shop_result["errors"])
        return result

    def _push_shop(self, shop, rows, force, commit):
        client = shop._get_top_client()
        wanted = {target: qty for (_shop_id, target), qty in
                  self._compute_wanted_quantities(rows).items()}
        ids_by_target = defaultdict(list)
        for row in rows:
            ids_by_target[row.target].append(row.id)
        to_send, unchanged = select_changed(wanted, self._last_sent(rows), force)
        result = {"pushed": 0, "unchanged": len(unchanged), "api_calls": 0, "errors": []}
        for call in plan_calls(to_send):
            ids = {sku_id: ids_by_target[(call.num_iid, sku_id)] for sku_id, _q in call.quantities}
            calls_before = client.stats["calls"]
            try:
                response = client.call(call.method, call.params)
            except SessionError as err:
                result["api_calls"] += client.stats["calls"] - calls_before
                self._record_error(call, ids, err, result)
                shop._pause_sync(err)
                self._commit_if(commit)
                break
            except TopError as err:
                self._record_error(call, ids, err, result)
            else:
                accepted = accepted_quantities(call, response)
                self._record_accepted(ids, accepted)
                result["pushed"] += len(accepted)
            result["api_calls"] += client.stats["calls"] - calls_before
            self._commit_if(commit)
        return result

    @staticmethod
    def _last_sent(rows):
        """{target: qty} the platform holds for sure; unknown after a failure."""
        seen = defaultdict(set)
        for row in rows:
            seen[row.target].add(row.last_sent)
        return {target: values.pop() for target, values in seen.items()
                if len(values) == 1 and None not in values}

    def _record_accepted(self, ids, accepted):
        pairs = [(record_id, accepted[sku_id])
                 for sku_id, record_ids in ids.items() for record_id in record_ids]
        # One statement per call instead of one ORM write per quantity value;
        # nothing depends on these three fields.
        self.env.cr.execute("""
            UPDATE ecommerce_stock_sync s
               SET last_push_date = %s, last_pushed_qty = v.qty, last_error = NULL,
                   write_uid = %s, write_date = (now() at time zone 'UTC')
              FROM unnest(%s::int[], %s::int[]) AS v(id, qty)
             WHERE s.id = v.id""", [fields.Datetime.now(), self.env.uid,
                                    [p[0] for p in pairs], [p[1] for p in pairs]])
        self._invalidate_results([p[0] for p in pairs])

    def _record_error(self, call, ids, err, result):
        # sub_msg is the platform's own words (e.g. the item does not exist);
        # str(err) adds the codes support asks for. Neither holds a secret.
        reason = "%s (%s)" % (err.sub_msg, err) if err.sub_msg else str(err)
        _logger.warning("Stock push of item %s failed: %s", call.num_iid, reason)
        record_ids = [i for record_ids in ids.values() for i in record_ids]
        self.browse(record_ids).write({"last_error": reason})
        result["errors"].extend({"num_iid": call.num_iid, "sku_id": sku_id, "reason": reason}
                                for sku_id, _qty in call.quantities)

    def _invalidate_results(self, record_ids):
        self.invalidate_cache(["last_push_date", "last_pushed_qty", "last_error"], record_ids)

    def _commit_if(self, commit):
        # The platform already holds the new quantities: keep the local record
        # of them even if a later item of this run fails (cron only).
        if commit:
            self.env.cr.commit()
