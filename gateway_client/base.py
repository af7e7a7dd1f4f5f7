# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""One retry loop, one set of call counts, one handling of transport failures.

TopClient and JdClient subclass GatewayClient, so a fix to how a call is
retried, counted or kept from leaking a credential is made and tested once.
Each platform keeps its own exception classes (its adapter and tests catch
them) and names them here through class attributes.
"""
import json
import time

import requests


def json_or_none(content):
    """The JSON document, or None (no exception left to chain: see _post)."""
    try:
        return json.loads(content.decode('utf-8'))
    except (ValueError, UnicodeDecodeError):
        return None


class GatewayClient(object):
    """Bounded retries, call counts and transport failures of one platform gateway.

    A subclass sets the class attributes below and provides ``_encode``
    (the business parameters as they are sent), ``_send`` (signs one call
    and posts it through ``_post``), ``_result`` (the result inside the
    JSON object), ``_is_read`` (whether a method only reads) and
    ``_secrets`` (the credentials no error text may hold).
    """

    PLATFORM = None  # 'TOP', 'JD': how every message names the platform
    SIGN_METHODS = ()
    Error = None  # the platform's base exception: the errors retried or raised
    TransportError = None
    MalformedResponseError = None
    EVENT_FIELD = None  # the error attribute each on_call event reports with 'code'
    _normalize_gateway_url = None  # a staticmethod: host or URL -> full URL
    _error_from_response = None  # a staticmethod: (fields, method, secrets) -> error

    def __init__(self, gateway_url, app_key, app_secret, sign_method, timeout,
                 max_retries, backoff, max_backoff, on_call, http):
        if sign_method not in self.SIGN_METHODS:
            raise ValueError('Unsupported sign method %r' % (sign_method,))
        self.gateway_url = self._normalize_gateway_url(gateway_url)
        self.app_key = app_key
        self._app_secret = app_secret
        self.sign_method = sign_method
        self.timeout = timeout
        self.max_retries = max(0, int(max_retries))
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.on_call = on_call
        self.http = http or requests.Session()
        self.stats = {'calls': 0, 'retries': 0, 'errors': 0, 'by_method': {}}

    def __repr__(self):
        # Never show the secret or the user's credential in logs or tracebacks.
        return '<%s %s app_key=%s>' % (type(self).__name__, self.gateway_url, self.app_key)

    def call(self, method, params=None, retry=None):
        """Call ``method`` and return its result, out of the platform's envelope."""
        business = self._encode(params)
        attempts = 1 if retry is False else self.max_retries + 1
        attempt = 0
        while True:
            attempt += 1
            start = time.time()
            try:
                result = self._call_once(method, business)
            except self.Error as err:
                retrying = attempt < attempts and self._should_retry(err, method)
                self._record(method, attempt, start, err, retrying)
                if not retrying:
                    raise
                self.stats['retries'] += 1
                time.sleep(self._delay(err, attempt))
                continue
            self._record(method, attempt, start, None, False)
            return result

    def _call_once(self, method, business):
        resp, failure = self._send(method, business)
        if failure == 'Timeout':
            raise self.TransportError('%s call %s timed out' % (self.PLATFORM, method),
                                      method=method)
        if failure:
            raise self.TransportError('%s call %s could not reach the gateway (%s)'
                                      % (self.PLATFORM, method, failure), method=method)
        if resp.status_code != 200:
            raise self.TransportError('%s call %s got HTTP status %s'
                                      % (self.PLATFORM, method, resp.status_code),
                                      http_status=resp.status_code, method=method)
        return self._unwrap(method, resp.content)

    def _post(self, **request):
        """``(answer, None)``, or ``(None, name of the failure)``.

        The requests exception is dropped here rather than raised from: its
        text may hold the URL and the request (session or access token,
        signature), and a chained exception shows in every traceback (a
        failed job's, the server log's).
        """
        try:
            return self.http.post(self.gateway_url, timeout=self.timeout, **request), None
        except requests.Timeout:
            return None, 'Timeout'
        except requests.RequestException as exc:
            return None, type(exc).__name__

    def _unwrap(self, method, content):
        body = json_or_none(content)
        if body is None:
            raise self.MalformedResponseError(
                '%s call %s returned a body that is not valid JSON' % (self.PLATFORM, method),
                method=method)
        if not isinstance(body, dict):
            raise self.MalformedResponseError(
                '%s call %s returned JSON that is not an object' % (self.PLATFORM, method),
                method=method)
        if isinstance(body.get('error_response'), dict):
            raise self._error_from_response(body['error_response'], method, self._secrets())
        return self._result(method, body)

    def _should_retry(self, err, method):
        # A garbled answer to a write may hide a done write: only reads are asked again.
        if isinstance(err, self.MalformedResponseError):
            return self._is_read(method)
        return bool(err.retryable)

    def _delay(self, err, attempt):
        return min(self.backoff * (2 ** (attempt - 1)), self.max_backoff)

    def _record(self, method, attempt, start, err, retrying):
        stats = self.stats
        stats['calls'] += 1
        stats['by_method'][method] = stats['by_method'].get(method, 0) + 1
        if err is not None:
            stats['errors'] += 1
        if self.on_call is None:
            return
        self.on_call({
            'method': method, 'attempt': attempt,
            'duration': time.time() - start, 'ok': err is None,
            'code': getattr(err, 'code', None),
            self.EVENT_FIELD: getattr(err, self.EVENT_FIELD, None),
            'error': type(err).__name__ if err is not None else None,
            'retrying': retrying,
        })
