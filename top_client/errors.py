# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""One exception class per TOP error family.

Timestamp errors (codes 30/31) are classed as InvalidParameterError: the
request itself is wrong (usually a skewed clock), retrying cannot help and
the credentials are not at fault.
"""
import re

_BAN_RE = re.compile(r'(\d+(?:\.\d+)?)\s*more\s*second', re.I)

RATE_LIMIT_CODES = frozenset([4, 5, 6, 7, 8])
SESSION_CODES = frozenset([26, 27])
AUTH_CODES = frozenset([24, 25, 28, 29])
PERMISSION_CODES = frozenset([11, 12, 13, 42, 53])
INVALID_CODES = frozenset([21, 22, 23, 30, 31, 32, 33, 34, 40, 41, 43])
SESSION_SUB_CODES = frozenset([
    'invalid-sessionkey', 'session-expired', 'isv.session-expired',
    'isv.invalid-sessionkey', 'invalid-session', 'isv.invalid-session',
    'session-not-exist', 'isv.session-not-exist',
])


class TopError(Exception):
    """Base class; carries TOP's diagnostic fields but never a secret."""

    family = 'remote'
    default_retryable = False

    def __init__(self, message=None, code=None, msg=None, sub_code=None,
                 sub_msg=None, request_id=None, method=None, retryable=None,
                 retry_after=None):
        self.code = code
        self.msg = msg
        self.sub_code = sub_code
        self.sub_msg = sub_msg
        self.request_id = request_id
        self.method = method
        self.retryable = self.default_retryable if retryable is None else bool(retryable)
        self.retry_after = retry_after
        self._message = message
        super(TopError, self).__init__(self.__str__())

    def __str__(self):
        if self._message:
            text = self._message
        else:
            text = 'TOP call %s failed' % (self.method or '(unknown method)')
            if self.msg:
                text += ': %s' % (self.msg,)
        details = []
        if self.code is not None:
            details.append('code %s' % (self.code,))
        if self.sub_code:
            details.append('sub_code %s' % (self.sub_code,))
        if self.request_id:
            details.append('request_id %s' % (self.request_id,))
        if details:
            text += ' (%s)' % ', '.join(details)
        return text if text.endswith('.') else text + '.'


class AuthenticationError(TopError):
    """Bad app key or signature (24, 25, 28, 29)."""
    family = 'auth'


class SessionError(TopError):
    """Missing, invalid or expired session (26, 27): re-authorise."""
    family = 'session'


class PermissionDeniedError(TopError):
    """App or user lacks permission for the API (11, 12, 13, 42, 53)."""
    family = 'permission'


class RateLimitError(TopError):
    """Call limits (4-8, accesscontrol.*, isp.call-limited)."""
    family = 'rate_limit'
    default_retryable = True


class InvalidParameterError(TopError):
    """The caller sent a wrong request (21-23, 30-34, 40, 41, 43, isv.*)."""
    family = 'invalid_parameter'


class RemoteError(TopError):
    """Server-side or unknown failure (10, 15 isp.*, 5xx/9xx codes)."""
    family = 'remote'
    default_retryable = True


class TransportError(TopError):
    """No usable HTTP answer: connection failure, timeout, non-200 status."""
    family = 'transport'
    default_retryable = True

    def __init__(self, message=None, http_status=None, **kwargs):
        self.http_status = http_status
        super(TransportError, self).__init__(message, **kwargs)


class MalformedResponseError(TopError):
    """HTTP 200 but the body is not a TOP envelope."""
    family = 'malformed'


class OAuthError(TopError):
    """Token endpoint refused the request; ``code`` holds the OAuth error."""
    family = 'oauth'


def parse_retry_after(sub_msg):
    """Extract N from 'This ban will last for N more seconds'."""
    match = _BAN_RE.search(sub_msg or '')
    return float(match.group(1)) if match else None


def _as_int(code):
    try:
        return int(code)
    except (TypeError, ValueError):
        return None


def classify(code, sub_code=None):
    """Return the exception class for a TOP error code/sub_code pair."""
    num = _as_int(code)
    sub = (sub_code or '').strip()
    low = sub.lower()
    if num in RATE_LIMIT_CODES or low.startswith('accesscontrol.') \
            or low == 'isp.call-limited':
        return RateLimitError
    if num in SESSION_CODES or low in SESSION_SUB_CODES:
        return SessionError
    if num in AUTH_CODES:
        return AuthenticationError
    if num in PERMISSION_CODES or low.startswith('isv.permission'):
        return PermissionDeniedError
    if num in INVALID_CODES or low.startswith('isv.'):
        return InvalidParameterError
    return RemoteError


def error_from_response(body, method=None, redact=()):
    """Build the right exception from an ``error_response`` dict."""
    code = body.get('code')
    sub_code = body.get('sub_code')
    sub_msg = _redact(body.get('sub_msg'), redact)
    cls = classify(code, sub_code)
    retry_after = parse_retry_after(sub_msg) if cls is RateLimitError else None
    return cls(code=_as_int(code) if _as_int(code) is not None else code,
               msg=_redact(body.get('msg'), redact), sub_code=sub_code,
               sub_msg=sub_msg, request_id=body.get('request_id'),
               method=method, retry_after=retry_after)


def _redact(text, secrets):
    if not text:
        return text
    text = str(text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, '***')
    return text
