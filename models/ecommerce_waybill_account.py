# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""E-waybill accounts (电子面单账户): a shop's subscription with one carrier, one
branch and one sender address, as the platform lists them."""
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .ecommerce_shop import PLATFORM_ERRORS

SELLER_CHOICES = ("template_url", "template_name", "carrier_id", "sender_name",
                  "sender_mobile")


class EcommerceWaybillAccount(models.Model):
    _name = "ecommerce.waybill.account"
    _description = "E-waybill Account"
    _order = "shop_id, sequence, carrier_code, id"

    name = fields.Char(compute="_compute_name", store=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10, help="The first account of a shop is its default.")
    shop_id = fields.Many2one("ecommerce.shop", required=True, ondelete="cascade", index=True,
                              readonly=True)
    carrier_code = fields.Char("Logistics Company Code", required=True, readonly=True)
    carrier_id = fields.Many2one(
        "delivery.carrier",
        help="Deliveries that get a waybill of this account take this carrier: the "
             "shipment goes back to the platform with its logistics company.")
    branch_code = fields.Char(readonly=True)
    branch_name = fields.Char("Branch", readonly=True)
    sender_state = fields.Char("Province", readonly=True)
    sender_city = fields.Char(readonly=True)
    sender_district = fields.Char("District", readonly=True)
    sender_town = fields.Char(readonly=True)
    sender_address = fields.Char("Street", readonly=True)
    sender_name = fields.Char("Sender", help="Printed on the label; the company by default.")
    sender_mobile = fields.Char()
    quantity = fields.Integer("Waybills Left", readonly=True)
    quantity_warning = fields.Integer(
        "Warn Below", default=100, help="The account shows a warning when fewer waybills "
                                        "than this are left.")
    quantity_low = fields.Boolean("Few Waybills Left", compute="_compute_quantity_low")
    template_url = fields.Char("Template URL", help="The standard template the labels use.")
    template_name = fields.Char("Template")
    custom_template_url = fields.Char(
        "Custom Area Template URL",
        help="Template of the plain-text area under the standard label (items, quantities, "
             "the seller memo); empty: no custom area.")
    last_sync = fields.Datetime("Read From the Platform", readonly=True)

    _sql_constraints = [
        ("account_unique", "unique(shop_id, carrier_code, branch_code, sender_state, "
                           "sender_city, sender_district, sender_address)",
         "This shop has this waybill account already."),
    ]

    @api.depends("carrier_code", "branch_name", "sender_address")
    def _compute_name(self):
        for account in self:
            account.name = " ".join(filter(None, (account.carrier_code, account.branch_name,
                                                  account.sender_address)))

    @api.depends("quantity", "quantity_warning")
    def _compute_quantity_low(self):
        for account in self:
            account.quantity_low = account.quantity < account.quantity_warning

    # ------------------------------------------------------------------
    # Public API (XML-RPC)
    # ------------------------------------------------------------------
    @api.model
    def sync_accounts(self, shop_id):
        """Read the shop's e-waybill subscriptions from the platform.

        :param shop_id: id of the shop
        :returns: ``[{"id", "carrier_code", "branch_name", "sender_address", "quantity",
            "quantity_low", "template_url"}]`` of the shop's active accounts; accounts
            the platform no longer lists are archived.
        """
        shop = self.env["ecommerce.shop"].browse(shop_id).exists()
        if not shop:
            raise UserError(_("Shop %(id)s does not exist.") % {"id": shop_id})
        shop.check_access_rights("read")
        shop.check_access_rule("read")
        self.env["stock.picking"].check_access_rights("write")
        adapter = shop._get_adapter()
        if not adapter.waybill_batch:
            raise UserError(_("Shop %(shop)s: its platform offers no e-waybill this addon "
                              "knows; type the waybill numbers.") % {"shop": shop.name})
        try:
            rows = adapter.waybill_accounts()
            templates = adapter.waybill_templates()
        except PLATFORM_ERRORS as err:
            raise UserError(shop._explain_error(err))
        # sudo: accounts are the shop's configuration, refreshed for any packer
        accounts = self.sudo()._store_accounts(shop, rows, templates)
        return [{"id": a.id, "carrier_code": a.carrier_code, "branch_name": a.branch_name,
                 "sender_address": a.sender_address, "quantity": a.quantity,
                 "quantity_low": a.quantity_low, "template_url": a.template_url or ""}
                for a in accounts]

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _store_accounts(self, shop, rows, templates):
        known = self.with_context(active_test=False).search([("shop_id", "=", shop.id)])
        seen = self.browse()
        for row in rows:
            for address in row["addresses"]:
                vals = self._prepare_account_vals(shop, row, address, templates)
                account = known.filtered(lambda a, v=vals: all(
                    (a[k] or "") == (v[k] or "") for k in self._key_fields()))[:1]
                if account:
                    # the seller's choices stay; the platform's facts are refreshed
                    account.write(dict((k, v) for k, v in vals.items()
                                       if k not in SELLER_CHOICES or not account[k]))
                else:
                    account = self.create(vals)
                seen |= account
        (known - seen).write({"active": False})
        return seen

    @staticmethod
    def _key_fields():
        return ("carrier_code", "branch_code", "sender_state", "sender_city",
                "sender_district", "sender_address")

    def _prepare_account_vals(self, shop, row, address, templates):
        template = (templates.get(row["carrier_code"]) or [{}])[0]
        company = self.env.user.company_id
        return {"shop_id": shop.id, "active": True, "carrier_code": row["carrier_code"],
                "branch_code": row["branch_code"], "branch_name": row["branch_name"],
                "sender_state": address["state"], "sender_city": address["city"],
                "sender_district": address["district"], "sender_town": address["town"],
                "sender_address": address["address"], "quantity": row["quantity"],
                "template_url": template.get("url") or False,
                "template_name": template.get("name") or False,
                "carrier_id": self._carrier_of(shop, row["carrier_code"]).id,
                "sender_name": company.name, "sender_mobile": company.phone or "",
                "last_sync": fields.Datetime.now()}

    def _carrier_of(self, shop, code):
        """The carrier whose logistics company on the shop's platform has ``code``."""
        platform = shop._shipment_platform()
        companies = self.env["ecommerce.logistics.company"].with_context(
            active_test=False).search([("platform", "=", platform), ("code", "=", code)])
        return self.env["delivery.carrier"].search(
            [("ecommerce_company_ids", "in", companies.ids)], limit=1) if companies \
            else self.env["delivery.carrier"]

    def _sender(self):
        self.ensure_one()
        return {"name": self.sender_name or self.shop_id.name,
                "mobile": self.sender_mobile or "", "state": self.sender_state or "",
                "city": self.sender_city or "", "district": self.sender_district or "",
                "town": self.sender_town or "", "address": self.sender_address or ""}

    @api.model
    def _default_for(self, shop, carrier=None):
        """The account a delivery of ``shop`` takes: the one of its carrier (or of the
        shop's default carrier), else the first one linked to a carrier, which the
        shipment write-back needs, else the first."""
        accounts = self.search([("shop_id", "=", shop.id)])
        carrier = carrier or shop.default_carrier_id
        chosen = accounts.filtered(lambda a: carrier and a.carrier_id == carrier)
        return (chosen or accounts.filtered("carrier_id") or accounts)[:1]
