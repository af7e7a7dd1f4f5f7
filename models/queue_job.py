# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models


class QueueJob(models.Model):
    _inherit = "queue.job"

    ecommerce_requeued = fields.Boolean(
        "Requeued After Stalling", readonly=True, copy=False,
        help="The e-commerce sync found this job started for longer than the workers' "
             "time limit and put it back in the queue once; stalled again, it fails.")
