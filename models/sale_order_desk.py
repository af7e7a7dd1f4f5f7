# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The order desk (审单): the seller's audit rules (OCA sale_exception) decide
which platform orders wait for a person; the desk's actions are public methods
(the XML-RPC API) that its wizard calls."""
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..mapping.trade_mapping import HOLD_FORBIDDEN, HOLD_MESSAGE, HOLD_PRESALE, HOLD_REFUND
from .api_arguments import ApiArguments

HOLD_RULE = "rule"
HOLD_DESK = "desk"
# Holds a person lifts at the desk; the platform's are lifted by the synchronisation.
PERSON_HOLDS = (HOLD_RULE, HOLD_DESK, HOLD_MESSAGE)
PLATFORM_HOLDS = frozenset([HOLD_FORBIDDEN, HOLD_REFUND, HOLD_PRESALE])


class SaleOrder(models.Model):
    _inherit = "sale.order"

    ecommerce_desk_group = fields.Char(
        "Waiting For", compute="_compute_ecommerce_desk_group", store=True,
        help="Why the order waits on the order desk: the first rule it breaks, or the "
             "platform's hold.")

    ecommerce_ship_by = fields.Datetime(
        "Ship By", readonly=True, copy=False, index=True,
        help="The latest shipping time the platform promises the buyer (a presale's own "
             "date), or the shop's promise where the platform gives none.")
    ecommerce_cod = fields.Boolean(
        "Cash on Delivery", readonly=True, copy=False,
        help="The buyer pays the carrier: the platform's online send reports the shipment.")

    @api.depends("ecommerce_hold_codes", "exception_ids", "ignore_exception")
    def _compute_ecommerce_desk_group(self):
        labels = {HOLD_REFUND: _("Platform: refund in progress"),
                  HOLD_PRESALE: _("Presale: final payment missing"),
                  HOLD_FORBIDDEN: _("Platform: shipping forbidden"),
                  HOLD_DESK: _("Held by a person"),
                  HOLD_MESSAGE: _("Message or memo changed")}
        for order in self:
            codes = order._ecommerce_hold_code_set()
            platform = sorted(codes & set(labels) - {HOLD_DESK, HOLD_MESSAGE})
            if platform:
                order.ecommerce_desk_group = labels[platform[0]]
            elif HOLD_RULE in codes and order.exception_ids and not order.ignore_exception:
                order.ecommerce_desk_group = order.exception_ids[0].name
            else:
                order.ecommerce_desk_group = next(
                    (labels[code] for code in (HOLD_DESK, HOLD_MESSAGE) if code in codes),
                    codes and _("Other") or False)

    # ------------------------------------------------------------------
    # Rules: sale_exception's engine, ready checks, audit-free
    # ------------------------------------------------------------------
    @api.model
    def _rule_eval(self, rule, obj_name, rec):
        if rule.ecommerce_check and rec._name == "sale.order":
            return bool(rule._ecommerce_breach(rec))
        return super()._rule_eval(rule, obj_name, rec)

    @api.multi
    def _detect_exceptions(self, model_exceptions, sub_exceptions):
        if self._ecommerce_audit_free():
            model_exceptions = model_exceptions.filtered("ecommerce_mandatory")
            sub_exceptions = sub_exceptions.filtered("ecommerce_mandatory")
        return super()._detect_exceptions(model_exceptions, sub_exceptions)

    def _ecommerce_audit_free(self):
        self.ensure_one()
        return bool(self.ecommerce_shop_id) and (
            self.ecommerce_shop_id.desk_audit_free or self.partner_id.ecommerce_audit_free)

    @api.multi
    def detect_exceptions(self):
        # Platform orders already audited in this call (action_confirm below).
        if self.env.context.get("ecommerce_audited"):
            return super(SaleOrder, self.filtered(
                lambda o: not o.ecommerce_shop_id)).detect_exceptions()
        return super().detect_exceptions()

    def sale_check_exception(self):
        # A platform order is audited when it is confirmed, not on each later
        # edit: a synchronisation must not fail on a rule, it holds instead.
        return super(SaleOrder, self.filtered(
            lambda o: not o.ecommerce_shop_id)).sale_check_exception()

    @api.multi
    def action_confirm(self):
        """Platform orders that break a rule are held on the desk instead of
        confirmed (sale_exception would answer a pop-up nobody sees in a sync)."""
        orders = self
        if not self.env.context.get("ecommerce_audited"):
            broken = self.filtered("ecommerce_shop_id")._ecommerce_audit()
            orders = (self - broken).with_context(ecommerce_audited=True)
        # One order at a time, oldest first: Odoo 11 confirms one order per call (its
        # analytic account check reads a single order), and so an order finds the
        # parcel an older order of its receiver was just given (automatic merging).
        for order in orders.sorted("id"):
            super(SaleOrder, order).action_confirm()
        return True

    @api.multi
    def _action_confirm(self):
        self._ecommerce_set_carriers()
        return super()._action_confirm()

    def _ecommerce_add_gifts(self):
        """The gift rules add their gift lines (price 0) to these new platform orders."""
        rules = self.env["ecommerce.gift.rule"]._active_rules()
        if not rules:
            return
        lines = self.env["sale.order.line"]
        for order in self:
            for vals in rules._gift_lines_for(order):
                lines.create(vals)

    def _ecommerce_set_carriers(self):
        """The carrier rules pick the carrier of platform orders that have none yet
        (one chosen by hand stays); the deliveries take the order's carrier."""
        orders = self.filtered(lambda o: o.ecommerce_shop_id and not o.carrier_id)
        if not orders:
            return
        rules = self.env["ecommerce.carrier.rule"]._active_rules()
        for order in orders:
            carrier = rules._carrier_for(order, rules)
            if carrier:
                order.carrier_id = carrier

    def _ecommerce_audit(self):
        """Run the rules on these platform orders: hold those that break one (with
        every reason), lift the rule hold of those that pass; answer the broken."""
        if not self:
            return self
        self.detect_exceptions()
        broken = self.browse()
        for order in self:
            reasons = order._ecommerce_rule_reasons()
            if reasons:
                order._ecommerce_hold(HOLD_RULE, "\n".join(reasons))
                broken |= order
            elif HOLD_RULE in order._ecommerce_hold_code_set():
                order._ecommerce_lift_hold([HOLD_RULE])
        return broken

    def _ecommerce_text_rules_broken(self):
        """Whether the message or memo breaks an active rule on messages (a changed
        memo is judged by the rules that judged it at import)."""
        self.ensure_one()
        rules = self.env["exception.rule"].search([
            ("model", "=", "sale.order"), ("ecommerce_check", "in", ("message", "keyword"))])
        if self._ecommerce_audit_free():
            rules = rules.filtered("ecommerce_mandatory")
        return any(rule._ecommerce_breach(self) for rule in rules)

    def _ecommerce_rule_reasons(self):
        self.ensure_one()
        if self.ignore_exception:
            return []
        reasons = []
        for rule in self.exception_ids:
            why = rule._ecommerce_breach(self) if rule.ecommerce_check else (
                rule.description or rule.name)
            reasons.append(_("Rule %(rule)s: %(why)s") % {"rule": rule.name, "why": why})
        return reasons

    # ------------------------------------------------------------------
    # The desk's actions (public API: one or many orders)
    # ------------------------------------------------------------------
    @api.multi
    def ecommerce_desk_check(self):
        """Run the audit rules again on these open platform orders.

        :returns: ``{"held": [order ids that break a rule], "passed": [ids]}``
        """
        orders = self._ecommerce_desk_orders("ecommerce_desk_check")
        orders = orders.filtered(lambda o: o.state in ("draft", "sent", "sale"))
        broken = orders._ecommerce_audit()
        return {"held": broken.ids, "passed": (orders - broken).ids}

    @api.multi
    def ecommerce_desk_confirm(self):
        """A person has reviewed these orders: lift the rule, message and desk
        holds and confirm. The platform's holds (a refund, shipping forbidden)
        stay: the synchronisation lifts them.

        :returns: ``{"confirmed": [ids], "still_held": [ids]}``
        """
        orders = self._ecommerce_desk_orders("ecommerce_desk_confirm")
        orders.write({"ignore_exception": True})
        orders._ecommerce_lift_hold(PERSON_HOLDS)
        waiting = orders.filtered("ecommerce_hold_codes")
        to_confirm = (orders - waiting).filtered(lambda o: o.state in ("draft", "sent"))
        if to_confirm:
            to_confirm.with_context(ecommerce_audited=True).action_confirm()
        for order in orders:
            order.message_post(body=_("Reviewed on the order desk."))
        return {"confirmed": (orders - waiting).ids, "still_held": waiting.ids}

    @api.multi
    def ecommerce_desk_hold(self, reason):
        """Hold these orders' goods until a person confirms them on the desk.

        :param reason: why, for the warehouse and the reviewer (required)
        """
        orders = self._ecommerce_desk_orders("ecommerce_desk_hold")
        reason = ApiArguments(self, "ecommerce_desk_hold").check_text(
            reason, "reason", required=True, max_length=500)
        if not reason:
            raise UserError(_("Say why the orders are held."))
        orders._ecommerce_hold(HOLD_DESK, _("Held on the order desk: %(reason)s")
                               % {"reason": reason})
        return True

    @api.multi
    def ecommerce_desk_cancel(self, reason):
        """Cancel these orders (nothing of them left): the reason goes in the chatter."""
        orders = self._ecommerce_desk_orders("ecommerce_desk_cancel")
        reason = ApiArguments(self, "ecommerce_desk_cancel").check_text(
            reason, "reason", required=True, max_length=500)
        if not reason:
            raise UserError(_("Say why the orders are cancelled."))
        done = orders.filtered(lambda o: any(p.state == "done" for p in o.picking_ids))
        if done:
            raise UserError(_("Goods of %(orders)s already left: handle them as after-sales.")
                            % {"orders": ", ".join(done.mapped("name"))})
        orders.action_cancel()
        for order in orders:
            order.message_post(body=_("Cancelled on the order desk: %(reason)s")
                               % {"reason": reason})
        return True

    @api.multi
    def ecommerce_desk_set_carrier(self, carrier_id):
        """Ship these orders with another carrier: the order and its open deliveries."""
        orders = self._ecommerce_desk_orders("ecommerce_desk_set_carrier")
        args = ApiArguments(self, "ecommerce_desk_set_carrier")
        if isinstance(carrier_id, bool) or not isinstance(carrier_id, int):
            args._refuse("carrier_id", _("a delivery.carrier id (an integer)"), carrier_id)
        args.check_existing_ids([carrier_id], "carrier_id", "delivery.carrier")
        carrier = self.env["delivery.carrier"].browse(carrier_id)
        orders.write({"carrier_id": carrier.id})
        orders.mapped("picking_ids").filtered(
            lambda p: p.state not in ("done", "cancel")).write({"carrier_id": carrier.id})
        for order in orders:
            order.message_post(body=_("Carrier set on the order desk: %(carrier)s")
                               % {"carrier": carrier.name})
        return True

    def _ecommerce_desk_orders(self, method):
        args = ApiArguments(self, method)
        args.check_some_records()
        if self.filtered(lambda o: not o.ecommerce_shop_id):
            raise UserError(_("The order desk handles platform orders only."))
        self.check_access_rights("write")
        self.check_access_rule("write")
        return self
