# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The TOP sandbox's gateway: signature, session, faults, OAuth, control API, HTTP, CLI."""
import argparse
import datetime
import hmac
import json
import os
import random
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from .api import Api
from .core import (FMT, LOOPBACK, TopFailure, beijing_now, fmt, random_token, shift_times,
                   sign_params, simplify)
from .faults import FAULT_KINDS, Faults
from .privacy import Privacy
from .store import Store
from .tmc import TMC_FAULT_KINDS, Channel
from .tmc import NO_SESSION_METHODS as TMC_NO_SESSION_METHODS
from .trade_changes import TradeChanges

NO_SESSION_METHODS = ('taobao.time.get', 'taobao.logistics.companies.get') + \
    TMC_NO_SESSION_METHODS


class Sandbox(object):
    """Gateway state: credentials, sessions, tokens, faults, call log."""

    def __init__(self, args):
        self.args = args
        self.rng = random.Random()
        self.log_lock = threading.Lock()
        self.state_lock = threading.RLock()
        self.store = Store(self._read_data())
        self.api = Api(self.store, Privacy(args.app_key, not args.plain_receivers,
                                           args.decrypt_quota))
        self.api.history_days = args.trade_history_days
        self.changes = TradeChanges(self.store, self.api)
        self.api.app_key = args.app_key
        self.api.tmc = Channel(args.tmc_fault, args.seed, args.tmc_redeliver_seconds)
        self.reset_runtime()
        self.faults = Faults(args.fault, args.seed, args.slow_seconds)

    def _read_data(self):
        if not self.args.data:
            return {'items': [], 'trades': []}
        with open(self.args.data, encoding='utf-8') as handle:
            data = json.load(handle)
        return self._rebase(data)

    def _rebase(self, data):
        ref = data.get('reference_time')
        if not (self.args.rebase_times and ref):
            return data
        delta = beijing_now() - datetime.datetime.strptime(ref, FMT)
        delta = datetime.timedelta(seconds=int(delta.total_seconds()))
        data = dict(data)
        data['items'] = shift_times(data.get('items') or [], delta)
        data['trades'] = shift_times(data.get('trades') or [], delta)
        data['refunds'] = shift_times(data.get('refunds') or [], delta)
        return data

    def reset_runtime(self):
        with self.state_lock:
            self.session_expired = False
            self.tokens = {}       # access_token -> expiry epoch
            self.refresh_tokens = {}  # refresh_token -> (access_token, expiry)
            self.codes = {}        # code -> (redirect_uri, expiry)
            self.calls = 0
            self.by_method = {}
            if hasattr(self, 'api'):
                self.api.privacy.bills = []

    # -- control API --------------------------------------------------------
    def control(self, verb, path, body):
        if path == '/_sandbox/waybill':
            return 200, self.api.waybill_control(verb, body)
        if path == '/_sandbox/privacy':
            return self._privacy(verb, body)
        if path == '/_sandbox/tmc':
            return self.api.tmc.control(verb, body)
        if path == '/_sandbox/reset' and verb == 'POST':
            given = any(body.get(k) is not None for k in ('items', 'trades', 'refunds'))
            data = body if given else self._read_data()
            self.store.load(data)
            self.api.tmc.clear()
            self.reset_runtime()
            self.api.reset_waybills()
            self.faults = Faults((), self.args.seed, self.args.slow_seconds)
            return 200, {'ok': True, 'items': len(self.store.items),
                         'trades': len(self.store.trades),
                         'refunds': len(self.store.refunds)}
        if path == '/_sandbox/faults' and verb == 'POST':
            try:
                self.faults = Faults(body.get('faults') or [], body.get('seed'),
                                     body.get('slow_seconds', self.args.slow_seconds))
                self.faults.denied = frozenset(body.get('deny_methods') or ())
            except (ValueError, TypeError, AttributeError) as exc:
                return 400, {'error': str(exc)}
            return 200, {'ok': True}
        if path == '/_sandbox/upsert' and verb == 'POST':
            with self.store.lock:
                for item in body.get('items') or []:
                    self.store.put_item(item)
                before = dict((str(t.get('tid')), self.store.trades[str(t.get('tid'))]['status'])
                              for t in body.get('trades') or []
                              if str(t.get('tid')) in self.store.trades)
                for trade in body.get('trades') or []:
                    self.store.put_trade(trade)
                self.api.tmc.trades_upserted(
                    before, [self.store.trades[str(t['tid'])] for t in body.get('trades') or []])
                for refund in body.get('refunds') or []:
                    self.store.put_refund(refund)
            return 200, {'ok': True}
        if path == '/_sandbox/state' and verb == 'GET':
            return 200, self.store.dump()
        if path == '/_sandbox/stats' and verb == 'GET':
            return 200, {'calls': self.calls, 'by_method': dict(self.by_method),
                         'faults': dict(self.faults.counts)}
        if path.startswith('/_sandbox/trade/') and verb == 'POST':
            return self.changes.handle(path[len('/_sandbox/trade/'):], body)
        if path == '/_sandbox/session' and verb == 'POST':
            self.session_expired = bool(body.get('expired'))
            if body.get('tokens'):  # the OAuth tokens issued so far expire too
                self.tokens = dict.fromkeys(self.tokens, 0)
            return 200, {'ok': True, 'expired': self.session_expired}
        return 404, {'error': 'not_found'}

    def _privacy(self, verb, body):
        privacy = self.api.privacy
        if verb == 'POST':
            if 'masked' in body:
                privacy.masked = bool(body['masked'])
            if body.get('decrypt_quota') is not None:
                privacy.quota = int(body['decrypt_quota'])
        return 200, privacy.state()

    # -- gateway ------------------------------------------------------------
    def gateway(self, params):
        """Return (http_status, body_bytes, log_info) for one /router/rest call."""
        method = params.get('method', '')
        with self.state_lock:
            self.calls += 1
            self.by_method[method] = self.by_method.get(method, 0) + 1
            fired = self.faults.draw()
        request_id = random_token(self.rng, 12)
        info = {'fault': fired or None}
        if 'slow' in fired:
            time.sleep(self.faults.slow_seconds)
        if 'session_expiry' in fired:
            self.session_expired = True
        early = self._early_fault(fired, request_id)
        if early is not None:
            return early + (info,)
        try:
            with self.store.lock:
                self.validate(params)
                payload = self.api.methods[method](params)
                self.faults.after_list_page(self.store, method, params)
            body = self._envelope(method, payload, params, request_id)
        except TopFailure as failure:
            body = failure.body(request_id)
            info.update(code=failure.code, sub_code=failure.sub_code)
        raw = json.dumps(body, ensure_ascii=False).encode('utf-8')
        if 'malformed' in fired:
            raw = raw[:max(1, len(raw) // 2)]
        return 200, raw, info

    def _early_fault(self, fired, request_id):
        if 'transient' in fired:
            self.faults.transient_flip = not self.faults.transient_flip
            if not self.faults.transient_flip:
                return 502, b'<html><body>502 Bad Gateway</body></html>'
            failure = TopFailure(15, 'isp.top-remote-connection-timeout',
                                 'Remote connection timed out, please retry')
            return 200, json.dumps(failure.body(request_id)).encode('utf-8')
        if 'rate_limit' in fired:
            failure = TopFailure(7, 'accesscontrol.limited-by-app-api-access-count',
                                 'This ban will last for 1 more seconds')
            return 200, json.dumps(failure.body(request_id)).encode('utf-8')
        return None

    @staticmethod
    def _envelope(method, payload, params, request_id):
        if str(params.get('simplify', '')).lower() == 'true':
            return simplify(payload)
        name = method[len('taobao.'):] if method.startswith('taobao.') else method
        payload = dict(payload, request_id=request_id)
        return {name.replace('.', '_') + '_response': payload}

    def validate(self, params):
        method = params.get('method', '').strip()
        if not method:
            raise TopFailure(21)
        if method not in self.api.methods:
            raise TopFailure(22, 'isv.method-not-exist', 'Unknown method %s' % method)
        if not params.get('app_key'):
            raise TopFailure(28)
        if params['app_key'] != self.args.app_key:
            raise TopFailure(29, 'isv.appkey-not-exists', 'Invalid app_key')
        self._check_timestamp(params.get('timestamp', ''))
        if not params.get('v'):
            raise TopFailure(32)
        if params['v'] != '2.0':
            raise TopFailure(33)
        self._check_sign(params)
        if params.get('format', 'xml') != 'json':
            raise TopFailure(23, 'isv.invalid-format',
                             'This sandbox only answers format=json')
        if method not in NO_SESSION_METHODS:
            self._check_session(params.get('session', ''))
        if method in self.faults.denied:
            raise TopFailure(11, 'isv.permission-api-package-not-allowed',
                             'The app has no permission for %s' % method)

    @staticmethod
    def _check_timestamp(value):
        value = (value or '').strip()
        if not value:
            raise TopFailure(30)
        try:
            if value.isdigit():
                stamp = datetime.datetime.utcfromtimestamp(int(value) / 1000.0) \
                    + datetime.timedelta(hours=8)
            else:
                stamp = datetime.datetime.strptime(value, FMT)
        except (ValueError, OverflowError, OSError):
            raise TopFailure(31, 'isv.invalid-timestamp', 'Timestamp cannot be parsed')
        if abs((beijing_now() - stamp).total_seconds()) > 600:
            raise TopFailure(31, 'isv.invalid-timestamp',
                             'Timestamp is more than 10 minutes off')

    def _check_sign(self, params):
        given = params.get('sign', '')
        if not given:
            raise TopFailure(24)
        method = params.get('sign_method', 'md5')
        if method not in ('md5', 'hmac', 'hmac-sha256'):
            raise TopFailure(25, 'isv.invalid-sign-method', 'Unsupported sign_method')
        expected = sign_params(params, self.args.app_secret, method)
        if not hmac.compare_digest(given.upper(), expected):
            raise TopFailure(25)

    def _check_session(self, session):
        if not session:
            raise TopFailure(26)
        if session == self.args.session:
            if self.session_expired:
                raise TopFailure(27, 'session-expired', 'The session has expired')
            return
        expiry = self.tokens.get(session)
        if expiry is None:
            raise TopFailure(27, 'invalid-sessionkey', 'Invalid SessionKey')
        if expiry < time.time():
            raise TopFailure(27, 'session-expired', 'The session has expired')

    # -- OAuth --------------------------------------------------------------
    def authorize(self, params):
        """Return (status, headers, body) for GET /oauth/authorize."""
        if params.get('client_id') != self.args.app_key:
            return 400, {}, u'<html><body>应用不存在 (invalid client_id)</body></html>'
        redirect = params.get('redirect_uri', '')
        if params.get('response_type') != 'code' or \
                not redirect.startswith(('http://', 'https://')):
            return 400, {}, u'<html><body>invalid request</body></html>'
        query = [('state', params.get('state', ''))]
        if params.get('deny') == '1':
            query = [('error', 'access_denied'), ('error_description', 'authorize reject')] + query
        else:
            code = random_token(self.rng, 32)
            with self.state_lock:
                self.codes[code] = (redirect, time.time() + 1800)
            query = [('code', code)] + query
        location = redirect + ('&' if '?' in redirect else '?') + urlencode(query)
        return 302, {'Location': location}, u''

    def token(self, params):
        """Return (status, json) for POST /oauth/token."""
        if params.get('client_id') != self.args.app_key or \
                params.get('client_secret') != self.args.app_secret:
            return 401, oauth_error('invalid_client', 'client_id or client_secret is wrong')
        grant = params.get('grant_type')
        with self.state_lock:
            if grant == 'authorization_code':
                entry = self.codes.pop(params.get('code', ''), None)
                if entry is None or entry[1] < time.time():
                    return 400, oauth_error('invalid_grant',
                                            'authorization code is invalid or used')
                if params.get('redirect_uri') and params['redirect_uri'] != entry[0]:
                    return 400, oauth_error('invalid_grant', 'redirect_uri mismatch')
                return 200, self._issue()
            if grant == 'refresh_token':
                if self.args.no_refresh:
                    return 400, oauth_error('invalid_grant', 'this app cannot refresh tokens')
                entry = self.refresh_tokens.pop(params.get('refresh_token', ''), None)
                if entry is None or entry[1] < time.time():
                    return 400, oauth_error('invalid_grant', 'refresh_token is invalid or expired')
                self.tokens.pop(entry[0], None)
                return 200, self._issue()
        return 400, oauth_error('unsupported_grant_type', 'grant_type is not supported')

    def _issue(self):
        now = time.time()
        life = int(self.args.token_expires_in)
        re_life = 0 if self.args.no_refresh else life * 2
        access = '6201%s' % random_token(self.rng, 36)
        refresh = '6202%s' % random_token(self.rng, 36)
        self.tokens[access] = now + life
        if not self.args.no_refresh:
            self.refresh_tokens[refresh] = (access, now + re_life)
        self.session_expired = False  # a fresh authorisation revives the shop
        return {'access_token': access, 'token_type': 'Bearer', 'expires_in': life,
                'refresh_token': refresh, 're_expires_in': re_life,
                'r1_expires_in': life, 'r2_expires_in': min(life, 86400),
                'w1_expires_in': life, 'w2_expires_in': min(life, 1800),
                'taobao_user_id': '2200000000001',
                'taobao_user_nick': quote(self.store.seller_nick.encode('utf-8')),
                'expire_time': int((now + life) * 1000),
                'refresh_token_valid_time': int((now + re_life) * 1000)}

    # -- call log -----------------------------------------------------------
    def log_call(self, entry):
        if not self.args.call_log:
            return
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True)
        with self.log_lock:
            with open(self.args.call_log, 'a', encoding='utf-8') as handle:
                handle.write(line + '\n')


SECRET_PARAMS = frozenset(['sign', 'session', 'client_secret', 'code', 'refresh_token',
                           'access_token', 'app_secret'])


def oauth_error(code, description):
    return {'error': code, 'error_description': description}


def loggable(params):
    return dict((k, v) for k, v in params.items() if k not in SECRET_PARAMS)


class Handler(BaseHTTPRequestHandler):
    server_version = 'TOPSandbox/1.0'
    protocol_version = 'HTTP/1.1'
    # Keep-alive answers are written as headers then body: without TCP_NODELAY the
    # body waits for the client's delayed ACK (~40 ms a call on loopback).
    disable_nagle_algorithm = True

    def log_message(self, fmt_, *args):  # keep stdout clean for the ready line
        return

    def do_GET(self):
        self._dispatch('GET')

    def do_POST(self):
        self._dispatch('POST')

    def _dispatch(self, verb):
        start = time.time()
        parts = urlsplit(self.path)
        raw = self._body()
        sandbox = self.server.sandbox
        if parts.path.startswith('/_sandbox/'):
            try:
                body = json.loads(raw.decode('utf-8')) if raw.strip() else {}
            except ValueError:
                return self._json(400, {'error': 'body must be JSON'})
            body = body if isinstance(body, dict) else {}
            return self._json(*sandbox.control(verb, parts.path, body))
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        ctype = self.headers.get('Content-Type', '')
        if raw and 'json' not in ctype:
            params.update(parse_qsl(raw.decode('utf-8', 'replace'), keep_blank_values=True))
        if parts.path == '/router/rest':
            status, payload, info = sandbox.gateway(params)
            ctype = 'application/json;charset=UTF-8' if status == 200 else 'text/html'
            reply = lambda: self._send(status, payload, ctype)  # noqa: E731
            method, extra = params.get('method', ''), info
        elif parts.path == '/oauth/authorize' and verb == 'GET':
            status, headers, html = sandbox.authorize(params)
            reply = lambda: self._send(  # noqa: E731
                status, html.encode('utf-8'), 'text/html;charset=UTF-8', headers)
            method, extra = 'oauth.authorize', {}
        elif parts.path == '/oauth/token' and verb == 'POST':
            status, body = sandbox.token(params)
            reply = lambda: self._json(status, body)  # noqa: E731
            method, extra = 'oauth.token', {'code': body.get('error')}
        else:
            return self._json(404, {'error': 'not_found'})
        entry = {'method': method, 'params': loggable(params), 'status': status,
                 'duration': round(time.time() - start, 4),
                 'time': fmt(beijing_now())}
        entry.update((k, v) for k, v in extra.items() if v is not None)
        entry['ok'] = status in (200, 302) and 'code' not in extra
        # Logged before the answer leaves: a client that reads the log right after its
        # call must find the call there.
        sandbox.log_call(entry)
        reply()

    def _body(self):
        length = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(length) if length else b''

    def _json(self, status, body):
        self._send(status, json.dumps(body, ensure_ascii=False).encode('utf-8'),
                   'application/json;charset=UTF-8')

    def _send(self, status, payload, ctype, headers=None):
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(payload)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(payload)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Local TOP gateway emulator')
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=0, help='0 picks a free port')
    parser.add_argument('--data', help='JSON file {"items": [...], "trades": [...]}')
    parser.add_argument('--app-key', required=True)
    parser.add_argument('--app-secret', required=True)
    parser.add_argument('--session', required=True, help='the pre-authorised session')
    parser.add_argument('--call-log', help='append one JSON line per call')
    parser.add_argument('--fault', action='append', default=[],
                        help='KIND:RATE or KIND@N; KIND in %s' % ', '.join(FAULT_KINDS))
    parser.add_argument('--seed', type=int, default=None)
    parser.add_argument('--tmc-fault', action='append', default=[],
                        help='TMC message faults KIND:RATE; KIND in %s'
                             % ', '.join(TMC_FAULT_KINDS))
    parser.add_argument('--tmc-redeliver-seconds', type=float, default=60.0,
                        help='an unconfirmed TMC message comes again after these seconds')
    parser.add_argument('--slow-seconds', type=float, default=2.0)
    parser.add_argument('--rebase-times', action='store_true')
    parser.add_argument('--trade-history-days', type=int, default=90,
                        help='taobao.trades.sold.get lists the trades created in these '
                             'last days only, as TOP does (3 months); 0 lists all')
    parser.add_argument('--token-expires-in', type=int, default=86400)
    parser.add_argument('--no-refresh', action='store_true')
    parser.add_argument('--ready-file')
    parser.add_argument('--plain-receivers', action='store_true',
                        help='answer receivers in clear, as before the privacy upgrade')
    parser.add_argument('--decrypt-quota', type=int, default=1000,
                        help='OAID decrypts allowed per day')
    args = parser.parse_args(argv)
    if args.host not in LOOPBACK:
        parser.error('the sandbox only binds loopback addresses (127.0.0.1, localhost, ::1)')
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        sandbox = Sandbox(args)
    except ValueError as exc:
        sys.stderr.write('error: %s\n' % exc)
        return 2
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.sandbox = sandbox
    port = server.server_address[1]
    if args.ready_file:
        tmp = args.ready_file + '.tmp'
        with open(tmp, 'w') as handle:
            handle.write(str(port))
        os.replace(tmp, args.ready_file)
    sys.stdout.write('TOP sandbox listening on http://%s:%d\n' % (args.host, port))
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.stdout.write('TOP sandbox stopped\n')  # Ctrl-C is the normal way out
    finally:
        server.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
