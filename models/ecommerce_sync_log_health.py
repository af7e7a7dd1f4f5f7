# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Each sync log keeps the shop's lag and backlog of its time: the health screen draws
the last day of them (models/ecommerce_shop_health.py)."""
from odoo import api, fields, models


class EcommerceSyncLogHealth(models.Model):
    _inherit = "ecommerce.sync.log"

    # Logs written before these fields existed have no figures: not drawn.
    health_sampled = fields.Boolean(readonly=True)
    health_lag_minutes = fields.Integer(
        "Orders Behind (minutes)", readonly=True,
        help="How far the shop's stored orders lagged behind the platform after this run.")
    health_backlog = fields.Integer(
        "Trades Not Imported", readonly=True,
        help="Trades sold on the platform that were not orders yet after this run.")

    @api.model
    def _record(self, shop, kind, summary, window=(False, False), error=False, calls=0):
        log = super()._record(shop, kind, summary, window=window, error=error, calls=calls)
        now = fields.Datetime.from_string(log.date_end or fields.Datetime.now())
        log.write(self.env["ecommerce.shop.health"]._samples(shop, now)[shop.id])
        return log
