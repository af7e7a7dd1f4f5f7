# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import logging
import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

_logger = logging.getLogger(__name__)

PLATFORM_FAMILIES = [("taobao", "Taobao / Tmall"), ("jd", "JD")]


class EcommerceLogisticsCompany(models.Model):
    """A logistics company as a platform knows it, with its waybill format.

    Read from the platform (taobao.logistics.companies.get); the Odoo carriers
    point at these records, one per platform, to say which code to report.
    """

    _name = "ecommerce.logistics.company"
    _description = "Platform Logistics Company"
    _order = "platform, name"

    platform = fields.Selection(
        PLATFORM_FAMILIES, required=True, index=True,
        help="Taobao and Tmall (and the Taobao sandbox) share one list of companies.")
    code = fields.Char(required=True, index=True,
                       help="The company code the platform expects, e.g. SF, YTO, ZTO.")
    name = fields.Char(required=True)
    waybill_regex = fields.Char(
        "Waybill Format",
        help="Regular expression the platform checks the tracking number against; "
             "a tracking number that does not match is never sent.")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("platform_code_uniq", "unique(platform, code)",
         "A logistics company code appears once per platform."),
    ]

    @api.multi
    def name_get(self):
        return [(company.id, "%s (%s)" % (company.name, company.code)) for company in self]

    @api.constrains("waybill_regex")
    def _check_waybill_regex(self):
        for company in self.filtered("waybill_regex"):
            try:
                re.compile(company.waybill_regex)
            except re.error:
                raise ValidationError(_("The waybill format of %(name)s is not a valid "
                                        "regular expression.") % {"name": company.name})

    def waybill_matches(self, waybill):
        """Whether ``waybill`` has the company's format (True when none is known)."""
        self.ensure_one()
        if not self.waybill_regex:
            return True
        try:
            return bool(re.match(self.waybill_regex, waybill))
        except re.error:
            # A platform regex Python cannot read: the platform checks it anyway.
            _logger.warning("Logistics company %s: unreadable waybill format %r",
                            self.code, self.waybill_regex)
            return True

    @api.model
    def _store_platform_list(self, platform, rows):
        """Create or update the companies of ``platform`` from the adapter's rows.

        Companies the platform no longer lists are archived, not deleted: carriers
        may still point at them.
        """
        existing = {c.code: c for c in self.with_context(active_test=False).search(
            [("platform", "=", platform)])}
        seen = set()
        for row in rows:
            vals = {"name": row["name"], "waybill_regex": row.get("regex") or False,
                    "active": True}
            company = existing.get(row["code"])
            if company:
                company.write(vals)
            else:
                self.create(dict(vals, platform=platform, code=row["code"]))
            seen.add(row["code"])
        for code, company in existing.items():
            if code not in seen and company.active:
                company.active = False
        return len(seen)
