# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Taobao Open Platform (TOP) client. Pure Python, no Odoo import."""
from .client import TopClient, normalize_gateway_url, flatten, encode_value
from .errors import (TopError, AuthenticationError, SessionError,
                     PermissionDeniedError, RateLimitError,
                     InvalidParameterError, RemoteError, TransportError,
                     MalformedResponseError, OAuthError, classify)
from .oauth import OAuthClient
from .signing import sign
from .timeutil import BEIJING_TZ, beijing_str, parse_beijing

__all__ = [
    'TopClient', 'OAuthClient', 'normalize_gateway_url', 'sign',
    'beijing_str', 'parse_beijing', 'BEIJING_TZ', 'flatten', 'encode_value',
    'classify', 'TopError', 'AuthenticationError', 'SessionError',
    'PermissionDeniedError', 'RateLimitError', 'InvalidParameterError',
    'RemoteError', 'TransportError', 'MalformedResponseError', 'OAuthError',
]
