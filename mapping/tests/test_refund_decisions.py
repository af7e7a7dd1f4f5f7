# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from decimal import Decimal

from ..refund_decisions import fen, top_agree_info, top_agree_results


def test_fen_rounds_half_up():
    assert fen(Decimal("25.50")) == 2550
    assert fen(0.295) == 30
    assert fen("6000") == 600000


def test_agree_info_names_version_and_phase():
    detail = {"refund_version": 20240501110000, "refund_phase": "onsale"}
    assert top_agree_info("15", 99.9, detail) == "15|9990|20240501110000|onsale"


def test_results_in_both_shapes_and_missing_ones():
    rows = [{"refund_id": "1", "succ": True, "message": "ok"},
            {"refund_id": "2", "succ": False, "message": "version outdated"}]
    for answer in ({"results": rows}, {"results": {"refund_mapping_result": rows}}):
        got = top_agree_results(answer, ["1", "2", "3"])
        assert got["1"] == (True, "ok") and got["2"] == (False, "version outdated")
        assert got["3"][0] is False
