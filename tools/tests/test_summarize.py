# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The test command's arithmetic (tools/summarize_tests.py, odoo_test_entry.py,
odoo_test_count.py), fed with the reports that a broken run leaves behind.

Each test is a way a run could end on a green closing line while something was
broken; the closing line is what CI and a seller's integrator read.
"""
import importlib.util
import json
import os
import subprocess
import sys
import textwrap
import unittest

import pytest

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUMMARIZE = os.path.join(TOOLS, "summarize_tests.py")

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="0" failures="{failures}" skipped="{skipped}"
 tests="{tests}" time="0.1"></testsuite></testsuites>
"""

TEST_A = '''
from odoo.tests import common


class Base(common.TransactionCase):
    """no test of its own"""


@common.at_install(False)
@common.post_install(True)
class TestA(Base):
    def test_one(self):
        pass

    def test_two(self):
        pass

    def helper(self):
        pass
'''

TEST_B = '''
from odoo.tests.common import TransactionCase


class TestB(TransactionCase):
    def test_one(self):
        pass

    def test_two(self):
        pass

    def test_three(self):
        pass
'''


def load(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(TOOLS, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def summarize(*args, **env):
    environ = dict(os.environ)
    environ.pop("CI", None)
    environ.update(env)
    proc = subprocess.run([sys.executable, SUMMARIZE] + [str(a) for a in args],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, env=environ, timeout=60)
    lines = proc.stdout.strip().splitlines()
    return proc.returncode, lines[-1] if lines else "", lines


def write(path, text):
    path.write_text(textwrap.dedent(text))
    return path


def junit(tmp_path, name, tests, failures=0, skipped=0):
    return write(tmp_path / name, JUNIT.format(tests=tests, failures=failures, skipped=skipped))


@pytest.fixture
def tests_dir(tmp_path):
    """An addon tests/ folder: test_a holds 2 Odoo tests, test_b 3."""
    folder = tmp_path / "tests"
    folder.mkdir()
    write(folder / "__init__.py", "from . import test_a\nfrom . import test_b\n")
    write(folder / "test_a.py", TEST_A)
    write(folder / "test_b.py", TEST_B)
    return folder


def odoo_results(tmp_path, outcomes):
    path = tmp_path / "odoo-results.jsonl"
    with open(str(path), "w") as stream:
        for i, outcome in enumerate(outcomes):
            stream.write(json.dumps({"test": "t.T.test_%d" % i, "outcome": outcome}) + "\n")
    return path


def test_odoo_exit_status_counts(tmp_path, tests_dir):
    results = odoo_results(tmp_path, ["passed"] * 5)
    status, closing, lines = summarize("--odoo", results, "--odoo-tests", tests_dir,
                                       "--exit", "odoo=1")
    assert closing == "5 passed, 1 failed"
    assert status == 1
    assert any("odoo" in line and "exit status 1" in line for line in lines)


def test_odoo_exit_status_is_not_counted_twice_with_failed_tests(tmp_path, tests_dir):
    results = odoo_results(tmp_path, ["passed"] * 4 + ["failed"])
    status, closing, _lines = summarize("--odoo", results, "--odoo-tests", tests_dir,
                                        "--exit", "odoo=1")
    assert (status, closing) == (1, "4 passed, 1 failed")


def test_fewer_odoo_tests_than_the_modules_hold_fail(tmp_path, tests_dir):
    # test_b did not import: Odoo logged it and ran test_a's two tests only
    results = odoo_results(tmp_path, ["passed", "passed"])
    status, closing, lines = summarize("--odoo", results, "--odoo-tests", tests_dir,
                                       "--exit", "odoo=0")
    assert closing == "2 passed, 3 failed"
    assert status == 1
    assert any("3 of 5 expected tests did not run" in line for line in lines)


def test_missing_results_file_is_a_shortfall(tmp_path, tests_dir):
    status, closing, _lines = summarize("--odoo", tmp_path / "none.jsonl",
                                        "--odoo-tests", tests_dir)
    assert (status, closing) == (1, "0 passed, 5 failed")


def test_all_expected_odoo_tests_ran_is_green(tmp_path, tests_dir):
    results = odoo_results(tmp_path, ["passed"] * 4 + ["skipped"])
    status, closing, _lines = summarize("--odoo", results, "--odoo-tests", tests_dir,
                                        "--exit", "odoo=0")
    assert (status, closing) == (0, "4 passed, 0 failed, 1 skipped")


def test_pytest_exit_status_counts_when_its_xml_is_clean(tmp_path):
    report = junit(tmp_path, "pytest-py37.xml", tests=3)
    status, closing, _lines = summarize("--junit", report, "--exit", "pytest-py37=2")
    assert (status, closing) == (1, "3 passed, 1 failed")


def test_pytest_that_collected_nothing_fails(tmp_path):
    report = junit(tmp_path, "pytest-py311.xml", tests=0)
    other = junit(tmp_path, "pytest-py37.xml", tests=3)
    status, closing, _lines = summarize("--junit", other, "--junit", report,
                                        "--exit", "pytest-py37=0", "--exit", "pytest-py311=5")
    assert (status, closing) == (1, "3 passed, 1 failed")


def test_browser_step_that_skips_fails_in_ci(tmp_path):
    browser = junit(tmp_path, "browser.xml", tests=1, skipped=1)
    other = junit(tmp_path, "pytest-py37.xml", tests=3)
    status, closing, _lines = summarize("--junit", other, "--junit-must-run", browser,
                                        CI="true")
    assert (status, closing) == (1, "3 passed, 1 failed")


def test_browser_step_that_skips_is_a_skip_on_a_developer_machine(tmp_path):
    browser = junit(tmp_path, "browser.xml", tests=1, skipped=1)
    other = junit(tmp_path, "pytest-py37.xml", tests=3)
    status, closing, _lines = summarize("--junit", other, "--junit-must-run", browser)
    assert (status, closing) == (0, "3 passed, 0 failed, 1 skipped")


def test_narrowed_run_says_so_and_expects_only_the_selection(tmp_path, tests_dir):
    results = odoo_results(tmp_path, ["passed", "passed"])
    status, closing, lines = summarize("--odoo", results, "--odoo-tests", tests_dir,
                                       "--only", "test_a", "--skip-stage", "browser")
    assert (status, closing) == (0, "2 passed, 0 failed")
    assert lines[-2] == "selection: test_a; stages left out: browser"


def test_narrowed_run_is_refused_in_ci(tmp_path, tests_dir):
    results = odoo_results(tmp_path, ["passed", "passed"])
    status, closing, _lines = summarize("--odoo", results, "--odoo-tests", tests_dir,
                                        "--only", "test_a", CI="true")
    assert (status, closing) == (1, "2 passed, 1 failed")


def test_selection_variable_in_the_environment_narrows_nothing(monkeypatch):
    entry = load("odoo_test_entry")
    monkeypatch.setenv("ECS_TESTS", "test_a")
    assert entry.parse_only(["-d", "db", "--test-enable"]) == (None, ["-d", "db", "--test-enable"])
    selected, rest = entry.parse_only(["--only=test_a,test_b", "-d", "db"])
    assert (selected, rest) == (["test_a", "test_b"], ["-d", "db"])


class _Sample(unittest.TestCase):
    __test__ = False  # run by run_recorded() below, not by pytest

    def test_subtests(self):
        for value in (1, 2, 3):
            with self.subTest(value=value):
                self.assertEqual(value, 1)

    def test_fine(self):
        pass

    @unittest.skip("not today")
    def test_skipped(self):
        pass


class _BrokenClass(unittest.TestCase):
    __test__ = False

    @classmethod
    def setUpClass(cls):
        super(_BrokenClass, cls).setUpClass()
        raise RuntimeError("fixture broke")

    def test_never_runs(self):
        pass


def run_recorded(tmp_path, *cases):
    entry = load("odoo_test_entry")
    results = tmp_path / "odoo-results.jsonl"
    undo = entry.record_results(str(results))
    try:
        suite = unittest.TestSuite()
        for case in cases:
            suite.addTests(unittest.TestLoader().loadTestsFromTestCase(case))
        with open(os.devnull, "w") as devnull:
            unittest.TextTestRunner(stream=devnull).run(suite)
    finally:
        undo()
    return results


def test_a_test_with_failing_subtests_is_one_failed_test(tmp_path):
    results = run_recorded(tmp_path, _Sample)
    status, closing, lines = summarize("--odoo", results)
    assert (status, closing) == (1, "1 passed, 1 failed, 1 skipped")
    failed = [line for line in lines if "FAILED" in line]
    assert len(failed) == 1 and "value=2" in failed[0] and "value=3" in failed[0]


def test_error_outside_a_test_is_a_failure_and_its_tests_are_missing(tmp_path):
    folder = tmp_path / "tests"
    folder.mkdir()
    write(folder / "__init__.py", "from . import test_x\n")
    write(folder / "test_x.py", '''
        import unittest


        class Sample(unittest.TestCase):
            def test_subtests(self):
                pass

            def test_fine(self):
                pass

            def test_skipped(self):
                pass


        class BrokenClass(unittest.TestCase):
            def test_never_runs(self):
                pass
        ''')
    results = run_recorded(tmp_path, _Sample, _BrokenClass)
    status, closing, _lines = summarize("--odoo", results, "--odoo-tests", folder)
    # 1 failing test with subTests, 1 setUpClass error, 1 test that never ran
    assert (status, closing) == (1, "1 passed, 3 failed, 1 skipped")


def test_a_failed_stage_shows_the_end_of_its_output(tmp_path):
    # CI logs keep the tail: the reason a stage died must be printed next to the table
    output = write(tmp_path / "browser-stage.log",
                   "[browser] database ready\n" + "".join("line %d\n" % i for i in range(30))
                   + "[browser] Odoo does not answer on http://127.0.0.1:1\n")
    status, closing, lines = summarize("--junit-must-run", tmp_path / "browser.xml",
                                       "--exit", "browser=1", "--why", "browser=%s" % output,
                                       CI="true")
    assert (status, closing) == (1, "0 passed, 1 failed")
    assert any("why browser failed" in line for line in lines)
    assert lines[-2].endswith("[browser] Odoo does not answer on http://127.0.0.1:1")
    assert not any("database ready" in line for line in lines)


def test_a_stage_that_passed_shows_none_of_its_output(tmp_path):
    output = write(tmp_path / "lint.log", "lint: no findings\n")
    status, closing, lines = summarize("--check", "lint:ok", "--why", "lint=%s" % output)
    assert (status, closing) == (0, "1 passed, 0 failed")
    assert not any("no findings" in line for line in lines)
