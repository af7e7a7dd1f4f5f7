# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The layers' arrows point one way (docs/development.md, "Layout: the layers").

synchronizers/ and models/ speak neutral operations: they reach a platform only
through adapters/, never through a platform client (top_client/, jd_client/) or
the base they share (gateway_client/). That base knows no platform and nothing above it.
synchronizers/ sit below models/: they never import from it.
"""
import ast
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ADDON = "odoo.addons.ecommerce_sync"
CLIENTS = ("top_client", "jd_client", "gateway_client")
ABOVE_THE_CLIENTS = ("adapters", "mapping", "synchronizers", "models", "wizards", "controllers")


def imported_packages(source, package):
    """The addon's top-level folders ``source`` (a module of ``package``) imports."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the addon root
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                names = [".".join(base[1:] + ([node.module] if node.module else []))]
                if not node.module:
                    names = [".".join(base[1:] + [alias.name]) for alias in node.names]
            else:
                names = [node.module]
        else:
            continue
        for name in names:
            if name.startswith(ADDON + "."):
                name = name[len(ADDON) + 1:]
            found.add(name.split(".")[0])
    return found


def sources(folder):
    path = os.path.join(ROOT, folder)
    for name in sorted(os.listdir(path)):
        if name.endswith(".py"):
            with open(os.path.join(path, name), encoding="utf-8") as handle:
                yield name, handle.read()


def violations(folder, forbidden):
    """[(file, folder imported)] of ``folder``'s modules importing any of ``forbidden``."""
    return [(name, package) for name, source in sources(folder)
            for package in sorted(imported_packages(source, "ecommerce_sync." + folder)
                                  & set(forbidden))]


@pytest.mark.parametrize("folder", ["synchronizers", "models"])
def test_no_platform_client_in_the_neutral_layers(folder):
    assert violations(folder, CLIENTS) == [], \
        "go through the shop's adapter (adapters/) instead of a platform client"


def test_the_shared_client_base_knows_no_platform():
    assert violations("gateway_client", ("top_client", "jd_client") + ABOVE_THE_CLIENTS) == [], \
        "the platform's own part belongs in its client's subclass (top_client/, jd_client/)"


def test_synchronizers_do_not_import_models():
    assert violations("synchronizers", ["models"]) == [], \
        "move what both need to mapping/ (pure) or ask the model through self.env"


@pytest.mark.parametrize("line", [
    "from ..top_client import parse_beijing",
    "from .. import jd_client",
    "from odoo.addons.ecommerce_sync.top_client.timeutil import parse_beijing",
    "import odoo.addons.ecommerce_sync.jd_client",
    "from ..gateway_client import GatewayClient",
])
def test_the_check_finds_a_client_import(line):
    assert imported_packages(line, "ecommerce_sync.synchronizers") & set(CLIENTS)


@pytest.mark.parametrize("line, package", [
    ("from ..models.ecommerce_refund import GOOD_STATUS_SELECTION", "models"),
    ("from ..mapping.refund_mapping import REFUND_DONE", "mapping"),
    ("from .order_follower import refund_text", "synchronizers"),
    ("from odoo import models", "odoo"),
])
def test_the_check_resolves_relative_imports(line, package):
    assert imported_packages(line, "ecommerce_sync.synchronizers") == {package}
