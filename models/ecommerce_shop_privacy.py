# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Buyer privacy of a shop: reveal a masked receiver on purpose, log it, store nothing."""
import logging
from datetime import datetime, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from .api_arguments import ApiArguments
from .ecommerce_shop import PLATFORM_ERRORS

_logger = logging.getLogger(__name__)
BEIJING = timedelta(hours=8)


class EcommerceShopPrivacy(models.Model):
    _inherit = "ecommerce.shop"

    privacy_reveal_daily_cap = fields.Integer(
        "Reveals Per Day", default=20,
        help="How many masked receivers Odoo reveals per day (Beijing time) for this shop. "
             "Keep it below the platform's quota: each decrypt is billed (Taobao) or "
             "counted against a tenth of the daily orders (JD).")
    privacy_reveal_cost = fields.Float(
        "Cost Per Reveal", digits=(12, 3), default=0.0,
        help="What the platform bills per decrypt, in the company currency; only used "
             "to show the day's cost.")
    privacy_reveals_today = fields.Integer("Reveals Today", compute="_compute_privacy_today")
    privacy_cost_today = fields.Float("Reveal Cost Today", digits=(12, 2),
                                      compute="_compute_privacy_today")

    def _compute_privacy_today(self):
        stored = self.filtered(lambda shop: isinstance(shop.id, int))
        counts = {}
        if stored:
            rows = self.env["ecommerce.privacy.log"].sudo().read_group(
                [("shop_id", "in", stored.ids), ("revealed", "=", True),
                 ("create_date", ">=", self._beijing_day_start())], ["shop_id"], ["shop_id"])
            counts = {row["shop_id"][0]: row["shop_id_count"] for row in rows}
        for shop in self:
            shop.privacy_reveals_today = counts.get(shop.id, 0)
            shop.privacy_cost_today = shop.privacy_reveals_today * shop.privacy_reveal_cost

    @staticmethod
    def _beijing_day_start():
        """Start of today in Beijing, as a UTC datetime string: platforms count per day there."""
        beijing = datetime.utcnow() + BEIJING
        return fields.Datetime.to_string(
            datetime(beijing.year, beijing.month, beijing.day) - BEIJING)

    def _reveal_receiver(self, order, scene):
        """Decrypt the masked receiver of ``order`` through the platform.

        :returns: ``{"ok": True, "receiver": {...}}`` or ``{"ok": False, "message"}``;
            either way one ecommerce.privacy.log row records the attempt. The
            plaintext is returned to the caller only, never written anywhere.
        """
        self.ensure_one()
        adapter = self._get_adapter(max_retries=1)
        if scene not in adapter.reveal_scenes:
            raise UserError(_("Shop %(shop)s does not reveal receivers.") % {"shop": self.name})
        if self.privacy_reveals_today >= self.privacy_reveal_daily_cap:
            raise UserError(_("Shop %(shop)s has used its %(cap)d reveals of today: ask a "
                              "manager to raise Reveals Per Day, or wait until tomorrow.")
                            % {"shop": self.name, "cap": self.privacy_reveal_daily_cap})
        wanted = [{"tid": order.ecommerce_tid, "oaid": order.partner_shipping_id.ecommerce_oaid}]
        try:
            receivers = adapter.decrypt_receivers(wanted, scene)
        except PLATFORM_ERRORS as err:
            self._log_reveal(order, scene, str(err.sub_code or err.code or err.family))
            return {"ok": False, "message": self._explain_error(err)}
        reported = self._report_reveal(adapter, wanted)
        self._log_reveal(order, scene, "ok", revealed=bool(receivers), reported=reported)
        if not receivers:
            return {"ok": False, "message": _("The platform returned no receiver.")}
        return {"ok": True, "receiver": receivers[0]}

    def _report_reveal(self, adapter, wanted):
        """JD asks to hear of every access to order data; a failed report is logged."""
        user_ip = request.httprequest.remote_addr if request else None
        try:
            return adapter.report_access(wanted, self.env.user.login, user_ip,
                                         "/web#model=sale.order", "reveal_receiver")
        except PLATFORM_ERRORS:
            return False

    def _record_receiver_groups(self, adapter, order_ids):
        """Mark the open orders that go to one receiver, as the platform groups them
        (Taobao's oaid.merge, JD's same oaid): merging (合单) follows these marks.

        :returns: whether the platform answered; a failure leaves the marks as they
            were and the import goes on.
        """
        new = self.env["sale.order"].browse(order_ids).filtered("ecommerce_receiver_masked")
        if not new:
            return True
        candidates = self._receiver_group_candidates(
            new.mapped("partner_id"), new.mapped("partner_shipping_id.ecommerce_oaid"))
        return self._ask_receiver_groups(adapter, candidates) is not None

    def _group_receivers_of_plans(self, adapter, plans, buyers):
        """Before a page's orders are made: which of its masked trades go to one
        receiver, with each other or with open orders already here (those are
        marked now), so that merging can put the goods straight into a parcel.

        :param buyers: the page's buyers already known (res.partner)
        :returns: ``{tid: group}`` of the page's trades the platform grouped (empty
            when it did not answer)
        """
        masked = [plan for plan in plans if plan["address"]["oaid"]]
        if not masked:
            return {}
        candidates = self._receiver_group_candidates(
            buyers, [plan["address"]["oaid"] for plan in masked])
        known = set(candidates.mapped("ecommerce_tid"))
        page = [{"tid": plan["tid"], "oaid": plan["address"]["oaid"]}
                for plan in masked if plan["tid"] not in known]
        groups = self._ask_receiver_groups(adapter, candidates, page) or []
        return {tid: ",".join(tids) for tids in groups for tid in tids}

    def _receiver_group_candidates(self, buyers, oaids):
        """Open orders of this shop, of these buyers or these masked receivers, whose
        goods have not left."""
        candidates = self.env["sale.order"].search([
            ("ecommerce_shop_id", "=", self.id), ("state", "in", ("draft", "sent", "sale")),
            "|", ("partner_id", "in", buyers.ids),
            ("partner_shipping_id.ecommerce_oaid", "in", list(set(oaids)))])
        return candidates.filtered(lambda o: o.ecommerce_receiver_masked and all(
            p.state not in ("done", "cancel") for p in o.picking_ids))

    def _ask_receiver_groups(self, adapter, candidates, more=()):
        """Ask the platform to group ``candidates`` (orders) and ``more`` trades
        (``{tid, oaid}``); mark the candidates as it answers.

        :returns: the groups (lists of tids), or None when the platform did not answer
        """
        entries = [{"tid": o.ecommerce_tid, "oaid": o.partner_shipping_id.ecommerce_oaid}
                   for o in candidates] + list(more)
        try:
            groups = adapter.merge_groups(entries)
        except PLATFORM_ERRORS as err:
            _logger.warning("Shop %s: the platform did not group receivers: %s", self.id,
                            err.family)
            return None
        by_tid = {o.ecommerce_tid: o for o in candidates}
        grouped = self.env["sale.order"]
        for tids in groups:
            members = self.env["sale.order"].browse([by_tid[t].id for t in tids if t in by_tid])
            members.write({"ecommerce_receiver_group": ",".join(tids)})
            grouped |= members
        (candidates - grouped).filtered("ecommerce_receiver_group").write(
            {"ecommerce_receiver_group": False})
        return groups

    def _log_reveal(self, order, scene, code, revealed=False, reported=False):
        self.env["ecommerce.privacy.log"].sudo().create({
            "user_id": self.env.uid, "shop_id": self.id, "order_id": order.id,
            "tid": order.ecommerce_tid, "scene": scene, "result_code": code[:64],
            "revealed": revealed, "reported": reported})

    @api.multi
    def action_find_trades_by_receiver(self):
        """Button: a dialog asks the buyer's name or phone and lists the trades found."""
        self.ensure_one()
        self._check_privacy_viewer()
        return {"type": "ir.actions.client", "tag": "ecommerce_sync_receiver_lookup",
                "params": {"shop_id": self.id, "title": _("Trades of %(shop)s by receiver")
                           % {"shop": self.name}}}

    @api.multi
    def find_trades_by_receiver(self, name=None, mobile=None, phone=None,
                                scene="customer_care"):
        """Platform order numbers whose receiver has this name / mobile / phone.

        Customer care looks a buyer up through the platform (Taobao's
        trades.sold.query): Odoo holds masked receivers only.
        """
        args = ApiArguments(self, "find_trades_by_receiver")
        args.check_single_shop()
        values = [args.check_text(value, label, max_length=64) for value, label in
                  ((name, "name"), (mobile, "mobile"), (phone, "phone"))]
        args.check_choice(scene, "scene", ["customer_care", "after_sales"], required=True)
        if not any(values):
            raise UserError(_("Give a name, a mobile or a phone to look for."))
        self._check_privacy_viewer()
        self.check_access_rule("read")
        try:
            return self._get_adapter(max_retries=1).find_trades_by_receiver(*values, scene=scene)
        except NotImplementedError:
            raise UserError(_("Shop %(shop)s's platform offers no lookup by receiver.")
                            % {"shop": self.name})
        except PLATFORM_ERRORS as err:
            raise UserError(self._explain_error(err))

    def _check_privacy_viewer(self):
        if not self.env.user.has_group("ecommerce_sync.group_ecommerce_privacy_viewer"):
            raise AccessError(_("Only members of E-commerce Privacy Viewer may see or look "
                                "up a buyer's receiver."))
