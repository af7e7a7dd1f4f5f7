# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The shop health figures: for every shop on screen, what it counts and what the
seller must do, and the history of the last day as a small chart.

The shop shows them as thin computed fields (models/ecommerce_shop_health_card.py).
Every figure is computed for all shops at once, a few grouped queries per screen,
never one query per shop and figure.

To add a figure from another file:

    class EcommerceShopHealthLate(models.AbstractModel):
        _inherit = "ecommerce.shop.health"

        def _count_figures(self, shops):
            figures = super()._count_figures(shops)
            figures["health_orders_late"] = {shop_id: count, ...}   # absent shop: 0
            return figures

        def _verdict_rules(self):
            return super()._verdict_rules() + [
                ("health_orders_late", "red", _("%d orders are late."))]

and on ``ecommerce.shop`` (a file of its own, ``_inherit = "ecommerce.shop"``):
``health_orders_late = fields.Integer(compute="_compute_health")``. A figure that is
no count overrides ``_shop_figures`` instead, which gets each shop's values so far.
"""
from datetime import timedelta

from odoo import _, api, fields, models

# Platform refund statuses after which the seller has nothing left to do.
REFUND_DONE_STATUSES = ("CLOSED", "SUCCESS", "SELLER_REFUSE_BUYER")
# Minutes behind the platform after which the orders are said to be late.
LAG_AMBER, LAG_RED = 30, 120
SESSION_AMBER_DAYS = 7
HEALTH_STATES = [("green", "Running"), ("amber", "Needs a look"), ("red", "Act now")]
# The chart: the last day, drawn in a box of this many pixels.
HISTORY_HOURS = 24
CHART_WIDTH, CHART_HEIGHT, CHART_TOP = 240, 56, 12
LAG_COLOUR, BACKLOG_COLOUR, LIMIT_COLOUR = "#337ab7", "#f0ad4e", "#d9534f"


class EcommerceShopHealth(models.AbstractModel):
    _name = "ecommerce.shop.health"
    _description = "E-commerce Shop Health Figures"

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------
    @api.model
    def _figures(self, shops, now):
        """{shop id: {field name: value}}: the counts, the lag, the verdict."""
        counts = self._count_figures(shops) if shops.ids else {}
        result = {}
        for shop in shops:
            values = {name: per_shop.get(shop.id, 0) for name, per_shop in counts.items()}
            values.update(self._shop_figures(shop, now, values))
            values["health_state"], values["health_reasons"] = self._verdict(shop, values)
            result[shop.id] = values
        return result

    @api.model
    def _count_figures(self, shops):
        """{field name: {shop id: count}}: shops without any are left out (0)."""
        Shop = self.env["ecommerce.shop"].sudo()
        shop_ids = shops.ids
        picking = [("ecommerce_shop_id", "in", shop_ids)]
        figures = {
            "health_trades_held": self._count_by("sale.order", "ecommerce_shop_id", [
                ("ecommerce_shop_id", "in", shop_ids), ("ecommerce_review_needed", "=", True),
                ("state", "in", ("draft", "sent"))]),
            "health_shipments_to_send": self._count_by(
                "stock.picking", "ecommerce_shop_id",
                picking + [("ecommerce_shipment_state", "=", "to_send")]),
            "health_shipments_error": self._count_by(
                "stock.picking", "ecommerce_shop_id",
                picking + [("ecommerce_shipment_state", "in", ("error", "attention"))]),
            "health_stock_errors": self._count_by("ecommerce.stock.sync", "shop_id", [
                ("shop_id", "in", shop_ids), ("sync", "=", True), ("last_error", "!=", False)]),
            "health_refunds_open": self._count_by("ecommerce.refund", "shop_id", [
                ("shop_id", "in", shop_ids), ("status", "not in", REFUND_DONE_STATUSES)]),
            "health_trades_refused": self._count_backlog_trades(shop_ids),
        }
        figures.update(self._count_jobs(Shop.browse(shop_ids)))
        return figures

    @api.model
    def _shop_figures(self, shop, now, values):
        """The figures of one shop that are no count: its lag and its session."""
        watermark = fields.Datetime.from_string(shop.order_sync_watermark)
        expires = fields.Datetime.from_string(shop.session_expires_at)
        return {
            "order_sync_lag_minutes": self._lag_minutes(watermark, now),
            "session_days_left": max((expires - now).days, 0) if expires else -1,
        }

    @staticmethod
    def _lag_minutes(watermark, now):
        """Minutes from the time up to which every trade is stored to now; -1: never."""
        return int((now - watermark).total_seconds() // 60) if watermark else -1

    @api.model
    def _count_by(self, model, shop_field, domain):
        groups = self.env[model].sudo().read_group(domain, [shop_field], [shop_field])
        return {g[shop_field][0]: g["%s_count" % shop_field] for g in groups}

    @api.model
    def _count_backlog_trades(self, shop_ids):
        # Distinct trades, not lines: one refused trade may hold several lines.
        if not shop_ids:
            return {}
        self.env.cr.execute("""
            SELECT shop_id, COUNT(DISTINCT tid) FROM ecommerce_trade_backlog
             WHERE shop_id IN %s GROUP BY shop_id""", [tuple(shop_ids)])
        return dict(self.env.cr.fetchall())

    @api.model
    def _count_jobs(self, shops):
        """Failed, waiting and stalled jobs per shop, read from the shops' job channels."""
        planner = self.env["ecommerce.job.planner"]
        channels = {planner._channel_name(shop): shop.id for shop in shops}
        Job = self.env["queue.job"].sudo()
        groups = Job.read_group(
            [("channel", "in", list(channels)),
             ("state", "in", ("failed", "pending", "enqueued"))],
            ["channel", "state", "method_name"], ["channel", "state", "method_name"],
            lazy=False)
        stalled = Job.read_group(planner._stalled_jobs_domain(list(channels)),
                                 ["channel"], ["channel"])
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
        self._count_realtime_trades(channels, result["health_trades_waiting"])
        return result

    @api.model
    def _count_realtime_trades(self, channels, counts):
        """Add the trades that real-time re-reads still have to read, per shop."""
        waiting = self.env["queue.job"].sudo().search(
            [("channel", "in", list(channels)), ("method_name", "=", "_job_realtime_trades"),
             ("state", "in", ("pending", "enqueued"))])
        for record in waiting:
            shop_id = channels[record.channel]
            counts[shop_id] = counts.get(shop_id, 0) + len(record.args[0] if record.args else [])

    # ------------------------------------------------------------------
    # Verdict
    # ------------------------------------------------------------------
    @api.model
    def _verdict(self, shop, values):
        """(state, reasons): red where selling goes wrong now, amber where it soon may."""
        reasons = {"red": [], "amber": []}
        for level, text in self._shop_reasons(shop, values):
            reasons[level].append(text)
        for name, level, text in self._verdict_rules():
            if values.get(name):
                reasons[level].append(text % values[name])
        red, amber = reasons["red"], reasons["amber"]
        state = "red" if red else "amber" if amber else "green"
        return state, "\n".join(red + amber) or _("Nothing to do.")

    @api.model
    def _verdict_rules(self):
        """(figure, level, text with %d): the figure's count, when not 0, is a reason."""
        return [
            ("health_jobs_failed", "red", _("%d background jobs failed: fix the cause, then "
                                            "requeue them.")),
            ("health_shipments_error", "red", _("%d shipments were refused or need data.")),
            ("health_trades_refused", "amber", _("%d platform trades are not orders yet.")),
            ("health_trades_held", "amber", _("%d orders are held for review.")),
            ("health_stock_errors", "amber", _("%d stock pushes fail.")),
            ("health_refunds_open", "amber", _("%d refunds wait for the seller.")),
        ]

    @api.model
    def _shop_reasons(self, shop, values):
        """[(level, text)] of the shop's state: pause, session, last error, lag, stalls."""
        reasons = []
        if shop.sync_paused:
            reasons.append(("red", shop.sync_pause_reason or _("The synchronisation is paused.")))
        if shop.session_status == "expired":
            reasons.append(("red", _("The session has expired: authorize the shop again.")))
        elif 0 < values["session_days_left"] <= SESSION_AMBER_DAYS:
            reasons.append(("amber", _("The session expires in %(days)d days.")
                            % {"days": values["session_days_left"]}))
        if shop.order_sync_error:
            reasons.append(("red", _("The last order sync failed: %(error)s")
                            % {"error": shop.order_sync_error}))
        lag = values["order_sync_lag_minutes"]
        if lag < 0:
            reasons.append(("amber", _("The orders were never synchronised.")))
        elif lag >= LAG_AMBER:
            reasons.append(("red" if lag >= LAG_RED else "amber",
                            _("The orders are %(minutes)d minutes behind the platform.")
                            % {"minutes": lag}))
        if values.get("health_jobs_stalled"):
            reasons.append(("red", _(
                "%(count)d background jobs have run for more than %(minutes)d minutes: they "
                "block shop %(shop)s (its orders, stock, shipments and refunds wait). A cron "
                "requeues each once; check the workers' time limits.")
                % {"count": values["health_jobs_stalled"],
                   "minutes": self.env["ecommerce.job.planner"]._stalled_job_minutes(),
                   "shop": shop.name}))
        return reasons

    # ------------------------------------------------------------------
    # History: lag and backlog over the last day, from the sync logs
    # ------------------------------------------------------------------
    @api.model
    def _samples(self, shops, now):
        """{shop id: the figures a sync log keeps for the chart}: lag and backlog now."""
        backlog = self._count_backlog_trades(shops.ids)
        return {shop.id: {
            "health_sampled": True,
            "health_lag_minutes": max(self._lag_minutes(
                fields.Datetime.from_string(shop.order_sync_watermark), now), 0),
            "health_backlog": backlog.get(shop.id, 0)} for shop in shops}

    @api.model
    def _history(self, shops, now):
        """{shop id: [(minutes before now, lag, backlog)]} of the last day, oldest first,
        ending with the figures of now."""
        since = fields.Datetime.to_string(now - timedelta(hours=HISTORY_HOURS))
        logs = self.env["ecommerce.sync.log"].sudo().search_read(
            [("shop_id", "in", shops.ids), ("health_sampled", "=", True),
             ("date_start", ">=", since)],
            ["shop_id", "date_start", "health_lag_minutes", "health_backlog"],
            order="date_start, id")
        history = {shop_id: [] for shop_id in shops.ids}
        for log in logs:
            age = now - fields.Datetime.from_string(log["date_start"])
            history[log["shop_id"][0]].append(
                (age.total_seconds() / 60, log["health_lag_minutes"], log["health_backlog"]))
        return history

    @api.model
    def _chart(self, points):
        """An SVG of the points: the lag as a blue line, the backlog as amber bars, the
        red limit of the lag as a dashed line when the lag comes near it."""
        width, height, top = CHART_WIDTH, CHART_HEIGHT, CHART_TOP
        span = HISTORY_HOURS * 60.0
        lag_max = max([p[1] for p in points] + [LAG_AMBER])
        backlog_max = max([p[2] for p in points] + [1])

        def x(age):
            return round(width * (1 - min(age, span) / span), 1)

        def y(value, top_value):  # 2 pixels above the bottom: a line at 0 stays visible
            return round(height - 2 - (height - 2 - top) * value / float(top_value), 1)

        parts = ['<svg xmlns="http://www.w3.org/2000/svg" class="o_ecommerce_health_chart" '
                 'width="%d" height="%d" viewBox="0 0 %d %d">' % (width, height, width, height),
                 '<rect x="0" y="%d" width="%d" height="%d" fill="#f9f9f9"/>'
                 % (top, width, height - top)]
        for age, _lag, backlog in points:
            if backlog:
                parts.append('<rect x="%s" y="%s" width="3" height="%s" fill="%s"/>' % (
                    x(age) - 1.5, y(backlog, backlog_max), height - y(backlog, backlog_max),
                    BACKLOG_COLOUR))
        if lag_max >= LAG_RED:
            parts.append('<line x1="0" x2="%d" y1="%s" y2="%s" stroke="%s" '
                         'stroke-dasharray="3,3"/>' % (width, y(LAG_RED, lag_max),
                                                       y(LAG_RED, lag_max), LIMIT_COLOUR))
        line = " ".join("%s,%s" % (x(age), y(lag, lag_max)) for age, lag, _b in points)
        if points:
            parts.append('<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>'
                         % (line, LAG_COLOUR))
            last = points[-1]  # now: a dot, the figure the card's text gives
            parts.append('<circle cx="%s" cy="%s" r="3" fill="%s"/>'
                         % (x(last[0]) - 3, y(last[1], lag_max), LAG_COLOUR))
        legend = _("%(hours)dh: lag up to %(lag)d min, backlog up to %(backlog)d") % {
            "hours": HISTORY_HOURS, "lag": max([p[1] for p in points] + [0]),
            "backlog": max([p[2] for p in points] + [0])}
        parts.append('<text x="0" y="9" font-size="9" fill="#666">%s</text>'
                     % self._xml_text(legend))
        parts.append("</svg>")
        return "".join(parts)

    @staticmethod
    def _xml_text(text):
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
