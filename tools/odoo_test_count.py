# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""How many Odoo tests the addon's test modules hold, read from the source (no import).

The test command compares this number with the tests that really ran: Odoo 11 logs
and goes on when a test module cannot be imported, so a silent shortfall is a defect.

The count follows what Odoo 11 runs for one `-i`:
* the test modules are the `test_*` submodules of `tests/` that `tests/__init__.py`
  imports, directly or through another test module;
* unittest loads every TestCase class found in a test module's namespace, imported
  ones too, so a test class imported into a second test module runs twice;
* a test method runs once at install (default on) and once post install (default
  off), each according to `at_install`/`post_install` set on the method, else on the
  class or its bases;
* a test that uses subTest counts as one test.

Usage: python tools/odoo_test_count.py [--only test_a,test_b] [TESTS_DIR]
"""
import argparse
import ast
import os
import sys

# Classes of unittest and odoo.tests.common that make a class a test case.
BASE_CASES = frozenset([
    "TestCase", "BaseCase", "TreeCase", "TransactionCase", "SingleTransactionCase",
    "SavepointCase", "HttpCase", "HttpSavepointCase",
])
FLAGS = ("at_install", "post_install")
DEFAULTS = {"at_install": True, "post_install": False}


def _base_name(node):
    """`common.HttpCase` and `HttpCase` both name the class `HttpCase`."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def _literal_bool(node):
    """True/False of a literal (NameConstant on Python 3.7, Constant later), else None."""
    value = getattr(node, "value", None)
    return value if isinstance(value, bool) else None


def _flag_decorators(decorators):
    """{'at_install': False, ...} from `@common.at_install(False)`-style decorators."""
    flags = {}
    for deco in decorators:
        if not (isinstance(deco, ast.Call) and _base_name(deco.func) in FLAGS and deco.args):
            continue
        value = _literal_bool(deco.args[0])
        if value is not None:
            flags[_base_name(deco.func)] = value
    return flags


class ClassInfo(object):
    def __init__(self, node, module):
        self.name, self.module = node.name, module
        self.bases = [b for b in (_base_name(n) for n in node.bases) if b]
        self.flags = _flag_decorators(node.decorator_list)
        self.methods = {}  # test method name -> its own flags
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                    and item.name.startswith("test"):
                self.methods[item.name] = _flag_decorators(item.decorator_list)
            elif isinstance(item, ast.Assign):
                for target in item.targets:
                    value = _literal_bool(item.value)
                    if isinstance(target, ast.Name) and target.id in FLAGS \
                            and value is not None:
                        self.flags[target.id] = value


class ModuleInfo(object):
    """Classes defined in a module and names it imports from sibling modules."""

    def __init__(self, name, source):
        self.name = name
        tree = ast.parse(source)
        self.classes = {}
        self.imported = {}   # local name -> (sibling module, name there)
        self.siblings = set()  # sibling modules it imports
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                self.classes[node.name] = ClassInfo(node, name)
            elif isinstance(node, ast.ImportFrom) and node.level == 1:
                self._relative_import(node)

    def _relative_import(self, node):
        if node.module:  # from .x import A
            sibling = node.module.split(".")[0]
            self.siblings.add(sibling)
            for alias in node.names:
                self.imported[alias.asname or alias.name] = (sibling, alias.name)
        else:  # from . import x
            for alias in node.names:
                self.siblings.add(alias.name)


class TestTree(object):
    def __init__(self, tests_dir):
        self.dir = tests_dir
        self.modules = {}

    def module(self, name):
        if name not in self.modules:
            path = os.path.join(self.dir, name + ".py")
            if not os.path.exists(path):
                self.modules[name] = None
            else:
                with open(path, encoding="utf-8") as handle:
                    self.modules[name] = ModuleInfo(name, handle.read())
        return self.modules[name]

    def resolve(self, module_name, name, depth=0):
        """The ClassInfo that `name` means in a module, or None for foreign classes."""
        mod = self.module(module_name)
        if mod is None or depth > 20:
            return None
        if name in mod.classes:
            return mod.classes[name]
        if name in mod.imported:
            sibling, there = mod.imported[name]
            return self.resolve(sibling, there, depth + 1)
        return None

    def mro(self, cls, depth=0):
        """The class, then its bases depth first (enough for single inheritance)."""
        yield cls
        if depth > 20:
            return
        for base in cls.bases:
            info = self.resolve(cls.module, base)
            if info is not None:
                for item in self.mro(info, depth + 1):
                    yield item

    def is_test_case(self, cls):
        for info in self.mro(cls):
            for base in info.bases:
                if base in BASE_CASES:
                    return True
        return False

    def runs(self, cls):
        """Times each test method of `cls` runs: {method: 0, 1 or 2}."""
        chain = list(self.mro(cls))
        methods = {}
        for info in reversed(chain):  # subclasses override their bases
            methods.update(info.methods)
        result = {}
        for method, own in methods.items():
            count = 0
            for flag in FLAGS:
                value = own.get(flag)
                if value is None:
                    value = next((c.flags[flag] for c in chain if flag in c.flags),
                                 DEFAULTS[flag])
                count += 1 if value else 0
            result[method] = count
        return result

    def test_modules(self):
        """`test_*` modules reachable from tests/__init__.py, as Odoo collects them."""
        found, todo = set(), ["__init__"]
        while todo:
            mod = self.module(todo.pop())
            if mod is None:
                continue
            for sibling in mod.siblings:
                if sibling.startswith("test_") and sibling not in found:
                    found.add(sibling)
                    todo.append(sibling)
        return sorted(found)

    def count_module(self, name):
        mod = self.module(name)
        if mod is None:  # imported but absent: Odoo cannot import tests/, the shortfall shows
            return 0
        names = list(mod.classes) + [n for n in mod.imported if n not in mod.classes]
        total = 0
        for local in names:
            cls = self.resolve(name, local)
            if cls is not None and self.is_test_case(cls):
                total += sum(self.runs(cls).values())
        return total


def expected_counts(tests_dir, only=None):
    """{test module: number of test runs}, limited to `only` when given."""
    tree = TestTree(tests_dir)
    modules = tree.test_modules()
    if only:
        modules = [m for m in modules if m in set(only)]
    return dict((m, tree.count_module(m)) for m in modules)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tests_dir", nargs="?",
                        default=os.path.join(os.path.dirname(__file__), "..", "tests"))
    parser.add_argument("--only", default="")
    args = parser.parse_args(argv)
    counts = expected_counts(args.tests_dir, [m for m in args.only.split(",") if m])
    for module, count in sorted(counts.items()):
        sys.stdout.write("%-30s %d\n" % (module, count))
    sys.stdout.write("%-30s %d\n" % ("total", sum(counts.values())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
