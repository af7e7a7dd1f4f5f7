# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The shop's queue.job functions and crons: one-line calls into
``ecommerce.job.planner`` (models/ecommerce_job_planner.py), which holds the
plumbing. Their names stay here: they are the identity of the queued jobs, of
their ``queue.job.function`` records and of the crons.
"""
from odoo import api, fields, models
from odoo.addons.queue_job.job import job

# CHANNEL, PRIORITY_ORDERS, RETRY_PATTERN: also imported from here by the shop's other
# job modules (ecommerce_shop_unshipped).
from .ecommerce_job_planner import CHANNEL, PRIORITY_ORDERS, RETRY_PATTERN  # noqa: F401

PLANNER = "ecommerce.job.planner"


class EcommerceShopJobs(models.Model):
    _inherit = "ecommerce.shop"

    job_capacity = fields.Integer(
        "Parallel Jobs", default=1,
        help="How many background jobs of this shop may run at once (capacity of its job "
             "channel). Raise it only as far as the platform's call limit for the app "
             "allows; the runner's channels setting must list it (docs/operations.md).")
    job_channel = fields.Char(compute="_compute_job_channel")

    _sql_constraints = [
        ("job_capacity_positive", "CHECK(job_capacity > 0)",
         "A shop needs a job capacity of at least 1."),
    ]

    def _compute_job_channel(self):
        for shop in self:
            shop.job_channel = shop._job_channel_name() if shop.id else False

    # ------------------------------------------------------------------
    # The planner's helpers, for the shop's job modules and the health screen
    # ------------------------------------------------------------------
    def _job_channel_name(self):
        return self.env[PLANNER]._channel_name(self)

    @api.model
    def _queue_job_channels(self, root_capacity=None):
        return self.env[PLANNER]._queue_job_channels(root_capacity)

    def _delayed(self, description, priority, eta=None):
        return self.env[PLANNER]._delayed(self, description, priority, eta=eta)

    def _try_job_lock(self, lock_class, shared=False):
        return self.env[PLANNER]._try_lock(self, lock_class, shared=shared)

    def _job_error(self, err, what):
        return self.env[PLANNER]._job_error(self, err, what)

    @api.model
    def _setup_conflict_retry(self, err):
        return self.env[PLANNER]._setup_conflict_retry(err)

    @api.model
    def _job_result(self, summary, error):
        return self.env[PLANNER]._job_result(summary, error)

    def _trades_to_retry(self):
        return self.env[PLANNER]._trades_to_retry(self)

    def _enqueue_trade_retries(self, tids):
        return self.env[PLANNER]._enqueue_trade_retries(self, tids)

    @api.model
    def _stalled_jobs_domain(self, channels=None):
        return self.env[PLANNER]._stalled_jobs_domain(channels)

    @api.model
    def _stalled_job_minutes(self):
        return self.env[PLANNER]._stalled_job_minutes()

    # ------------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------------
    @api.model
    def _cron_enqueue_orders(self):
        return self.env[PLANNER]._enqueue_orders()

    @api.model
    def _cron_enqueue_refunds(self):
        return self.env[PLANNER]._enqueue_refunds()

    @api.model
    def _cron_enqueue_shipments(self):
        return self.env[PLANNER]._enqueue_shipments()

    @api.model
    def _cron_enqueue_stock(self):
        return self.env[PLANNER]._enqueue_stock()

    @api.model
    def _cron_requeue_stalled_jobs(self):
        return self.env[PLANNER]._requeue_stalled_jobs()

    # ------------------------------------------------------------------
    # Jobs
    # ------------------------------------------------------------------
    @api.multi
    @job(default_channel=CHANNEL, retry_pattern=RETRY_PATTERN)
    def _job_sync_orders(self):
        """Store one increment window (at most a day), then chain the next."""
        return self.env[PLANNER]._sync_orders(self)

    @api.multi
    @job(default_channel=CHANNEL, retry_pattern=RETRY_PATTERN)
    def _job_check_missing_orders(self, date_from, date_to):
        """Import the paid trades created in [date_from, date_to] (UTC) still missing."""
        return self.env[PLANNER]._check_missing_orders(self, date_from, date_to)

    @api.multi
    @job(default_channel=CHANNEL, retry_pattern=RETRY_PATTERN)
    def _job_retry_trade(self, tid):
        """Read trade ``tid`` again and import or update its order."""
        return self.env[PLANNER]._retry_trade(self, tid)

    @api.multi
    @job(default_channel=CHANNEL, retry_pattern=RETRY_PATTERN)
    def _job_sync_refunds(self):
        """Read one window (at most a day) of refunds, then chain the next."""
        return self.env[PLANNER]._sync_refunds(self)

    @api.multi
    @job(default_channel=CHANNEL, retry_pattern=RETRY_PATTERN)
    def _job_send_shipment(self, picking_id):
        """Tell the platform that delivery ``picking_id`` has left."""
        return self.env[PLANNER]._send_shipment(self, picking_id)

    @api.multi
    @job(default_channel=CHANNEL, retry_pattern=RETRY_PATTERN)
    def _job_push_item_stock(self, num_iid):
        """Push the sellable quantities of item ``num_iid`` (all its SKUs, one call)."""
        return self.env[PLANNER]._push_item_stock(self, num_iid)

    @api.multi
    @job(default_channel=CHANNEL, retry_pattern=RETRY_PATTERN)
    def _job_import_items(self, num_iids):
        """Import some platform items (products, variants, SKU mappings)."""
        return self.env[PLANNER]._import_items(self, num_iids)


class StockExporterErrors(models.AbstractModel):
    """Keep the platform's error objects of a push: the stock job tells a
    transient failure (retry later) from a refusal (fail, name the item)."""

    _inherit = "ecommerce.stock.exporter"

    def _record_error(self, result):
        self.summary.setdefault("platform_errors", []).append(result.error)
        return super()._record_error(result)
