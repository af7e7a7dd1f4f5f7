# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Add up the results of every test stage and print the closing line.

Inputs:
  --junit PATH          JUnit XML of a pytest stage (missing file = the stage died: 1 failure)
  --junit-must-run PATH  the same, but under CI=true a skipped test is a failure (the browser)
  --odoo PATH           JSON lines of tools/odoo_test_entry.py, one per test
  --odoo-tests DIR      the addon's tests/: the Odoo tests that must have run are counted
                        from its source (tools/odoo_test_count.py); a shortfall fails
  --only A,B            the run was narrowed to these Odoo test modules (refused under CI=true)
  --skip-stage NAME     a stage left out on request (refused under CI=true)
  --exit NAME=STATUS    exit status of a stage; non-zero is a failure unless the stage's
                        report (JUnit file NAME.xml, or NAME=odoo) already counts one
  --log PATH            Odoo log: ERROR/CRITICAL lines outside the tests are failures
  --check NAME:ok|fail  a check with no report of its own
  --why NAME=PATH       the output of stage NAME: when NAME failed, its last lines are
                        printed with the table, so that a CI log's tail says why
The last line is "N passed, N failed[, N skipped]"; a narrowed run prints "selection: ..."
just before it. Exit status 1 when anything failed or when no test ran at all.
"""
import argparse
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import odoo_test_count  # noqa: E402  (a sibling script, not a package)

LOG_LINE = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) (\S+) (\S+): (.*)$")
SHOWN_FAILURES = 20
WHY_LINES = 25


class Tally(object):
    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.failed_by_stage = {}

    def add(self, stage, passed=0, failed=0, skipped=0):
        self.passed += passed
        self.failed += failed
        self.skipped += skipped
        self.failed_by_stage[stage] = self.failed_by_stage.get(stage, 0) + failed

    def line(self):
        text = "%d passed, %d failed" % (self.passed, self.failed)
        if self.skipped:
            text += ", %d skipped" % self.skipped
        return text


def in_ci():
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def stage_of(path):
    return os.path.splitext(os.path.basename(path))[0]


def junit_counts(path):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    run = failed = skipped = 0
    for suite in suites:
        run += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return run - skipped - failed, failed, skipped


def add_junit(tally, path, must_run=False):
    name = os.path.basename(path)
    if not os.path.exists(path):  # the stage died before writing its report
        print("  %-40s missing: counted as 1 failure" % name)
        tally.add(stage_of(path), failed=1)
        return
    passed, failed, skipped = junit_counts(path)
    if must_run and skipped and in_ci():
        print("  %-40s %d skipped under CI=true: counted as failures" % (name, skipped))
        failed, skipped = failed + skipped, 0
    print("  %-40s %4d passed, %d failed" % (name, passed, failed))
    tally.add(stage_of(path), passed, failed, skipped)


def read_odoo_results(path):
    """[(test id, outcome, failing subtests)] of the JSON-lines file; missing file = []."""
    records = []
    if not os.path.exists(path):
        return records
    with open(path) as stream:
        for line in stream:
            if line.strip():
                rec = json.loads(line)
                records.append((rec["test"], rec["outcome"], rec.get("subtests") or []))
    return records


def add_odoo(tally, paths, tests_dir, only):
    records = []
    for path in paths:
        records.extend(read_odoo_results(path))
    passed = sum(1 for r in records if r[1] == "passed")
    skipped = sum(1 for r in records if r[1] == "skipped")
    bad = [r for r in records if r[1] not in ("passed", "skipped")]
    for test, outcome, subtests in bad[:SHOWN_FAILURES]:
        detail = " (subTests: %s)" % ", ".join(subtests) if subtests else ""
        print("    %s %s%s" % (outcome.upper(), test, detail))
    print("  %-40s %4d passed, %d failed" % ("odoo tests", passed, len(bad)))
    tally.add("odoo", passed, len(bad), skipped)
    if tests_dir:
        ran = sum(1 for r in records if r[1] != "error")  # "error": outside any test
        add_odoo_count(tally, ran, tests_dir, only)


def add_odoo_count(tally, ran, tests_dir, only):
    expected = sum(odoo_test_count.expected_counts(tests_dir, only).values())
    if ran < expected:
        print("  %-40s %d of %d expected tests did not run: counted as failures "
              "(a test module that does not import? see the Odoo log)"
              % ("odoo test count", expected - ran, expected))
        tally.add("odoo", failed=expected - ran)
    elif ran > expected:
        print("  %-40s %d ran, %d expected: tools/odoo_test_count.py miscounts, 1 failure"
              % ("odoo test count", ran, expected))
        tally.add("odoo", failed=1)
    else:
        print("  %-40s %d of %d expected" % ("odoo test count", ran, expected))


def log_errors(path):
    """ERROR/CRITICAL lines not emitted by the test runner itself.

    A test failure is already counted from the results file; anything else at
    ERROR level (a test package that cannot be imported, a module that fails to
    load, an exception in a request) is a defect too.
    """
    found = []
    if not os.path.exists(path):
        return ["log file %s is missing" % path]
    with open(path, errors="replace") as stream:
        for line in stream:
            match = LOG_LINE.match(line)
            if not match:
                continue
            logger, message = match.group(3), match.group(4)
            if ".tests." in logger or logger.endswith(".tests"):
                continue
            if logger == "odoo.modules.module" and re.match(r"Module \S+: \d+ failures", message):
                continue
            found.append(line.strip())
    return found


def add_exit_statuses(tally, statuses):
    """A stage that exits non-zero failed, even when its report looks clean."""
    for item in statuses:
        name, _sep, status = item.rpartition("=")
        try:
            code = int(status)
        except ValueError:
            code = None
        if code == 0:
            continue
        if code is not None and tally.failed_by_stage.get(name):
            continue  # its failures are already counted and explain the status
        print("  %-40s exit status %s: counted as 1 failure" % (name, status))
        tally.add(name, failed=1)


def print_why(tally, whys):
    """The last lines of each failed stage's own output: a CI log often keeps only its tail."""
    for item in whys:
        name, _sep, path = item.partition("=")
        if not tally.failed_by_stage.get(name):
            continue
        try:
            with open(path, errors="replace") as stream:
                lines = [line.rstrip() for line in stream if line.strip()]
        except OSError as err:
            lines = ["(no output: %s)" % err.strerror]
        print("  why %s failed (last lines of %s):" % (name, os.path.basename(path)))
        for line in lines[-WHY_LINES:]:
            print("    | %s" % line[:300])


def add_selection(tally, only, skipped_stages):
    """The closing line must not pass for a full run when the run was narrowed."""
    if not (only or skipped_stages):
        return None
    if in_ci():
        print("  a narrowed run (--only/--skip) is refused under CI=true: 1 failure")
        tally.add("selection", failed=1)
    parts = []
    if only:
        parts.append(",".join(only))
    if skipped_stages:
        parts.append("stages left out: %s" % ",".join(skipped_stages))
    return "selection: %s" % "; ".join(parts)


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Add up the test stages.")
    for name in ("--junit", "--junit-must-run", "--odoo", "--log", "--check", "--exit",
                 "--skip-stage", "--why"):
        parser.add_argument(name, action="append", default=[])
    parser.add_argument("--odoo-tests", help="the addon's tests/ folder")
    parser.add_argument("--only", default="", help="comma-separated Odoo test modules")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    only = [m for m in args.only.split(",") if m]
    tally = Tally()
    for path in args.junit:
        add_junit(tally, path)
    for path in args.junit_must_run:
        add_junit(tally, path, must_run=True)
    if args.odoo or args.odoo_tests:
        add_odoo(tally, args.odoo, args.odoo_tests, only)
    for path in args.log:
        for line in log_errors(path):
            print("  unexpected error in log: %s" % line[:300])
            tally.add("log", failed=1)
    for check in args.check:
        name, _sep, status = check.rpartition(":")
        print("  %-40s %s" % (name, status))
        tally.add(name, passed=1 if status == "ok" else 0, failed=0 if status == "ok" else 1)
    add_exit_statuses(tally, args.exit)
    print_why(tally, args.why)
    selection = add_selection(tally, only, args.skip_stage)
    if tally.passed + tally.failed == 0:
        print("no test ran")
        tally.add("none", failed=1)
    if selection:
        print(selection)
    print(tally.line())
    return 1 if tally.failed else 0


if __name__ == "__main__":
    sys.exit(main())
