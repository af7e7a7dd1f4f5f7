# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import pytest

from top_client import (AuthenticationError, InvalidParameterError,
                        PermissionDeniedError, RateLimitError, RemoteError,
                        SessionError, TopError, TransportError,
                        MalformedResponseError, OAuthError)
from top_client.errors import classify, error_from_response


@pytest.mark.parametrize('code,sub_code,cls', [
    (25, None, AuthenticationError), (29, None, AuthenticationError),
    (26, None, SessionError), (27, 'session-expired', SessionError),
    (15, 'isv.session-expired', SessionError),
    (11, 'isv.permission-api-package-empty', PermissionDeniedError),
    (53, None, PermissionDeniedError),
    (7, 'accesscontrol.limited-by-api-access-count', RateLimitError),
    (15, 'isp.call-limited', RateLimitError), (4, None, RateLimitError),
    (40, 'isv.missing-parameter:fields', InvalidParameterError),
    (41, None, InvalidParameterError), (31, None, InvalidParameterError),
    (15, 'isv.item-not-exist', InvalidParameterError),
    (530, 'isv.missing-parameter:image', InvalidParameterError),
    (15, 'isp.top-remote-connection-timeout', RemoteError), (15, None, RemoteError),
    (10, None, RemoteError), (560, None, RemoteError), (901, None, RemoteError),
    (12345, None, RemoteError),
])
def test_classification(code, sub_code, cls):
    assert classify(code, sub_code) is cls


def test_families_and_retryable():
    assert {c.family for c in (AuthenticationError, SessionError, PermissionDeniedError,
                               RateLimitError, InvalidParameterError, RemoteError,
                               TransportError, MalformedResponseError, OAuthError)} == {
        'auth', 'session', 'permission', 'rate_limit', 'invalid_parameter', 'remote',
        'transport', 'malformed', 'oauth'}
    assert RemoteError().retryable and TransportError().retryable and RateLimitError().retryable
    assert not SessionError().retryable and not InvalidParameterError().retryable
    assert issubclass(OAuthError, TopError)


def test_rate_limit_retry_after_and_message():
    err = error_from_response({'code': 7, 'msg': 'App Call Limited',
                               'sub_code': 'accesscontrol.limited-by-app-api-access-count',
                               'sub_msg': 'This ban will last for 3 more seconds',
                               'request_id': 'rid1'}, 'taobao.trades.sold.get')
    assert isinstance(err, RateLimitError) and err.retry_after == 3.0
    text = str(err)
    assert 'taobao.trades.sold.get' in text and 'code 7' in text and 'rid1' in text


def test_secrets_are_redacted():
    err = error_from_response({'code': 27, 'msg': 'Invalid session SECRETSESSION',
                               'sub_msg': 'session SECRETSESSION bad'}, 'm',
                              redact=('SECRETSESSION',))
    assert 'SECRETSESSION' not in str(err) + (err.sub_msg or '') + (err.msg or '')
