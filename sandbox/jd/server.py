# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The JD sandbox's gateway: signature, token, faults, OAuth 2, control API, HTTP, CLI."""
import argparse
import datetime
import hmac
import json
import os
import random
import sys
import threading
import time
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from ..top.core import FMT, LOOPBACK, beijing_now, fmt, random_token, shift_times
from ..top.faults import Faults
from ..top.server import Handler as TopHandler
from .api import Api
from .core import JdFailure, Refused, beijing_stamp, sign_params
from .order_changes import OrderChanges
from .privacy import Privacy
from .store import Store

SKEW_SECONDS = 360
ORDER_LISTS = ('jingdong.pop.order.search', 'jingdong.pop.order.enSearch')
REFUND_LIST = 'jingdong.pop.afs.soa.refundapply.queryPageList'
SECRET_PARAMS = frozenset(['sign', 'access_token', 'app_secret', 'code', 'refresh_token'])
RESPONSE_KEYS = {'360buy.get.vender.all.delivery.company': 'vender_delivery_all_company_response'}


class Sandbox(OrderChanges):
    """Gateway state: credentials, tokens, faults, call log."""

    def __init__(self, args):
        self.args = args
        self.rng = random.Random()
        self.log_lock = threading.Lock()
        self.state_lock = threading.RLock()
        self.store = Store(self._read_data())
        self.api = Api(self.store, Privacy(args.app_key, not args.plain_receivers,
                                           args.decrypt_quota))
        self.reset_runtime()
        self.faults = Faults(args.fault, args.seed, args.slow_seconds)

    def _read_data(self):
        if not self.args.data:
            return {}
        with open(self.args.data, encoding='utf-8') as handle:
            data = json.load(handle)
        ref = data.get('reference_time')
        if not (self.args.rebase_times and ref):
            return data
        delta = beijing_now() - datetime.datetime.strptime(ref, FMT)
        delta = datetime.timedelta(seconds=int(delta.total_seconds()))
        return dict(data, **dict((k, shift_times(data.get(k) or [], delta))
                                 for k in ('wares', 'orders', 'refunds')))

    def reset_runtime(self):
        with self.state_lock:
            self.session_expired = False
            self.tokens = {}          # access_token -> expiry epoch
            self.refresh_tokens = {}  # refresh_token -> (access_token, expiry)
            self.codes = {}           # code -> (redirect_uri, expiry)
            self.calls = 0
            self.by_method = {}
            if hasattr(self, 'api'):
                self.api.privacy.decrypts, self.api.privacy.access_logs = [], []

    # -- control API --------------------------------------------------------
    def control(self, verb, path, body):
        name = path[len('/_sandbox/'):]
        if verb == 'GET' and name == 'state':
            return 200, self.store.dump()
        if verb == 'GET' and name == 'privacy':
            return 200, self.api.privacy.state(len(self.store.orders))
        if verb == 'GET' and name == 'stats':
            return 200, {'calls': self.calls, 'by_method': dict(self.by_method),
                         'faults': dict(self.faults.counts)}
        handler = getattr(self, '_ctl_' + name, None) if verb == 'POST' else None
        if handler is None:
            return 404, {'error': 'not_found'}
        try:
            with self.store.lock:
                return 200, handler(body)
        except Refused as exc:
            return 400, {'error': exc.english}
        except (KeyError, TypeError, ValueError) as exc:
            return 400, {'error': 'bad control request: %s' % type(exc).__name__}

    def _ctl_reset(self, body):
        keys = ('wares', 'orders', 'refunds')
        self.store.load(body if any(body.get(k) is not None for k in keys) else self._read_data())
        self.reset_runtime()
        self.faults = Faults((), self.args.seed, self.args.slow_seconds)
        return {'ok': True, 'wares': len(self.store.wares), 'orders': len(self.store.orders)}

    def _ctl_upsert(self, body):
        for ware in body.get('wares') or []:
            self.store.put_ware(ware)
        for order in body.get('orders') or []:
            self.store.put_order(order)
        for refund in body.get('refunds') or []:
            self.store.put_refund(refund)
        return {'ok': True}

    def _ctl_faults(self, body):
        faults = Faults(body.get('faults') or [], body.get('seed'),
                        body.get('slow_seconds', self.args.slow_seconds))
        faults.denied = frozenset(body.get('deny_methods') or ())
        self.faults = faults
        return {'ok': True}

    def _ctl_privacy(self, body):
        privacy = self.api.privacy
        if 'masked' in body:
            privacy.masked = bool(body['masked'])
        if 'decrypt_quota' in body:
            quota = body['decrypt_quota']
            privacy.quota = None if quota is None else int(quota)
        return privacy.state(len(self.store.orders))

    def _ctl_session(self, body):
        self.session_expired = bool(body.get('expired'))
        return {'ok': True, 'expired': self.session_expired}

    # -- gateway ------------------------------------------------------------
    def gateway(self, params):
        """Return (http_status, body_bytes, log_info) for one /routerjson call."""
        method = params.get('method', '')
        with self.state_lock:
            self.calls += 1
            self.by_method[method] = self.by_method.get(method, 0) + 1
            fired = self.faults.draw()
        info = {'fault': fired or None}
        if 'slow' in fired:
            time.sleep(self.faults.slow_seconds)
        if 'session_expiry' in fired:
            self.session_expired = True
        body = None
        if 'rate_limit' in fired:
            body = JdFailure(2).body(numeric=True)  # JD sends codes as numbers too
        elif 'transient' in fired:
            body = JdFailure(65).body()
        if body is not None:
            info['code'] = body['error_response']['code']
            return 200, json.dumps(body, ensure_ascii=False).encode('utf-8'), info
        try:
            with self.store.lock:
                business = self.validate(params)
                body = self._answer(method, business, info)
                self._churn(method, business)
        except JdFailure as failure:
            body = failure.body()
            info['code'] = failure.code
        raw = json.dumps(body, ensure_ascii=False).encode('utf-8')
        if 'malformed' in fired:
            raw = raw[:max(1, len(raw) // 2)]
        return 200, raw, info

    def _churn(self, method, business):
        """Churn faults (top_sandbox.Churn's every / modify / refund_modify): rows of
        the listed window change once a page is answered, as on a busy day."""
        churn = self.faults.churn
        if churn is None:
            return
        if method in ORDER_LISTS and churn.modify:
            churn.pages += 1
            fired = not churn.pages % churn.every and self.store.churn_orders(
                business, churn.modify, self.faults.rng)
        elif method == REFUND_LIST and churn.refund_modify:
            churn.refund_pages += 1
            fired = not churn.refund_pages % churn.every and self.store.churn_refunds(
                business, churn.refund_modify, self.faults.rng)
        else:
            fired = False
        if fired:
            self.faults.counts['churn'] += 1

    def _answer(self, method, business, info):
        try:
            result = self.api.methods[method](business)
        except Refused as refused:
            result = self.api.refusal(method, refused)
            info['refused'] = refused.english
        key = RESPONSE_KEYS.get(method) or method.replace('.', '_') + (
            '_response' if method.startswith('360buy.') else '_responce')
        return {key: dict(result, code='0')}

    def validate(self, params):
        """Check the system parameters; return the business parameters."""
        method = params.get('method', '').strip()
        if not method:
            raise JdFailure(14)
        if params.get('app_key') != self.args.app_key:
            raise JdFailure(21)
        self._check_timestamp(params.get('timestamp', ''))
        if not params.get('v'):
            raise JdFailure(4)
        if params['v'] != '2.0':
            raise JdFailure(5)
        self._check_sign(params)
        self._check_token(params.get('access_token', ''))
        raw = params.get('360buy_param_json')
        try:
            business = json.loads(raw) if raw else None
        except ValueError:
            business = None
        if not isinstance(business, dict):
            raise JdFailure(62, '360buy_param_json must be a JSON object ({} when empty)')
        if method not in self.api.methods:
            raise JdFailure(15, method)
        if method in self.faults.denied:
            raise JdFailure(24, method)
        return business

    @staticmethod
    def _check_timestamp(value):
        value = (value or '').strip()
        if not value:
            raise JdFailure(7)
        stamp = beijing_stamp(value)
        if stamp is None:
            raise JdFailure(8, 'timestamp cannot be parsed')
        if abs((beijing_now() - stamp).total_seconds()) > SKEW_SECONDS:
            raise JdFailure(8, 'timestamp is more than 6 minutes off')

    def _check_sign(self, params):
        given = params.get('sign', '')
        if not given:
            raise JdFailure(11)
        method = params.get('sign_method') or 'md5'
        if method not in ('md5', 'hmacmd5', 'hmacsha256'):
            raise JdFailure(12, 'unsupported sign_method')
        expected = sign_params(params, self.args.app_secret, method)
        if not hmac.compare_digest(given.upper(), expected):
            raise JdFailure(12)

    def _check_token(self, token):
        if token and token == self.args.access_token and not self.session_expired:
            return
        expiry = self.tokens.get(token) if token else None
        if expiry is None or expiry < time.time():
            raise JdFailure(19)

    # -- OAuth --------------------------------------------------------------
    def to_login(self, params):
        """Return (status, headers, html) for GET /oauth2/to_login."""
        if params.get('app_key') != self.args.app_key:
            return 400, {}, '<html><body>应用不存在 (invalid app_key)</body></html>'
        redirect = params.get('redirect_uri', '')
        if params.get('response_type') != 'code' \
                or not redirect.startswith(('http://', 'https://')):
            return 400, {}, '<html><body>invalid request</body></html>'
        code = random_token(self.rng, 16)
        with self.state_lock:
            self.codes[code] = (redirect, time.time() + 600)
        query = urlencode([('code', code), ('state', params.get('state', ''))])
        return 302, {'Location': redirect + ('&' if '?' in redirect else '?') + query}, ''

    def token(self, endpoint, params):
        """Return the JSON answer of /oauth2/access_token or /oauth2/refresh_token."""
        if params.get('app_key') != self.args.app_key or \
                params.get('app_secret') != self.args.app_secret:
            return {'code': 401, 'msg': 'app_key or app_secret is wrong'}
        grant = params.get('grant_type')
        with self.state_lock:
            if endpoint == 'access_token' and grant == 'authorization_code':
                entry = self.codes.pop(params.get('code', ''), None)
                if entry is None or entry[1] < time.time():
                    return {'code': 402, 'msg': 'authorization code is invalid or used'}
                return self._issue()
            if endpoint == 'refresh_token' and grant == 'refresh_token':
                entry = self.refresh_tokens.pop(params.get('refresh_token', ''), None)
                if entry is None or entry[1] < time.time():
                    return {'code': 403, 'msg': 'refresh_token is invalid or expired'}
                self.tokens.pop(entry[0], None)
                return self._issue()
        return {'code': 405, 'msg': 'grant_type is not supported here'}

    def _issue(self):
        now = time.time()
        life = int(self.args.token_expires_in)
        access = random_token(self.rng, 32)
        refresh = random_token(self.rng, 32)
        self.tokens[access] = now + life
        self.refresh_tokens[refresh] = (access, now + life * 2)
        self.session_expired = False  # a fresh authorisation revives the shop
        return {'access_token': access, 'expires_in': life, 'refresh_token': refresh,
                'scope': 'snsapi_base', 'open_id': 'jdopen-%s' % self.store.vender_id,
                'uid': self.store.vender_id, 'time': int(now * 1000),
                'token_type': 'bearer', 'user_nick': self.store.shop_name}

    # -- call log -----------------------------------------------------------
    def log_call(self, entry):
        if not self.args.call_log:
            return
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True)
        with self.log_lock:
            with open(self.args.call_log, 'a', encoding='utf-8') as handle:
                handle.write(line + '\n')


def loggable(params):
    return dict((k, v) for k, v in params.items() if k not in SECRET_PARAMS)


class Handler(TopHandler):
    """The TOP sandbox's HTTP plumbing with JD's routes."""
    server_version = 'JDSandbox/1.0'

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
            return self._json(*sandbox.control(verb, parts.path,
                                               body if isinstance(body, dict) else {}))
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        if raw and 'json' not in self.headers.get('Content-Type', ''):
            params.update(parse_qsl(raw.decode('utf-8', 'replace'), keep_blank_values=True))
        if parts.path == '/routerjson':
            status, payload, extra = sandbox.gateway(params)
            reply = lambda: self._send(  # noqa: E731
                status, payload, 'application/json;charset=UTF-8')
            method = params.get('method', '')
        elif parts.path == '/oauth2/to_login' and verb == 'GET':
            status, headers, html = sandbox.to_login(params)
            reply = lambda: self._send(  # noqa: E731
                status, html.encode('utf-8'), 'text/html;charset=UTF-8', headers)
            method, extra = 'oauth2.to_login', {}
        elif parts.path in ('/oauth2/access_token', '/oauth2/refresh_token'):
            endpoint = parts.path.rsplit('/', 1)[1]
            answer = sandbox.token(endpoint, params)
            status = 200
            reply = lambda: self._json(status, answer)  # noqa: E731
            method, extra = 'oauth2.' + endpoint, {'code': answer.get('code')}
        else:
            return self._json(404, {'error': 'not_found'})
        entry = {'method': method, 'params': loggable(params), 'status': status,
                 'duration': round(time.time() - start, 4), 'time': fmt(beijing_now())}
        entry.update((k, v) for k, v in extra.items() if v is not None)
        entry['ok'] = status in (200, 302) and 'code' not in extra and 'refused' not in extra
        # Logged before the answer leaves: a client that reads the log right after its
        # call must find the call there.
        sandbox.log_call(entry)
        reply()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Local JD JOS gateway emulator')
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=0, help='0 picks a free port')
    parser.add_argument('--data',
                        help='JSON file {"wares": [...], "orders": [...], "refunds": [...]}')
    parser.add_argument('--app-key', required=True)
    parser.add_argument('--app-secret', required=True)
    parser.add_argument('--access-token', required=True, help='the pre-authorised token')
    parser.add_argument('--call-log', help='append one JSON line per call')
    parser.add_argument('--fault', action='append', default=[],
                        help='KIND:RATE or KIND@N; KIND in transient (code 65), rate_limit '
                             '(code 2), slow, malformed, session_expiry (code 19)')
    parser.add_argument('--seed', type=int, default=None)
    parser.add_argument('--slow-seconds', type=float, default=2.0)
    parser.add_argument('--rebase-times', action='store_true')
    parser.add_argument('--token-expires-in', type=int, default=86400)
    parser.add_argument('--ready-file')
    parser.add_argument('--plain-receivers', action='store_true',
                        help='answer consignees in clear, as before the privacy upgrade')
    parser.add_argument('--decrypt-quota', type=int, default=None,
                        help='OAID decrypts allowed per day (default: a tenth of the '
                             'orders held, at least 5)')
    args = parser.parse_args(argv)
    if args.host not in LOOPBACK:
        parser.error('the sandbox only binds loopback addresses (127.0.0.1, localhost, ::1)')
    return args


def make_server(args):
    """A ready (not yet serving) server for ``args``; port 0 picks a free one."""
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.sandbox = Sandbox(args)
    return server


def main(argv=None):
    args = parse_args(argv)
    try:
        server = make_server(args)
    except ValueError as exc:
        sys.stderr.write('error: %s\n' % exc)
        return 2
    port = server.server_address[1]
    if args.ready_file:
        tmp = args.ready_file + '.tmp'
        with open(tmp, 'w') as handle:
            handle.write(str(port))
        os.replace(tmp, args.ready_file)
    sys.stdout.write('JD sandbox listening on http://%s:%d\n' % (args.host, port))
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.stdout.write('JD sandbox stopped\n')
    finally:
        server.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
