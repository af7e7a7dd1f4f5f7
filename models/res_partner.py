# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import logging

import psycopg2
from psycopg2 import sql

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

# One buyer per shop and nick, one contact per buyer and address: the real-time
# re-reads of a shop run side by side, and two of them may meet a new buyer at once.
# (name, columns, where)
UNIQUE_INDEXES = (
    ("res_partner_ecommerce_buyer_uniq", "ecommerce_shop_id, ecommerce_buyer_nick",
     "parent_id IS NULL AND ecommerce_shop_id IS NOT NULL AND ecommerce_buyer_nick IS NOT NULL"),
    ("res_partner_ecommerce_address_uniq", "parent_id, ecommerce_address_key",
     "parent_id IS NOT NULL AND ecommerce_address_key IS NOT NULL"),
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    ecommerce_shop_id = fields.Many2one("ecommerce.shop", "E-commerce Shop", index=True,
                                        copy=False, ondelete="set null")
    ecommerce_buyer_nick = fields.Char("Buyer Nick", index=True, copy=False)
    ecommerce_address_key = fields.Char(
        index=True, copy=False,
        help="Fingerprint of the platform receiving address: the same address of the "
             "same buyer is found again instead of being created twice.")
    ecommerce_oaid = fields.Char(
        "Receiver OAID", index=True, copy=False, readonly=True,
        help="The platform's id of the masked receiver (Open Addressee ID). The name, "
             "phone and street are stored masked, as the platform sends them; the "
             "plaintext is only shown on purpose, never stored.")
    ecommerce_audit_free = fields.Boolean(
        "Audit-free Buyer (免审)",
        help="This buyer's platform orders skip the optional audit rules of the order desk.")

    # Buyers and addresses created by an order import (context ``ecommerce_import_partner``)
    # cost a third less: they were a fifth of storing a new order.

    @api.model
    def _get_default_image(self, partner_type, is_company, parent_id):
        # A platform buyer has no picture: the generated avatar cost two PNG encodings
        # and three attachments per contact.
        if self.env.context.get("ecommerce_import_partner"):
            return False
        return super()._get_default_image(partner_type, is_company, parent_id)

    @api.model
    def _add_missing_default_values(self, values):
        """Leave company-dependent fields to their defaults instead of writing the
        defaults back: writing a property equal to the default stores nothing, but
        costs a dozen searches per field and contact."""
        result = super()._add_missing_default_values(values)
        if self.env.context.get("ecommerce_import_partner"):
            for name in set(result) - set(values):
                if self._fields[name].company_dependent:
                    del result[name]
        return result

    @api.model_cr
    def init(self):
        for name, columns, where in UNIQUE_INDEXES:
            self.env.cr.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", (name,))
            if self.env.cr.fetchone():
                continue
            try:
                with self.env.cr.savepoint():
                    self.env.cr.execute(sql.SQL(
                        "CREATE UNIQUE INDEX {} ON res_partner ({}) WHERE {}").format(
                            sql.Identifier(name), sql.SQL(columns), sql.SQL(where)))
            except psycopg2.IntegrityError:
                _logger.warning("Index %s not created: the database holds e-commerce buyers "
                                "or addresses twice; merge them, then update the module.", name)
