# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""No secret in any record or log (issue 20).

A run full of injected faults (every fault kind of the sandboxes, and a
gateway that cannot be reached) for a Taobao, a JD and an own shop; then the
failed jobs' exc_info and results, the sync logs, the chatter, the shops'
error fields and the server log are searched for the App Secrets, the
session key, the access token and the own shop's key.
"""
import logging
import socket
import traceback
from unittest.mock import patch

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.exceptions import AccessError
from odoo.addons.queue_job.job import Job

from .common import APP_SECRET, SESSION, EcommerceCase
from .jd_common import JD_APP_SECRET, JD_TOKEN, JdSandbox, jd_shop_vals

FAULTS = ("transient:1", "rate_limit:1", "malformed:1", "session_expiry:1")


def closed_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


class LogCapture(logging.Handler):
    """Every record of the server log, formatted with its traceback."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


class TestNoSecretAnywhere(EcommerceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.jd_sandbox = JdSandbox()
        cls.jd_shop = cls.env["ecommerce.shop"].create(jd_shop_vals())
        cls.own_shop = cls.env["ecommerce.shop"].create(
            {"name": "Own shop", "code": "OWN", "platform": "own"})

    def setUp(self):
        super().setUp()
        self.jd_sandbox.reset()
        self.addCleanup(self.sandbox.faults, [])
        self.addCleanup(self.jd_sandbox.faults, [])
        self.log = LogCapture()
        logging.getLogger().addHandler(self.log)
        self.addCleanup(logging.getLogger().removeHandler, self.log)
        # The clients' backoff between retries: nothing to wait for here.
        sleep = patch("time.sleep", lambda seconds: None)
        sleep.start()
        self.addCleanup(sleep.stop)
        self.first_message = self.env["mail.message"].search([], order="id desc", limit=1).id

    # -- a run full of faults ------------------------------------------------
    def run_job(self, record):
        """Run a stored job as /queue_job/runjob does; its traceback goes to the log."""
        job = Job.load(self.env, record.uuid)
        job.set_started()
        job.store()
        try:
            with self.env.cr.savepoint():
                job.perform()
        except RetryableJobError as err:
            job.postpone(result=str(err), seconds=err.seconds)
            job.set_pending(reset_retry=False)
        except Exception:  # pylint: disable=broad-except
            text = traceback.format_exc()
            self.log.lines.append(text)  # the runner logs it (at ERROR) as it stores it
            job.set_failed(exc_info=text)
        else:
            job.set_done()
        job.store()

    def enqueue_all(self, shop):
        """One job of each kind of the shop, failing at its first error."""
        shop.sync_paused = False
        before = self.env["queue.job"].search([]).ids
        delayed = shop._delayed("secrets test", 5)
        delayed._job_sync_orders()
        delayed._job_sync_refunds()
        delayed._job_retry_trade("1234567890")
        delayed._job_import_items(["1234567"])
        delayed._job_check_missing_orders("2026-01-01 00:00:00", "2026-01-01 01:00:00")
        jobs = self.env["queue.job"].search([("id", "not in", before)])
        jobs.write({"max_retries": 1})
        return jobs

    def fault_run(self, shop, sandbox):
        for fault in FAULTS:
            sandbox.faults([fault])
            for record in self.enqueue_all(shop):
                self.run_job(record)
        sandbox.faults([])
        url = shop.app_url
        shop.app_url = "http://127.0.0.1:%d/routerjson" % closed_port()
        unreachable = self.enqueue_all(shop)
        for record in unreachable:
            self.run_job(record)
        shop.app_url = url
        return unreachable

    def own_shop_run(self):
        key = self.own_shop.generate_own_key()["key"]
        bad = {"number": "S1", "status": "paid", "lines": [], "payment": "1.00"}
        self.own_shop.receive_orders([bad, {"number": "S 2"}], key=key)
        with self.assertRaises(AccessError):
            self.own_shop.receive_orders([bad], key=key[:-1])
        return key

    # -- the search ------------------------------------------------------------
    def texts(self):
        jobs = self.env["queue.job"].search([("channel", "like", "root.ecommerce.%")])
        texts = jobs.mapped("exc_info") + jobs.mapped("result") + jobs.mapped("name")
        logs = self.env["ecommerce.sync.log"].search([])
        texts += logs.mapped("message") + logs.mapped("line_ids.reason")
        messages = self.env["mail.message"].search([("id", ">", self.first_message)])
        texts += messages.mapped("body") + messages.mapped("subject")
        shops = self.shop | self.jd_shop | self.own_shop
        for name in ("order_sync_error", "refund_sync_error", "sync_pause_reason",
                     "connection_message", "health_reasons"):
            texts += shops.mapped(name)
        return [str(text) for text in texts if text] + self.log.lines

    def test_no_secret_in_jobs_logs_chatter_or_server_log(self):
        top_unreachable = self.fault_run(self.shop, self.sandbox)
        jd_unreachable = self.fault_run(self.jd_shop, self.jd_sandbox)
        own_key = self.own_shop_run()
        # The run did fail, in every way asked for: else the search proves nothing.
        for unreachable in (top_unreachable, jd_unreachable):
            failed = unreachable.filtered(lambda job: job.state == "failed")
            self.assertTrue(failed, "the unreachable gateway failed no job")
            self.assertTrue(any("could not reach" in (job.exc_info or "") for job in failed))
        self.assertTrue(self.shop.sync_pause_reason and self.jd_shop.sync_pause_reason)
        self.assertTrue(any("Traceback" in line for line in self.log.lines))
        texts = self.texts()
        self.assertGreater(len(texts), 40)
        for secret in (APP_SECRET, SESSION, JD_APP_SECRET, JD_TOKEN, own_key):
            found = [text for text in texts if secret in text]
            self.assertFalse(found, "%s found in: %s" % (secret, found[:1]))
