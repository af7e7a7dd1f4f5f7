"""Add up the results of every test stage and print the closing line.

Inputs: JUnit XML files (pytest), JSON-lines files written by odoo_test_entry.py,
Odoo log files to scan for errors outside tests, and plain "name:ok|fail" checks.
Exit status 1 when anything failed or when no test ran at all.
"""
import argparse
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

LOG_LINE = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) (\S+) (\S+): (.*)$")


def junit_counts(path):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    run = failed = skipped = 0
    for suite in suites:
        run += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return run - skipped - failed, failed, skipped


def odoo_counts(path):
    passed = failed = skipped = 0
    with open(path) as stream:
        for line in stream:
            rec = json.loads(line)
            bad = len(rec["failures"]) + len(rec["errors"])
            failed += bad
            skipped += rec["skipped"]
            passed += rec["run"] - bad - rec["skipped"]
    return passed, failed, skipped


def log_errors(path):
    """ERROR/CRITICAL lines not emitted by the test runner itself.

    A test failure is already counted from the results file; anything else at
    ERROR level (a test package that cannot be imported, a module that fails to
    load, an exception in a request) is a defect too.
    """
    found = []
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--junit", action="append", default=[])
    parser.add_argument("--odoo", action="append", default=[])
    parser.add_argument("--log", action="append", default=[])
    parser.add_argument("--check", action="append", default=[], help="name:ok or name:fail")
    args = parser.parse_args()
    passed = failed = skipped = 0
    for path in args.junit:
        if not os.path.exists(path):  # the stage died before writing its report
            print("  %-40s missing: counted as 1 failure" % path.split("/")[-1])
            failed += 1
            continue
        p, f, s = junit_counts(path)
        print("  %-40s %4d passed, %d failed" % (path.split("/")[-1], p, f))
        passed, failed, skipped = passed + p, failed + f, skipped + s
    for path in args.odoo:
        p, f, s = odoo_counts(path)
        print("  %-40s %4d passed, %d failed" % ("odoo tests", p, f))
        passed, failed, skipped = passed + p, failed + f, skipped + s
    for path in args.log:
        for line in log_errors(path):
            print("  unexpected error in log: %s" % line[:300])
            failed += 1
    for check in args.check:
        name, _sep, status = check.rpartition(":")
        print("  %-40s %s" % (name, status))
        if status == "ok":
            passed += 1
        else:
            failed += 1
    if passed + failed == 0:
        print("no test ran")
        failed = 1
    line = "%d passed, %d failed" % (passed, failed)
    if skipped:
        line += ", %d skipped" % skipped
    print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
