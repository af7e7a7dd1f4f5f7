# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The sandbox is a test double holding fake credentials: it must never be
reachable from another machine. It refuses non-loopback --host values and,
once started, listens on 127.0.0.1 only."""
import os
import socket
import subprocess
import sys
import time

import pytest

from top_client.tests.conftest import APP_KEY, APP_SECRET, SANDBOX, SESSION


def run_with_host(host):
    return subprocess.run([sys.executable, SANDBOX, '--host', host, '--port', '0',
                           '--app-key', APP_KEY, '--app-secret', APP_SECRET,
                           '--session', SESSION],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)


@pytest.mark.parametrize('host', ['0.0.0.0', '::', '', '192.168.1.10', '10.0.0.1',
                                  'example.com'])
def test_non_loopback_host_is_refused(host):
    proc = run_with_host(host)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == b''
    assert (b'the sandbox only binds loopback addresses (127.0.0.1, localhost, ::1)'
            in proc.stderr), proc.stderr


def listening_sockets(pid):
    """(local address hex, port) of the LISTEN sockets of process ``pid``,
    from /proc/net/tcp and tcp6 joined with the process's socket inodes."""
    inodes = set()
    for fd in os.listdir('/proc/%d/fd' % pid):
        try:
            target = os.readlink('/proc/%d/fd/%s' % (pid, fd))
        except OSError:
            continue
        if target.startswith('socket:['):
            inodes.add(target[len('socket:['):-1])
    found = []
    for table in ('tcp', 'tcp6'):
        path = '/proc/%d/net/%s' % (pid, table)
        if not os.path.exists(path):
            continue
        with open(path) as handle:
            next(handle)
            for row in handle:
                cols = row.split()
                address, port = cols[1].split(':')
                if cols[3] == '0A' and cols[9] in inodes:  # 0A = LISTEN
                    found.append((table, address, int(port, 16)))
    return found


def non_loopback_ipv4():
    """An address of this machine other than 127.x, or None."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(('10.255.255.255', 1))  # no packet is sent for UDP connect
        address = probe.getsockname()[0]
    except OSError:
        address = None
    finally:
        probe.close()
    if address and not address.startswith('127.'):
        return address
    return None


@pytest.fixture
def started(tmp_path):
    ready = str(tmp_path / 'port')
    proc = subprocess.Popen([sys.executable, SANDBOX, '--port', '0', '--ready-file', ready,
                             '--app-key', APP_KEY, '--app-secret', APP_SECRET,
                             '--session', SESSION],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 15
    while not os.path.exists(ready):
        assert proc.poll() is None and time.time() < deadline, proc.stderr.read()
        time.sleep(0.05)
    with open(ready) as handle:
        port = int(handle.read())
    yield proc, port
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
    proc.stdout.close()
    proc.stderr.close()


def test_listening_socket_is_bound_to_127_0_0_1(started):
    proc, port = started
    sockets = listening_sockets(proc.pid)
    # 0100007F is 127.0.0.1 in /proc/net/tcp's little-endian hex.
    assert sockets == [('tcp', '0100007F', port)]


def test_default_host_is_loopback_in_the_ready_line(started):
    proc, port = started
    line = proc.stdout.readline().decode()
    assert line == 'TOP sandbox listening on http://127.0.0.1:%d\n' % port


def test_other_interfaces_are_refused(started):
    _proc, port = started
    with socket.create_connection(('127.0.0.1', port), timeout=5):
        pass
    address = non_loopback_ipv4()
    if address is None:
        pytest.skip('this machine has no non-loopback IPv4 address')
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((address, port), timeout=5).close()
