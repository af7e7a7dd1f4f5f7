#!/usr/bin/env python3
# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Build static/description/index.html (the Apps page) from the readme/ fragments.

What OCA's oca-gen-addon-readme does for an addon's Apps page, without its
dependencies: the manifest's name and summary, then DESCRIPTION, CONFIGURE,
USAGE, HISTORY and CONTRIBUTORS (those present), rendered by docutils.
    tools/gen_description.py           rewrite static/description/index.html
    tools/gen_description.py --check   exit 1 when the page is not up to date
"""
import argparse
import ast
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGE = os.path.join(ROOT, "static", "description", "index.html")
# (fragment, heading); a fragment's own headings are one level below ("~").
SECTIONS = [("DESCRIPTION.rst", "Description"), ("CONFIGURE.rst", "Configuration"),
            ("USAGE.rst", "Usage"), ("HISTORY.rst", "Changelog"),
            ("CONTRIBUTORS.rst", "Contributors")]


def manifest():
    with open(os.path.join(ROOT, "__manifest__.py"), encoding="utf-8") as handle:
        return ast.literal_eval(handle.read())


def underline(text, char):
    # twice the characters: wide (Chinese) characters take two columns
    return "%s\n%s\n" % (text, char * (2 * len(text)))


def source(readme_dir=os.path.join(ROOT, "readme")):
    """The reStructuredText of the whole page."""
    info = manifest()
    bar = "=" * (2 * len(info["name"]))
    parts = [bar, info["name"], bar, "", info["summary"], "",
             ".. contents:: Contents", "   :local:", ""]
    for name, heading in SECTIONS:
        path = os.path.join(readme_dir, name)
        if not os.path.exists(path):
            continue
        parts.append(underline(heading, "="))
        with open(path, encoding="utf-8") as handle:
            parts.append(handle.read().rstrip() + "\n")
    parts.append(underline("License", "="))
    parts.append("%s. User guide: ``docs/zh_CN/`` (中文) and ``docs/en/``; API: "
                 "``docs/api.md``.\n" % info["license"])
    return "\n".join(parts)


def render(text):
    from docutils.core import publish_string
    html = publish_string(text, writer_name="html4css1", settings_overrides={
        "output_encoding": "utf-8", "embed_stylesheet": False, "stylesheet_path": "",
        "report_level": 2, "halt_level": 2, "doctitle_xform": True,
        "datestamp": False, "generator": False, "footnote_backlinks": False})
    return html.decode("utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    html = render(source())
    if args.check:
        with open(PAGE, encoding="utf-8") as handle:
            current = handle.read()
        if current != html:
            print("%s is not up to date: run tools/gen_description.py" % PAGE)
            return 1
        return 0
    with open(PAGE, "w", encoding="utf-8") as handle:
        handle.write(html)
    print("wrote %s" % PAGE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
