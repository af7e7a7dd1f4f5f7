# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from .common import EcommerceRpcCase
from .item_factory import item, tshirt


class TestItemImportRpc(EcommerceRpcCase):
    """The items API over real XML-RPC, as an outside tool calls it."""

    def setUp(self):
        super().setUp()
        self.create_user("ecom_items", ["ecommerce_sync.group_ecommerce_user"])
        self.create_user("plain_items", ["base.group_user"])
        self.shop_id = self.create_shop()
        self.sandbox.reset(items=[
            tshirt(prices={"S": "59.00", "M": "69.00"}, modified="2024-06-01 10:00:00"),
            item(5301, "保温杯", "69.00", modified="2024-06-02 10:00:00")])

    def test_search_and_import_as_ecommerce_user(self):
        found = self.rpc("ecom_items", "ecommerce.shop", "search_platform_items",
                         [self.shop_id], modified_to="2024-06-01 02:00:00")
        self.assertEqual(found, {"items": [{
            "num_iid": "5201", "title": "纯棉T恤", "outer_id": "TS", "sku_count": 4,
            "modified": "2024-06-01 02:00:00", "imported": False}]})
        result = self.rpc("ecom_items", "ecommerce.shop", "import_platform_items",
                          [self.shop_id], num_iids=["5201", "5301"])
        self.assertEqual((result["templates_created"], result["variants_created"],
                          result["updated"], result["errors"]), (2, 5, 0, []))
        variants = self.rpc("ecom_items", "product.product", "search_read",
                            [("product_tmpl_id.ecommerce_num_iid", "in", ["5201", "5301"])],
                            fields=["default_code", "lst_price"])
        self.assertEqual(sorted((v["default_code"], v["lst_price"]) for v in variants), [
            ("5301", 69.0), ("TS-28326-M", 69.0), ("TS-28326-S", 59.0),
            ("TS-28338-M", 69.0), ("TS-28338-S", 59.0)])
        mappings = self.rpc("ecom_items", "ecommerce.sku.mapping", "search_read",
                            [("shop_id", "=", self.shop_id)], fields=["num_iid", "sku_id"])
        self.assertEqual(len(mappings), 5)
        again = self.rpc("ecom_items", "ecommerce.shop", "import_platform_items",
                         [self.shop_id])
        self.assertEqual((again["templates_created"], again["variants_created"],
                          again["updated"]), (0, 0, 0))
        found = self.rpc("ecom_items", "ecommerce.shop", "search_platform_items",
                         [self.shop_id], name="保温")
        self.assertEqual([(r["num_iid"], r["imported"]) for r in found["items"]],
                         [("5301", True)])

    def test_wizard_over_rpc(self):
        wizard_id = self.rpc("ecom_items", "ecommerce.item.import.wizard", "create",
                             {"shop_id": self.shop_id, "name": "T恤"})
        self.rpc("ecom_items", "ecommerce.item.import.wizard", "action_search_items",
                 [wizard_id])
        self.rpc("ecom_items", "ecommerce.item.import.wizard", "action_import_products",
                 [wizard_id])
        codes = self.rpc("ecom_items", "ecommerce.sku.mapping", "search_read",
                         [("shop_id", "=", self.shop_id)], fields=["outer_id"])
        self.assertEqual(sorted(c["outer_id"] for c in codes),
                         ["TS-28326-M", "TS-28326-S", "TS-28338-M", "TS-28338-S"])

    def test_user_outside_groups_gets_access_error(self):
        self.assertRpcAccessError("plain_items", "ecommerce.shop", "search_platform_items",
                                  [self.shop_id])
        self.assertRpcAccessError("plain_items", "ecommerce.shop", "import_platform_items",
                                  [self.shop_id], num_iids=["5201"])
