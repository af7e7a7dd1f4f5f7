# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Real-time messages of a shop: permit, status, the refund job, the pull's pace.

The consumer itself is ``ecommerce.realtime.channel`` (one per app). Here the
shop subscribes its seller, shows its channel's figures, and the order pull
runs less often while the channel works: every ``realtime_pull_minutes``
instead of every run of the 10-minute cron. JD offers no channel the
connector reads: its shops are pulled every few minutes instead.
"""
import logging
from datetime import datetime, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.addons.queue_job.exception import FailedJobError
from odoo.addons.queue_job.job import job

from ..adapters import PlatformError, SessionExpiredError, adapter_class
from .ecommerce_job_planner import RESERVE_LOCK_CLASS
from .ecommerce_shop_jobs import CHANNEL, PRIORITY_ORDERS, RETRY_PATTERN
from .ecommerce_shop_orders import LOCK_CLASS
from .ecommerce_shop_refunds import REFUND_LOCK_CLASS

_logger = logging.getLogger(__name__)

# The order cron's pace (data/ir_cron_orders.xml) and the quick pull's
# (data/realtime_data.xml) for platforms without a channel.
PULL_MINUTES = 10
QUICK_PULL_MINUTES = 2


class EcommerceShopRealtime(models.Model):
    _inherit = "ecommerce.shop"

    realtime_enabled = fields.Boolean(
        "Real-time Messages", copy=False, readonly=True,
        help="The platform pushes this shop's trade and refund changes to Odoo through "
             "its message channel (Taobao TMC). Set by authorising the shop or by the "
             "Subscribe button.")
    realtime_permitted_at = fields.Datetime("Subscribed On", copy=False, readonly=True)
    realtime_pull_minutes = fields.Integer(
        "Order Pull With Messages (min)", default=60,
        help="While the message channel works, orders are also pulled this often, as a "
             "safety net. When the channel stalls, the pull goes back to every 10 "
             "minutes at once.")
    realtime_state = fields.Selection(
        [("off", "Off"), ("running", "Running"), ("stalled", "Stalled")],
        "Real-time Channel", compute="_compute_realtime")
    realtime_lag_seconds = fields.Integer("Real-time Lag (s)", compute="_compute_realtime")
    health_realtime_lag = fields.Integer(
        "Real-time Lag (s)", compute="_compute_health",
        help="Seconds between the platform publishing a change and the real-time "
             "consumer queueing its work (its last read that found messages).")
    health_realtime_stalled = fields.Integer(
        "Real-time Stalled (min)", compute="_compute_health",
        help="Minutes since the real-time channel last read the platform, when it is "
             "stalled; 0 while it runs or is off.")

    def _compute_realtime(self):
        for shop in self:
            channel = shop._realtime_channel()
            shop.realtime_state = channel.state if channel else "off"
            shop.realtime_lag_seconds = channel.lag_seconds if channel else 0

    def _realtime_channel(self):
        if not (self.realtime_enabled and self.app_key and self.app_url):
            return self.env["ecommerce.realtime.channel"]
        return self.env["ecommerce.realtime.channel"].sudo().search(
            [("app_key", "=", self.app_key), ("app_url", "=", self.app_url)], limit=1)

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------
    @api.multi
    def realtime_subscribe(self):
        """Subscribe each shop's seller to the change topics and start the consumer."""
        self._check_manager()
        for shop in self:
            cls = adapter_class(shop.platform)
            if cls is None or not cls.realtime_available:
                raise UserError(_("Shop %(shop)s: the platform offers no message channel "
                                  "the connector reads; its orders are pulled.")
                                % {"shop": shop.name})
            shop._get_adapter().realtime_permit()
            shop.sudo().write({"realtime_enabled": True,
                               "realtime_permitted_at": fields.Datetime.now()})
            channel = self.env["ecommerce.realtime.channel"]._for_shop(shop)
            if not channel._alive_job():
                channel._enqueue_consumer()
        return True

    @api.multi
    def realtime_unsubscribe(self):
        """Stop using the channel for these shops: the pull alone follows them."""
        self._check_manager()
        self.sudo().write({"realtime_enabled": False})
        return True

    @api.multi
    def realtime_status(self):
        """Per shop: ``{"shop_id", "state", "lag_seconds", "last_read",
        "pull_minutes"}``; state off / running / stalled."""
        result = []
        for shop in self:
            channel = shop._realtime_channel()
            result.append({"shop_id": shop.id, "state": shop.realtime_state,
                           "lag_seconds": shop.realtime_lag_seconds,
                           "last_read": channel.last_read or False,
                           "pull_minutes": shop._order_pull_minutes()})
        return result

    @api.multi
    def action_realtime_subscribe(self):
        try:
            self.realtime_subscribe()
        except PlatformError as err:
            raise UserError(_("The platform refused the subscription: %(error)s")
                            % {"error": self._explain_error(err)})
        return True

    @api.model
    @api.returns("self", lambda shop: shop.id)  # an override does not inherit it
    def oauth_complete(self, state, code):
        """Authorising a shop also subscribes it to the message channel; a refusal
        there leaves the authorisation in place and says so on the shop."""
        shop = super(EcommerceShopRealtime, self).oauth_complete(state, code)
        cls = adapter_class(shop.platform)
        if cls is not None and cls.realtime_available:
            try:
                shop.realtime_subscribe()
            except PlatformError as err:
                shop.message_post(body=_("Real-time messages could not be switched on; "
                                         "orders are pulled: %(error)s")
                                  % {"error": shop._explain_error(err)})
        return shop

    # ------------------------------------------------------------------
    # The trades and the refund the messages name
    # ------------------------------------------------------------------
    @api.multi
    @job(default_channel=CHANNEL, retry_pattern=RETRY_PATTERN)
    def _job_realtime_trades(self, tids):
        """Re-read changed trades, side by side with the shop's other re-reads (the
        sync lock shared, each trade under its own), a chunk per job."""
        self._try_job_lock(LOCK_CLASS, shared=True)
        return self.env["ecommerce.realtime.consumer"]._reread_trades(self, tids)

    @api.multi
    @job(default_channel=CHANNEL, retry_pattern=RETRY_PATTERN)
    def _job_reserve_deliveries(self):
        """Reserve the deliveries the real-time re-reads left to reserve, one run at
        a time per shop."""
        self._try_job_lock(RESERVE_LOCK_CLASS)
        return self.env["ecommerce.realtime.consumer"]._reserve_deliveries(self)

    @api.multi
    @job(default_channel=CHANNEL, retry_pattern=RETRY_PATTERN)
    def _job_realtime_refund(self, refund_id):
        """Read refund ``refund_id`` and store it (hold, credit note, return)."""
        self.ensure_one()
        what = _("Shop %(shop)s: refund %(refund)s") % {"shop": self.name, "refund": refund_id}
        self._try_job_lock(REFUND_LOCK_CLASS)
        importer = self.env["ecommerce.refund.importer"]._start(self)
        try:
            with self.env.cr.savepoint():
                importer.adapter = self._get_adapter()
                detail = importer.adapter.refund_detail(str(refund_id))
                if detail:
                    importer._store_window([detail])
        except SessionExpiredError as err:
            self._pause_sync(err)
            raise FailedJobError("%s: %s" % (what, self._explain_error(err)))
        except PlatformError as err:
            raise self._job_error(err, what)
        if not detail:
            raise FailedJobError(_("%(what)s: the platform does not know this refund.")
                                 % {"what": what})
        refusals = [f["reason"] for f in importer.summary["failed"]]
        if refusals:
            raise FailedJobError("%s: %s" % (what, "\n".join(refusals)))
        return self._job_result(importer._public(importer.summary), False)

    # ------------------------------------------------------------------
    # The pull's pace
    # ------------------------------------------------------------------
    @api.model
    def _cron_enqueue_orders(self):
        return super(EcommerceShopRealtime,
                     self.with_context(ecommerce_order_pull=True))._cron_enqueue_orders()

    @api.model
    def _active_sync_shops(self):
        shops = super(EcommerceShopRealtime, self)._active_sync_shops()
        if self.env.context.get("ecommerce_order_pull"):
            now = datetime.utcnow()
            shops = shops.filtered(lambda shop: not shop._order_pull_can_wait(now))
        return shops

    def _order_pull_minutes(self):
        """Minutes between two order pulls of the shop as things stand."""
        cls = adapter_class(self.platform)
        if cls is not None and getattr(cls, "remote", True) and not cls.realtime_available:
            return QUICK_PULL_MINUTES
        if self.realtime_state == "running":
            return self.realtime_pull_minutes
        return PULL_MINUTES

    def _order_pull_can_wait(self, now):
        """The channel works and the last pull is recent enough for it."""
        if self.realtime_state != "running" or not self.order_sync_last_success:
            return False
        last = fields.Datetime.from_string(self.order_sync_last_success)
        return now - last < timedelta(minutes=max(1, self.realtime_pull_minutes))

    def _stock_push_block_reason(self):
        """While the channel runs, the orders are as fresh as its last read: the age
        of the last pull (the lag check) no longer blocks the stock push. A failed
        or paused sync still does."""
        reason = super(EcommerceShopRealtime, self)._stock_push_block_reason()
        shop = self.sudo()
        only_the_lag = not (shop.order_sync_error or shop.sync_paused or
                            not shop.order_unshipped_pass_last or
                            not shop.order_sync_last_success)
        if reason and only_the_lag and self.realtime_state == "running":
            return False
        return reason

    def _realtime_pull_now(self):
        self._delayed(_("Shop %(shop)s: order sync") % {"shop": self.name},
                      PRIORITY_ORDERS)._job_sync_orders()

    @api.model
    def _cron_quick_pull(self):
        """Pull the shops whose platform pushes nothing (JD) every few minutes."""
        for shop in self._active_sync_shops():
            cls = adapter_class(shop.platform)
            if cls is not None and not cls.realtime_available:
                shop._realtime_pull_now()
        return True
