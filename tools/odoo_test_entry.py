# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Run the Odoo CLI and record the outcome of every test in a JSON-lines file.

Odoo 11 prints no overall summary and exits 0 even when a test module fails to
import, so the test command cannot trust its exit code or its log alone. Every
test that starts writes one line {"test", "outcome"} to the file named by
$ECS_TEST_RESULTS; an error outside any test (setUpClass, a module fixture)
writes one line with outcome "error". tools/summarize_tests.py adds them up and
compares them with the count of tools/odoo_test_count.py.

A test counts once whatever its subTests do: it fails when any subTest fails,
and the failing subTests are listed under "subtests".

Narrowing to some test modules is explicit and the only option of this script
that Odoo does not see:  odoo_test_entry.py --only=test_a,test_b <odoo options>
(the ECS_TESTS environment variable of older versions is ignored on purpose).
"""
import json
import os
import sys
import unittest

ADDON = "ecommerce_sync"
ONLY_PREFIX = "--only="


def parse_only(argv):
    """(selected test modules or None, the remaining Odoo arguments)."""
    selected, rest = None, []
    for arg in argv:
        if arg.startswith(ONLY_PREFIX):
            selected = [m for m in arg[len(ONLY_PREFIX):].split(",") if m]
        else:
            rest.append(arg)
    return selected, rest


class RecordingResult(unittest.TextTestResult):
    """A TextTestResult that also appends one JSON line per test to a file."""

    results_path = None

    def startTest(self, test):
        result = super(RecordingResult, self).startTest(test)
        self._outcome_of = {"test": test.id(), "outcome": "passed", "subtests": []}
        return result

    def stopTest(self, test):
        result = super(RecordingResult, self).stopTest(test)
        self._write(self._outcome_of)
        self._outcome_of = None
        return result

    def _mark(self, outcome, test=None):
        current = getattr(self, "_outcome_of", None)
        if current is None or (test is not None and test.id() != current["test"]):
            # an error outside a running test (setUpClass, setUpModule...)
            self._write({"test": getattr(test, "description", None) or str(test),
                         "outcome": "error", "subtests": []})
            return
        if current["outcome"] in ("passed", "skipped") or outcome == "error":
            current["outcome"] = outcome

    def addError(self, test, err):
        result = super(RecordingResult, self).addError(test, err)
        self._mark("error", test)
        return result

    def addFailure(self, test, err):
        result = super(RecordingResult, self).addFailure(test, err)
        self._mark("failed", test)
        return result

    def addSkip(self, test, reason):
        result = super(RecordingResult, self).addSkip(test, reason)
        self._mark("skipped", test)
        return result

    def addUnexpectedSuccess(self, test):
        result = super(RecordingResult, self).addUnexpectedSuccess(test)
        self._mark("failed", test)
        return result

    def addSubTest(self, test, subtest, err):
        result = super(RecordingResult, self).addSubTest(test, subtest, err)
        current = getattr(self, "_outcome_of", None)
        if err is not None and current is not None:
            current["subtests"].append(subtest.id())
            self._mark("failed" if issubclass(err[0], test.failureException) else "error")
        return result

    def _write(self, record):
        with open(self.results_path, "a") as stream:
            stream.write(json.dumps(record) + "\n")


def record_results(results_path):
    """Make every TextTestRunner record its tests; returns a function that undoes it."""
    original = unittest.TextTestRunner.run

    def run(self, test):
        self.resultclass = type("RecordingResult", (RecordingResult,),
                                {"results_path": results_path})
        return original(self, test)

    unittest.TextTestRunner.run = run

    def undo():
        unittest.TextTestRunner.run = original
    return undo


def only_selected(get_test_modules, selected):
    """Wrap Odoo's get_test_modules so that only `selected` test modules of the addon run."""
    def wrapper(module):
        mods = get_test_modules(module)
        if module == ADDON:
            mods = [m for m in mods if m.__name__.rsplit(".", 1)[-1] in selected]
        return mods
    return wrapper


def main(argv):
    selected, rest = parse_only(argv)
    record_results(os.environ["ECS_TEST_RESULTS"])
    import odoo  # only now: the helpers above are tested without Odoo
    if selected is not None:
        odoo.modules.module.get_test_modules = only_selected(
            odoo.modules.module.get_test_modules, selected)
    sys.argv = [sys.argv[0]] + rest
    return odoo.cli.main()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
