# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import timedelta

from odoo import _, api, fields, models

from .api_arguments import ApiArguments


class EcommerceShop(models.Model):
    _inherit = "ecommerce.shop"

    desk_audit_free = fields.Boolean(
        "Audit-free (免审)",
        help="Orders of this shop skip the optional audit rules of the order desk; the "
             "rules marked 'Also for Audit-free' and the platform's holds still apply.")
    desk_ship_hours = fields.Integer(
        "Ship Within (hours)", default=48,
        help="The shop's promise when the platform states no ship-by time: so many hours "
             "after the order was placed. 0: no promise.")
    desk_warning_hours = fields.Integer(
        "Warn Before (hours)", default=6,
        help="Open deliveries due within this time count as due soon.")
    desk_due_soon_count = fields.Integer("Due Soon", compute="_compute_desk_deadline_counts")
    desk_late_count = fields.Integer("Late", compute="_compute_desk_deadline_counts")

    def _desk_default_ship_by(self, placed):
        self.ensure_one()
        if not self.desk_ship_hours:
            return False
        return fields.Datetime.to_string(placed + timedelta(hours=self.desk_ship_hours))

    def _compute_desk_deadline_counts(self):
        for shop in self:
            counts = shop.desk_deadline_counts()
            shop.desk_due_soon_count = counts["due_soon"]
            shop.desk_late_count = counts["late"]

    def _desk_deadline_domain(self, which):
        now = fields.Datetime.from_string(fields.Datetime.now())
        domain = [("sale_id.ecommerce_shop_id", "=", self.id),
                  ("picking_type_code", "=", "outgoing"),
                  ("state", "not in", ("done", "cancel")),
                  ("ecommerce_ship_by", "!=", False)]
        if which == "late":
            return domain + [("ecommerce_ship_by", "<", fields.Datetime.to_string(now))]
        soon = now + timedelta(hours=self.desk_warning_hours)
        return domain + [("ecommerce_ship_by", ">=", fields.Datetime.to_string(now)),
                         ("ecommerce_ship_by", "<", fields.Datetime.to_string(soon))]

    @api.multi
    def desk_deadline_counts(self):
        """Open deliveries of this shop due within its warning time, and already late.

        :returns: ``{"due_soon": int, "late": int, "warning_hours": int}``
        """
        ApiArguments(self, "desk_deadline_counts").check_single_shop()
        pickings = self.env["stock.picking"]
        return {"due_soon": pickings.search_count(self._desk_deadline_domain("due_soon")),
                "late": pickings.search_count(self._desk_deadline_domain("late")),
                "warning_hours": self.desk_warning_hours}

    @api.multi
    def action_view_desk_deadline(self):
        """Button: the deliveries due soon (context which=late: the late ones), first due first."""
        self.ensure_one()
        which = self.env.context.get("which") or "due_soon"
        return {"type": "ir.actions.act_window", "res_model": "stock.picking",
                "view_mode": "tree,form", "domain": self._desk_deadline_domain(which),
                "name": _("Late deliveries") if which == "late" else _("Deliveries due soon")}
