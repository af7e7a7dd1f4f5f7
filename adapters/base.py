# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The neutral operations every platform adapter offers.

Times going in and out are naive UTC datetimes; money is Decimal; ids are
strings. Trades come back as the platform's raw rows plus two neutral views
of them: ``summary(row)`` (enough to decide whether to read the details) and
``plan(raw)`` (the order plan built by ``mapping/``). Errors are the classes
of ``adapters.errors``.
"""
from collections import namedtuple
from datetime import timedelta

from ..mapping.trade_mapping import KNOWN_STATUSES
from .errors import RefusedError

Shipment = namedtuple("Shipment", "tid carrier_code waybill sub_ids all_sub_ids dummy cod",
                      defaults=(False,))
Shipment.__doc__ = """One parcel to report: ``sub_ids`` are the platform's sub-order ids it
carries, ``all_sub_ids`` those of the whole trade still to ship (a split shipment when they
differ); ``dummy`` for goods that need no logistics; ``cod`` when the buyer pays the
carrier (cash on delivery)."""

#: the argument of NotImplementedError for a call the platform has but whose answer no
#: source documents (the ORM says so to the seller, instead of "not offered")
UNDOCUMENTED_ANSWER = "undocumented answer"

TradeSummary = namedtuple("TradeSummary", "tid status modified needs_detail")

StockResult = namedtuple("StockResult", "item_id quantities accepted error")
StockResult.__doc__ = """One stock call: ``quantities`` ((sku_id, qty), ...) sent, ``accepted``
{sku_id: qty} the platform reports (None on error), ``error`` a PlatformError or None."""


class OAuthFlow(object):
    """A platform's authorisation-code flow (see PlatformAdapter.oauth).

    A subclass sets ``client``, the client's exception class(es) ``errors``,
    ``translate`` (client error -> adapters.errors) and ``neutral_fields``.
    """

    client = None
    errors = ()

    def authorize_url(self, redirect_uri, state):
        raise NotImplementedError

    def exchange_code(self, code, redirect_uri):
        return self._token(self._exchange, code, redirect_uri)

    def refresh(self, refresh_token):
        return self._token(self.client.refresh, refresh_token)

    def _exchange(self, code, redirect_uri):
        raise NotImplementedError

    @staticmethod
    def translate(err):
        raise NotImplementedError

    @staticmethod
    def neutral_fields(token):
        raise NotImplementedError

    def _token(self, call, *args):
        try:
            token = call(*args)
        except self.errors as err:
            raise self.translate(err) from err
        return dict(token, **self.neutral_fields(token))


class PlatformAdapter(object):
    """Base class; a subclass implements the operations for one platform."""

    platform = None
    #: rows of one list call
    page_size = 100
    #: list rows may lack fields only the detail call gives (memos, promotions): the
    #: shop's "Always Read Full Trade Details" then reads every trade in full
    always_read_detail = True

    def __init__(self, client):
        self.client = client

    @classmethod
    def from_credentials(cls, gateway, app_key, app_secret, session=None, **options):
        raise NotImplementedError

    @property
    def calls(self):
        """Platform calls made by this adapter so far (retries included)."""
        return self.client.stats["calls"]

    # -- authorisation ------------------------------------------------------
    @classmethod
    def oauth(cls, auth_url, token_url, app_key, app_secret):
        """The seller's authorisation-code flow: an object with
        ``authorize_url(redirect_uri, state)``, ``exchange_code(code, redirect_uri)`` and
        ``refresh(refresh_token)``. Token answers keep the platform's fields and add
        neutral ones: ``access_token``, ``expires_in``, ``refresh_token``,
        ``refresh_expires_in`` (0: no refresh, None: no known end), ``user_id`` and
        ``user_nick``. Errors are PlatformError."""
        raise NotImplementedError

    # -- times --------------------------------------------------------------
    @staticmethod
    def parse_time(value):
        """A time as the platform writes it in its rows and plans (``created``,
        ``modified``) -> naive UTC datetime; ValueError when it is not one."""
        raise NotImplementedError

    # -- connection ---------------------------------------------------------
    def server_time(self):
        """The platform's clock (naive UTC), or None where it offers none."""
        raise NotImplementedError

    def check_session(self):
        """Raise SessionExpiredError unless the seller's session works."""
        raise NotImplementedError

    # -- trades -------------------------------------------------------------
    @classmethod
    def trade_status_filters(cls):
        """The words ``iter_trades``' ``status`` takes: the platform's own trade
        statuses and the neutral ones. Rows and plans also carry the platform's
        own word as ``platform_status`` where it differs from the neutral one."""
        return KNOWN_STATUSES

    def iter_trades(self, start, end, by="modified", status=None):
        """Yield ``(window_start, window_end, rows)`` in time order.

        Every trade of [start, end] is in exactly one yielded window; once a
        window is yielded, the caller may move its watermark to its end.
        """
        raise NotImplementedError

    def iter_unshipped(self, start, end):
        """Yield ``(window_start, window_end, rows)`` of the trades still waiting to
        ship (paid, not shipped), created in [start, end], oldest window first.

        ``start`` no earlier than ``now - unshipped_horizon``: the platform
        lists no older trade. Each window is read in one call where it can be,
        so that trades shipped meanwhile do not shift others out of a page.
        """
        raise NotImplementedError

    #: how far back the platform lists trades (TOP and JD keep 3 months)
    unshipped_horizon = timedelta(days=90)

    def summary(self, row):
        """TradeSummary of a list row."""
        raise NotImplementedError

    def trade_detail(self, tid):
        raise NotImplementedError

    def plan(self, raw, refund_fees=None):
        """The order plan of a raw trade (see mapping.trade_mapping.plan_trade).

        :param refund_fees: {sub_id: Decimal} amounts of the succeeded sub-order
            refunds listed by ``refunded_sub_orders``.
        """
        raise NotImplementedError

    def sold_units(self, raw):
        """[(item_id, sku_id, qty)] of a raw trade that could not be planned, as
        far as it can be read (malformed entries are left out)."""
        return []

    def refunded_sub_orders(self, raw):
        """{sub_id: refund_id} of the raw trade's sub-orders whose refund succeeded
        and whose amount only the refund tells; {} where the trade says it."""
        return {}

    def refund_fee(self, refund_id):
        """Decimal amount of a refund, read alone."""
        raise NotImplementedError

    # -- items --------------------------------------------------------------
    def list_items(self, name=None, modified_from=None, modified_to=None):
        """The shop's items matching the filters, newest first, each once:
        [{"num_iid", "title", "outer_id", "modified" (Beijing string)}]."""
        raise NotImplementedError

    def count_skus(self, item_ids):
        """{item_id: number of SKUs not deleted}."""
        raise NotImplementedError

    def item_plans(self, item_ids):
        """Yield, one platform batch at a time, [(item_id, plan, error)]: the import
        plan of mapping.item_mapping.build_plan, or None and the ItemError why not."""
        raise NotImplementedError

    # -- stock --------------------------------------------------------------
    def push_stock(self, quantities):
        """Send absolute quantities {(item_id, sku_id): qty}; yield StockResult per call."""
        raise NotImplementedError

    # -- shipments ----------------------------------------------------------
    def list_carriers(self):
        """[{"code", "name", "regex"}] of the platform's logistics companies."""
        raise NotImplementedError

    def send_shipment(self, shipment):
        raise NotImplementedError

    def resend_shipment(self, shipment):
        raise NotImplementedError

    def shipped_sub_orders(self, tid):
        """{sub_id: waybill or ""} of the trade's sub-orders already shipped."""
        raise NotImplementedError

    # -- e-waybills (the carrier account's waybills, printed by the component) ---
    #: parcels one get_waybills call takes (0: no e-waybill API known)
    waybill_batch = 0

    def waybill_accounts(self):
        """The seller's e-waybill subscriptions: ``[{"carrier_code", "branch_code",
        "branch_name", "quantity", "addresses": [{"state", "city", "district", "town",
        "address"}]}]``."""
        raise NotImplementedError

    def waybill_templates(self):
        """``{carrier_code: [{"name", "url"}]}`` of the standard print templates."""
        raise NotImplementedError

    def get_waybills(self, account, parcels):
        """A waybill code per parcel (the same code again for the same ``object_id``).

        :param account: ``{"carrier_code", "template_url", "sender": {"name", "mobile",
            "state", "city", "district", "town", "address"}}``
        :param parcels: at most ``waybill_batch`` ×  ``{"object_id", "package_id",
            "tids", "channel", "items": [{"name", "count"}], "receiver": {"tid", "oaid"}
            or a plain address}``
        :returns: ``[{"object_id", "waybill", "print_data"}]``; ``print_data`` is opaque.
        """
        raise NotImplementedError

    def cancel_waybill(self, carrier_code, waybill):
        """Give an unused waybill code back to the subscription."""
        raise NotImplementedError

    # -- refunds ------------------------------------------------------------
    def iter_refunds(self, start, end):
        """Yield ``(window_start, window_end, raw_refunds)`` of refunds modified in [start, end]."""
        raise NotImplementedError

    def refund_needs_detail(self, raw):
        """Whether a listed refund lacks what its neutral record needs."""
        raise NotImplementedError

    def refund_detail(self, refund_id):
        """The raw refund, read alone."""
        raise NotImplementedError

    def refund_plan(self, raw):
        """The neutral refund record (see mapping.refund_mapping.plan_refund)."""
        raise NotImplementedError

    # -- settlement -----------------------------------------------------------
    def iter_settlement(self, start, end):
        """Neutral settlement rows (mapping.settlement_mapping) booked in [start, end],
        ``when`` a naive UTC datetime. NotImplementedError: the platform offers no
        settlement; NotImplementedError(UNDOCUMENTED_ANSWER): it has a settlement call
        whose answer is documented nowhere we can check."""
        raise NotImplementedError

    # -- after-sales decisions ------------------------------------------------
    #: the decisions the platform takes from the seller: "agree", "return", "refuse"
    decisions = ()

    def agree_refunds(self, refunds):
        """Agree refunds: ``refunds`` is ``[(refund_id, amount)]`` (the amount the
        seller saw, Decimal yuan). Returns ``{refund_id: (accepted, message)}``."""
        raise NotImplementedError

    def agree_return(self, refund_id, address, remark):
        """Agree that the buyer sends the goods back to ``address`` (``{"address_id",
        "name", "street", "zip", "phone", "mobile"}``); RefusedError says why not."""
        raise NotImplementedError

    def refuse_refund(self, refund_id, reason):
        """Refuse a refund with ``reason`` (shown to the buyer); RefusedError says why not."""
        raise NotImplementedError

    # -- buyer privacy (masked receivers) -------------------------------------
    #: neutral reveal scenes -> the platform's scene code (None: not offered)
    reveal_scenes = {}
    #: receivers one decrypt call takes
    decrypt_batch = 20

    def decrypt_receivers(self, receivers, scene):
        """Plaintext of masked receivers, each decrypt metered by the platform.

        :param receivers: ``[{"tid", "oaid"}]`` (at most ``decrypt_batch``)
        :param scene: a key of ``reveal_scenes`` (why the seller looks)
        :returns: ``[{"tid", "oaid", "matched", "name", "mobile", "phone", "state",
            "city", "district", "town", "address"}]``; never store it.
        """
        raise NotImplementedError

    def report_access(self, receivers, operator, user_ip, url, operation):
        """Tell the platform who read which order's data, where it asks for it."""
        return False

    def merge_groups(self, receivers):
        """Groups of tids (two or more) that may ship in one parcel, as the platform
        answers for its masked receivers (Taobao: the same receiver whatever the week
        of the order); ``receivers`` is ``[{"tid", "oaid"}]`` of open trades of one
        shop. Platforms without such an answer: the same oaid."""
        groups = {}
        for receiver in receivers:
            if receiver.get("oaid"):
                groups.setdefault(receiver["oaid"], []).append(receiver["tid"])
        return sorted(sorted(tids) for tids in groups.values() if len(tids) > 1)

    def find_trades_by_receiver(self, name=None, mobile=None, phone=None, scene=None):
        """Tids whose receiver matches, looked up by the platform (customer care)."""
        raise NotImplementedError

    # -- message channel (real time) ------------------------------------------
    #: the platform pushes trade and refund changes through a channel the
    #: connector reads (``realtime_*``); without one the pull is all there is
    realtime_available = False

    def realtime_permit(self):
        """Subscribe the shop's seller to the change topics the connector handles."""
        raise self._no_channel()

    def realtime_fetch(self, quantity=200):
        """One batch of change events of all the app's sellers, each
        ``{"id", "kind": "trade"|"refund"|None, "tid", "refund_id", "seller_id",
        "seller_nick", "published" (naive UTC or None), "topic"}``; ``kind`` None
        for a message the connector has nothing to do with. Events are hints:
        re-read the trade or refund. An event not confirmed comes again."""
        raise self._no_channel()

    def realtime_confirm(self, event_ids):
        """Tell the platform these events are handled; returns the calls made."""
        raise self._no_channel()

    def _no_channel(self):
        return RefusedError("%s offers no message channel the connector reads: "
                            "orders are pulled" % self.platform, family="unsupported",
                            reason="no message channel", platform=self.platform)
