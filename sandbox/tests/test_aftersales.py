# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""After-sales decisions in the TOP sandbox: their rules, as a seller's app meets them."""
import pytest

from top_client import TopError

from .test_trade_lifecycle import TID, box, change, client, three_order_trade  # noqa: F401

FIELDS = 'refund_id,status,refund_fee,refund_version,refund_phase,has_good_return'
ADDRESS = {'seller_address_id': '1001', 'name': '王仓库', 'address': '杭州市余杭区仓前街道1号',
           'post': '311100', 'tel': '0571-88880000', 'mobile': '13800000000'}


def refund_of(client, refund_id):
    return client.call('taobao.refund.get', {'fields': FIELDS, 'refund_id': refund_id})['refund']


def asked(box, client, shipped=False, fee='30.00'):
    """A refund the buyer asked for on the trade's first sub-order."""
    trade = three_order_trade(box)
    oid = trade['orders']['order'][0]['oid']
    if shipped:
        change(box, 'ship')
    answer = change(box, 'refund', {'oid': oid, 'status': 'WAIT_SELLER_AGREE',
                                    'refund_fee': fee})
    return refund_of(client, answer['refund']['refund_id'])


def results_of(answer):
    results = answer['results']  # the client unwraps {"refund_mapping_result": [...]}
    return results if isinstance(results, list) else results['refund_mapping_result']


def info(refund, fen=None, version=None, phase=None):
    return '%s|%s|%s|%s' % (refund['refund_id'], fen if fen is not None else 3000,
                            version or refund['refund_version'],
                            phase or refund['refund_phase'])


def test_agree_refunds_in_batch_with_version_and_amount(box, client):
    refund = asked(box, client)
    answer = client.call('taobao.rp.refunds.agree', {'refund_infos': info(refund)})
    results = results_of(answer)
    assert answer['msg_code'] == 'OP_SUCC' and results[0]['succ'] is True
    assert refund_of(client, refund['refund_id'])['status'] == 'SUCCESS'


@pytest.mark.parametrize('kwargs, why', [
    ({'fen': 2999}, 'fen'), ({'version': 1}, 'outdated'), ({'phase': 'aftersale'}, 'phase')])
def test_agree_refusals_per_refund(box, client, kwargs, why):
    refund = asked(box, client)
    answer = client.call('taobao.rp.refunds.agree', {'refund_infos': info(refund, **kwargs)})
    result = results_of(answer)[0]
    assert answer['msg_code'] == 'OP_FAILURE_UE' and result['succ'] is False
    assert why in result['message']
    assert refund_of(client, refund['refund_id'])['status'] == 'WAIT_SELLER_AGREE'


def test_agree_batch_cap_and_format(box, client):
    with pytest.raises(TopError) as caught:
        client.call('taobao.rp.refunds.agree',
                    {'refund_infos': ','.join(['1|1|1|onsale'] * 21)})
    assert 'refund_infos' in str(caught.value)
    with pytest.raises(TopError):
        client.call('taobao.rp.refunds.agree', {'refund_infos': '1|30.00|1|onsale'})


def test_return_needs_the_address_and_shipped_goods(box, client):
    refund = asked(box, client)
    with pytest.raises(TopError) as caught:
        client.call('taobao.rp.returngoods.agree', dict(ADDRESS, refund_id=refund['refund_id']))
    assert 'not shipped' in str(caught.value.sub_msg)
    shipped = asked(box, client, shipped=True)
    params = dict(ADDRESS, refund_id=shipped['refund_id'])
    with pytest.raises(TopError):
        client.call('taobao.rp.returngoods.agree', dict(params, post=''))
    assert client.call('taobao.rp.returngoods.agree', params)['is_success'] is True
    after = refund_of(client, shipped['refund_id'])
    assert after['status'] == 'WAIT_BUYER_RETURN_GOODS' and after['has_good_return'] is True


def test_refuse_needs_a_reason_and_shipped_goods(box, client):
    refund = asked(box, client)
    with pytest.raises(TopError) as caught:
        client.call('taobao.refund.refuse', {'refund_id': refund['refund_id'],
                                             'refuse_message': '已发货，请收货后再申请'})
    assert 'not shipped' in caught.value.sub_msg
    shipped = asked(box, client, shipped=True)
    with pytest.raises(TopError):
        client.call('taobao.refund.refuse', {'refund_id': shipped['refund_id'],
                                             'refuse_message': 'x'})
    answer = client.call('taobao.refund.refuse', {
        'refund_id': shipped['refund_id'], 'refuse_message': '商品已签收，不支持退款',
        'refund_version': shipped['refund_version'], 'refund_phase': 'onsale'})
    assert answer['is_success'] is True and answer['refund']['status'] == 'SELLER_REFUSE_BUYER'


def test_finished_trade_is_billed_with_its_fees(box, client):
    trade = three_order_trade(box)
    change(box, 'ship')
    change(box, 'finish')
    with pytest.raises(TopError):
        client.call('taobao.bill.bills.get', {'fields': 'bid,amount'})
    answer = client.call('taobao.bill.bills.get', {
        'fields': 'bid,account_id,trade_id,amount,biz_time', 'trade_id': TID})
    amounts = sorted(b['amount'] for b in answer['bills'])
    paid = int(round(float(trade['payment']) * 100))
    assert amounts == sorted([paid, -int(round(paid * 0.05)), -int(round(paid * 0.006))])
    accounts = client.call('taobao.bill.accounts.get', {'fields': 'account_id,account_code'})
    assert {a['account_code'] for a in accounts['accounts']} >= {'TRADE_INCOME'}
