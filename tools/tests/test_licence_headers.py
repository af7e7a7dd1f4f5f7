# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""tools/add_licence_headers.py: the header the lint stage asks for, added once."""
import importlib.util
import os

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LGPL = "LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl)."


def script():
    spec = importlib.util.spec_from_file_location(
        "add_licence_headers", os.path.join(TOOLS, "add_licence_headers.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_header_follows_the_manifest_licence():
    assert script().manifest_licence() == LGPL


def test_header_is_added_once_after_the_shebang():
    tool = script()
    text = '#!/usr/bin/env python3\n"""Doc."""\nimport os\n'
    once = tool.with_header(text, "2026", LGPL)
    assert once.splitlines()[:4] == [
        "#!/usr/bin/env python3", "# Copyright 2026 ecommerce_sync contributors",
        "# License " + LGPL, ""]
    assert tool.problem(once, LGPL) is None
    assert tool.problem(text, LGPL) == "no licence header"


def test_another_licence_is_a_finding_and_empty_files_need_none():
    tool = script()
    agpl = ("# Copyright 2020 Someone\n"
            "# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).\n")
    assert "AGPL" in tool.problem(agpl, LGPL)
    assert tool.problem("", LGPL) is None
