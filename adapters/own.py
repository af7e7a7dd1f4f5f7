# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Own web shop (自有商城) adapter: the shop pushes, nothing is called.

An own shop has no platform API to poll: it sends its orders to
``ecommerce.shop.receive_orders``, which hands them to the order importer
through this adapter. ``summary``, ``trade_detail`` and ``plan`` work on the
pushed orders (rows built by ``mapping.own_mapping.order_row``); every remote
operation is refused with a RefusedError that says how an own shop works.
"""
from datetime import datetime, timedelta

from ..mapping.own_mapping import BEIJING_FORM, plan_order
from .base import PlatformAdapter, TradeSummary
from .errors import RefusedError

BEIJING_OFFSET = timedelta(hours=8)
PUSH_ONLY = ("an own web shop pushes its orders (receive_orders) and reads its stock "
             "(get_sellable_stock); Odoo calls nothing on it")


class OwnShopAdapter(PlatformAdapter):
    platform = "own"
    #: no remote API: the shop's credentials are not needed
    remote = False
    #: the pushed order is the detail
    always_read_detail = False

    def __init__(self, rows=()):
        super(OwnShopAdapter, self).__init__(client=None)
        self.rows = {row["tid"]: row for row in rows}

    @classmethod
    def from_credentials(cls, gateway=None, app_key=None, app_secret=None, session=None,
                         **options):
        return cls()

    @property
    def calls(self):
        return 0

    @staticmethod
    def parse_time(value):
        """The own shop pushes Beijing time, 'YYYY-MM-DD HH:MM:SS' (docs/own_shop.md)."""
        return datetime.strptime(value.strip(), BEIJING_FORM) - BEIJING_OFFSET

    def _refuse(self, operation):
        raise RefusedError("%s: %s" % (operation, PUSH_ONLY), reason=PUSH_ONLY, platform="own")

    # -- connection ---------------------------------------------------------
    def server_time(self):
        self._refuse("server_time")

    def check_session(self):
        self._refuse("check_session")

    # -- trades -------------------------------------------------------------
    def iter_trades(self, start, end, by="modified", status=None):
        self._refuse("iter_trades")

    def summary(self, row):
        modified = row.get("modified") or row.get("created")
        return TradeSummary(str(row.get("tid") or ""), row.get("status") or "",
                            self.parse_time(modified) if modified else None, False)

    def trade_detail(self, tid):
        row = self.rows.get(str(tid))
        if row is None:
            raise RefusedError("order %s was not pushed in this call" % tid,
                               reason="order %s was not pushed in this call" % tid,
                               platform="own")
        return row

    def plan(self, raw, refund_fees=None):
        plan = plan_order(raw["own_order"])
        plan["platform_status"] = raw.get("platform_status") or plan["status"]
        return plan

    # -- stock, shipments, refunds ------------------------------------------
    def push_stock(self, quantities):
        self._refuse("push_stock")

    def list_carriers(self):
        self._refuse("list_carriers")

    def send_shipment(self, shipment):
        self._refuse("send_shipment")

    def resend_shipment(self, shipment):
        self._refuse("resend_shipment")

    def shipped_sub_orders(self, tid):
        self._refuse("shipped_sub_orders")

    def iter_refunds(self, start, end):
        self._refuse("iter_refunds")
