# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""An own shop's server repeats a push while the first one still runs (issue 27).

Two real XML-RPC calls on the running Odoo server, each on its own database
connection; the data is committed (the server must see it) and removed afterwards.
"""
import threading
import time
import xmlrpc.client

from odoo import SUPERUSER_ID, api
from odoo.tests import common
from odoo.tools import mute_logger

from ..models.ecommerce_shop_orders import LOCK_CLASS
from .test_own_shop_rpc import own_order

URL = "http://%s:%d/xmlrpc/2/object" % (common.HOST, common.PORT)


@common.at_install(False)
@common.post_install(True)
class TestConcurrentPushes(common.TransactionCase):

    def setUp(self):
        super().setUp()
        self.registry_ = self.env.registry
        self.db = common.get_db_name()
        with api.Environment.manage(), self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            product = env["product.product"].create({
                "name": "Concurrent widget", "type": "consu", "default_code": "WA-01-S",
                "taxes_id": [(6, 0, [])]})
            shop = env["ecommerce.shop"].create({"name": "Concurrent pushes", "code": "CP",
                                                 "platform": "own"})
            env["ecommerce.sku.mapping"].create({"shop_id": shop.id, "num_iid": "WA-01-S",
                                                 "product_id": product.id})
            self.shop_id, self.product_id = shop.id, product.id
        common_proxy = xmlrpc.client.ServerProxy(URL.replace("/object", "/common"))
        self.uid = common_proxy.authenticate(self.db, "admin", "admin", {})
        self.key = xmlrpc.client.ServerProxy(URL, allow_none=True).execute_kw(
            self.db, self.uid, "admin", "ecommerce.shop", "generate_own_key",
            [[self.shop_id]])["key"]

    def tearDown(self):
        with api.Environment.manage(), self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].search([("ecommerce_shop_id", "=", self.shop_id)])
            # The buyers and addresses the pushes committed go too: later tests scan the
            # partners for plaintext receivers, which an own shop may send.
            partners = orders.mapped("partner_id") | orders.mapped("partner_shipping_id")
            orders.mapped("picking_ids").action_cancel()
            orders.action_cancel()
            orders.unlink()
            env["mail.followers"].search([("partner_id", "in", partners.ids)]).unlink()
            partners.unlink()
            env["ecommerce.sync.log"].search([("shop_id", "=", self.shop_id)]).unlink()
            env["ecommerce.sku.mapping"].search([("shop_id", "=", self.shop_id)]).unlink()
            env["ecommerce.shop"].browse(self.shop_id).unlink()
            env["product.product"].browse(self.product_id).active = False
        super().tearDown()

    def push(self, order, results):
        proxy = xmlrpc.client.ServerProxy(URL, allow_none=True)
        try:
            answer = proxy.execute_kw(self.db, self.uid, "admin", "ecommerce.shop",
                                      "receive_orders", [[self.shop_id], [order]],
                                      {"key": self.key})
            results.append(answer["results"][0])
        except xmlrpc.client.Fault as fault:
            results.append({"result": "fault", "reason": fault.faultString})

    def waiting_pushes(self, cr):
        cr.execute("""SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
                       AND NOT granted AND classid = %s AND objid = %s""",
                   (LOCK_CLASS, self.shop_id))
        return cr.fetchone()[0]

    def push_together(self, first, second):
        """Both pushes start while a third connection holds the shop's push lock,
        so that each has begun its transaction before the other stores anything."""
        results = []
        with self.registry_.cursor() as holder:
            holder.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_CLASS, self.shop_id))
            threads = [threading.Thread(target=self.push, args=(order, results))
                       for order in (first, second)]
            for thread in threads:
                thread.start()
            with self.registry_.cursor() as watcher:
                deadline = time.time() + 60
                while self.waiting_pushes(watcher) < 2 and time.time() < deadline:
                    time.sleep(0.05)
                self.assertEqual(self.waiting_pushes(watcher), 2, "both pushes wait")
            holder.rollback()
        for thread in threads:
            thread.join(timeout=120)
        self.assertEqual(len(results), 2, "a push hung: %s" % results)
        return sorted(results, key=lambda r: r["result"])

    def stored(self):
        with self.registry_.cursor() as cr:
            cr.execute("""SELECT id, ecommerce_seller_memo FROM sale_order
                           WHERE ecommerce_shop_id = %s""", [self.shop_id])
            return cr.fetchall()

    @mute_logger("odoo.sql_db", "odoo.service.model")
    def test_a_repeated_push_waiting_for_the_first_answers_as_a_repeat(self):
        order = own_order("R1001")
        created, unchanged = self.push_together(order, order)
        self.assertEqual((created["result"], unchanged["result"]), ("created", "unchanged"),
                         (created, unchanged))
        [(order_id, _memo)] = self.stored()
        self.assertEqual(created["sale_order_id"], order_id)
        self.assertEqual(unchanged["sale_order_id"], order_id)
        self.assertEqual((unchanged["state"], unchanged["held"]), ("sale", False))

        # Both repeat a newer version of the stored order: one updates it, the
        # other, which waited, finds it already updated.
        newer = own_order("R1001", modified="2026-11-30 11:00:00", seller_memo="送赠品")
        unchanged, updated = self.push_together(newer, newer)
        self.assertEqual((unchanged["result"], updated["result"]), ("unchanged", "updated"),
                         (unchanged, updated))
        self.assertEqual({unchanged["sale_order_id"], updated["sale_order_id"]}, {order_id})
        self.assertEqual(self.stored(), [(order_id, "送赠品")])
