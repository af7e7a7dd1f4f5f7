"""Run the Odoo CLI and record every unittest result in a JSON-lines file.

Odoo 11 prints no overall summary and exits 0 even when a test module fails to
import, so the test command cannot trust its exit code or its log alone. Each
TextTestRunner.run() call (one per test module) appends its counts to the file
named by $ECS_TEST_RESULTS; tools/run_tests.sh adds them up.
"""
import json
import os
import sys
import unittest

import odoo

_original_run = unittest.TextTestRunner.run


def _recording_run(self, test):
    result = _original_run(self, test)
    record = {
        "run": result.testsRun,
        "failures": [t.id() for t, _tb in result.failures],
        "errors": [getattr(t, "id", lambda: str(t))() for t, _tb in result.errors],
        "skipped": len(result.skipped),
    }
    with open(os.environ["ECS_TEST_RESULTS"], "a") as stream:
        stream.write(json.dumps(record) + "\n")
    return result


unittest.TextTestRunner.run = _recording_run


def _only_selected(get_test_modules):
    """Developer shortcut: ECS_TESTS=test_a,test_b runs only those test modules."""
    selected = set(filter(None, os.environ.get("ECS_TESTS", "").split(",")))

    def wrapper(module):
        mods = get_test_modules(module)
        if selected and module == "ecommerce_sync":
            mods = [m for m in mods if m.__name__.rsplit(".", 1)[-1] in selected]
        return mods
    return wrapper


odoo.modules.module.get_test_modules = _only_selected(odoo.modules.module.get_test_modules)

if __name__ == "__main__":
    sys.exit(odoo.cli.main())
