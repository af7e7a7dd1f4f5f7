# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The books of a month: 3,000 trades (x --scale), 5 % refunded, the settlement matched.

On the TOP sandbox: the trades are imported (shop invoicing on confirmation into a
clearing journal), invoiced by the OCA workflow job, shipped on the platform. The
invoicing is measured both ways in the same run: a sample (a tenth, 10 to 50
orders; half before, half after the rest) through OCA's own loop of one order at
a time (the "before"), the rest through the shop's batches, which the workflow
cron runs (the "after"); seconds and SQL queries per order for each. 5 %
are refunded in part after Odoo shipped them (a credit note each), 90 % are
finished by the buyer and so billed (money released, commission, payment fee).
Then the settlement is imported and matched. Checked, to the cent: the clearing
journal's balance equals what the platform still owes (finished trades' net
payout plus unfinished trades' money), and the margin report's rows add up to
its totals. Unmatched lines are reported with their reasons. The platform's times
are all "now" (the sandbox bills a trade when it finishes), not spread over a month.
"""
import datetime
import sys

from bench_orders import create_catalogue, make_data
from common import Sandbox, create_shop, odoo_env, parse_args, profiled, record, stopwatch

TRADES, REFUNDED, UNFINISHED = 3000, 0.05, 0.10
OCA_SAMPLE = (0.1, 10, 50)  # share of the due orders, at least, at most


def oca_loop(env, shop, orders):
    """Invoice ``orders`` as OCA's job does for any workflow: one order at a time,
    the user's company switched around each."""
    job, invoicer = env["automatic.workflow.job"], env["ecommerce.order.invoicer"]
    workflow = shop._invoice_workflow()
    job._create_invoices(invoicer._workflow_domain(workflow, "create_invoice_filter_id")
                         + [("id", "in", orders.ids)])
    job._validate_invoices(invoicer._workflow_domain(workflow, "validate_invoice_filter_id")
                           + [("invoice_line_ids.sale_line_ids.order_id", "in", orders.ids)])


def measured(env, work):
    """Run ``work()``; (seconds, SQL queries) until its commit."""
    queries = env.cr.sql_log_count
    with stopwatch() as clock:
        work()
    queries = env.cr.sql_log_count - queries
    env.cr.commit()
    return clock["seconds"], queries


def cents(value):
    return int(round(float(value) * 100))


def books(env, shop):
    """The accounts a shop's books need (the bench database has no chart)."""
    account, ref = env["account.account"], env.ref
    income = account.create({"code": "B6001", "name": "Sales",
                             "user_type_id": ref("account.data_account_type_revenue").id})
    receivable = account.create({"code": "B1122", "name": "Buyers", "reconcile": True,
                                 "user_type_id": ref("account.data_account_type_receivable").id})
    clearing = account.create({"code": "B1012", "name": "Alipay",
                               "user_type_id": ref("account.data_account_type_liquidity").id})
    expense = ref("account.data_account_type_expenses").id
    charges = [account.create({"code": "B66%02d" % n, "name": name, "user_type_id": expense})
               for n, name in enumerate(("Commission", "Payment fees", "Other"))]
    field = env["ir.model.fields"].search([("model", "=", "res.partner"),
                                           ("name", "=", "property_account_receivable_id")])
    env["ir.property"].create({"name": "property_account_receivable_id", "fields_id": field.id,
                               "company_id": shop.company_id.id,
                               "value_reference": "account.account,%d" % receivable.id})
    env["product.category"].search([]).write({"property_account_income_categ_id": income.id})
    env["account.tax"].search([]).write({"account_id": income.id,
                                         "refund_account_id": income.id})
    journal = env["account.journal"]
    sales = journal.create({"name": "Bench sales", "code": "BS", "type": "sale",
                            "default_debit_account_id": income.id,
                            "default_credit_account_id": income.id})
    alipay = journal.create({"name": "Bench Alipay", "code": "BC", "type": "bank",
                             "default_debit_account_id": clearing.id,
                             "default_credit_account_id": clearing.id})
    shop.write({"invoice_policy": "confirm", "journal_id": sales.id,
                "clearing_journal_id": alipay.id, "commission_account_id": charges[0].id,
                "payment_fee_account_id": charges[1].id, "other_fee_account_id": charges[2].id})
    return clearing


def ship_in_odoo(order):
    # A merged order's goods leave in another order's parcel (合单): all its deliveries.
    for picking in order.ecommerce_delivery_ids.filtered(
            lambda p: p.state not in ("done", "cancel")):
        picking.force_assign()
        for move in picking.move_lines:
            move.quantity_done = move.product_uom_qty
        picking.action_done()


def main():
    args = parse_args()
    count = max(20, int(TRADES * args.scale))
    data = make_data(count)
    sandbox = Sandbox(args.sandbox_url)
    env = odoo_env(args.db)
    shop = create_shop(env, args.sandbox_url, "Bench books", "BB")
    create_catalogue(env, shop, data["items"])
    clearing = books(env, shop)
    env.cr.commit()
    trades = sorted(data["trades"], key=lambda t: t["modified"])
    sandbox.reset({"items": data["items"], "trades": trades})
    start = (datetime.datetime.utcnow() - datetime.timedelta(days=6)).strftime(
        "%Y-%m-%d %H:%M:%S")
    shop.write({"order_sync_watermark": start, "order_check_days": 0})
    env.cr.commit()
    with stopwatch() as imported:
        summary = shop._sync_orders_run(commit=True)
    assert not summary.get("error") and not summary.get("failed"), summary
    invoicer = env["ecommerce.order.invoicer"]
    due, _drafts = invoicer._due(shop._invoice_workflow(), [("ecommerce_shop_id", "=", shop.id)],
                                 [("ecommerce_shop_id", "=", shop.id)])
    share, least, most = OCA_SAMPLE
    sample = due[:min(most, max(least, int(len(due) * share)))]
    # Half the sample before the batches, half after: a shared machine's load drifts.
    half, rest = len(sample) // 2, due[len(sample):]
    oca_s, oca_q = measured(env, lambda: oca_loop(env, shop, sample[:half]))
    with profiled("accounting_invoicing"):
        # What the workflow cron runs for the shop (the cron would take the sample too).
        batch_s, batch_q = measured(env, lambda: invoicer._start(shop).run(rest))
    late_s, late_q = measured(env, lambda: oca_loop(env, shop, sample[half:]))
    oca_s, oca_q = oca_s + late_s, oca_q + late_q
    batch_n = len(due) - len(sample)
    invoiced = {"seconds": oca_s + batch_s}
    orders = {o.ecommerce_tid: o for o in env["sale.order"].search(
        [("ecommerce_shop_id", "=", shop.id)])}
    tids = [t["tid"] for t in trades if t["tid"] in orders
            and orders[t["tid"]].invoice_ids and not orders[t["tid"]].ecommerce_hold_codes]
    refunded = set(tids[::int(1 / REFUNDED)])
    unfinished = set(tids[1::int(1 / UNFINISHED)]) - refunded
    for tid in tids:
        sandbox.post("/_sandbox/trade/%s/ship" % tid, {})
    refund_cents = {}
    for tid in refunded:
        ship_in_odoo(orders[tid])
        trade = next(t for t in trades if t["tid"] == tid)
        line = max(trade["orders"]["order"], key=lambda each: cents(each["payment"]))
        fee = "%.2f" % (cents(line["payment"]) // 10 / 100.0)  # a tenth back (价保)
        sandbox.post("/_sandbox/trade/%s/refund" % tid,
                     {"oid": line["oid"], "status": "SUCCESS", "refund_fee": fee})
        refund_cents[tid] = cents(fee)
    env.cr.commit()
    with stopwatch() as refunds:
        result = shop.sync_refunds()
        env.cr.commit()
    assert not result["failed"], result["failed"][:5]
    for tid in tids:
        if tid not in unfinished:
            sandbox.post("/_sandbox/trade/%s/finish" % tid, {})
    now = datetime.datetime.utcnow().replace(microsecond=0)
    period = [(now - datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S"),
              (now + datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")]
    with stopwatch() as settled:
        settlement = shop.import_settlement(*period)
        env.cr.commit()
    # What the platform still owes, from the platform's side of the books.
    owed = 0
    for trade in (t for t in trades if t["tid"] in set(tids)):
        net = cents(trade["payment"]) - refund_cents.get(trade["tid"], 0)
        if trade["tid"] in unfinished:
            owed += net
        else:
            owed += net - int(round(net * 0.05)) - int(round(net * 0.006))
    lines = env["account.move.line"].search([("account_id", "=", clearing.id)])
    balance = cents(sum(lines.mapped("debit")) - sum(lines.mapped("credit")))
    report = env["ecommerce.margin.report"]
    total = report.read_group([("shop_id", "=", shop.id)],
                              ["sales", "refunds", "fees", "cost", "margin"], [])[0]
    rows = report.search_read([("shop_id", "=", shop.id)], ["margin"])
    adds_up = abs(sum(r["margin"] for r in rows) - total["margin"]) < 0.005 and abs(
        total["sales"] - total["refunds"] - total["fees"] - total["cost"]
        - total["margin"]) < 0.005
    reasons = {}
    for line in settlement["unmatched"]:
        reasons[line["reason"]] = reasons.get(line["reason"], 0) + 1
    record(args.out, "books: import, invoice, refund, settle", imported["seconds"]
           + invoiced["seconds"] + refunds["seconds"] + settled["seconds"], count, "trades",
           sandbox.calls(), import_s=round(imported["seconds"], 1),
           invoice_s=round(invoiced["seconds"], 1),
           invoices=len(tids),
           oca_loop_orders=len(sample), oca_loop_s_each=round(oca_s / max(1, len(sample)), 3),
           oca_loop_queries_each=round(oca_q / max(1, len(sample))),
           batch_orders=batch_n, batch_s_each=round(batch_s / max(1, batch_n), 3),
           batch_queries_each=round(batch_q / max(1, batch_n)),
           refund_s=round(refunds["seconds"], 1), settle_s=round(settled["seconds"], 1),
           refunded=len(refunded), unfinished=len(unfinished),
           not_invoiced=len(trades) - len(tids),
           statement_lines=settlement["imported"], matched=settlement["matched"],
           unmatched=len(settlement["unmatched"]), unmatched_reasons=reasons,
           clearing_balance=balance / 100.0, still_owed=owed / 100.0,
           balance_equals_owed=balance == owed, margin=round(total["margin"], 2),
           margin_adds_up=adds_up)
    env.cr.close()
    if balance != owed or not adds_up:
        sys.exit("books do not add up: clearing %s, owed %s" % (balance, owed))


if __name__ == "__main__":
    import odoo
    with odoo.api.Environment.manage():
        main()
