# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""JD OAuth 2 authorization-code flow (open-oauth.jd.com).

JD takes every parameter, app_secret included, in the query string of a GET
and answers JSON: the token fields, or ``code``/``msg`` on failure.
"""
import json

try:
    from urllib.parse import urlencode
except ImportError:  # pragma: no cover
    from urllib import urlencode

import requests

from .errors import MalformedResponseError, OAuthError, TransportError, redact

DEFAULT_OAUTH_BASE = 'https://open-oauth.jd.com'


class JdOAuthClient(object):
    """Builds the authorize URL and talks to the token endpoints."""

    def __init__(self, app_key, app_secret, base_url=DEFAULT_OAUTH_BASE,
                 timeout=(5, 30), http=None):
        self.base_url = (base_url or DEFAULT_OAUTH_BASE).rstrip('/')
        self.app_key = app_key
        self._app_secret = app_secret
        self.timeout = timeout
        self.http = http or requests.Session()

    def __repr__(self):
        return '<JdOAuthClient %s app_key=%s>' % (self.base_url, self.app_key)

    def authorize_url(self, redirect_uri, state):
        query = urlencode([('app_key', self.app_key), ('response_type', 'code'),
                           ('redirect_uri', redirect_uri), ('state', state)])
        return '%s/oauth2/to_login?%s' % (self.base_url, query)

    def exchange_code(self, code):
        """Authorization code -> token answer (dict)."""
        return self._token('access_token', {'grant_type': 'authorization_code',
                                            'code': code})

    def refresh(self, refresh_token):
        """Refresh token -> new token answer (dict)."""
        return self._token('refresh_token', {'grant_type': 'refresh_token',
                                             'refresh_token': refresh_token})

    def _get(self, url, params):
        """``(answer, None)`` or ``(None, name of the failure)``: the requests
        exception is not chained, its text holds the URL, hence the secret."""
        try:
            return self.http.get(url, params=params, timeout=self.timeout), None
        except requests.Timeout:
            return None, 'Timeout'
        except requests.RequestException as exc:
            return None, type(exc).__name__

    def _token(self, endpoint, params):
        secrets = (self._app_secret, params.get('code'), params.get('refresh_token'))
        params = dict(params, app_key=self.app_key, app_secret=self._app_secret)
        grant = params['grant_type']
        url = '%s/oauth2/%s' % (self.base_url, endpoint)
        resp, failure = self._get(url, params)
        if failure == 'Timeout':
            raise TransportError('JD OAuth %s request timed out' % grant, method=grant)
        if failure:
            raise TransportError('JD OAuth %s request could not reach the server (%s)'
                                 % (grant, failure), method=grant)
        body = _json_or_none(resp.content)
        if isinstance(body, dict) and not body.get('access_token') \
                and body.get('code') not in (None, 0, '0'):
            msg = redact(body.get('msg'), secrets)
            raise OAuthError('JD OAuth %s was refused: %s' % (grant, msg or 'no reason'),
                             code=body['code'], msg=msg, method=grant)
        if resp.status_code != 200:
            raise TransportError('JD OAuth %s got HTTP status %s' % (grant, resp.status_code),
                                 http_status=resp.status_code, method=grant)
        if not isinstance(body, dict) or not body.get('access_token'):
            raise MalformedResponseError('JD OAuth %s returned no access token' % grant,
                                         method=grant)
        return body


def _json_or_none(content):
    try:
        return json.loads(content.decode('utf-8'))
    except (ValueError, UnicodeDecodeError):
        return None
