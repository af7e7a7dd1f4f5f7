# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models

from .ecommerce_job_planner import CHANNEL, SHOP


class QueueJob(models.Model):
    _inherit = "queue.job"

    ecommerce_requeued = fields.Boolean(
        "Requeued After Stalling", readonly=True, copy=False,
        help="The e-commerce sync found this job started for longer than the workers' "
             "time limit and put it back in the queue once; stalled again, it fails.")

    @api.model
    def _ecommerce_restore_shop_channels(self):
        """Put the shops' jobs back in their own channels after a module update.

        Updating the addon rewrites its queue.job.function records, and queue_job
        then recomputes the channel of every stored job from its function: each
        shop's waiting jobs would land in the shared root.ecommerce and run
        without the shop's capacity. Called from data/ecommerce_upgrade_data.xml,
        loaded after the job functions. Plain SQL: no recompute to trigger again.
        """
        self.env.cr.execute("""
            UPDATE queue_job
               SET channel = %s || '.shop_' || (record_ids::json ->> 0)
             WHERE model_name = %s AND channel = %s
               AND json_array_length(record_ids::json) = 1""",
                            (CHANNEL, SHOP, CHANNEL))
        restored = self.env.cr.rowcount
        self.invalidate_cache(["channel"])
        return restored
