# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The real-time channel on the health screen: its lag, and amber when it stalls.

While the channel is stalled the shops are pulled every 10 minutes again, so
nothing is lost, but changes reach Odoo minutes late instead of seconds: the
seller should look (the platform session, the subscription, the job runner).
"""
from datetime import datetime

from odoo import _, api, fields, models


class EcommerceRealtimeHealth(models.AbstractModel):
    _inherit = "ecommerce.shop.health"

    @api.model
    def _count_figures(self, shops):
        figures = super(EcommerceRealtimeHealth, self)._count_figures(shops)
        lag, stalled = {}, {}
        now = datetime.utcnow()
        for channel in self.env["ecommerce.realtime.channel"].sudo().search(
                [("app_key", "!=", False)]):
            channel_shops = channel._shops() & shops
            if not channel_shops:
                continue
            last = fields.Datetime.from_string(channel.last_read)
            stalled_minutes = 0
            if channel.state == "stalled":
                # At least 1: the figure's count is the verdict's reason.
                stalled_minutes = max(int((now - last).total_seconds() // 60), 1) \
                    if last else 1
            for shop in channel_shops:
                lag[shop.id] = channel.lag_seconds
                stalled[shop.id] = stalled_minutes
        figures["health_realtime_lag"] = lag
        figures["health_realtime_stalled"] = stalled
        return figures

    @api.model
    def _verdict_rules(self):
        return super(EcommerceRealtimeHealth, self)._verdict_rules() + [
            ("health_realtime_stalled", "amber",
             _("The real-time channel has read nothing for %d minutes: orders are pulled "
               "every 10 minutes meanwhile. Check the session and the job runner."))]
