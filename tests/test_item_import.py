# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tools import mute_logger

from .common import EcommerceCase
from .item_factory import item, prop, sku, tshirt


class TestItemImport(EcommerceCase):
    """Items / SKU matching against the running sandbox."""

    def import_items(self, *items, **kwargs):
        self.sandbox.reset(items=list(items))
        return self.shop.import_platform_items(**kwargs)

    def template(self, num_iid):
        return self.env["product.template"].search([("ecommerce_num_iid", "=", str(num_iid))])

    def mappings(self, num_iid, active=True):
        return self.env["ecommerce.sku.mapping"].with_context(active_test=False).search(
            [("shop_id", "=", self.shop.id), ("num_iid", "=", str(num_iid)),
             ("active", "=", active)])

    def variant_table(self, template):
        """{(colour, size): (default_code, lst_price)} of the template's variants."""
        table = {}
        for variant in template.product_variant_ids:
            names = dict((v.attribute_id.name, v.name) for v in variant.attribute_value_ids)
            table[(names.get("颜色分类"), names.get("尺码"))] = (
                variant.default_code, variant.lst_price)
        return table

    def test_item_with_skus(self):
        """One template, attribute lines, one variant per sold SKU, mappings."""
        result = self.import_items(tshirt(skip=[("蓝色", "M")]))
        self.assertEqual((result["templates_created"], result["variants_created"]), (1, 3))
        self.assertEqual(result["errors"], [])
        template = self.template(5201)
        self.assertEqual(template.name, "纯棉T恤")
        self.assertEqual(template.type, "product")
        lines = {line.attribute_id.name: sorted(line.value_ids.mapped("name"))
                 for line in template.attribute_line_ids}
        self.assertEqual(lines, {"颜色分类": ["红色", "蓝色"], "尺码": ["M", "S"]})
        self.assertEqual(self.variant_table(template), {
            ("红色", "S"): ("TS-28326-S", 59.0), ("红色", "M"): ("TS-28326-M", 59.0),
            ("蓝色", "S"): ("TS-28338-S", 59.0)})
        rows = {(m.sku_id, m.outer_id, m.product_id.default_code) for m in self.mappings(5201)}
        self.assertEqual(rows, {("520101", "TS-28326-S", "TS-28326-S"),
                                ("520102", "TS-28326-M", "TS-28326-M"),
                                ("520103", "TS-28338-S", "TS-28338-S")})

    def test_item_without_skus(self):
        result = self.import_items(item(5301, "保温杯", "69.00", outer_id="CUP-1"))
        self.assertEqual((result["templates_created"], result["variants_created"]), (1, 1))
        template = self.template(5301)
        self.assertEqual(template.product_variant_ids.default_code, "CUP-1")
        self.assertEqual(template.list_price, 69.0)
        self.assertFalse(template.attribute_line_ids)
        mapping = self.mappings(5301)
        self.assertEqual((mapping.sku_id, mapping.outer_id, mapping.product_id),
                         ("", "CUP-1", template.product_variant_ids))

    def test_item_without_merchant_code_uses_num_iid(self):
        self.import_items(item(5302, "蜂蜜", "58.00"))
        self.assertEqual(self.template(5302).product_variant_ids.default_code, "5302")
        self.assertEqual(self.mappings(5302).outer_id, "5302")

    def test_existing_product_is_linked(self):
        """The ERP catalogue exists first: match by Internal Reference."""
        Product = self.env["product.product"]
        cup = Product.create({"name": "ERP cup", "default_code": "CUP-1", "list_price": 5})
        shirt = Product.create({"name": "ERP red S", "default_code": "TS-28326-S"})
        count = Product.search_count([])
        result = self.import_items(item(5301, "保温杯", "69.00", outer_id="CUP-1"),
                                   tshirt(colors=("红色",)))
        self.assertEqual(result["linked"], 2)
        self.assertEqual((result["templates_created"], result["variants_created"]), (1, 1))
        self.assertEqual(Product.search_count([]), count + 1)
        self.assertFalse(self.template(5301))
        self.assertEqual(self.mappings(5301).product_id, cup)
        self.assertEqual(cup.lst_price, 5.0, "an ERP product keeps its own price")
        by_sku = {m.sku_id: m.product_id for m in self.mappings(5201)}
        self.assertEqual(by_sku["520101"], shirt)
        self.assertEqual(by_sku["520102"].default_code, "TS-28326-M")
        self.assertEqual(by_sku["520102"].product_tmpl_id, self.template(5201))

    def test_reimport_creates_nothing(self):
        items = [tshirt(), item(5301, "保温杯", "69.00", outer_id="CUP-1")]
        first = self.import_items(*items)
        self.assertEqual((first["templates_created"], first["variants_created"]), (2, 5))
        counts = [self.env[m].search_count([]) for m in (
            "product.template", "product.product", "product.attribute",
            "product.attribute.value", "ecommerce.sku.mapping")]
        again = self.shop.import_platform_items()
        self.assertEqual((again["templates_created"], again["variants_created"],
                          again["updated"], again["linked"]), (0, 0, 0, 0))
        self.assertEqual(counts, [self.env[m].search_count([]) for m in (
            "product.template", "product.product", "product.attribute",
            "product.attribute.value", "ecommerce.sku.mapping")])

    def test_changed_item_updates_template(self):
        self.import_items(tshirt(), item(5301, "保温杯", "69.00", outer_id="CUP-1"))
        self.sandbox.upsert(items=[
            tshirt(title="纯棉T恤 新款", prices={"S": "65.00", "M": "65.00"}),
            item(5301, "保温杯", "69.00", outer_id="CUP-1")])
        result = self.shop.import_platform_items()
        self.assertEqual(result["updated"], 1)
        template = self.template(5201)
        self.assertEqual(template.name, "纯棉T恤 新款")
        self.assertEqual({p for _c, p in self.variant_table(template).values()}, {65.0})
        self.assertEqual(self.mappings(5201)[0].title, "纯棉T恤 新款")

    def test_new_sku_adds_variant_only(self):
        self.import_items(tshirt(skip=[("蓝色", "M")]))
        self.sandbox.upsert(items=[tshirt(sizes=("S", "M", "L"),
                                          skip=[("蓝色", "M"), ("红色", "L")])])
        result = self.shop.import_platform_items()
        self.assertEqual((result["templates_created"], result["variants_created"],
                          result["updated"]), (0, 1, 1))
        table = self.variant_table(self.template(5201))
        self.assertEqual(sorted(table), sorted([("红色", "S"), ("红色", "M"), ("蓝色", "S"),
                                                ("蓝色", "L")]))
        self.assertEqual(table[("蓝色", "L")][0], "TS-28338-L")
        self.assertEqual(len(self.mappings(5201)), 4)

    def test_disappeared_sku_is_reported_and_kept(self):
        self.import_items(tshirt())
        product = self.mappings(5201).filtered(lambda m: m.sku_id == "520104").product_id
        self.sandbox.upsert(items=[tshirt(skip=[("蓝色", "M")])])
        result = self.shop.import_platform_items()
        self.assertEqual(result["deactivated"], [
            {"num_iid": "5201", "sku_id": "520104", "outer_id": "TS-28338-M"}])
        gone = self.mappings(5201, active=False)
        self.assertEqual(gone.sku_id, "520104")
        self.assertTrue(product.exists() and product.active)
        self.assertEqual(len(self.mappings(5201)), 3)
        # Sold again later: the same mapping comes back, no new variant.
        self.sandbox.upsert(items=[tshirt()])
        result = self.shop.import_platform_items()
        self.assertEqual(result["variants_created"], 0)
        self.assertEqual(len(self.mappings(5201)), 4)

    def test_bad_items_are_reported_others_import(self):
        shared = tshirt(5202, code="X")
        for row in shared["skus"]["sku"]:
            row["outer_id"] = "SAME"
        malformed = item(5203, "坏商品", skus=[sku(520301, "1627207:28326:颜色分类", "9.00", "B1")])
        result = self.import_items(shared, malformed, tshirt(),
                                   num_iids=[5202, 5203, 5201, 5999])
        errors = {e["num_iid"]: e["reason"] for e in result["errors"]}
        self.assertEqual(sorted(errors), ["5202", "5203", "5999"])
        self.assertIn("SAME", errors["5202"])
        self.assertIn("malformed", errors["5203"])
        self.assertIn("not return", errors["5999"])
        self.assertTrue(self.template(5201))
        self.assertFalse(self.template(5202) | self.template(5203))
        self.assertFalse(self.mappings(5202) | self.mappings(5203))

    def test_failure_midway_leaves_nothing_behind(self):
        """A failure after the item's products exist rolls the whole item back."""
        material = lambda v: prop(("1627208", "材质"), v, "777")  # noqa: E731
        bad = item(5401, "坏商品", skus=[sku(540101, material("亚麻"), "9.00", "BAD-1")])
        good = item(5402, "好商品", skus=[sku(540201, material("亚麻"), "9.00", "GOOD-1")])
        original = type(self.shop)._prepare_mapping_vals

        def failing(shop, plan, variant, product):
            if plan["num_iid"] == "5401":
                raise UserError("boom")  # pylint: disable=translation-required
            return original(shop, plan, variant, product)
        with patch.object(type(self.shop), "_prepare_mapping_vals", failing):
            result = self.import_items(bad, good)
        self.assertEqual(result["errors"], [{"num_iid": "5401", "reason": "boom"}])
        self.assertFalse(self.template(5401))
        self.assertFalse(self.env["product.product"].search([("default_code", "=", "BAD-1")]))
        good_value = self.template(5402).product_variant_ids.attribute_value_ids
        self.assertEqual(good_value.mapped("name"), ["亚麻"])
        self.assertEqual(self.env["product.attribute.value"].search_count(
            [("name", "=", "亚麻"), ("attribute_id.name", "=", "材质")]), 1)

    def test_any_exception_fails_one_item_only(self):
        def material(value):
            return prop(("1627208", "材质"), value, "778")
        bad = item(5411, "坏商品", skus=[sku(541101, material("棉"), "9.00", "BAD-2")])
        good = item(5412, "好商品", skus=[sku(541201, material("棉"), "9.00", "GOOD-2")])
        original = type(self.shop)._prepare_mapping_vals

        def failing(shop, plan, variant, product):
            if plan["num_iid"] == "5411":
                raise ZeroDivisionError("an unexpected bug")
            return original(shop, plan, variant, product)
        with patch.object(type(self.shop), "_prepare_mapping_vals", failing), \
                mute_logger("odoo.addons.ecommerce_sync.synchronizers.item_importer"):
            result = self.import_items(bad, good)
        self.assertEqual([e["num_iid"] for e in result["errors"]], ["5411"])
        self.assertIn("ZeroDivisionError", result["errors"][0]["reason"])
        self.assertFalse(self.template(5411))
        self.assertTrue(self.template(5412))

    def test_attributes_reused_across_items(self):
        self.import_items(tshirt(5201, code="A"), tshirt(5202, code="B", sizes=("S", "L")))
        red = self.env["product.attribute.value"].search(
            [("name", "=", "红色"), ("attribute_id.name", "=", "颜色分类")])
        self.assertEqual(len(red), 1)
        self.assertEqual(self.env["product.attribute"].search_count([("name", "=", "颜色分类")]), 1)
        for num_iid in (5201, 5202):
            self.assertIn(red, self.template(num_iid).attribute_line_ids.mapped("value_ids"))

    def test_property_alias_names_the_value(self):
        self.import_items(tshirt(property_alias="1627207:28326:中国红"))
        table = self.variant_table(self.template(5201))
        self.assertIn(("中国红", "S"), table)
        self.assertNotIn(("红色", "S"), table)

    def test_prices_per_variant(self):
        prices = {("红色", "S"): "59.00", ("红色", "M"): "69.00",
                  ("蓝色", "S"): "64.00", ("蓝色", "M"): "74.00"}
        self.import_items(tshirt(prices=prices))
        template = self.template(5201)
        self.assertEqual(template.list_price, 59.0)
        self.assertEqual({k: v[1] for k, v in self.variant_table(template).items()},
                         {k: float(v) for k, v in prices.items()})

    def test_non_additive_prices_warn_and_take_lowest(self):
        prices = {("红色", "S"): "59.00", ("红色", "M"): "69.00",
                  ("蓝色", "S"): "64.00", ("蓝色", "M"): "99.00"}
        result = self.import_items(tshirt(prices=prices))
        self.assertEqual([w["num_iid"] for w in result["warnings"]], ["5201"])
        prices_now = {v[1] for v in self.variant_table(self.template(5201)).values()}
        self.assertEqual(prices_now, {59.0})

    def test_detail_calls_grow_with_items_over_20(self):
        items = [item(6000 + n, "商品%d" % n, outer_id="G-%d" % n) for n in range(45)]
        result = self.import_items(*items)
        self.assertEqual(result["templates_created"], 45)
        calls = self.sandbox.stats()["by_method"]
        self.assertEqual(calls.get("taobao.items.seller.list.get"), 3)

    def test_search_lists_items_with_utc_times(self):
        self.sandbox.reset(items=[
            tshirt(modified="2024-06-01 10:00:00"),
            item(5301, "保温杯", outer_id="CUP-1", modified="2024-06-03 10:00:00",
                 approve_status="instock")])
        self.shop.import_platform_items(num_iids=["5301"])
        found = {r["num_iid"]: r for r in self.shop.search_platform_items()["items"]}
        self.assertEqual(found["5201"], {
            "num_iid": "5201", "title": "纯棉T恤", "outer_id": "TS", "sku_count": 4,
            "modified": "2024-06-01 02:00:00", "imported": False})
        self.assertEqual((found["5301"]["sku_count"], found["5301"]["imported"]), (0, True))
        # Filters: title part, and a UTC window that only the cup is inside.
        self.assertEqual([r["num_iid"] for r in self.shop.search_platform_items(
            name="保温")["items"]], ["5301"])
        window = self.shop.search_platform_items(
            modified_from="2024-06-03 01:59:59", modified_to="2024-06-03 02:00:00")
        self.assertEqual([r["num_iid"] for r in window["items"]], ["5301"])
        with self.assertRaises(UserError):
            self.shop.search_platform_items(modified_from="yesterday")

    def test_wizard_search_and_import_ticked(self):
        self.sandbox.reset(items=[tshirt(), item(5301, "保温杯", outer_id="CUP-1")])
        wizard = self.env["ecommerce.item.import.wizard"].create({"shop_id": self.shop.id})
        wizard.action_search_items()
        self.assertEqual(sorted(wizard.line_ids.mapped("num_iid")), ["5201", "5301"])
        self.assertTrue(all(wizard.line_ids.mapped("selected")))
        line = wizard.line_ids.filtered(lambda line: line.num_iid == "5201")
        self.assertEqual((line.sku_count, line.outer_id), (4, "TS"))
        wizard.line_ids.filtered(lambda line: line.num_iid == "5301").selected = False
        wizard.action_import_products()
        self.assertEqual(len(self.template(5201).product_variant_ids), 4)
        self.assertFalse(self.template(5301))
        self.assertTrue(line.imported)
        self.assertIn("4 variants created", wizard.result_message)

    def test_ecommerce_user_can_import(self):
        user = self.make_user("items_user", ["ecommerce_sync.group_ecommerce_user"])
        self.sandbox.reset(items=[tshirt()])
        shop = self.shop.sudo(user)
        self.assertEqual(len(shop.search_platform_items()["items"]), 1)
        result = shop.import_platform_items()
        self.assertEqual((result["variants_created"], result["errors"]), (4, []))
        self.assertEqual(self.template(5201).create_uid, user)

    def test_user_outside_groups_is_refused(self):
        user = self.make_user("plain_user", ["base.group_user"])
        for method in ("search_platform_items", "import_platform_items"):
            with self.assertRaises(AccessError):
                getattr(self.shop.sudo(user), method)()
        wizard = self.env["ecommerce.item.import.wizard"].sudo(user).create(
            {"shop_id": self.shop.id})
        with self.assertRaises(AccessError):
            wizard.action_search_items()
