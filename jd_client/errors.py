# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""One exception class per JD (JOS) error family.

The ``family`` names are the TOP client's (top_client/errors.py), so callers
can handle both platforms with one table: 'auth', 'session', 'permission',
'rate_limit', 'invalid_parameter', 'remote', 'transport', 'malformed',
'oauth'. Only rate limits (2), JD's system timeout (65) and transport
failures are retryable: JD gives no other code that a second try can fix.
"""

RATE_LIMIT_CODES = frozenset([2])
TRANSIENT_CODES = frozenset([65])
SESSION_CODES = frozenset([19])
AUTH_CODES = frozenset([11, 12, 21])
# 24: the shop may not call this API; 11100006: the shop is not opened.
PERMISSION_CODES = frozenset([24, 11100006])
# 4/5 version, 7/8 timestamp (usually a skewed clock), 14/15 method,
# 62 JSON conversion: the request is wrong and retrying cannot help.
INVALID_CODES = frozenset([4, 5, 7, 8, 14, 15, 62])


class JdError(Exception):
    """Base class; carries JD's diagnostic fields but never a secret."""

    family = 'remote'
    default_retryable = False

    def __init__(self, message=None, code=None, msg=None, method=None,
                 retryable=None, zh_desc=None, en_desc=None):
        self.code = code
        self.msg = msg
        self.zh_desc = zh_desc
        self.en_desc = en_desc
        self.method = method
        self.retryable = self.default_retryable if retryable is None else bool(retryable)
        self._message = message
        super(JdError, self).__init__(self.__str__())

    def __str__(self):
        if self._message:
            text = self._message
        else:
            text = 'JD call %s failed' % (self.method or '(unknown method)')
            if self.msg:
                text += ': %s' % (self.msg,)
        if self.code is not None:
            text += ' (code %s)' % (self.code,)
        return text if text.endswith('.') else text + '.'

    def __repr__(self):
        return '%s(%r)' % (type(self).__name__, str(self))


class AuthenticationError(JdError):
    """Bad app key or signature (11, 12, 21)."""
    family = 'auth'


class SessionError(JdError):
    """Invalid or expired access_token (19): pause the shop, re-authorise."""
    family = 'session'


class PermissionDeniedError(JdError):
    """The shop may not call this API (24) or is not opened (11100006)."""
    family = 'permission'


class RateLimitError(JdError):
    """Call limit reached (2): wait and retry."""
    family = 'rate_limit'
    default_retryable = True


class InvalidParameterError(JdError):
    """The caller sent a wrong request (4/5, 7/8, 14/15, 62)."""
    family = 'invalid_parameter'


class BusinessError(InvalidParameterError):
    """HTTP 200 and code 0, but the result object says success=false.

    JD answers refused business operations this way (an order that may not
    be shipped, an unknown SKU): the request was understood and refused, so
    it is the caller's data that is wrong, not the gateway.
    """

    def __init__(self, message=None, chinese_err_code=None,
                 english_err_code=None, error_code=None, **kwargs):
        self.chinese_err_code = chinese_err_code
        self.english_err_code = english_err_code
        self.error_code = error_code
        kwargs.setdefault('code', error_code)
        super(BusinessError, self).__init__(message, **kwargs)


class RemoteError(JdError):
    """Server-side or unknown failure; not retried unless transient."""
    family = 'remote'


class TransientError(RemoteError):
    """JD's system timeout (65): the same call usually works a moment later."""
    default_retryable = True


class TransportError(JdError):
    """No usable HTTP answer: connection failure, timeout, non-200 status."""
    family = 'transport'
    default_retryable = True

    def __init__(self, message=None, http_status=None, **kwargs):
        self.http_status = http_status
        super(TransportError, self).__init__(message, **kwargs)


class MalformedResponseError(JdError):
    """HTTP 200 but the body is not a JD envelope."""
    family = 'malformed'


class OAuthError(JdError):
    """The OAuth endpoint refused the request; ``code`` holds JD's code."""
    family = 'oauth'


def as_int(code):
    try:
        return int(str(code).strip())
    except (TypeError, ValueError):
        return None


def classify(code):
    """Return the exception class for a JD error code (string or number)."""
    num = as_int(code)
    if num in RATE_LIMIT_CODES:
        return RateLimitError
    if num in TRANSIENT_CODES:
        return TransientError
    if num in SESSION_CODES:
        return SessionError
    if num in AUTH_CODES:
        return AuthenticationError
    if num in PERMISSION_CODES:
        return PermissionDeniedError
    if num in INVALID_CODES:
        return InvalidParameterError
    return RemoteError


# Shorter values are no real credentials (test doubles): masking them would
# garble every message that happens to contain the same letters.
MIN_SECRET_LEN = 6


def redact(text, secrets):
    """``text`` with every credential replaced by ``***``."""
    if not text:
        return text
    text = str(text)
    for secret in secrets:
        if secret and len(secret) >= MIN_SECRET_LEN:
            text = text.replace(secret, '***')
    return text


def error_from_response(body, method=None, secrets=()):
    """Build the right exception from an ``error_response`` dict."""
    code = body.get('code')
    num = as_int(code)
    zh_desc = redact(body.get('zh_desc'), secrets)
    en_desc = redact(body.get('en_desc') or body.get('msg'), secrets)
    return classify(code)(code=num if num is not None else code,
                          msg=en_desc or zh_desc, zh_desc=zh_desc,
                          en_desc=en_desc, method=method)
