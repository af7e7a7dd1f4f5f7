# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Stock push (库存同步): send each listing's sellable quantity to its shop.

One exporter per shop run: it holds the shop, its platform adapter, the
caches of the run and its summary. Quantities come from ecommerce.stock.sync
(grouped queries, no per-record reads); only the changed ones are sent, in
the adapter's batches, and platform calls go through the adapter only.
"""
import logging
from collections import defaultdict

from odoo import fields, models

from ..adapters import SessionExpiredError
from ..mapping.stock_mapping import select_changed

_logger = logging.getLogger(__name__)


class StockExporter(models.AbstractModel):
    _name = "ecommerce.stock.exporter"
    _description = "E-commerce Stock Push"

    def _empty_summary(self):
        return {"pushed": 0, "unchanged": 0, "api_calls": 0, "errors": [], "skipped": [],
                "held_back": [], "orders_stale": False}

    def _start(self, shop, commit=False):
        """A new exporter for one run of ``shop``; ``commit`` after each call (cron)."""
        run = self.browse()
        run.shop = shop
        run.commit = commit
        run.adapter = None  # opened on the first call: an unchanged run makes none
        run.summary = self._empty_summary()
        run.summary["orders_stale"] = shop._stock_push_block_reason()
        run.ids_by_target = {}
        return run

    # ------------------------------------------------------------------
    # Run
    # ------------------------------------------------------------------
    def _push_rows(self, rows, force=False):
        """Push the PushRows of this shop; returns the run's summary."""
        records = self.env["ecommerce.stock.sync"]
        held = {}
        wanted, skipped = records._plan_quantities(rows, held)
        wanted = {target: qty for (_shop_id, target), qty in wanted.items()}
        self._note_skipped(skipped)
        self.summary["held_back"].extend(
            {"num_iid": num_iid, "sku_id": sku_id, "qty": wanted[(num_iid, sku_id)],
             "reason": reason}
            for (_shop_id, (num_iid, sku_id)), reason in sorted(held.items()))
        ids_by_target = defaultdict(list)
        for row in rows:
            ids_by_target[row.target].append(row.id)
        self.ids_by_target = ids_by_target
        to_send, unchanged = select_changed(wanted, self._last_sent(rows), force)
        self.summary["unchanged"] = len(unchanged)
        if to_send:
            self._send(to_send)
        return self.summary

    def _note_skipped(self, skipped):
        for (_shop_id, (num_iid, sku_id)), reason in sorted(skipped.items()):
            self.summary["skipped"].append({"num_iid": num_iid, "sku_id": sku_id,
                                            "reason": reason})
            _logger.info("Shop %s: stock of item %s SKU %s not pushed: %s", self.shop.id,
                         num_iid, sku_id or "-", reason)

    def _send(self, to_send):
        self.adapter = self.shop._get_adapter()
        calls_before = self.adapter.calls
        try:
            for result in self.adapter.push_stock(to_send):
                if result.error is None:
                    self._record_accepted(result)
                else:
                    self._record_error(result)
                    if isinstance(result.error, SessionExpiredError):
                        self.shop._pause_sync(result.error)
                self.summary["api_calls"] = self.adapter.calls - calls_before
                self._commit_if()
        finally:
            self.summary["api_calls"] = self.adapter.calls - calls_before

    @staticmethod
    def _last_sent(rows):
        """{target: qty} the platform holds for sure; unknown after a failure."""
        seen = defaultdict(set)
        for row in rows:
            seen[row.target].add(row.last_sent)
        return {target: values.pop() for target, values in seen.items()
                if len(values) == 1 and None not in values}

    def _record_ids(self, result):
        return {sku_id: self.ids_by_target.get((result.item_id, sku_id), [])
                for sku_id, _qty in result.quantities}

    def _record_accepted(self, result):
        pairs = [(record_id, result.accepted[sku_id])
                 for sku_id, record_ids in self._record_ids(result).items()
                 for record_id in record_ids]
        # One statement per call instead of one ORM write per quantity value;
        # nothing depends on these three fields.
        self.env.cr.execute("""
            UPDATE ecommerce_stock_sync s
               SET last_push_date = %s, last_pushed_qty = v.qty, last_error = NULL,
                   write_uid = %s, write_date = (now() at time zone 'UTC')
              FROM unnest(%s::int[], %s::int[]) AS v(id, qty)
             WHERE s.id = v.id""", [fields.Datetime.now(), self.env.uid,
                                    [p[0] for p in pairs], [p[1] for p in pairs]])
        self.env["ecommerce.stock.sync"]._invalidate_results([p[0] for p in pairs])
        self.summary["pushed"] += len(result.accepted)

    def _record_error(self, result):
        err = result.error
        # reason is the platform's own words (e.g. the item does not exist);
        # str(err) adds the codes support asks for. Neither holds a secret.
        reason = "%s (%s)" % (err.reason, err) if err.reason else str(err)
        _logger.warning("Shop %s: stock push of item %s failed: %s", self.shop.id,
                        result.item_id, reason)
        record_ids = [i for ids in self._record_ids(result).values() for i in ids]
        self.env["ecommerce.stock.sync"].browse(record_ids).write({"last_error": reason})
        self.summary["errors"].extend(
            {"num_iid": result.item_id, "sku_id": sku_id, "reason": reason}
            for sku_id, _qty in result.quantities)

    def _commit_if(self):
        # The platform already holds the new quantities: keep the local record
        # of them even if a later item of this run fails (cron only).
        if self.commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
