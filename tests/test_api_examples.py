# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""docs/api.md is true: every example in it runs over real XML-RPC, and every
public method of ecommerce.shop is documented there.

The examples are the ```python blocks of docs/api.md, run in document order in
one namespace that starts with the names the document's "How the examples run"
section promises: call, shop_id, jd_shop_id, sandbox, jd_sandbox. A block that
fails is reported with the heading of its section and its traceback.
"""
import inspect
import os
import re
import traceback

from odoo import models

from .common import EcommerceRpcCase
from .item_factory import tshirt
from .jd_common import JdSandbox, jd_shop_vals
from .test_jd_shop import JD_CATEGORIES, jd_order, jd_wares
from .trade_factory import ago, line, trade

API_MD = os.path.join(os.path.dirname(os.path.dirname(__file__)), "docs", "api.md")
BLOCK_RE = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
HEADING_RE = re.compile(r"^(#{1,4}) (.+)$", re.M)


def read_api_md():
    with open(API_MD, encoding="utf-8") as handle:
        return handle.read()


def examples(text):
    """[(heading, code)] of every ```python block, in document order."""
    headings = [(m.start(), m.group(2).strip()) for m in HEADING_RE.finditer(text)]
    blocks = []
    for match in BLOCK_RE.finditer(text):
        above = [title for start, title in headings if start < match.start()]
        blocks.append((above[-1] if above else "(top)", match.group(1)))
    return blocks


def top_data():
    """What the TOP sandbox holds for the examples (docs/api.md says so)."""
    red_s = line(num_iid=5201, sku_id="520101", price=5900, outer_iid="TS",
                 outer_sku_id="TS-28326-S", title="纯棉T恤")
    blue_m = line(num_iid=5201, sku_id="520104", price=5900, num=2, outer_iid="TS",
                  outer_sku_id="TS-28338-M", title="纯棉T恤")
    trades = [trade("3000000000000001", [red_s], created=ago(hours=2)),
              trade("3000000000000002", [blue_m], post_fee=1000, created=ago(hours=2)),
              trade("3000000000000003", [red_s], buyer_message="请发顺丰",
                    created=ago(hours=1))]
    return [tshirt()], trades


class TestApiExamples(EcommerceRpcCase):

    def setUp(self):
        super().setUp()
        items, trades = top_data()
        self.sandbox.reset(items=items, trades=trades)
        self.jd_sandbox = JdSandbox()
        self.jd_sandbox.reset(wares=jd_wares(), orders=[jd_order(7601)],
                              category_attrs=JD_CATEGORIES)

    def call(self, model, method, *args, **kwargs):
        return self.rpc("admin", model, method, *args, **kwargs)

    def test_every_example_of_api_md_runs(self):
        names = {"call": self.call, "shop_id": self.create_shop(),
                 "jd_shop_id": self.call("ecommerce.shop", "create", jd_shop_vals()),
                 "sandbox": self.sandbox, "jd_sandbox": self.jd_sandbox}
        text = read_api_md()
        blocks = examples(text)
        self.assertGreaterEqual(len(blocks), 15)
        # a block left open would swallow the text up to the next one, or be skipped
        self.assertEqual(len(blocks), len(re.findall(r"^```python$", text, re.M)),
                         "a ```python block of docs/api.md is not closed")
        failures = []
        namespace = dict(names)  # shared, as in a notebook: a section reuses its own names
        for heading, code in blocks:
            try:
                exec(compile(code, "docs/api.md, %s" % heading, "exec"), namespace)
            except Exception:  # pylint: disable=broad-except
                # every failing example is reported, not only the first one
                failures.append("## %s\n%s" % (heading, traceback.format_exc(limit=-3)))
        if failures:
            self.fail("%d of %d examples of docs/api.md failed:\n\n%s" % (
                len(failures), len(blocks), "\n".join(failures)))

    def test_a_failing_example_names_its_section(self):
        text = "# API\n## Shops\n```python\nassert 1 == 1\n```\n### shop.boom()\n" \
               "```python\nassert call is None\n```\n"
        self.assertEqual(examples(text), [("Shops", "assert 1 == 1\n"),
                                          ("shop.boom()", "assert call is None\n")])

    def test_every_public_method_of_the_shop_is_documented(self):
        text = read_api_md()
        documented = set(re.findall(r"^### [\w.]*?(\w+)\(", text, re.M))
        shop = type(self.env["ecommerce.shop"])
        public = {name for name, member in inspect.getmembers(shop, inspect.isfunction)
                  if not name.startswith(("_", "action_")) and not hasattr(models.BaseModel, name)
                  and "ecommerce_sync" in (getattr(member, "__module__", "") or "")}
        self.assertGreaterEqual(len(public), 15, public)
        self.assertFalse(public - documented,
                         "public methods of ecommerce.shop missing in docs/api.md")
