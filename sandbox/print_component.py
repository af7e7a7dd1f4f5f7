# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Emulator of the Cainiao print component (菜鸟打印组件) on the packing PC.

A WebSocket server (RFC 6455, stdlib only) speaking the component's JSON
protocol: ``getPrinters``, ``getPrinterConfig``, ``print`` (with ``preview``)
and ``notifyPrintResult`` notifications on the same socket. It unseals each
document's ``print_data`` as the real component decrypts it, and records every
document it was asked to print: one JSON line per document (``--record``) and
``GET /_component/documents`` on the same port (``DELETE`` forgets them,
``POST /_component/printers`` sets the printers and which one jams).
"""
import argparse
import base64
import hashlib
import json
import os
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

if __package__:  # imported inside the addon or as sandbox.print_component
    from .top.waybills import unseal
else:  # run as a script: the repository root on sys.path, never sandbox/ (jd/ would
    # hide JD's SDK)
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from sandbox.top.waybills import unseal

WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
DEFAULT_PORT = 13528
PRINTERS = ['菜鸟热敏打印机 KM-118', '得力 DL-888B']


class Component(object):
    """Printers and the record of every printed document."""

    def __init__(self, record_path=None):
        self.lock = threading.Lock()
        self.record_path = record_path
        self.printers = list(PRINTERS)
        self.jammed = set()
        self.documents = []

    def printers_answer(self):
        return {'defaultPrinter': self.printers[0] if self.printers else '',
                'printers': [{'name': n, 'status': 'enable'} for n in self.printers]}

    def print_task(self, task):
        """(answer fields, [notification per document]) for one ``print`` task."""
        if not isinstance(task, dict) or not isinstance(task.get('documents'), list) \
                or not task['documents']:
            return {'status': 'failed', 'msg': 'task.documents must list documents'}, []
        printer = str(task.get('printer') or '') or (self.printers[0] if self.printers else '')
        if printer not in self.printers:
            return {'status': 'failed', 'msg': 'Unknown printer %s' % printer}, []
        preview = bool(task.get('preview'))
        results = [self._document(task, printer, preview, doc) for doc in task['documents']]
        answer = {'status': 'success', 'msg': '', 'taskID': str(task.get('taskID') or '')}
        if preview:
            answer['previewURL'] = 'http://127.0.0.1/preview/%s.%s' % (
                answer['taskID'], 'pdf' if task.get('previewType') != 'image' else 'png')
        return answer, results

    def _document(self, task, printer, preview, doc):
        doc = doc if isinstance(doc, dict) else {}
        entry = {'taskID': str(task.get('taskID') or ''), 'printer': printer,
                 'preview': preview, 'documentID': str(doc.get('documentID') or ''),
                 'time': time.strftime('%Y-%m-%d %H:%M:%S')}
        status, msg = 'printed', ''
        try:
            contents = doc['contents']
            entry['print_data'] = contents[0] if isinstance(contents[0], str) \
                else json.dumps(contents[0])
            waybill = unseal(entry['print_data'])
            entry['waybill_code'] = waybill['waybillCode']
            entry['receiver'] = waybill['recipient']['name']
            entry['custom'] = [c.get('data') for c in contents[1:] if isinstance(c, dict)]
        except (KeyError, IndexError, TypeError, ValueError) as err:
            status, msg = 'failed', 'Cannot render the document: %s' % err
        if status == 'printed' and printer in self.jammed:
            status, msg = 'failed', 'Printer %s is out of paper' % printer
        entry['status'] = status if not preview else 'previewed'
        self._record(entry)
        return {'cmd': 'notifyPrintResult', 'taskID': entry['taskID'], 'printer': printer,
                'taskStatus': status,
                'printStatus': [{'documentID': entry['documentID'], 'status': status,
                                 'msg': msg, 'detail': msg}]}

    def _record(self, entry):
        with self.lock:
            self.documents.append(entry)
            if self.record_path:
                with open(self.record_path, 'a', encoding='utf-8') as handle:
                    handle.write(json.dumps(entry, ensure_ascii=False) + '\n')

    def handle(self, message):
        """(answer, notifications) for one request of the browser."""
        base = {'cmd': message.get('cmd'), 'requestID': message.get('requestID'),
                'version': message.get('version', '1.0')}
        cmd = message.get('cmd')
        if cmd == 'getPrinters':
            return dict(base, status='success', msg='', **self.printers_answer()), []
        if cmd == 'getPrinterConfig':
            return dict(base, status='success', msg='', printer={
                'name': message.get('printer') or self.printers_answer()['defaultPrinter'],
                'paperSize': {'width': 100, 'height': 180}, 'horizontalOffset': 0,
                'verticalOffset': 0}), []
        if cmd == 'print':
            answer, notes = self.print_task(message.get('task'))
            notes = [dict(n, requestID=message.get('requestID')) for n in notes]
            return dict(base, **answer), notes
        return dict(base, status='failed', msg='Unknown cmd %s' % cmd), []


# -- RFC 6455 framing -----------------------------------------------------------
def read_frame(rfile):
    """(opcode, payload) of the next client frame, or (None, b'') at the end."""
    head = rfile.read(2)
    if len(head) < 2:
        return None, b''
    opcode, length = head[0] & 0x0F, head[1] & 0x7F
    if length == 126:
        length = struct.unpack('>H', rfile.read(2))[0]
    elif length == 127:
        length = struct.unpack('>Q', rfile.read(8))[0]
    mask = rfile.read(4) if head[1] & 0x80 else b'\0\0\0\0'
    data = rfile.read(length)
    return opcode, bytes(b ^ mask[i % 4] for i, b in enumerate(data))


def frame(payload, opcode=0x1):
    """A server frame (unmasked, final) of ``payload``."""
    size = len(payload)
    if size < 126:
        head = struct.pack('>BB', 0x80 | opcode, size)
    elif size < 65536:
        head = struct.pack('>BBH', 0x80 | opcode, 126, size)
    else:
        head = struct.pack('>BBQ', 0x80 | opcode, 127, size)
    return head + payload


class Client(object):
    """A minimal WebSocket client of the component (tests, bench): masked frames."""

    def __init__(self, host, port, timeout=10):
        self.sock = socket.create_connection((host, port), timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(('GET / HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n'
                           'Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n'
                           'Sec-WebSocket-Version: 13\r\n\r\n' % (host, port, key)).encode())
        self.rfile = self.sock.makefile('rb')
        status = self.rfile.readline()
        while self.rfile.readline() not in (b'\r\n', b''):
            pass
        if b' 101 ' not in status:
            raise ConnectionError('no WebSocket upgrade: %r' % status)

    def send(self, body):
        payload = json.dumps(body).encode('utf-8')
        mask = os.urandom(4)
        size = len(payload)
        head = struct.pack('>BB', 0x81, 0x80 | size) if size < 126 else \
            struct.pack('>BBH', 0x81, 0xFE, size) if size < 65536 else \
            struct.pack('>BBQ', 0x81, 0xFF, size)
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def receive(self):
        _opcode, payload = read_frame(self.rfile)
        return json.loads(payload.decode('utf-8'))

    def close(self):
        self.sock.close()


class Handler(BaseHTTPRequestHandler):
    server_version = 'CNPrintEmulator/1.0'
    protocol_version = 'HTTP/1.1'
    # An answer and its notification are two small frames: without TCP_NODELAY the
    # second waits for the client's delayed ACK (~40 ms a document on loopback).
    disable_nagle_algorithm = True

    def log_message(self, fmt_, *args):  # keep stdout for the ready line
        return

    def do_GET(self):
        if self.headers.get('Upgrade', '').lower() == 'websocket':
            return self._websocket()
        if urlsplit(self.path).path == '/_component/documents':
            with self.server.component.lock:
                return self._json(200, {'documents': list(self.server.component.documents)})
        return self._json(404, {'error': 'not_found'})

    def do_DELETE(self):
        if urlsplit(self.path).path != '/_component/documents':
            return self._json(404, {'error': 'not_found'})
        with self.server.component.lock:
            self.server.component.documents = []
        return self._json(200, {'ok': True})

    def do_POST(self):
        if urlsplit(self.path).path != '/_component/printers':
            return self._json(404, {'error': 'not_found'})
        length = int(self.headers.get('Content-Length') or 0)
        try:
            body = json.loads(self.rfile.read(length).decode('utf-8') or '{}')
        except ValueError:
            return self._json(400, {'error': 'body must be JSON'})
        component = self.server.component
        component.printers = [str(p) for p in body.get('printers') or component.printers]
        component.jammed = set(body.get('jammed') or ())
        return self._json(200, component.printers_answer())

    def _json(self, status, body):
        raw = json.dumps(body, ensure_ascii=False).encode('utf-8')
        self.send_response(status)
        self.send_header('Content-Type', 'application/json;charset=UTF-8')
        self.send_header('Content-Length', str(len(raw)))
        self.send_header('Access-Control-Allow-Origin', '*')
        self.end_headers()
        self.wfile.write(raw)

    def _websocket(self):
        key = self.headers.get('Sec-WebSocket-Key', '')
        accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        self.send_response(101, 'Switching Protocols')
        self.send_header('Upgrade', 'websocket')
        self.send_header('Connection', 'Upgrade')
        self.send_header('Sec-WebSocket-Accept', accept)
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        try:
            self._serve_socket()
        except (ConnectionError, socket.timeout, struct.error):
            return  # the page went away: nothing to answer

    def _serve_socket(self):
        while True:
            opcode, payload = read_frame(self.rfile)
            if opcode is None or opcode == 0x8:
                self.wfile.write(frame(b'', 0x8))
                return
            if opcode == 0x9:
                self.wfile.write(frame(payload, 0xA))
                continue
            if opcode != 0x1:
                continue
            try:
                message = json.loads(payload.decode('utf-8'))
            except ValueError:
                message = None
            if not isinstance(message, dict):
                self._send({'status': 'failed', 'msg': 'requests are JSON objects'})
                continue
            answer, notes = self.server.component.handle(message)
            self._send(answer)
            for note in notes:
                self._send(note)

    def _send(self, body):
        self.wfile.write(frame(json.dumps(body, ensure_ascii=False).encode('utf-8')))
        self.wfile.flush()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Cainiao print component emulator')
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=DEFAULT_PORT, help='0 picks a free port')
    parser.add_argument('--record', help='append one JSON line per document')
    parser.add_argument('--ready-file')
    return parser.parse_args(argv)


def serve(args):
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.component = Component(args.record)
    return server


def main(argv=None):
    args = parse_args(argv)
    server = serve(args)
    port = server.server_address[1]
    if args.ready_file:
        with open(args.ready_file + '.tmp', 'w') as handle:
            handle.write(str(port))
        os.replace(args.ready_file + '.tmp', args.ready_file)
    sys.stdout.write('Print component emulator listening on ws://%s:%d\n' % (args.host, port))
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.stdout.write('Print component emulator stopped\n')
    finally:
        server.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
