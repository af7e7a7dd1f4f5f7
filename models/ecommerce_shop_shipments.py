# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..adapters import adapter_class
from .api_arguments import ApiArguments
from .ecommerce_shop import PLATFORM_ERRORS

_logger = logging.getLogger(__name__)


class EcommerceShopShipments(models.Model):
    _inherit = "ecommerce.shop"

    default_carrier_id = fields.Many2one(
        "delivery.carrier",
        help="Used for the deliveries of this shop's orders that have no carrier. A carrier "
             "marked 'No Logistics' makes the shop report its deliveries as virtual goods.")

    # ------------------------------------------------------------------
    # Public API (XML-RPC)
    # ------------------------------------------------------------------
    @api.multi
    def send_shipments(self, picking_ids=None):
        """Tell the platform that validated deliveries have left; nothing is committed.

        :param picking_ids: ids of this shop's deliveries to send now (also those in
            error, at once); by default every delivery waiting to be sent.
        :returns: ``{"sent": [tid], "skipped": [{"picking", "reason"}],
                  "failed": [{"tid", "picking", "reason"}], "api_calls": n}``
        """
        ApiArguments(self, "send_shipments").check_single_shop()
        self._check_shipment_rights()
        picking_ids = self._check_picking_ids(picking_ids)
        return self._send_shipments_run(picking_ids, commit=False)

    @api.multi
    def action_fetch_logistics_companies(self):
        """Button: read the platform's logistics companies and waybill formats."""
        for shop in self:
            shop._check_shipment_rights()
            shop._fetch_logistics_companies(shop._get_adapter())
        return True

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------
    @api.model
    def _cron_send_shipments(self, use_new_cursor=False):
        """Cron entry: send the due deliveries of every active shop.

        With ``use_new_cursor`` (the cron) each shop runs on its own cursor that
        commits after every shipment: a platform that accepted a shipment must
        never be asked again because a later one failed.
        """
        for shop_id in self._shops_with_due_shipments():
            if use_new_cursor:
                self._run_on_new_cursor(shop_id, "_send_shipments_run",
                                        "shipment write-back", None, True)
            else:
                self._send_shipments_isolated(shop_id)
        return True

    def _shops_with_due_shipments(self):
        shops = self._active_sync_shops()
        if not shops:
            return []
        groups = self.env["stock.picking"].read_group(
            self._due_shipments_domain(shops.ids), ["ecommerce_shop_id"],
            ["ecommerce_shop_id"])
        return [g["ecommerce_shop_id"][0] for g in groups]

    @api.model
    def _due_shipments_domain(self, shop_ids):
        now = fields.Datetime.now()
        return [("ecommerce_shop_id", "in", shop_ids),
                ("ecommerce_shipment_state", "=", "to_send"),
                "|", ("ecommerce_shipment_next_try", "=", False),
                ("ecommerce_shipment_next_try", "<=", now)]

    def _send_shipments_isolated(self, shop_id):
        # Any exception, not only the expected ones: a bug met on one shop's data
        # must not keep the other shops' parcels from being reported.
        try:
            with self.env.cr.savepoint():
                self.browse(shop_id)._send_shipments_run(None, commit=False)
        except Exception:  # pylint: disable=broad-except
            _logger.exception("Shop %s: shipment write-back failed", shop_id)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _send_shipments_run(self, picking_ids, commit):
        self.ensure_one()
        exporter = self.env["ecommerce.shipment.exporter"]._start(self, commit=commit)
        return exporter.run(picking_ids)

    def _check_shipment_rights(self):
        self.check_access_rights("read")
        self.check_access_rule("read")
        self.env["stock.picking"].check_access_rights("write")

    @api.model
    def _check_picking_ids(self, picking_ids):
        if picking_ids is None or picking_ids is False:
            return None
        valid = isinstance(picking_ids, (list, tuple)) and all(
            isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in picking_ids)
        if not valid:
            raise UserError(_("picking_ids must be a list of delivery ids (whole numbers), "
                              "not %(value)r.") % {"value": picking_ids})
        return list(picking_ids)

    def _shipment_platform(self):
        """The platform family whose logistics companies this shop uses."""
        self.ensure_one()
        cls = adapter_class(self.platform)
        if cls is None:
            self._check_platform_supported()
        return cls.platform

    def _fetch_logistics_companies(self, adapter):
        try:
            rows = adapter.list_carriers()
        except PLATFORM_ERRORS as err:
            raise UserError(self._explain_error(err))
        # sudo: the list is shared configuration; any seller sending a parcel may
        # need it read once.
        return self.env["ecommerce.logistics.company"].sudo()._store_platform_list(
            self._shipment_platform(), rows)
