# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The working tree's half of the upgrade test (tools/test_upgrade.sh), run by pytest on
the database that the released version filled (tools/upgrade/fill.py) and that
`-u ecommerce_sync` upgraded.

Records and fields are compared as the released version knew them: models and fields
added since do not matter, a record or a stored field that disappeared does. Tests run
in file order: the comparison first, then the ones that use the data.
"""
import ast
import os
import sys
from datetime import datetime, timedelta

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rpc  # noqa: E402  (a sibling script)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def odoo():
    return rpc.from_env()[0]


@pytest.fixture(scope="module")
def sandbox():
    return rpc.from_env()[1]


@pytest.fixture(scope="module")
def state():
    return rpc.load_state()


def manifest_version():
    with open(os.path.join(ROOT, "__manifest__.py")) as stream:
        return ast.literal_eval(stream.read())["version"]


def test_upgrade_logged_no_error():
    with open(os.environ["UPGRADE_LOG_ERRORS"]) as stream:
        errors = stream.read().strip()
    assert not errors, "the upgrade logged errors:\n" + errors[:3000]


def test_module_is_at_the_new_version(odoo):
    module = odoo.call("ir.module.module", "search_read", [("name", "=", "ecommerce_sync")],
                       ["state", "latest_version"])[0]
    assert module["state"] == "installed"
    assert module["latest_version"] == manifest_version()


def test_every_record_and_field_survives(odoo, state):
    problems = []
    for model, before in sorted(state["snapshot"].items()):
        names = [n for n in before["fields"]
                 if n not in rpc.CHANGED_BY_MIGRATION.get(model, ())]
        gone = sorted(set(names) - set(odoo.stored_fields(model)))
        if gone:
            problems.append("%s: stored fields gone: %s" % (model, ", ".join(gone)))
            names = [n for n in names if n not in gone]
        ids = [int(i) for i in before["records"]]
        after = {str(r["id"]): r for r in odoo.call(
            model, "read", ids, names, context={"active_test": False})} if ids else {}
        for rec_id, old in sorted(before["records"].items()):
            new = after.get(rec_id)
            if new is None:
                problems.append("%s(%s) is gone" % (model, rec_id))
                continue
            changed = ["%s: %r -> %r" % (n, old[n], new[n]) for n in names if old[n] != new[n]]
            if changed:
                problems.append("%s(%s) %s" % (model, rec_id, "; ".join(changed)))
    assert not problems, "\n".join(problems[:40])
    assert sum(len(b["records"]) for b in state["snapshot"].values()) > 50


def shop(odoo, state, *names):
    return odoo.call("ecommerce.shop", "read", [state["shop_id"]], list(names))[0]


def test_watermarks_survive(odoo, state):
    before = state["snapshot"]["ecommerce.shop"]["records"][str(state["shop_id"])]
    now = shop(odoo, state, "order_sync_watermark", "refund_sync_watermark",
               "order_sync_last_success", "refund_sync_last_success")
    for name in now:
        if name != "id":
            assert before[name], "%s was not set before the upgrade" % name
            assert now[name] == before[name], name


def jobs(odoo, state_name, method=None):
    domain = [("state", "=", state_name)]
    if method:
        domain.append(("method_name", "=", method))
    return odoo.call("queue.job", "search_read", domain, ["uuid", "method_name", "state"])


def test_open_jobs_still_run(odoo):
    """The runner picks the waiting jobs up after the upgrade: enqueued and pending run to
    done, and a job whose worker died (started) runs once requeued."""
    waiting = jobs(odoo, "enqueued") + jobs(odoo, "pending", "_job_sync_refunds")
    started = jobs(odoo, "started")
    assert waiting and started
    odoo.call("queue.job", "requeue", odoo.call(
        "queue.job", "search", [("uuid", "in", [j["uuid"] for j in started])]))
    for job in waiting + started:
        ran = odoo.run_job(job["uuid"])
        assert ran["state"] == "done", "%s: %s" % (job["method_name"], ran["exc_info"])


def test_failed_job_runs_once_its_cause_is_fixed(odoo, state):
    """The trade refused for an unmapped SKU: map the item, requeue, and it is an order."""
    failed = jobs(odoo, "failed", "_job_retry_trade")
    assert failed
    answer = odoo.call("ecommerce.shop", "import_platform_items", [state["shop_id"]],
                       num_iids=[state["unmapped_item"]])
    assert not answer["errors"]
    odoo.call("queue.job", "requeue", odoo.call(
        "queue.job", "search", [("uuid", "in", [j["uuid"] for j in failed])]))
    for job in failed:
        ran = odoo.run_job(job["uuid"])
        assert ran["state"] == "done", ran["exc_info"]
    orders = odoo.call("sale.order", "search_read",
                       [("ecommerce_tid", "in", state["refused"])], ["state"])
    assert len(orders) == len(state["refused"])


def beijing(delta=timedelta()):
    return (datetime.utcnow() + timedelta(hours=8) + delta).strftime("%Y-%m-%d %H:%M:%S")


def test_order_import_continues_from_the_watermark(odoo, sandbox, state):
    before = state["snapshot"]["ecommerce.shop"]["records"][str(state["shop_id"])]
    trade = next(t for t in sandbox.state()["trades"]
                 if t["status"] == "WAIT_SELLER_SEND_GOODS" and len(t["orders"]["order"]) == 1)
    tid = "9%s" % trade["tid"][1:]
    trade.update(tid=tid, created=beijing(-timedelta(minutes=2)), modified=beijing(),
                 pay_time=beijing(-timedelta(minutes=1)), buyer_message="", seller_memo="",
                 has_buyer_message=False)
    trade["orders"]["order"][0]["oid"] = tid
    sandbox.post("/_sandbox/upsert", {"trades": [trade], "items": [], "refunds": []})
    summary = odoo.call("ecommerce.shop", "sync_orders", [state["shop_id"]])
    assert not summary.get("error"), summary
    order = odoo.call("sale.order", "search_read", [("ecommerce_tid", "=", tid)],
                      ["state", "amount_total", "picking_ids"])
    assert len(order) == 1 and order[0]["state"] == "sale" and order[0]["picking_ids"]
    assert order[0]["amount_total"] == float(trade["payment"])
    now = shop(odoo, state, "order_sync_watermark")
    assert now["order_sync_watermark"] > before["order_sync_watermark"]


def test_held_goods_stay_held_and_refunds_go_on(odoo, sandbox, state):
    """The order held by the open refund keeps its goods until the refund ends; the
    platform's answer after the upgrade reaches the same refund record."""
    tid = state["refund_waiting"]
    held = odoo.call("sale.order", "search_read", [("ecommerce_tid", "=", tid)],
                     ["ecommerce_review_needed", "ecommerce_refund_ids"])[0]
    assert held["ecommerce_refund_ids"]
    assert odoo.call("sale.order", "search_count", [("id", "in", state["held"]),
                                                    ("ecommerce_review_needed", "=", True)])
    trade = next(t for t in sandbox.state()["trades"] if t["tid"] == tid)
    sandbox.refund(tid, "SUCCESS", oid=trade["orders"]["order"][0]["oid"])
    answer = odoo.call("ecommerce.shop", "sync_refunds", [state["shop_id"]])
    assert answer.get("updated") == 1 and not answer.get("failed"), answer
    refund = odoo.call("ecommerce.refund", "read", held["ecommerce_refund_ids"], ["status"])
    assert [r["status"] for r in refund] == ["SUCCESS"]
