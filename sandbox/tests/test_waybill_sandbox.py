# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Cainiao e-waybills on the TOP sandbox: subscriptions, codes, refusals, cancel."""
import json
import re

import pytest
import requests

from top_client import TopClient, TopError
from top_client.tests.conftest import APP_KEY, APP_SECRET, SESSION, Sandbox

from sandbox.top.logistics import COMPANIES
from sandbox.top.waybills import unseal

SENDER = {'name': '杭州小店', 'mobile': '13900000000',
          'address': {'province': '浙江省', 'city': '杭州市', 'district': '西湖区',
                      'detail': '文一西路588号'}}
PATTERNS = dict((c['code'], c['reg_mail_no']) for c in COMPANIES)


@pytest.fixture(scope='module')
def box(tmp_path_factory):
    server = Sandbox(str(tmp_path_factory.mktemp('waybill')), plain=False,
                     extra=('--trade-history-days', '0'))
    yield server
    server.stop()


@pytest.fixture
def top(box):
    box.control('reset')
    return TopClient('127.0.0.1:%d' % box.port, APP_KEY, APP_SECRET, session=SESSION,
                     backoff=0.01, max_backoff=0.05, timeout=(2, 5), max_retries=0)


def shippable(box, count):
    trades = box.control('state')['trades']
    return [t for t in trades if t['status'] == 'WAIT_SELLER_SEND_GOODS'][:count]


def masked(top, tid):
    return top.call('taobao.trade.fullinfo.get', {
        'tid': tid, 'fields': 'tid,receiver_name,receiver_address,receiver_mobile'})['trade']


def parcel(top, tid, object_id=None):
    trade = masked(top, tid)
    return {'object_id': object_id or 'P%s' % tid,
            'order_info': {'order_channels_type': 'TB', 'trade_order_list': [tid]},
            'package_info': {'id': '1', 'items': [{'name': '茶杯', 'count': 2}]},
            'recipient': {'oaid': trade['oaid'], 'tid': tid}}


def get(top, parcels, cp_code='ZTO', sender=None):
    request = {'cp_code': cp_code, 'sender': sender or SENDER,
               'trade_order_info_dtos': parcels}
    return top.call('cainiao.waybill.ii.get', {
        'param_waybill_cloud_print_apply_new_request': json.dumps(request)})['modules']


def quantity(top, cp_code='ZTO'):
    subs = top.call('cainiao.waybill.ii.search', {'cp_code': cp_code})
    return subs['waybill_apply_subscription_cols'][0]['branch_account_cols'][0]['quantity']


def test_search_lists_branches_addresses_and_balance(top):
    subs = top.call('cainiao.waybill.ii.search')['waybill_apply_subscription_cols']
    assert [s['cp_code'] for s in subs] == ['ZTO', 'YTO', 'SF']
    yto = subs[1]['branch_account_cols'][0]
    assert yto['branch_name'] == '圆通速递杭州余杭网点' and yto['quantity'] == 2000
    assert len(yto['shipp_address_cols']) == 2


def test_get_issues_codes_of_the_carrier_pattern_and_counts_down(top, box):
    trades = shippable(box, 3)
    answer = get(top, [parcel(top, t['tid']) for t in trades])
    assert [m['object_id'] for m in answer] == ['P%s' % t['tid'] for t in trades]
    assert all(re.match(PATTERNS['ZTO'], m['waybill_code']) for m in answer)
    assert len(set(m['waybill_code'] for m in answer)) == 3
    assert quantity(top) == 4997
    yto = get(top, [parcel(top, trades[0]['tid'])], cp_code='YTO')[0]['waybill_code']
    sf = get(top, [parcel(top, trades[0]['tid'])], cp_code='SF')[0]['waybill_code']
    assert re.match(PATTERNS['YTO'], yto) and re.match(PATTERNS['SF'], sf)


def test_print_data_is_sealed_and_holds_the_plain_receiver(top, box):
    trade = shippable(box, 1)[0]
    module = get(top, [parcel(top, trade['tid'])])[0]
    assert trade['receiver_name'] not in module['print_data']
    document = unseal(module['print_data'])
    assert document['waybillCode'] == module['waybill_code']
    assert document['recipient']['name'] == trade['receiver_name']
    assert document['recipient']['address']['detail'] == trade['receiver_address']
    tampered = json.loads(module['print_data'])
    tampered['encryptedData'] = 'A' + tampered['encryptedData'][1:]
    with pytest.raises(ValueError):
        unseal(json.dumps(tampered))


def test_same_parcel_gets_the_same_code_without_using_quantity(top, box):
    tid = shippable(box, 1)[0]['tid']
    first = get(top, [parcel(top, tid)])[0]
    again = get(top, [parcel(top, tid)])[0]
    assert again['waybill_code'] == first['waybill_code']
    assert quantity(top) == 4999
    other = get(top, [parcel(top, tid, object_id='P%s-2' % tid)])[0]
    assert other['waybill_code'] != first['waybill_code']  # a second parcel of the trade


def test_eleven_parcels_are_refused(top, box):
    trades = shippable(box, 11)
    with pytest.raises(TopError) as err:
        get(top, [parcel(top, t['tid'], 'O%d' % i) for i, t in enumerate(trades * 11)][:11])
    assert 'trade_order_info_dtos' in err.value.sub_code
    assert quantity(top) == 5000


@pytest.mark.parametrize('cp_code, sender, sub_code', [
    ('JD', None, 'isv.CP_CODE_NOT_SUBSCRIBED'),
    ('ZTO', dict(SENDER, address=dict(SENDER['address'], detail='莫干山路1号')),
     'isv.SENDER_ADDRESS_NOT_MATCH'),
])
def test_bad_carrier_or_sender_is_refused(top, box, cp_code, sender, sub_code):
    tid = shippable(box, 1)[0]['tid']
    with pytest.raises(TopError) as err:
        get(top, [parcel(top, tid)], cp_code=cp_code, sender=sender)
    assert err.value.sub_code == sub_code
    assert quantity(top) == 5000


def test_wrong_oaid_is_refused(top, box):
    trades = shippable(box, 30)
    first = trades[0]
    second = next(t for t in trades if t['receiver_name'] != first['receiver_name'])
    wrong = dict(parcel(top, first['tid']), recipient={'oaid': masked(top, second['tid'])[
        'oaid'], 'tid': first['tid']})
    with pytest.raises(TopError) as err:
        get(top, [wrong])
    assert err.value.sub_code == 'isv.OAID_NOT_MATCH'


def test_empty_balance_refuses_the_whole_call(top, box):
    trades = shippable(box, 3)
    box.control('waybill', {'quantity': {'ZTO': 2}})
    with pytest.raises(TopError) as err:
        get(top, [parcel(top, t['tid']) for t in trades])
    assert err.value.sub_code == 'isv.WAYBILL_QUANTITY_NOT_ENOUGH'
    assert quantity(top) == 2
    assert box.control('waybill')['waybills'] == []


def test_cancel_returns_the_quantity_and_frees_the_parcel(top, box):
    tid = shippable(box, 1)[0]['tid']
    code = get(top, [parcel(top, tid)])[0]['waybill_code']
    answer = top.call('cainiao.waybill.ii.cancel', {'cp_code': 'ZTO', 'waybill_code': code})
    assert answer['cancel_result'] is True
    assert quantity(top) == 5000
    with pytest.raises(TopError) as err:
        top.call('cainiao.waybill.ii.cancel', {'cp_code': 'ZTO', 'waybill_code': code})
    assert err.value.sub_code == 'isv.WAYBILL_ALREADY_CANCELLED'
    assert get(top, [parcel(top, tid)])[0]['waybill_code'] != code


def test_a_shipped_waybill_cannot_be_cancelled(top, box):
    tid = shippable(box, 1)[0]['tid']
    code = get(top, [parcel(top, tid)])[0]['waybill_code']
    top.call('taobao.logistics.offline.send', {'tid': tid, 'out_sid': code,
                                               'company_code': 'ZTO'})
    with pytest.raises(TopError) as err:
        top.call('cainiao.waybill.ii.cancel', {'cp_code': 'ZTO', 'waybill_code': code})
    assert err.value.sub_code == 'isv.WAYBILL_USED'


def test_standard_templates_per_carrier(top):
    rows = top.call('cainiao.cloudprint.stdtemplates.get')['result']['datas']
    zto = next(r for r in rows if r['cp_code'] == 'ZTO')['standard_templates']
    assert zto[0]['standard_template_url'].startswith('http://cloudprint.cainiao.com/')


def test_control_shows_the_waybills(box, top):
    tid = shippable(box, 1)[0]['tid']
    code = get(top, [parcel(top, tid)])[0]['waybill_code']
    state = requests.get(box.base + '/_sandbox/waybill', timeout=5).json()
    assert state['waybills'] == [{'code': code, 'cp_code': 'ZTO', 'object_id': 'P' + tid,
                                  'tids': [tid], 'status': 'issued'}]


def test_adapter_speaks_neutral_waybills(top, box):
    from ecommerce_sync.adapters import RefusedError, TaobaoAdapter
    # its own client: ecommerce_sync.top_client is another module than top_client
    adapter = TaobaoAdapter.from_credentials('127.0.0.1:%d' % box.port, APP_KEY, APP_SECRET,
                                             session=SESSION, max_retries=0)
    accounts = adapter.waybill_accounts()
    zto = next(a for a in accounts if a['carrier_code'] == 'ZTO')
    assert zto['quantity'] == 5000 and zto['addresses'][0]['address'] == '文一西路588号'
    templates = adapter.waybill_templates()
    account = {'carrier_code': 'ZTO', 'template_url': templates['ZTO'][0]['url'],
               'sender': dict(zto['addresses'][0], name='杭州小店', mobile='13900000000')}
    trades = shippable(box, 12)
    parcels = [{'object_id': 'X%d' % i, 'tids': [t['tid']], 'channel': 'taobao',
                'items': [{'name': '茶杯', 'count': 1}],
                'receiver': {'tid': t['tid'], 'oaid': masked(top, t['tid'])['oaid']}}
               for i, t in enumerate(trades[:adapter.waybill_batch])]
    got = adapter.get_waybills(account, parcels)
    assert [g['object_id'] for g in got] == ['X%d' % i for i in range(10)]
    assert unseal(got[3]['print_data'])['tids'] == [trades[3]['tid']]
    assert adapter.cancel_waybill('ZTO', got[0]['waybill']) is True
    with pytest.raises(RefusedError):
        adapter.cancel_waybill('ZTO', got[0]['waybill'])
    assert quantity(top) == 4991
