# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The upgrade stage (tools/test_upgrade.sh) never passes for a run that did not happen:
a clone that knows neither the released tag nor its commit fails the stage, and the
closing line counts the missing report as a failure."""
import os
import subprocess
import sys

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_released_version_names_a_tag_and_a_full_commit():
    with open(os.path.join(TOOLS, "upgrade", "released_version")) as stream:
        tag, commit = stream.read().split()
    assert tag.startswith("v11.0.") and len(commit) == 40


def test_unknown_release_fails_the_stage(tmp_path):
    released = tmp_path / "released_version"
    released.write_text("v0.0.0-missing %s\n" % ("f" * 40))
    out = tmp_path / "out"
    run = subprocess.run(
        [os.path.join(TOOLS, "test_upgrade.sh"), str(out)], capture_output=True, text=True,
        env=dict(os.environ, UPGRADE_FROM_FILE=str(released)), timeout=60)
    assert run.returncode == 1
    assert "neither the tag v0.0.0-missing nor the commit" in run.stderr
    assert not (out / "upgrade.xml").exists()
    summary = subprocess.run(
        [sys.executable, os.path.join(TOOLS, "summarize_tests.py"),
         "--junit-must-run", str(out / "upgrade.xml"), "--exit", "upgrade=1"],
        capture_output=True, text=True)
    assert summary.returncode == 1
    assert summary.stdout.strip().splitlines()[-1] == "0 passed, 1 failed"
