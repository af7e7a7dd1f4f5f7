# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Taobao / Tmall (TOP) adapter over top_client.TopClient."""
import json
from datetime import timedelta

from ..mapping.item_mapping import ItemError, build_plan
from ..mapping.refund_decisions import (TOP_AGREE_BATCH, TOP_DECISION_FIELDS,
                                        top_agree_info, top_agree_results)
from ..mapping.refund_mapping import (REFUND_DETAIL_FIELDS, REFUND_FIELDS,
                                      needs_refund_detail, plan_refund)
from ..mapping.settlement_mapping import (TOP_ACCOUNT_FIELDS, TOP_BILL_FIELDS,
                                          top_settlement_row)
from ..mapping.stock_mapping import accepted_quantities, plan_calls
from ..mapping.trade_mapping import (FULL_FIELDS, KNOWN_STATUSES, LIST_FIELDS, TRADE_TYPES,
                                     needs_full_detail, plan_trade, refunded_sub_orders,
                                     sold_units, to_money)
from ..top_client import tmc
from ..top_client import (MalformedResponseError, OAuthClient, RateLimitError, SessionError,
                          TopClient, TopError, beijing_str, parse_beijing)
from .base import OAuthFlow, PlatformAdapter, StockResult, TradeSummary
from .errors import (PlatformError, RateLimitedError, RefusedError, SessionExpiredError,
                     TransientPlatformError)

LIST_METHODS = {"modified": ("taobao.trades.sold.increment.get", "start_modified",
                             "end_modified"),
                "created": ("taobao.trades.sold.get", "start_created", "end_created")}
# Paid and not shipped; a refund in progress does not change the trade's status.
UNSHIPPED_STATUS = "WAIT_SELLER_SEND_GOODS"
# taobao.refunds.receive.get is read one day at a time, like the trade increment.
REFUND_WINDOW = timedelta(days=1)
# Status filters taobao.trades.sold.get takes besides the single statuses.
TOP_STATUS_GROUPS = frozenset(["ALL_WAIT_PAY", "ALL_CLOSED"])
ITEM_LIST_FIELDS = "num_iid,title,outer_id,modified,approve_status,price"
ITEM_DETAIL_FIELDS = ("num_iid,title,outer_id,price,modified,approve_status,props_name,"
                      "property_alias,sku")
# (method, max pages): items.inventory.get refuses page_no above 101.
ITEM_LIST_METHODS = (("taobao.items.onsale.get", None), ("taobao.items.inventory.get", 101))
ITEM_PAGE = 200
ITEM_BATCH = 20
SKU_BATCH = 40
SHIPPING_FIELDS = "tid,status,orders.oid,orders.status,orders.consign_time,orders.invoice_no," \
                  "orders.logistics_company,orders.refund_status"
# taobao.top.oaid.decrypt scenes a person in Odoo may have: 1006 hand-written
# waybill, 2001 after-sales, 2002 customer care (the others are printing systems).
TOP_REVEAL_SCENES = {"manual_waybill": "1006", "after_sales": "2001", "customer_care": "2002"}
# taobao.trades.sold.query: 1001 consultation, 1002 after-sales.
TOP_QUERY_SCENES = {"customer_care": "1001", "after_sales": "1002"}
MERGE_BATCH = 100
# cainiao.waybill.ii.get takes at most 10 parcels (trade_order_info_dtos) a call.
WAYBILL_BATCH = 10
ORDER_CHANNELS = {"tmall": "TM", "taobao": "TB"}
TMC_UNPAID = ("WAIT_BUYER_PAY", "TRADE_NO_CREATE_PAY")
# TMC topics the connector acts on: every one means "re-read this trade" (or refund).
TMC_TRADE_TOPICS = tuple("taobao_trade_" + name for name in (
    "TradeCreate", "TradeBuyerPay", "TradeSellerShip", "TradePartlySellerShip", "TradeSuccess",
    "TradeClose", "TradeCloseAndModifyDetailOrder", "TradeModifyFee", "TradeChanged",
    "TradeMemoModified", "TradeLogisticsAddressChanged", "TradePartlyRefund"))
TMC_REFUND_TOPICS = tuple("taobao_refund_" + name for name in (
    "RefundCreated", "RefundSuccess", "RefundClosed", "RefundSellerAgreeAgreement",
    "RefundSellerRefuseAgreement", "RefundBuyerReturnGoods", "RefundBuyerModifyAgreement"))


def neutral_error(err):
    """The adapters.errors twin of a TOP exception (the original as its cause)."""
    message = str(err)
    details = dict(code=err.code, sub_code=err.sub_code, reason=err.sub_msg or err.msg,
                   platform="taobao")
    if isinstance(err, SessionError):
        return SessionExpiredError(message, **details)
    if isinstance(err, RateLimitError):
        return RateLimitedError(message, retry_after=err.retry_after, **details)
    if isinstance(err, MalformedResponseError):
        return PlatformError(message, family="malformed", **details)
    if err.retryable:
        return TransientPlatformError(message, family=err.family, **details)
    # isv.* is a business refusal, except where the key or the signature is wrong.
    if err.family not in ("auth", "permission") and (err.sub_code or "").startswith("isv."):
        return RefusedError(message, **details)
    return PlatformError(message, family=err.family, **details)


class TopOAuth(OAuthFlow):
    """Taobao's authorisation-code flow (see PlatformAdapter.oauth)."""

    errors = TopError
    translate = staticmethod(neutral_error)

    def __init__(self, auth_url, token_url, app_key, app_secret):
        self.auth_url = auth_url
        self.client = OAuthClient(token_url, app_key, app_secret)

    def authorize_url(self, redirect_uri, state):
        return self.client.authorize_url(self.auth_url, redirect_uri, state)

    def _exchange(self, code, redirect_uri):
        return self.client.exchange_code(code, redirect_uri)

    @staticmethod
    def neutral_fields(token):
        return {"refresh_expires_in": int(token.get("re_expires_in") or 0),
                "user_id": str(token.get("taobao_user_id") or ""),
                "user_nick": token.get("taobao_user_nick") or ""}


class TaobaoAdapter(PlatformAdapter):
    platform = "taobao"

    @classmethod
    def from_credentials(cls, gateway, app_key, app_secret, session=None, **options):
        return cls(TopClient(gateway, app_key, app_secret, session=session, **options))

    @classmethod
    def oauth(cls, auth_url, token_url, app_key, app_secret):
        return TopOAuth(auth_url, token_url, app_key, app_secret)

    @staticmethod
    def parse_time(value):
        return parse_beijing(value)

    def call(self, method, params=None):
        try:
            return self.client.call(method, params)
        except TopError as err:
            raise neutral_error(err) from err

    def _pages(self, iterator):
        try:
            for page in iterator:
                yield page
        except TopError as err:
            raise neutral_error(err) from err

    # -- connection ---------------------------------------------------------
    def server_time(self):
        return parse_beijing(self.call("taobao.time.get")["time"])

    def check_session(self):
        self.call("taobao.items.onsale.get", {"fields": "num_iid", "page_no": 1, "page_size": 1})

    # -- trades -------------------------------------------------------------
    @classmethod
    def trade_status_filters(cls):
        # TOP's statuses are the neutral ones, plus two filters of trades.sold.get.
        return KNOWN_STATUSES | TOP_STATUS_GROUPS

    def iter_trades(self, start, end, by="modified", status=None):
        method, start_key, end_key = LIST_METHODS[by]
        params = {"fields": LIST_FIELDS, "type": TRADE_TYPES, "status": status or None}
        windows = getattr(self.client, "iter_time_windows", None)
        if windows:
            iterator = windows(method, params, "trades", start_key, end_key, start, end,
                               page_size=self.page_size)
            for window in self._pages(iterator):
                yield window
            return
        params.update({start_key: start, end_key: end})
        rows = []
        for page in self._pages(self.client.iter_pages_backwards(
                method, params, "trades", self.page_size)):
            rows.extend(page)
        yield start, end, rows

    def iter_unshipped(self, start, end):
        # taobao.trades.sold.get with the status: windows of one page each by
        # creation time (see iter_trades), never pages that shift as trades ship.
        return self.iter_trades(start, end, "created", UNSHIPPED_STATUS)

    def summary(self, row):
        modified = row.get("modified") or row.get("created")
        return TradeSummary(str(row.get("tid") or ""), row.get("status") or "",
                            parse_beijing(modified) if modified else None,
                            needs_full_detail(row))

    def trade_detail(self, tid):
        return self.call("taobao.trade.fullinfo.get", {"tid": tid, "fields": FULL_FIELDS}) \
            .get("trade") or {}

    def plan(self, raw, refund_fees=None):
        return plan_trade(raw, refund_fees)

    def sold_units(self, raw):
        return sold_units(raw)

    def refunded_sub_orders(self, raw):
        return refunded_sub_orders(raw)

    def refund_fee(self, refund_id):
        refund = self.refund_detail(refund_id)
        return to_money(refund.get("refund_fee"), "refund %s refund_fee" % refund_id)

    # -- items --------------------------------------------------------------
    def list_items(self, name=None, modified_from=None, modified_to=None):
        """Items on sale and in the warehouse, newest first, each once."""
        params = {"fields": ITEM_LIST_FIELDS, "q": (name or "").strip() or None,
                  "start_modified": beijing_str(modified_from) if modified_from else None,
                  "end_modified": beijing_str(modified_to) if modified_to else None,
                  "order_by": "modified:desc"}
        rows, seen = [], set()
        for method, max_pages in ITEM_LIST_METHODS:
            for page in self._pages(self.client.iter_pages(
                    method, params, "items", ITEM_PAGE, False, max_pages)):
                for row in page:
                    num_iid = str(row["num_iid"])
                    if num_iid not in seen:
                        seen.add(num_iid)
                        rows.append(dict(row, num_iid=num_iid))
        return rows

    def count_skus(self, item_ids):
        counts = dict.fromkeys(item_ids, 0)
        item_ids = list(item_ids)
        for start in range(0, len(item_ids), SKU_BATCH):
            skus = self.call("taobao.item.skus.get", {
                "fields": "sku_id,num_iid,status",
                "num_iids": ",".join(item_ids[start:start + SKU_BATCH])}).get("skus")
            for sku in skus or []:
                if sku.get("status", "normal") != "delete":
                    key = str(sku.get("num_iid"))
                    counts[key] = counts.get(key, 0) + 1
        return counts

    def item_plans(self, item_ids):
        """Yield, per batch of items, [(item_id, plan or None, ItemError or None)]."""
        item_ids = list(item_ids)
        for start in range(0, len(item_ids), ITEM_BATCH):
            chunk = item_ids[start:start + ITEM_BATCH]
            items = self.call("taobao.items.seller.list.get", {
                "fields": ITEM_DETAIL_FIELDS, "num_iids": ",".join(chunk)}).get("items") or []
            yield self.batch_plans(chunk, items)

    @staticmethod
    def batch_plans(item_ids, items):
        """[(item_id, plan, error)] of ``items`` as taobao.items.seller.list.get
        answered for ``item_ids``."""
        by_id = {str(item.get("num_iid")): item for item in items}
        return [_item_plan(item_id, by_id.get(item_id)) for item_id in item_ids]

    # -- stock --------------------------------------------------------------
    def push_stock(self, quantities):
        for call in plan_calls(quantities):
            try:
                response = self.call(call.method, call.params)
            except PlatformError as err:
                yield StockResult(call.num_iid, call.quantities, None, err)
                if isinstance(err, SessionExpiredError):
                    return
                continue
            yield StockResult(call.num_iid, call.quantities,
                              accepted_quantities(call, response), None)

    # -- shipments ----------------------------------------------------------
    def list_carriers(self):
        rows = self.call("taobao.logistics.companies.get",
                         {"fields": "id,code,name,reg_mail_no"}).get("logistics_companies")
        return [{"code": str(r.get("code") or ""), "name": r.get("name") or r.get("code"),
                 "regex": r.get("reg_mail_no") or ""}
                for r in rows or [] if r.get("code")]

    def _shipment_params(self, shipment):
        params = {"tid": shipment.tid, "out_sid": shipment.waybill,
                  "company_code": shipment.carrier_code}
        if set(shipment.sub_ids) != set(shipment.all_sub_ids):
            params.update(is_split=1, sub_tid=",".join(shipment.sub_ids))
        return params

    def send_shipment(self, shipment):
        if shipment.dummy:
            return self.call("taobao.logistics.dummy.send", {"tid": shipment.tid})
        # offline.send refuses cash on delivery: the carrier collects for the platform.
        method = "taobao.logistics.online.send" if shipment.cod else \
            "taobao.logistics.offline.send"
        return self.call(method, self._shipment_params(shipment))

    def resend_shipment(self, shipment):
        return self.call("taobao.logistics.consign.resend", self._shipment_params(shipment))

    def shipped_sub_orders(self, tid):
        trade = self.call("taobao.trade.fullinfo.get",
                          {"tid": tid, "fields": SHIPPING_FIELDS}).get("trade") or {}
        orders = trade.get("orders") or []
        if isinstance(orders, dict):
            orders = orders.get("order") or []
        return {str(o.get("oid")): str(o.get("invoice_no") or "") for o in orders
                if o.get("consign_time") or o.get("invoice_no")}

    # -- e-waybills (Cainiao) -------------------------------------------------
    waybill_batch = WAYBILL_BATCH

    def waybill_accounts(self):
        subs = self.call("cainiao.waybill.ii.search").get("waybill_apply_subscription_cols")
        return [dict(_branch(branch), carrier_code=str(sub.get("cp_code") or ""))
                for sub in subs or [] for branch in sub.get("branch_account_cols") or []]

    def waybill_templates(self):
        result = self.call("cainiao.cloudprint.stdtemplates.get").get("result") or {}
        return {str(row.get("cp_code") or ""): [
            {"name": t.get("standard_template_name") or "",
             "url": t.get("standard_template_url") or ""}
            for t in row.get("standard_templates") or []]
            for row in (result.get("datas") or [])}

    def get_waybills(self, account, parcels):
        request = {"cp_code": account["carrier_code"], "sender": _cainiao_person(
            account["sender"]), "trade_order_info_dtos": [_order_info(p) for p in parcels]}
        if account.get("template_url"):
            request["template_url"] = account["template_url"]
        raw = json.dumps(request, ensure_ascii=False)
        answer = self.call("cainiao.waybill.ii.get",
                           {"param_waybill_cloud_print_apply_new_request": raw})
        return [{"object_id": str(m.get("object_id") or ""),
                 "waybill": str(m.get("waybill_code") or ""),
                 "print_data": m.get("print_data") or ""}
                for m in answer.get("modules") or []]

    def cancel_waybill(self, carrier_code, waybill):
        answer = self.call("cainiao.waybill.ii.cancel",
                           {"cp_code": carrier_code, "waybill_code": waybill})
        return answer.get("cancel_result") in (True, "true")

    # -- refunds ------------------------------------------------------------
    def iter_refunds(self, start, end):
        """Windows of one page each, at most a day long (see iter_trades).

        Paging one day's listing backwards skipped a refund that changed while
        it was read (its row moved to a page already read): a window read in
        one call has no page boundary to move across.
        """
        iterator = self.client.iter_time_windows(
            "taobao.refunds.receive.get", {"fields": REFUND_FIELDS}, "refunds",
            "start_modified", "end_modified", start, end, page_size=self.page_size,
            id_key="refund_id", max_span=REFUND_WINDOW)
        for window_start, window_end, rows in self._pages(iterator):
            yield window_start, window_end, _unique_refunds(rows)

    def refund_needs_detail(self, raw):
        return needs_refund_detail(raw)

    def refund_detail(self, refund_id):
        """The list row's missing fields, from taobao.refund.get."""
        refund = self.call("taobao.refund.get", {"refund_id": refund_id,
                                                 "fields": REFUND_DETAIL_FIELDS})
        return refund.get("refund") or {}

    def refund_plan(self, raw):
        return plan_refund(raw)

    # -- settlement -----------------------------------------------------------
    def iter_settlement(self, start, end):
        """taobao.bill.bills.get one day at a time (its longest span), page by page."""
        answer = self.call("taobao.bill.accounts.get", {"fields": TOP_ACCOUNT_FIELDS})
        accounts = answer.get("accounts") or []
        if isinstance(accounts, dict):
            accounts = accounts.get("account") or []
        codes = {str(a.get("account_id")): (a.get("account_code"), a.get("account_name"))
                 for a in accounts}
        day = start
        while day < end:
            until = min(day + timedelta(days=1), end)
            for bill in self._bills(day, until):
                row = top_settlement_row(bill, codes)
                row["when"] = parse_beijing(row["when"]) if row["when"] else until
                yield row
            day = until

    def _bills(self, start, end):
        page = 1
        while True:
            answer = self.call("taobao.bill.bills.get", {
                "fields": TOP_BILL_FIELDS, "start_time": beijing_str(start),
                "end_time": beijing_str(end), "time_type": 1, "page_no": page,
                "page_size": 100})
            bills = answer.get("bills") or []
            if isinstance(bills, dict):
                bills = bills.get("bill") or []
            for bill in bills:
                yield bill
            if not answer.get("has_next"):
                return
            page += 1

    # -- after-sales decisions ------------------------------------------------
    decisions = ("agree", "return", "refuse")

    def _decision_detail(self, refund_id):
        """Version and phase: a decision on an older version is refused."""
        answer = self.call("taobao.refund.get", {"refund_id": refund_id,
                                                 "fields": TOP_DECISION_FIELDS})
        return answer.get("refund") or {}

    def agree_refunds(self, refunds):
        results = {}
        for start in range(0, len(refunds), TOP_AGREE_BATCH):
            batch = refunds[start:start + TOP_AGREE_BATCH]
            infos = [top_agree_info(rid, amount, self._decision_detail(rid))
                     for rid, amount in batch]
            answer = self.call("taobao.rp.refunds.agree", {"refund_infos": ",".join(infos)})
            results.update(top_agree_results(answer, [rid for rid, _amount in batch]))
        return results

    def agree_return(self, refund_id, address, remark):
        detail = self._decision_detail(refund_id)
        self.call("taobao.rp.returngoods.agree", {
            "refund_id": refund_id, "seller_address_id": address["address_id"],
            "name": address["name"], "address": address["street"], "post": address["zip"],
            "tel": address["phone"] or address["mobile"],
            "mobile": address["mobile"] or address["phone"], "remark": remark or None,
            "refund_phase": detail.get("refund_phase") or None,
            "refund_version": detail.get("refund_version") or None})
        return True

    def refuse_refund(self, refund_id, reason):
        detail = self._decision_detail(refund_id)
        self.call("taobao.refund.refuse", {
            "refund_id": refund_id, "refuse_message": reason,
            "refund_phase": detail.get("refund_phase") or None,
            "refund_version": detail.get("refund_version") or None})
        return True

    # -- buyer privacy --------------------------------------------------------
    reveal_scenes = TOP_REVEAL_SCENES

    def decrypt_receivers(self, receivers, scene):
        query = [{"tid": r["tid"], "oaid": r["oaid"], "scene": self.reveal_scenes[scene]}
                 for r in receivers]
        rows = self.call("taobao.top.oaid.decrypt",
                         {"query_list": json.dumps(query)}).get("receiver_list") or []
        return [_receiver(row) for row in rows]

    def merge_groups(self, receivers):
        groups = []
        entries = [{"tid": r["tid"], "oaid": r["oaid"]} for r in receivers if r.get("oaid")]
        for start in range(0, len(entries), MERGE_BATCH):
            answer = self.call("taobao.top.oaid.merge", {
                "merge_list": json.dumps(entries[start:start + MERGE_BATCH])})
            # Taobao answers one string per group, a trade alone as its own.
            groups += [sorted(group.split(",")) for group in answer.get("tid_list") or []
                       if "," in group]
        return sorted(groups)

    # -- message channel (TMC) ------------------------------------------------
    realtime_available = True

    def realtime_permit(self):
        try:
            return tmc.permit(self.client, TMC_TRADE_TOPICS + TMC_REFUND_TOPICS)
        except TopError as err:
            raise neutral_error(err) from err

    def realtime_fetch(self, quantity=200):
        try:
            return [_tmc_event(row) for row in tmc.consume(self.client, quantity)]
        except TopError as err:
            raise neutral_error(err) from err

    def realtime_confirm(self, event_ids):
        try:
            return tmc.confirm(self.client, event_ids)
        except TopError as err:
            raise neutral_error(err) from err

    def find_trades_by_receiver(self, name=None, mobile=None, phone=None, scene=None):
        query = {"name": name or None, "mobile": mobile or None, "phone": phone or None}
        answer = self.call("taobao.trades.sold.query", {
            "scene": TOP_QUERY_SCENES[scene or "customer_care"],
            "query_list": json.dumps([{k: v for k, v in query.items() if v}])})
        return [str(tid) for tid in answer.get("tid_list") or []]


def _tmc_event(row):
    """The neutral event of a TMC message (see PlatformAdapter.realtime_fetch)."""
    topic = row.get("topic") or ""
    content = row.get("content") if isinstance(row.get("content"), dict) else {}
    kind = "trade" if topic in TMC_TRADE_TOPICS else \
        "refund" if topic in TMC_REFUND_TOPICS else None
    tid = str(content.get("tid") or "") or None
    refund_id = str(content.get("refund_id") or "") or None
    if kind == "refund" and not refund_id or not tid:
        kind = None  # nothing to re-read
    elif kind == "trade" and content.get("status") in TMC_UNPAID:
        kind = None  # not an order yet: its TradeBuyerPay message follows
    try:
        published = parse_beijing(row["pub_time"]) if row.get("pub_time") else None
    except ValueError:
        published = None
    return {"id": str(row.get("id")), "kind": kind, "tid": tid, "refund_id": refund_id,
            "seller_id": str(row.get("user_id") or ""), "topic": topic,
            "seller_nick": row.get("user_nick") or content.get("seller_nick") or "",
            "published": published}


def _receiver(row):
    """A decrypted TOP receiver in the neutral keys."""
    plain = {key: str(row.get(key) or "") for key in
             ("name", "mobile", "phone", "state", "city", "district", "town")}
    return dict(plain, address=str(row.get("address_detail") or ""),
                tid=str(row.get("tid") or ""), oaid=str(row.get("oaid") or ""),
                matched=row.get("matched") in (True, "true"))


def _branch(row):
    addresses = [{"state": a.get("province") or "", "city": a.get("city") or "",
                  "district": a.get("district") or "", "town": a.get("town") or "",
                  "address": a.get("detail") or ""}
                 for a in row.get("shipp_address_cols") or []]
    return {"branch_code": str(row.get("branch_code") or ""),
            "branch_name": row.get("branch_name") or "",
            "quantity": int(row.get("quantity") or 0), "addresses": addresses}


def _cainiao_address(person):
    return {"province": person.get("state") or "", "city": person.get("city") or "",
            "district": person.get("district") or "", "town": person.get("town") or "",
            "detail": person.get("address") or ""}


def _cainiao_person(person):
    return {"name": person.get("name") or "", "mobile": person.get("mobile") or "",
            "phone": person.get("phone") or "", "address": _cainiao_address(person)}


def _order_info(parcel):
    receiver = parcel["receiver"]
    recipient = {"oaid": receiver["oaid"], "tid": receiver["tid"]} if receiver.get("oaid") \
        else _cainiao_person(receiver)
    return {"object_id": parcel["object_id"],
            "order_info": {"order_channels_type": ORDER_CHANNELS.get(parcel.get("channel"),
                                                                     "TB"),
                           "trade_order_list": list(parcel["tids"])},
            "package_info": {"id": parcel.get("package_id") or parcel["object_id"],
                             "items": [{"name": i["name"], "count": i["count"]}
                                       for i in parcel.get("items") or []]},
            "recipient": recipient}


def _item_plan(item_id, item):
    if item is None:
        return item_id, None, ItemError("not_found", "Item %(num_iid)s was not found",
                                        num_iid=item_id)
    try:
        return item_id, build_plan(item), None
    except ItemError as err:
        return item_id, None, err
    except (TypeError, AttributeError) as err:
        # A field of an unexpected JSON type: this item only, not the batch.
        return item_id, None, ItemError("malformed_data", "Malformed item data: %(error)s",
                                        error=err)


def _unique_refunds(rows):
    """A crowded second is paged and may show a refund twice: keep the newest row."""
    latest = {}
    for row in rows:
        key = str(row.get("refund_id") or "") if isinstance(row, dict) else ""
        if not key:
            latest[id(row)] = row  # malformed: let the mapping refuse it with its reason
        elif key not in latest or (row.get("modified") or "") >= (
                latest[key].get("modified") or ""):
            latest[key] = row
    return list(latest.values())
