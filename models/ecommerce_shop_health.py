# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The shop health screen: one card per shop saying where the seller must act.

Every figure is computed for all shops on screen in a few grouped queries
(read_group per model), never one query per shop and figure.
"""
from odoo import _, api, fields, models

# Platform refund statuses after which the seller has nothing left to do.
REFUND_DONE_STATUSES = ("CLOSED", "SUCCESS", "SELLER_REFUSE_BUYER")
# Minutes behind the platform after which the orders are said to be late.
LAG_AMBER, LAG_RED = 30, 120
SESSION_AMBER_DAYS = 7
HEALTH_STATES = [("green", "Running"), ("amber", "Needs a look"), ("red", "Act now")]


class EcommerceShopHealth(models.Model):
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

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------
    def _compute_health(self):
        stored = self.filtered(lambda shop: isinstance(shop.id, int))
        now = fields.Datetime.from_string(fields.Datetime.now())
        figures = stored._health_figures() if stored else {}
        for shop in self:
            values = {name: 0 for name in self._health_count_fields()}
            values.update({key: counts.get(shop.id, 0) for key, counts in figures.items()})
            watermark = fields.Datetime.from_string(shop.order_sync_watermark)
            lag = int((now - watermark).total_seconds() // 60) if watermark else -1
            expires = fields.Datetime.from_string(shop.session_expires_at)
            values.update(order_sync_lag_minutes=lag,
                          session_days_left=max((expires - now).days, 0) if expires else -1)
            values["health_state"], values["health_reasons"] = shop._health_verdict(values)
            for name, value in values.items():
                shop[name] = value

    @staticmethod
    def _health_count_fields():
        return ("health_trades_waiting", "health_trades_held", "health_trades_refused",
                "health_shipments_to_send", "health_shipments_error", "health_stock_errors",
                "health_refunds_open", "health_jobs_failed", "health_jobs_waiting",
                "health_jobs_stalled")

    def _health_figures(self):
        """{field name: {shop id: count}} for these shops."""
        sudo = self.env["ecommerce.shop"].sudo()
        shop_ids = self.ids
        picking = [("ecommerce_shop_id", "in", shop_ids)]
        figures = {
            "health_trades_held": sudo._count_by("sale.order", "ecommerce_shop_id", [
                ("ecommerce_shop_id", "in", shop_ids), ("ecommerce_review_needed", "=", True),
                ("state", "in", ("draft", "sent"))]),
            "health_shipments_to_send": sudo._count_by(
                "stock.picking", "ecommerce_shop_id",
                picking + [("ecommerce_shipment_state", "=", "to_send")]),
            "health_shipments_error": sudo._count_by(
                "stock.picking", "ecommerce_shop_id",
                picking + [("ecommerce_shipment_state", "in", ("error", "attention"))]),
            "health_stock_errors": sudo._count_by("ecommerce.stock.sync", "shop_id", [
                ("shop_id", "in", shop_ids), ("sync", "=", True), ("last_error", "!=", False)]),
            "health_refunds_open": sudo._count_by("ecommerce.refund", "shop_id", [
                ("shop_id", "in", shop_ids), ("status", "not in", REFUND_DONE_STATUSES)]),
            "health_trades_refused": self._count_backlog_trades(),
        }
        figures.update(self._count_jobs())
        return figures

    @api.model
    def _count_by(self, model, shop_field, domain):
        groups = self.env[model].sudo().read_group(domain, [shop_field], [shop_field])
        return {g[shop_field][0]: g["%s_count" % shop_field] for g in groups}

    def _count_backlog_trades(self):
        # Distinct trades, not lines: one refused trade may hold several lines.
        self.env.cr.execute("""
            SELECT shop_id, COUNT(DISTINCT tid) FROM ecommerce_trade_backlog
             WHERE shop_id IN %s GROUP BY shop_id""", [tuple(self.ids)])
        return dict(self.env.cr.fetchall())

    def _count_jobs(self):
        """Failed and waiting jobs per shop, read from the shops' job channels."""
        channels = {shop._job_channel_name(): shop.id for shop in self}
        groups = self.env["queue.job"].sudo().read_group(
            [("channel", "in", list(channels)),
             ("state", "in", ("failed", "pending", "enqueued"))],
            ["channel", "state", "method_name"], ["channel", "state", "method_name"],
            lazy=False)
        stalled = self.env["queue.job"].sudo().read_group(
            self._stalled_jobs_domain(list(channels)), ["channel"], ["channel"])
        result = {"health_jobs_failed": {}, "health_jobs_waiting": {},
                  "health_trades_waiting": {},
                  "health_jobs_stalled": {channels[g["channel"]]: g["channel_count"]
                                          for g in stalled}}
        for group in groups:
            shop_id = channels[group["channel"]]
            key = "health_jobs_failed" if group["state"] == "failed" else "health_jobs_waiting"
            result[key][shop_id] = result[key].get(shop_id, 0) + group["__count"]
            if group["method_name"] == "_job_retry_trade" and group["state"] != "failed":
                counts = result["health_trades_waiting"]
                counts[shop_id] = counts.get(shop_id, 0) + group["__count"]
        return result

    def _health_verdict(self, values):
        """(state, reasons): red where selling goes wrong now, amber where it soon may."""
        red, amber = [], []
        if self.sync_paused:
            red.append(self.sync_pause_reason or _("The synchronisation is paused."))
        if self.session_status == "expired":
            red.append(_("The session has expired: authorize the shop again."))
        elif 0 < values["session_days_left"] <= SESSION_AMBER_DAYS:
            amber.append(_("The session expires in %(days)d days.")
                         % {"days": values["session_days_left"]})
        if self.order_sync_error:
            red.append(_("The last order sync failed: %(error)s")
                       % {"error": self.order_sync_error})
        lag = values["order_sync_lag_minutes"]
        if lag < 0:
            amber.append(_("The orders were never synchronised."))
        elif lag >= LAG_RED:
            red.append(_("The orders are %(minutes)d minutes behind the platform.")
                       % {"minutes": lag})
        elif lag >= LAG_AMBER:
            amber.append(_("The orders are %(minutes)d minutes behind the platform.")
                         % {"minutes": lag})
        if values["health_jobs_stalled"]:
            red.append(_("%(count)d background jobs have run for more than %(minutes)d "
                         "minutes: they block shop %(shop)s (its orders, stock, shipments "
                         "and refunds wait). A cron requeues each once; check the workers' "
                         "time limits.") % {"count": values["health_jobs_stalled"],
                                            "minutes": self._stalled_job_minutes(),
                                            "shop": self.name})
        self._count_reasons(values, red, amber)
        state = "red" if red else "amber" if amber else "green"
        return state, "\n".join(red + amber) or _("Nothing to do.")

    @staticmethod
    def _count_reasons(values, red, amber):
        checks = (
            ("health_jobs_failed", red, _("%d background jobs failed: fix the cause, then "
                                          "requeue them.")),
            ("health_shipments_error", red, _("%d shipments were refused or need data.")),
            ("health_trades_refused", amber, _("%d platform trades are not orders yet.")),
            ("health_trades_held", amber, _("%d orders are held for review.")),
            ("health_stock_errors", amber, _("%d stock pushes fail.")),
            ("health_refunds_open", amber, _("%d refunds wait for the seller.")),
        )
        for name, bucket, text in checks:
            if values[name]:
                bucket.append(text % values[name])

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
