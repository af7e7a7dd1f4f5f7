# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The print component emulator: printers, print tasks, notifications, the record."""
import json
import threading

import pytest
import requests

from sandbox import print_component
from sandbox.top.waybills import seal


def waybill(code, name='陈明'):
    return seal({'waybillCode': code, 'recipient': {'name': name}}, 'http://t/1')


@pytest.fixture
def component(tmp_path):
    args = print_component.parse_args(['--port', '0', '--record', str(tmp_path / 'p.jsonl')])
    server = print_component.serve(args)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.record = tmp_path / 'p.jsonl'
    server.port = server.server_address[1]
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def ws(component):
    client = print_component.Client('127.0.0.1', component.port)
    yield client
    client.close()


def print_task(ws, documents, printer='', preview=False, request_id='r1'):
    ws.send({'cmd': 'print', 'requestID': request_id, 'version': '1.0',
             'task': {'taskID': 't-' + request_id, 'preview': preview, 'printer': printer,
                      'documents': documents}})
    answer = ws.receive()
    notes = [ws.receive() for _doc in documents] if answer['status'] == 'success' else []
    return answer, notes


def test_get_printers(ws):
    ws.send({'cmd': 'getPrinters', 'requestID': 'a1', 'version': '1.0'})
    answer = ws.receive()
    assert answer['cmd'] == 'getPrinters' and answer['requestID'] == 'a1'
    assert answer['defaultPrinter'] == print_component.PRINTERS[0]
    assert [p['name'] for p in answer['printers']] == print_component.PRINTERS


def test_print_records_documents_in_order(ws, component):
    docs = [{'documentID': 'ZT%d' % i, 'contents': [
        waybill('ZT%d' % i), {'data': {'memo': '易碎'}, 'templateURL': 'http://c/1'}]}
        for i in range(3)]
    answer, notes = print_task(ws, docs, printer=print_component.PRINTERS[1])
    assert answer['status'] == 'success' and answer['requestID'] == 'r1'
    assert [n['printStatus'][0]['documentID'] for n in notes] == ['ZT0', 'ZT1', 'ZT2']
    assert all(n['cmd'] == 'notifyPrintResult' and n['taskStatus'] == 'printed' for n in notes)
    shown = requests.get('http://127.0.0.1:%d/_component/documents' % component.port,
                         timeout=5).json()['documents']
    assert [d['waybill_code'] for d in shown] == ['ZT0', 'ZT1', 'ZT2']
    assert shown[0]['printer'] == print_component.PRINTERS[1]
    assert shown[0]['custom'] == [{'memo': '易碎'}] and shown[0]['receiver'] == '陈明'
    lines = [json.loads(x) for x in component.record.read_text('utf-8').splitlines()]
    assert [d['documentID'] for d in lines] == ['ZT0', 'ZT1', 'ZT2']


def test_preview_gives_a_url_and_prints_nothing(ws, component):
    answer, _notes = print_task(ws, [{'documentID': 'A', 'contents': [waybill('A')]}],
                                preview=True)
    assert answer['previewURL'].endswith('.pdf')
    assert component.component.documents[0]['status'] == 'previewed'


def test_forged_print_data_fails(ws):
    _answer, notes = print_task(ws, [{'documentID': 'X', 'contents': [
        json.dumps({'encryptedData': 'AAAA', 'signature': 'no'})]}])
    assert notes[0]['taskStatus'] == 'failed'
    assert 'signature' in notes[0]['printStatus'][0]['msg']


def test_unknown_printer_and_a_jam(ws, component):
    answer, _notes = print_task(ws, [{'documentID': 'A', 'contents': [waybill('A')]}],
                                printer='HP 1')
    assert answer['status'] == 'failed'
    requests.post('http://127.0.0.1:%d/_component/printers' % component.port,
                  json={'jammed': [print_component.PRINTERS[0]]}, timeout=5)
    _answer, notes = print_task(ws, [{'documentID': 'B', 'contents': [waybill('B')]}],
                                request_id='r2')
    assert notes[0]['taskStatus'] == 'failed'
    assert 'out of paper' in notes[0]['printStatus'][0]['msg']


def test_reset_forgets_documents(ws, component):
    print_task(ws, [{'documentID': 'A', 'contents': [waybill('A')]}])
    url = 'http://127.0.0.1:%d/_component/documents' % component.port
    requests.delete(url, timeout=5)
    assert requests.get(url, timeout=5).json()['documents'] == []
