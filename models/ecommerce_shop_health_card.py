# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The shop health screen's card: thin fields over ``ecommerce.shop.health``, which
computes them (models/ecommerce_shop_health.py), and the buttons that fix what is wrong."""
from odoo import _, api, fields, models

from .api_arguments import ApiArguments
from .ecommerce_shop_health import HEALTH_STATES


class EcommerceShopHealthCard(models.Model):
    _inherit = "ecommerce.shop"

    order_sync_lag_minutes = fields.Integer(
        "Orders Behind (minutes)", compute="_compute_health",
        help="How far the stored orders lag behind the platform: minutes since the time "
             "up to which every trade is stored.")
    health_trades_waiting = fields.Integer("Trades Waiting", compute="_compute_health",
                                           help="Trades queued to be imported again.")
    health_trades_held = fields.Integer(
        "Orders Held", compute="_compute_health",
        help="Imported orders held for review (buyer message, seller memo, closed late).")
    health_trades_refused = fields.Integer(
        "Trades Refused", compute="_compute_health",
        help="Trades sold on the platform that Odoo refused or has not imported yet.")
    health_shipments_to_send = fields.Integer("Shipments To Send", compute="_compute_health")
    health_shipments_error = fields.Integer(
        "Shipments In Error", compute="_compute_health",
        help="Deliveries the platform refused or that need the seller's data.")
    health_stock_errors = fields.Integer("Stock Pushes Failing", compute="_compute_health")
    health_refunds_open = fields.Integer("Refunds Open", compute="_compute_health")
    health_jobs_failed = fields.Integer("Jobs Failed", compute="_compute_health")
    health_jobs_waiting = fields.Integer("Jobs Waiting", compute="_compute_health")
    health_jobs_stalled = fields.Integer(
        "Jobs Stalled", compute="_compute_health",
        help="Jobs started for longer than the workers' time limit: while one holds the "
             "shop's job channel, no other job of the shop runs.")
    session_days_left = fields.Integer(
        compute="_compute_health",
        help="Days until the platform session expires; -1 when it has no known end.")
    health_state = fields.Selection(HEALTH_STATES, "Health", compute="_compute_health",
                                    help="Red: the seller must act now; amber: have a look.")
    health_reasons = fields.Text("What To Do", compute="_compute_health")
    health_chart = fields.Html(
        "Last Day", compute="_compute_health_chart", sanitize=False,
        help="The orders' lag behind the platform (line, minutes) and the trades not "
             "imported yet (bars) at each sync of the last 24 hours.")

    def _compute_health(self):
        stored = self.filtered(lambda shop: isinstance(shop.id, int))
        now = fields.Datetime.from_string(fields.Datetime.now())
        figures = self.env["ecommerce.shop.health"]._figures(stored, now)
        defaults = self._health_defaults()
        for shop in self:  # a new record in a form has no figures: the defaults
            values = dict(defaults)
            values.update((name, value) for name, value in figures.get(shop.id, {}).items()
                          if name in defaults)
            shop.update(values)

    def _health_defaults(self):
        """Every field of the health card, as for a shop that never synchronised."""
        names = [name for name, field in self._fields.items()
                 if field.compute == "_compute_health"]
        values = {name: 0 for name in names}
        values.update(order_sync_lag_minutes=-1, session_days_left=-1, health_state="amber",
                      health_reasons=_("The orders were never synchronised."))
        return values

    def _compute_health_chart(self):
        health = self.env["ecommerce.shop.health"]
        stored = self.filtered(lambda shop: isinstance(shop.id, int))
        now = fields.Datetime.from_string(fields.Datetime.now())
        history = health._history(stored, now)
        samples = health._samples(stored, now)  # one query for every shop on screen
        for shop in self:
            points = history.get(shop.id, [])
            if shop.id in samples:
                sample = samples[shop.id]
                points = points + [(0, sample["health_lag_minutes"], sample["health_backlog"])]
            shop.health_chart = health._chart(points)

    @api.multi
    def health_history(self):
        """The lag and backlog of each sync of the last day, for a chart of one's own.

        :returns: ``[{"minutes_ago", "lag_minutes", "backlog"}]``, oldest first, ending
                  with now (``minutes_ago`` 0).
        """
        ApiArguments(self, "health_history").check_single_shop()
        self.check_access_rights("read")
        self.check_access_rule("read")
        health = self.env["ecommerce.shop.health"]
        now = fields.Datetime.from_string(fields.Datetime.now())
        sample = health._samples(self, now)[self.id]
        points = health._history(self, now)[self.id] + [
            (0, sample["health_lag_minutes"], sample["health_backlog"])]
        return [{"minutes_ago": int(round(age)), "lag_minutes": lag, "backlog": backlog}
                for age, lag, backlog in points]

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    @api.multi
    def action_retry_trades(self):
        """Import again exactly the trades refused or not imported yet, in the background.

        Their failed retry jobs are requeued (the cron leaves those to the
        seller); the others get a new job.
        """
        for shop in self:
            shop._check_order_rights()  # whoever may import the shop's orders
            tids = shop._trades_to_retry()
            failed = shop._failed_jobs().filtered(lambda j: j.method_name == "_job_retry_trade")
            failed.requeue()
            retried = {str(j.args[0]) for j in failed if j.args}
            shop._enqueue_trade_retries([tid for tid in tids if tid not in retried])
        return True

    @api.multi
    def action_requeue_failed_jobs(self):
        """Run the shops' failed jobs again once their cause is fixed."""
        for shop in self:
            shop._check_order_rights()
        self._failed_jobs().requeue()
        return True

    @api.multi
    def action_view_jobs(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "name": _("Jobs of %(shop)s") % {"shop": self.name},
            "res_model": "queue.job", "view_mode": "tree,form",
            "domain": [("channel", "=", self._job_channel_name())],
            "context": {"search_default_failed": 1},
        }

    @api.multi
    def action_view_held_orders(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "name": _("Orders held for review"),
            "res_model": "sale.order", "view_mode": "tree,form",
            "domain": [("ecommerce_shop_id", "=", self.id),
                       ("ecommerce_review_needed", "=", True)],
        }

    def _failed_jobs(self):
        channels = [shop._job_channel_name() for shop in self]
        return self.env["queue.job"].sudo().search(
            [("channel", "in", channels), ("state", "=", "failed")])
