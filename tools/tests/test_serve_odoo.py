# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""serve_odoo (tools/lib.sh), which the browser and upgrade stages start Odoo with: it
returns once the login page answers, tells a port taken meanwhile apart (status 3), and a
server that never answers fails with the reason in the stage's own output."""
import os
import shutil
import socket
import subprocess

import pytest

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Stands in for tools/odoo.sh: reads --http-port and --logfile like Odoo and behaves as
# FAKE_ODOO says: serve 200, serve 500, or find its port taken.
FAKE_ODOO = r'''#!/usr/bin/env python3
import http.server, os, sys, time
args = dict(a.split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
port, log = int(args["--http-port"]), args["--logfile"]
mode = os.environ["FAKE_ODOO"]
with open(log, "a") as stream:
    stream.write("odoo: starting in mode %s\n" % mode)
if mode == "taken":
    sys.stderr.write("OSError: [Errno 98] Address already in use\n")
    sys.stderr.flush()
    time.sleep(60)
    sys.exit(0)
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if mode == "ok" else 500)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
'''


@pytest.fixture()
def fake_root(tmp_path):
    tools = tmp_path / "tools"
    tools.mkdir()
    shutil.copy(os.path.join(TOOLS, "lib.sh"), str(tools / "lib.sh"))
    odoo = tools / "odoo.sh"
    odoo.write_text(FAKE_ODOO)
    odoo.chmod(0o755)
    return tmp_path


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(root, mode, wait=5):
    port = free_port()
    script = ('source "%s/tools/lib.sh"; serve_odoo %d "%s/odoo.log" -d db; status=$?; '
              'echo "STATUS=$status URL=$ODOO_URL"; kill "$ODOO_PID" 2>/dev/null; '
              'exit 0' % (root, port, root))
    run = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, FAKE_ODOO=mode, ODOO_WAIT=str(wait)))
    return port, run


def test_returns_once_the_login_page_answers(fake_root):
    port, run = serve(fake_root, "ok")
    assert "STATUS=0 URL=http://127.0.0.1:%d" % port in run.stdout
    assert run.stderr == ""


def test_a_port_taken_meanwhile_is_status_3(fake_root):
    port, run = serve(fake_root, "taken")
    assert "STATUS=3" in run.stdout
    assert "port %d was taken meanwhile" % port in run.stderr


def test_a_server_that_never_answers_200_says_why(fake_root):
    _port, run = serve(fake_root, "error", wait=2)
    assert "STATUS=1" in run.stdout
    assert "did not answer 200" in run.stderr
    assert "(last answer: 500)" in run.stderr
    assert "odoo: starting in mode error" in run.stderr  # the end of Odoo's log
