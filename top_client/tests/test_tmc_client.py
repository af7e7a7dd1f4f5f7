# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The TMC client and the adapters' neutral channel operations, against the sandbox."""
import copy

import pytest
import requests

from ecommerce_sync.adapters import JdAdapter, RefusedError, TaobaoAdapter
from ecommerce_sync.adapters.taobao import TMC_REFUND_TOPICS, TMC_TRADE_TOPICS, _tmc_event
from top_client import tmc

from .conftest import APP_KEY, APP_SECRET, SESSION

TID = '3109000000000000100'


@pytest.fixture
def adapter(fresh):
    fresh.control('tmc', {'faults': [], 'cancel_all': True, 'clear': True,
                          'redeliver_seconds': 60})
    return TaobaoAdapter.from_credentials('127.0.0.1:%d' % fresh.port, APP_KEY, APP_SECRET,
                                          session=SESSION, backoff=0.01, max_backoff=0.05,
                                          timeout=(2, 5))


def paid_trade(box, tid=TID):
    trade = copy.deepcopy(next(t for t in box.control('state')['trades']
                               if t['orders']['order']))
    trade.update(tid=tid, status='WAIT_SELLER_SEND_GOODS')
    trade['orders']['order'] = [dict(trade['orders']['order'][0], oid=str(int(tid) + 1),
                                     status='WAIT_SELLER_SEND_GOODS', refund_status='NO_REFUND')]
    box.control('upsert', {'trades': [trade]})


def test_permit_subscribes_every_handled_topic(fresh, adapter):
    assert adapter.realtime_permit() is True
    nick = fresh.control('state')['seller_nick']
    assert tmc.user(adapter.client, nick)['topics'] == list(TMC_TRADE_TOPICS + TMC_REFUND_TOPICS)


def test_fetch_gives_neutral_events_and_confirm_empties(fresh, adapter):
    adapter.realtime_permit()
    paid_trade(fresh)
    requests.post('%s/_sandbox/trade/%s/refund' % (fresh.base, TID), json={}, timeout=5)
    events = adapter.realtime_fetch()
    assert [(e['kind'], e['tid']) for e in events] == [('trade', TID), ('trade', TID),
                                                       ('refund', TID)]
    assert events[2]['refund_id'] and events[0]['published'] is not None
    assert events[0]['seller_nick'] == fresh.control('state')['seller_nick']
    assert adapter.realtime_confirm([e['id'] for e in events]) == 1
    assert fresh.control('tmc')['queued'] == 0


def test_confirm_splits_at_200_ids(fresh, adapter):
    calls = fresh.control('stats')['by_method'].get('taobao.tmc.messages.confirm', 0)
    assert adapter.realtime_confirm([str(i) for i in range(450)]) == 3
    after = fresh.control('stats')['by_method']['taobao.tmc.messages.confirm']
    assert after - calls == 3


def test_unknown_topic_is_an_event_without_work():
    event = _tmc_event({'id': 7, 'topic': 'taobao_item_ItemAdd', 'content': {'num_iid': 1}})
    assert event['kind'] is None and event['id'] == '7'


def test_an_unpaid_trade_is_no_work_yet():
    event = _tmc_event({'id': 8, 'topic': 'taobao_trade_TradeCreate',
                        'content': {'tid': 5, 'status': 'WAIT_BUYER_PAY'}})
    assert event['kind'] is None and event['tid'] == '5'


def test_jd_says_no_channel():
    jd = JdAdapter(client=None)
    assert jd.realtime_available is False
    with pytest.raises(RefusedError) as caught:
        jd.realtime_fetch()
    assert 'no message channel' in str(caught.value)
