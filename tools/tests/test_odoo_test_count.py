# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""tools/odoo_test_count.py counts the Odoo tests the way Odoo 11 runs them."""
import importlib.util
import os
import textwrap

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def counter():
    spec = importlib.util.spec_from_file_location(
        "odoo_test_count", os.path.join(TOOLS, "odoo_test_count.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_tests(tmp_path, files):
    folder = tmp_path / "tests"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text))
    return str(folder)


COMMON = '''
from odoo.tests import common


@common.at_install(False)
@common.post_install(True)
class PostCase(common.SavepointCase):
    def setUp(self):
        super().setUp()
'''

TEST_IMPORT = '''
from odoo.tests import common
from .common import PostCase


class OrderCase(PostCase):
    def test_shared(self):
        pass


class TestImport(OrderCase):
    def test_own(self):
        pass


class TestTwice(common.TransactionCase):
    @common.post_install(True)
    def test_at_and_post_install(self):
        pass

    @common.at_install(False)
    def test_never(self):
        pass
'''

TEST_CRON = '''
from .test_import import OrderCase


class TestCron(OrderCase):
    def test_cron(self):
        pass
'''


def test_counts_follow_odoo_11(tmp_path):
    folder = make_tests(tmp_path, {
        "__init__.py": "from . import test_import\nfrom . import test_cron\n",
        "common.py": COMMON,
        "test_import.py": TEST_IMPORT,
        "test_cron.py": TEST_CRON,
        "test_forgotten.py": "import unittest\n\nclass T(unittest.TestCase):\n"
                             "    def test_x(self):\n        pass\n",
    })
    counts = counter().expected_counts(folder)
    # test_import: OrderCase 1 + TestImport 2 (inherits test_shared) + TestTwice 2 (+0)
    # test_cron: OrderCase imported there runs again (1) + TestCron 2; test_forgotten
    # is not imported by tests/__init__.py, so Odoo never sees it.
    assert counts == {"test_import": 5, "test_cron": 3}


def test_only_limits_the_count(tmp_path):
    folder = make_tests(tmp_path, {
        "__init__.py": "from . import test_import\nfrom . import test_cron\n",
        "common.py": COMMON,
        "test_import.py": TEST_IMPORT,
        "test_cron.py": TEST_CRON,
    })
    assert counter().expected_counts(folder, ["test_cron"]) == {"test_cron": 3}


def test_the_addon_holds_tests():
    addon_tests = os.path.join(TOOLS, "..", "tests")
    counts = counter().expected_counts(addon_tests)
    assert "test_shop" in counts and sum(counts.values()) > 100
