# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Start the JD sandbox as a real subprocess and hand out clients."""
import json
import os
import subprocess
import sys
import time

import pytest
import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JD_SANDBOX = os.path.join(ROOT, 'sandbox', 'jd_sandbox.py')
JD_DATA = os.path.join(ROOT, 'sandbox', 'jd_demo_data.json')

APP_KEY, APP_SECRET, TOKEN = 'JDAPPKEY01', 'jd-sandbox-secret-789', 'jdtoken-abcdef123456'


class JdSandbox(object):
    def __init__(self, tmpdir, extra=(), plain=True):
        self.call_log = os.path.join(tmpdir, 'jd_calls.jsonl')
        ready = os.path.join(tmpdir, 'jd_port')
        cmd = [sys.executable, JD_SANDBOX, '--port', '0', '--data', JD_DATA,
               '--app-key', APP_KEY, '--app-secret', APP_SECRET, '--access-token', TOKEN,
               '--call-log', self.call_log, '--ready-file', ready,
               '--rebase-times'] + (['--plain-receivers'] if plain else []) + list(extra)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.time() + 15
        while not os.path.exists(ready):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError('JD sandbox did not start: %s' % self.proc.stderr.read())
            time.sleep(0.05)
        with open(ready) as handle:
            self.port = int(handle.read())
        self.base = 'http://127.0.0.1:%d' % self.port

    def control(self, path, body=None):
        if body is None and path in ('state', 'stats'):
            resp = requests.get('%s/_sandbox/%s' % (self.base, path), timeout=10)
        else:
            resp = requests.post('%s/_sandbox/%s' % (self.base, path),
                                 json=body or {}, timeout=10)
        resp.raise_for_status()
        return resp.json()

    def log_lines(self):
        with open(self.call_log, encoding='utf-8') as handle:
            return [json.loads(line) for line in handle]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.proc.stdout.close()
        self.proc.stderr.close()


@pytest.fixture(scope='session')
def jd_box(tmp_path_factory):
    box = JdSandbox(str(tmp_path_factory.mktemp('jd_sandbox')))
    yield box
    box.stop()


@pytest.fixture
def jd_fresh(jd_box):
    """The JD sandbox reset to its data file, without faults."""
    jd_box.control('reset')
    return jd_box


def make_client(box, **kw):
    from jd_client import JdClient
    opts = dict(access_token=TOKEN, backoff=0.01, max_backoff=0.05, timeout=(2, 5))
    opts.update(kw)
    app_key = opts.pop('app_key', APP_KEY)
    app_secret = opts.pop('app_secret', APP_SECRET)
    return JdClient('127.0.0.1:%d' % box.port, app_key, app_secret, **opts)


@pytest.fixture
def jd_client(jd_fresh):
    return make_client(jd_fresh)
