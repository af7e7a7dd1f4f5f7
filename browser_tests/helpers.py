# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Shared by conftest.py and the tests (pytest runs with --import-mode=importlib, so the
tests cannot import conftest; this module is reached through pythonpath = .)."""
import pathlib
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The seller's language is zh_CN; the labels are Chinese only when the addon ships its
# translation. Without i18n/zh_CN.po the walk-through asserts the English source labels
# (a fallback for work in progress: the committed addon has the .po).
HAS_ZH = (ROOT / "i18n" / "zh_CN.po").exists()


def label(zh, en):
    """The label the seller sees: Chinese when the translation is shipped."""
    return zh if HAS_ZH else en


def addon_menus():
    """{xmlid: name} of the addon's menus as its view files (views/*.xml) declare them."""
    menus = {}
    for path in sorted((ROOT / "views").glob("*.xml")):
        try:
            tree = ET.parse(path)
        except (OSError, ET.ParseError):
            continue
        menus.update({"ecommerce_sync." + m.get("id"): m.get("name")
                      for m in tree.iter("menuitem") if m.get("id")})
    return menus


def _po_strings(text):
    """{msgid: msgstr} of a .po file (plain entries; msgctxt and plurals ignored)."""
    import ast
    entries, key, cur = {}, None, {}
    for line in text.splitlines() + [""]:
        line = line.strip()
        if line.startswith("msgid ") or not line:
            if cur.get("msgid") and cur.get("msgstr"):
                entries.setdefault(cur["msgid"], cur["msgstr"])
            if not line:
                cur, key = {}, None
                continue
            cur, key = {}, "msgid"
            cur[key] = ast.literal_eval(line[6:])
        elif line.startswith("msgstr "):
            key = "msgstr"
            cur[key] = ast.literal_eval(line[7:])
        elif line.startswith('"') and key:
            cur[key] += ast.literal_eval(line)
        elif line.startswith("#"):
            continue
        else:
            key = None
    return entries


_TRANSLATIONS = None


def tr(msgid):
    """What the zh_CN seller reads for the addon's source string msgid: its translation
    in i18n/zh_CN.po, or msgid itself without the file or an entry."""
    global _TRANSLATIONS
    if _TRANSLATIONS is None:
        path = ROOT / "i18n" / "zh_CN.po"
        _TRANSLATIONS = _po_strings(path.read_text(encoding="utf-8")) if path.exists() else {}
    return _TRANSLATIONS.get(msgid) or msgid


def tree_columns(relpath, one2many=None):
    """Field names of the columns of a list view declared in the addon's XML file relpath
    (the first <tree>, or the one inside <field name=one2many>), as Odoo 11 shows them:
    the web client writes no field name into the list's header or cells."""
    tree = ET.parse(ROOT / relpath)
    if one2many:
        node = next(f for f in tree.iter("field") if f.get("name") == one2many).find("tree")
    else:
        node = next(tree.iter("tree"))
    return [f.get("name") for f in node.findall("field")
            if f.get("invisible") not in ("1", "True")
            and "group_multi_company" not in (f.get("groups") or "")]
