# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Without SANDBOX_URL, the addon's Odoo tests start the TOP sandbox themselves.

That is what lets a plain `odoo -i ecommerce_sync --test-enable --stop-after-init`
(OCA CI, runbot) pass. tests/common.py is loaded here as Odoo loads it, inside the
addon package, with the few odoo.tests names it uses at import time stubbed.
"""
import importlib
import os
import sys
import types

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class _Case(object):
    pass


def _flag(_value):
    return lambda cls: cls


def _package(name, path):
    module = types.ModuleType(name)
    module.__path__ = [path]
    return module


@pytest.fixture
def addon_common(monkeypatch):
    monkeypatch.delenv("SANDBOX_URL", raising=False)
    odoo_tests_common = types.ModuleType("odoo.tests.common")
    odoo_tests_common.at_install = odoo_tests_common.post_install = _flag
    odoo_tests_common.SavepointCase = odoo_tests_common.HttpCase = _Case
    odoo_tests = types.ModuleType("odoo.tests")
    odoo_tests.common = odoo_tests_common
    odoo = types.ModuleType("odoo")
    odoo.tests = odoo_tests
    modules = {
        "odoo": odoo, "odoo.tests": odoo_tests, "odoo.tests.common": odoo_tests_common,
        # the addon and its tests package, without running their __init__ (the ORM)
        "ecs_addon": _package("ecs_addon", ROOT),
        "ecs_addon.tests": _package("ecs_addon.tests", os.path.join(ROOT, "tests")),
    }
    for name, module in modules.items():
        monkeypatch.setitem(sys.modules, name, module)
    for name in ("ecs_addon.tests.common", "ecs_addon.sandbox", "ecs_addon.sandbox.top_sandbox"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    return importlib.import_module("ecs_addon.tests.common")


def test_sandbox_starts_in_process_with_the_test_data(addon_common):
    url = addon_common.SANDBOX_URL
    assert url.startswith("http://127.0.0.1:") and not url.endswith(":8123")
    sandbox = addon_common.Sandbox()
    assert sandbox.url == url
    assert sandbox.reset()["ok"]
    state = sandbox.state()  # tests/data/sandbox_base.json: an empty shop
    assert (state["items"], state["trades"]) == ([], [])
    shop = addon_common.shop_vals()
    assert (shop["app_url"], shop["app_key"], shop["session_key"]) == (
        url, "12345678", "sandbox-session")
