# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from .common import EcommerceRpcCase

USER = "ecommerce_sync.group_ecommerce_user"
MANAGER = "ecommerce_sync.group_ecommerce_manager"
SALESMAN = "sales_team.group_sale_salesman"
SECRETS = ("app_secret", "session_key", "refresh_token", "oauth_state_nonce")


class TestShopSecurityRpc(EcommerceRpcCase):
    """What each kind of user can do with shops over XML-RPC."""

    def setUp(self):
        super().setUp()
        self.shop_id = self.create_shop(app_secret="top-secret", session_key="sess-123")
        self.create_user("ecuser", [USER])
        self.create_user("ecmanager", [MANAGER])
        self.create_user("salesman", [SALESMAN])

    def test_user_reads_the_shop_but_no_secret(self):
        [shop] = self.rpc("ecuser", "ecommerce.shop", "read", [self.shop_id])
        self.assertEqual(shop["code"], "TB")
        for field in SECRETS:
            self.assertNotIn(field, shop)
        for field in SECRETS:
            self.assertRpcAccessError("ecuser", "ecommerce.shop", "read", [self.shop_id], [field])
        self.assertNotIn("top-secret", str(shop))

    def test_user_cannot_see_secret_fields_or_write_them(self):
        fields = self.rpc("ecuser", "ecommerce.shop", "fields_get")
        for field in SECRETS:
            self.assertNotIn(field, fields)
        self.assertRpcAccessError("ecuser", "ecommerce.shop", "write", [self.shop_id],
                                  {"app_secret": "x"})
        self.assertRpcAccessError("ecuser", "ecommerce.shop", "write", [self.shop_id],
                                  {"name": "renamed"})

    def test_manager_reads_and_writes_secrets(self):
        [shop] = self.rpc("ecmanager", "ecommerce.shop", "read", [self.shop_id], SECRETS[:2])
        self.assertEqual((shop["app_secret"], shop["session_key"]), ("top-secret", "sess-123"))
        self.rpc("ecmanager", "ecommerce.shop", "write", [self.shop_id], {"session_key": "new"})
        [shop] = self.rpc("admin", "ecommerce.shop", "read", [self.shop_id], ["session_key"])
        self.assertEqual(shop["session_key"], "new")

    def test_user_outside_ecommerce_groups_cannot_see_shops(self):
        self.assertRpcAccessError("salesman", "ecommerce.shop", "search_read", [])
        self.assertRpcAccessError("salesman", "ecommerce.shop", "test_connection", [self.shop_id])

    def test_shops_of_another_company_are_invisible(self):
        other = self.rpc("admin", "res.company", "create", {"name": "Other Co"})
        warehouse = self.rpc("admin", "stock.warehouse", "search", [("company_id", "=", other)])
        self.rpc("admin", "ecommerce.shop", "create", {
            "name": "Other shop", "code": "OT", "company_id": other,
            "warehouse_id": warehouse[0]})
        user = self.create_user("otheruser", [USER])
        self.rpc("admin", "res.users", "write", [user],
                 {"company_ids": [(6, 0, [other])], "company_id": other})
        names = [s["code"] for s in self.rpc("otheruser", "ecommerce.shop", "search_read", [],
                                             ["code"])]
        self.assertEqual(names, ["OT"])
        names = [s["code"] for s in self.rpc("ecuser", "ecommerce.shop", "search_read", [],
                                             ["code"])]
        self.assertEqual(names, ["TB"])
        self.assertRpcAccessError("otheruser", "ecommerce.shop", "read", [self.shop_id], ["name"])

    def test_secrets_are_not_in_the_chatter(self):
        self.rpc("admin", "ecommerce.shop", "write", [self.shop_id],
                 {"app_secret": "changed-secret", "session_key": "changed-session",
                  "name": "Renamed"})
        messages = self.rpc("admin", "mail.message", "search_read",
                            [("model", "=", "ecommerce.shop"), ("res_id", "=", self.shop_id)],
                            ["body", "tracking_value_ids"])
        values = self.rpc("admin", "mail.tracking.value", "search_read",
                          [("mail_message_id", "in", [m["id"] for m in messages])],
                          ["old_value_char", "new_value_char"])
        dump = str(messages) + str(values)
        self.assertIn("Renamed", dump)
        for secret in ("changed-secret", "changed-session", "top-secret", "sess-123"):
            self.assertNotIn(secret, dump)
