# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Give every Python file of the addon the licence header of its manifest (OCA style).

    # Copyright 2026 ecommerce_sync contributors
    # License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

The licence comes from __manifest__.py, the year from the file's first commit (this
year for a new file). Idempotent: a file that has a header keeps it. With --check,
nothing is written: files without the header, or with another licence, are listed
and the exit status is 1. Empty files (bare __init__.py) need no header.

Usage: python tools/add_licence_headers.py [--check] [FILE ...]   (default: every *.py)
"""
import argparse
import ast
import datetime
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LICENCE_LINES = {
    "LGPL-3": "LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).",
    "AGPL-3": "AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).",
}
HOLDER = "ecommerce_sync contributors"
HEAD_LINES = 6  # the header must sit in the first lines
LICENSE_RE = re.compile(r"^# License (.*)$")
PRELUDE_RE = re.compile(r"^#!|^#.*coding[:=]")


def manifest_licence(root=ROOT):
    with open(os.path.join(root, "__manifest__.py"), encoding="utf-8") as handle:
        manifest = ast.literal_eval(handle.read())
    licence = manifest.get("license", "LGPL-3")
    if licence not in LICENCE_LINES:
        raise SystemExit("no header text known for licence %s" % licence)
    return LICENCE_LINES[licence]


def all_python_files(root=ROOT):
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        found.extend(os.path.relpath(os.path.join(folder, f), root)
                     for f in sorted(files) if f.endswith(".py"))
    return found


def problem(text, licence):
    """Why the text lacks the right header, or None."""
    if not text.strip():
        return None
    for line in text.splitlines()[:HEAD_LINES]:
        match = LICENSE_RE.match(line)
        if match:
            return None if match.group(1) == licence else "licence %r" % match.group(1)
    return "no licence header"


def first_year(path):
    try:
        out = subprocess.run(["git", "log", "--follow", "--format=%ad", "--date=format:%Y",
                              "--", path], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, universal_newlines=True, check=False)
        years = out.stdout.split()
    except OSError:
        years = []
    return years[-1] if years else str(datetime.date.today().year)


def with_header(text, year, licence):
    lines = text.splitlines(True)
    keep = 0
    while keep < len(lines) and PRELUDE_RE.match(lines[keep]):
        keep += 1  # the shebang and coding lines must stay first
    header = ["# Copyright %s %s\n" % (year, HOLDER), "# License %s\n" % licence]
    rest = lines[keep:]
    if rest and rest[0].strip():
        header.append("\n")
    return "".join(lines[:keep] + header + rest)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="list, do not write")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args(argv)
    licence = manifest_licence()
    findings = 0
    for path in args.files or all_python_files():
        full = os.path.join(ROOT, path)
        with open(full, encoding="utf-8") as handle:
            text = handle.read()
        why = problem(text, licence)
        if why is None:
            continue
        if args.check or why != "no licence header":
            # another licence is a decision for a human, not for this script
            sys.stdout.write("%s: %s (expected: License %s)\n" % (path, why, licence))
            findings += 1
            continue
        with open(full, "w", encoding="utf-8") as handle:
            handle.write(with_header(text, first_year(path), licence))
        sys.stdout.write("%s: header added\n" % path)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
