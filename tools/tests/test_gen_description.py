# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""static/description/index.html (the Apps page) is built from readme/ and is up to date."""
import importlib.util
import os

import pytest

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def script():
    spec = importlib.util.spec_from_file_location(
        "gen_description", os.path.join(TOOLS, "gen_description.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_page_tells_every_platform_in_both_languages():
    text = script().source()
    for words in ("Taobao", "JD", "own web shop", "Shop Health", "电商订单同步", "京东", "自有商城"):
        assert words in text


def test_page_is_up_to_date_with_readme_and_manifest():
    pytest.importorskip("docutils")
    assert script().main(["--check"]) == 0, "run tools/gen_description.py"


def test_a_changed_fragment_shows(tmp_path):
    pytest.importorskip("docutils")
    (tmp_path / "DESCRIPTION.rst").write_text("Sells 拼多多 too.\n", encoding="utf-8")
    html = script().render(script().source(str(tmp_path)))
    assert "拼多多" in html and "Configuration" not in html
