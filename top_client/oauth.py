# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Taobao OAuth 2.0 authorization-code flow (top-api.md section 4)."""
import json

try:
    from urllib.parse import unquote, urlencode
except ImportError:  # pragma: no cover
    from urllib import unquote, urlencode

import requests

from .errors import MalformedResponseError, OAuthError, TransportError

_NICK_FIELDS = ('taobao_user_nick', 'sub_taobao_user_nick')


class OAuthClient(object):
    """Builds the authorize URL and talks to the token endpoint."""

    def __init__(self, token_url, client_id, client_secret, timeout=(5, 30),
                 http=None):
        self.token_url = token_url
        self.client_id = client_id
        self._client_secret = client_secret
        self.timeout = timeout
        self.http = http or requests.Session()

    def __repr__(self):
        return '<OAuthClient %s client_id=%s>' % (self.token_url, self.client_id)

    def authorize_url(self, auth_url, redirect_uri, state, view='web'):
        query = urlencode([('response_type', 'code'),
                           ('client_id', self.client_id),
                           ('redirect_uri', redirect_uri),
                           ('state', state), ('view', view)])
        return '%s%s%s' % (auth_url, '&' if '?' in auth_url else '?', query)

    def exchange_code(self, code, redirect_uri):
        return self._token({'grant_type': 'authorization_code', 'code': code,
                            'redirect_uri': redirect_uri})

    def refresh(self, refresh_token):
        return self._token({'grant_type': 'refresh_token',
                            'refresh_token': refresh_token})

    def _post(self, form):
        """``(answer, None)`` or ``(None, name of the failure)``: the requests
        exception is not chained, its text may hold the client secret."""
        try:
            return self.http.post(self.token_url, data=form, timeout=self.timeout), None
        except requests.Timeout:
            return None, 'Timeout'
        except requests.RequestException as exc:
            return None, type(exc).__name__

    def _token(self, form):
        form = dict(form, client_id=self.client_id,
                    client_secret=self._client_secret)
        grant = form['grant_type']
        resp, failure = self._post(form)
        if failure == 'Timeout':
            raise TransportError('OAuth %s request timed out' % grant, method=grant)
        if failure:
            raise TransportError('OAuth %s request could not reach the server (%s)'
                                 % (grant, failure), method=grant)
        body = _json_or_none(resp.content)
        if isinstance(body, dict) and body.get('error'):
            raise OAuthError('OAuth %s was refused: %s' % (grant, body['error']),
                             code=body['error'],
                             msg=body.get('error_description'), method=grant)
        if resp.status_code != 200:
            raise TransportError('OAuth %s got HTTP status %s'
                                 % (grant, resp.status_code),
                                 http_status=resp.status_code, method=grant)
        if not isinstance(body, dict) or not body.get('access_token'):
            raise MalformedResponseError('OAuth %s returned no access token' % grant,
                                         method=grant)
        for key in _NICK_FIELDS:
            if isinstance(body.get(key), str):
                body[key] = unquote(body[key])
        return body


def _json_or_none(content):
    try:
        return json.loads(content.decode('utf-8'))
    except (ValueError, UnicodeDecodeError):
        return None
