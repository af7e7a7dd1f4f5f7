# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""JD Open Service (JOS) client. Pure Python, no Odoo import."""
from .client import (JdClient, beijing_str, normalize_gateway_url, param_json,
                     parse_beijing, split_window)
from .errors import (AuthenticationError, BusinessError, InvalidParameterError,
                     JdError, MalformedResponseError, OAuthError,
                     PermissionDeniedError, RateLimitError, RemoteError,
                     SessionError, TransientError, TransportError, classify)
from .oauth import JdOAuthClient
from .signing import sign

__all__ = [
    'JdClient', 'JdOAuthClient', 'normalize_gateway_url', 'sign', 'param_json',
    'beijing_str', 'parse_beijing', 'split_window', 'classify', 'JdError',
    'AuthenticationError', 'SessionError', 'PermissionDeniedError', 'RateLimitError',
    'InvalidParameterError', 'BusinessError', 'RemoteError', 'TransientError',
    'TransportError', 'MalformedResponseError', 'OAuthError',
]
