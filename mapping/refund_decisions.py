# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""After-sales decisions in the platforms' words (pure functions, no I/O).

A decision answer is neutral: ``{refund_id: (accepted, message)}``.
"""
from decimal import ROUND_HALF_UP, Decimal

# TOP's taobao.rp.refunds.agree takes 20 refunds per call on Taobao.
TOP_AGREE_BATCH = 20
TOP_DECISION_FIELDS = "refund_id,refund_fee,refund_version,refund_phase,status"


def fen(amount):
    """Yuan (Decimal, float or text) -> integer fen, rounded half up."""
    return int((Decimal(str(amount)) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def top_agree_info(refund_id, amount, detail):
    """One ``refund_infos`` entry: ``refund_id|amount in fen|version|phase``."""
    return "%s|%d|%s|%s" % (refund_id, fen(amount), detail.get("refund_version") or 0,
                            detail.get("refund_phase") or "")


def top_agree_results(answer, asked):
    """The per-refund answers of taobao.rp.refunds.agree; a refund the answer leaves
    out was not agreed."""
    results = (answer or {}).get("results") or []
    if isinstance(results, dict):
        results = results.get("refund_mapping_result") or []
    known = {str(row.get("refund_id")): (row.get("succ") in (True, "true"),
                                         row.get("message") or "")
             for row in results if isinstance(row, dict)}
    return {refund_id: known.get(refund_id, (False, "The platform gave no answer for it"))
            for refund_id in asked}
