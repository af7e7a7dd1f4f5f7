# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Start the TOP sandbox as a real subprocess and hand out clients."""
import json
import os
import subprocess
import sys
import time

import pytest
import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SANDBOX = os.path.join(ROOT, 'sandbox', 'top_sandbox.py')

APP_KEY, APP_SECRET, SESSION = '12345678', 'sandbox-secret-xyz', '6100sessionABC'


def small_data():
    # Imported from the package: sandbox/ on sys.path would let sandbox/jd/ hide the JD SDK.
    from sandbox import generate_data  # stdlib only
    return generate_data.generate(items=6, skus_per_item=4, trades=30, days=2,
                                  seed=3, start='2024-06-01 00:00:00')


class Sandbox(object):
    def __init__(self, tmpdir, extra=(), plain=True):
        self.data_file = os.path.join(tmpdir, 'data.json')
        self.call_log = os.path.join(tmpdir, 'calls.jsonl')
        ready = os.path.join(tmpdir, 'port')
        with open(self.data_file, 'w', encoding='utf-8') as handle:
            json.dump(small_data(), handle, ensure_ascii=False)
        cmd = [sys.executable, SANDBOX, '--port', '0', '--data', self.data_file,
               '--app-key', APP_KEY, '--app-secret', APP_SECRET, '--session', SESSION,
               '--call-log', self.call_log, '--ready-file', ready,
               '--rebase-times'] + (['--plain-receivers'] if plain else []) + list(extra)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.time() + 15
        while not os.path.exists(ready):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError('sandbox did not start: %s' % self.proc.stderr.read())
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

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.proc.stdout.close()
        self.proc.stderr.close()


@pytest.fixture(scope='session')
def sandbox(tmp_path_factory):
    box = Sandbox(str(tmp_path_factory.mktemp('sandbox')))
    yield box
    box.stop()


@pytest.fixture
def fresh(sandbox):
    """A sandbox reset to its data file, without faults."""
    sandbox.control('reset')
    return sandbox


@pytest.fixture
def client(fresh):
    from top_client import TopClient
    return TopClient('127.0.0.1:%d' % fresh.port, APP_KEY, APP_SECRET,
                     session=SESSION, backoff=0.01, max_backoff=0.05,
                     timeout=(2, 5))
