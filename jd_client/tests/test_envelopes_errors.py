# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Envelopes, error families and retries, against a scripted HTTP double."""
import json
import traceback

import pytest
import requests

from jd_client import (AuthenticationError, BusinessError, InvalidParameterError, JdClient,
                       MalformedResponseError, PermissionDeniedError, RateLimitError,
                       RemoteError, SessionError, TransientError, TransportError, classify,
                       sign)
from jd_client import errors as jd_errors
from top_client import errors as top_errors

SECRET, TOKEN = 'the-app-secret-42', 'the-access-token-42'


class Answer(object):
    def __init__(self, body, status=200):
        self.status_code = status
        self.content = body if isinstance(body, bytes) else json.dumps(
            body, ensure_ascii=False).encode('utf-8')


class ScriptedHttp(object):
    """Plays back answers (or raises exceptions) and keeps every request."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests = []

    def post(self, url, params=None, data=None, timeout=None):
        self.requests.append({'url': url, 'params': params, 'data': data})
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer if isinstance(answer, Answer) else Answer(answer)


def chain(err):
    """``err`` and every exception chained to it (cause or context)."""
    found = []
    while err is not None and err not in found:
        found.append(err)
        err = err.__cause__ or err.__context__
    return found


def client(*answers, **kw):
    http = ScriptedHttp(*answers)
    opts = dict(access_token=TOKEN, backoff=0, max_backoff=0, http=http)
    opts.update(kw)
    return JdClient('https://api.jd.com/routerjson', 'APPKEY', SECRET, **opts), http


def ok(method, result, spelling='_responce'):
    return {method.replace('.', '_') + spelling: dict(result, code='0')}


def error(code):
    return {'error_response': {'code': code, 'zh_desc': '错误', 'en_desc': 'failure %s' % code}}


def test_request_shape_and_signature():
    jd, http = client(ok('jingdong.pop.order.get', {'orderDetailInfo': {'orderInfo': {}}}))
    jd.call('jingdong.pop.order.get', {'order_id': '1', 'remark': '备注'})
    sent = http.requests[0]
    query, body = sent['params'], sent['data']
    assert body == {'360buy_param_json': '{"order_id":"1","remark":"备注"}'}
    assert {'method', 'app_key', 'access_token', 'timestamp', 'v', 'sign'} <= set(query)
    assert query['v'] == '2.0' and query['sign_method'] == 'md5'
    assert query['sign'] == sign(dict(query, **body), SECRET)
    assert len(query['timestamp']) == 19


def test_no_business_parameters_send_empty_object():
    jd, http = client(ok('360buy.get.vender.all.delivery.company', {}, '_response'))
    jd.call('360buy.get.vender.all.delivery.company')
    assert http.requests[0]['data'] == {'360buy_param_json': '{}'}


@pytest.mark.parametrize('spelling', ['_responce', '_response'])
def test_both_envelope_spellings(spelling):
    jd, _http = client(ok('jingdong.stock.read.findSkuStock', {'skuStocks': [1]}, spelling))
    assert jd.call('jingdong.stock.read.findSkuStock') == {'skuStocks': [1]}


def test_carrier_envelope_is_named_differently():
    body = {'vender_delivery_all_company_response': {
        'code': '0', 'delivery_companies': [{'id': 467, 'name': '顺丰快递'}]}}
    jd, _http = client(body)
    assert jd.carriers() == [{'id': 467, 'name': '顺丰快递'}]


@pytest.mark.parametrize('code,cls,family', [
    ('19', SessionError, 'session'), (19, SessionError, 'session'),
    ('2', RateLimitError, 'rate_limit'), (65, TransientError, 'remote'),
    ('11', AuthenticationError, 'auth'), (12, AuthenticationError, 'auth'),
    ('21', AuthenticationError, 'auth'), ('24', PermissionDeniedError, 'permission'),
    ('11100006', PermissionDeniedError, 'permission'),
    ('7', InvalidParameterError, 'invalid_parameter'),
    (8, InvalidParameterError, 'invalid_parameter'),
    ('62', InvalidParameterError, 'invalid_parameter'),
    ('15', InvalidParameterError, 'invalid_parameter'), ('9999', RemoteError, 'remote'),
    ('not-a-number', RemoteError, 'remote'),
])
def test_error_codes_string_or_number(code, cls, family):
    assert classify(code) is cls
    jd, _http = client(error(code), *[error(code)] * 3)
    with pytest.raises(cls) as info:
        jd.call('jingdong.pop.order.get')
    assert info.value.family == family
    assert str(info.value).startswith('JD call jingdong.pop.order.get failed: failure')


def test_families_are_the_top_clients():
    top = {c.family for c in vars(top_errors).values()
           if isinstance(c, type) and issubclass(c, top_errors.TopError)}
    jd = {c.family for c in vars(jd_errors).values()
          if isinstance(c, type) and issubclass(c, jd_errors.JdError)}
    assert jd == top


@pytest.mark.parametrize('code,calls', [
    ('65', 4), ('2', 4), ('19', 1), ('12', 1), ('24', 1), ('62', 1), ('9999', 1)])
def test_only_transient_errors_are_retried(code, calls):
    jd, _http = client(*[error(code)] * 4, max_retries=3)
    with pytest.raises(jd_errors.JdError):
        jd.call('jingdong.pop.order.get')
    assert jd.stats['calls'] == calls and jd.stats['retries'] == calls - 1
    assert jd.stats['errors'] == calls


def test_transient_then_success_reports_every_attempt():
    events = []
    jd, _http = client(error('65'), requests.ConnectionError('refused'), Answer(b'', 502),
                       ok('jingdong.pop.order.get', {'orderDetailInfo': {}}),
                       on_call=events.append)
    assert jd.call('jingdong.pop.order.get') == {'orderDetailInfo': {}}
    assert [e['error'] for e in events] == ['TransientError', 'TransportError',
                                            'TransportError', None]
    assert [e['retrying'] for e in events] == [True, True, True, False]
    assert events[0]['code'] == 65 and events[0]['family'] == 'remote'
    assert jd.stats['by_method'] == {'jingdong.pop.order.get': 4}


def test_retry_false_and_bounded_backoff():
    jd, _http = client(error('65'), max_retries=5)
    with pytest.raises(TransientError):
        jd.call('jingdong.pop.order.get', retry=False)
    assert jd.stats['calls'] == 1


@pytest.mark.parametrize('result', [
    {'searchorderinfo_result': {'apiResult': {'success': False, 'chineseErrCode': '参数错误',
                                              'englishErrCode': 'bad page'}}},
    {'sopjosshipment_result': {'success': 'false', 'chineseErrCode': '参数错误',
                               'englishErrCode': 'bad page', 'errorCode': '403'}},
    {'queryResult': {'success': False, 'chineseErrCode': '参数错误',
                     'englishErrCode': 'bad page'}},
    {'success': False, 'chineseErrCode': '参数错误', 'englishErrCode': 'bad page'},
])
def test_business_failures(result):
    jd, _http = client(ok('jingdong.pop.order.shipment', result))
    with pytest.raises(BusinessError) as info:
        jd.call('jingdong.pop.order.shipment')
    err = info.value
    assert err.family == 'invalid_parameter' and not err.retryable
    assert err.chinese_err_code == '参数错误' and err.english_err_code == 'bad page'
    assert 'bad page' in str(err) and jd.stats['calls'] == 1


def test_success_as_string_true_passes():
    jd, _http = client(ok('jingdong.pop.order.shipment', {'sopjosshipment_result': {
        'success': 'true', 'chineseErrCode': '', 'englishErrCode': ''}}))
    assert jd.ship_order('1', '467', 'SF1')['success'] == 'true'


def test_malformed_answers():
    jd, _http = client(b'<html>502</html>', b'[1]', {'other_thing': {}}, max_retries=0)
    for _ in range(3):
        with pytest.raises(MalformedResponseError) as info:
            jd.call('jingdong.stock.write.updateSkuStock')
        assert info.value.family == 'malformed'


def test_malformed_is_retried_for_reads_only():
    body = ok('jingdong.pop.order.search', {'searchorderinfo_result': {}})
    jd, _http = client(b'{"trunc', body)
    jd.call('jingdong.pop.order.search')
    assert jd.stats['retries'] == 1
    jd, _http = client(b'{"trunc', body)
    with pytest.raises(MalformedResponseError):
        jd.call('jingdong.pop.order.shipment')


def test_http_errors_and_timeouts_are_transport():
    jd, _http = client(Answer(b'oops', 500), requests.Timeout(), max_retries=0)
    with pytest.raises(TransportError) as info:
        jd.call('jingdong.pop.order.get')
    assert info.value.http_status == 500 and info.value.family == 'transport'
    with pytest.raises(TransportError) as info:
        jd.call('jingdong.pop.order.get')
    assert 'timed out' in str(info.value)


def test_no_secret_in_repr_or_messages():
    url_with_token = 'https://api.jd.com/routerjson?access_token=%s&app_secret=%s' % (
        TOKEN, SECRET)
    echo = {'error_response': {'code': '19', 'zh_desc': '无效 %s' % TOKEN,
                               'en_desc': 'token %s secret %s' % (TOKEN, SECRET)}}
    jd, _http = client(echo, requests.ConnectionError(url_with_token),
                       ok('jingdong.pop.order.shipment', {'sopjosshipment_result': {
                           'success': False, 'englishErrCode': 'bad %s' % TOKEN}}),
                       max_retries=0)
    texts = [repr(jd)]
    for _ in range(3):
        with pytest.raises(jd_errors.JdError) as info:
            jd.call('jingdong.pop.order.shipment')
        err = info.value
        texts += [str(err), repr(err), str(err.args), str(err.msg), str(err.zh_desc),
                  str(getattr(err, 'english_err_code', '')),
                  ''.join(traceback.format_exception(type(err), err, err.__traceback__))]
        assert chain(err) == [err], 'an exception chained to %r' % err
    joined = '\n'.join(texts)
    assert TOKEN not in joined and SECRET not in joined
    assert '***' in joined


def test_order_pages_use_order_total():
    def page(rows, total):
        return ok('jingdong.pop.order.search', {'searchorderinfo_result': {
            'orderTotal': total, 'orderInfoList': rows, 'apiResult': {'success': True}}})
    jd, http = client(page([{'orderId': '1'}, {'orderId': '2'}], 5),
                      page([{'orderId': '3'}, {'orderId': '4'}], 5), page([{'orderId': '5'}], 5))
    pages = list(jd.iter_order_pages('2024-06-01 00:00:00', '2024-06-02 00:00:00',
                                     ['WAIT_SELLER_STOCK_OUT'], 'orderId', page_size=2,
                                     date_type='created'))
    assert [[o['orderId'] for o in p] for p in pages] == [['1', '2'], ['3', '4'], ['5']]
    sent = [json.loads(r['data']['360buy_param_json']) for r in http.requests]
    assert [s['page'] for s in sent] == [1, 2, 3]
    assert sent[0]['dateType'] == 1 and sent[0]['order_state'] == 'WAIT_SELLER_STOCK_OUT'


def test_ship_order_checks_waybills_before_calling():
    jd, http = client()
    with pytest.raises(ValueError):
        jd.ship_order('1', '467')
    with pytest.raises(ValueError):
        jd.ship_order('1', ['467', '463'], ['SF1'])
    assert http.requests == []
