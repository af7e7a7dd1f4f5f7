# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""TOP REST client: signing, envelope unwrapping, paging (retries: gateway_client)."""
import datetime
import decimal
import json
import re

try:  # pragma: no cover - py2-less import guard for odd environments
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover
    from urlparse import urlsplit

from .errors import (MalformedResponseError, RateLimitError, TopError,
                     TransportError, error_from_response)
from .signing import SIGN_METHODS, sign
from .timeutil import beijing_str, parse_beijing, utcnow

if '.' in __package__:  # inside the addon (Odoo, adapters/): the sibling package
    from ..gateway_client import GatewayClient
else:  # imported on its own (its tests, scripts): a top-level package
    from gateway_client import GatewayClient

PARTNER_ID = 'ecommerce_sync'
ONE_SECOND = datetime.timedelta(seconds=1)
# APIs that refuse wider time windows (TOP: increment windows <= 1 day).
MAX_WINDOW = {'taobao.trades.sold.increment.get': datetime.timedelta(days=1)}
ROUTER_PATH = '/router/rest'
_HOST_RE = re.compile(r'^[A-Za-z0-9.\-\[\]:]+$')
_IP_RE = re.compile(r'^(\d{1,3}(\.\d{1,3}){3}|localhost|\[[0-9a-fA-F:]+\])$')


def normalize_gateway_url(value):
    """Turn a host, host:port or URL into a full TOP gateway URL."""
    text = (value or '').strip()
    if not text or any(ch.isspace() for ch in text):
        raise ValueError('Invalid TOP gateway URL: %r' % (value,))
    if '://' not in text:
        return _url_from_host(text, value)
    parts = urlsplit(text)
    if parts.scheme.lower() not in ('http', 'https') or not parts.netloc \
            or not _HOST_RE.match(parts.netloc):
        raise ValueError('Invalid TOP gateway URL: %r' % (value,))
    path = parts.path if parts.path not in ('', '/') else ROUTER_PATH
    url = '%s://%s%s' % (parts.scheme.lower(), parts.netloc, path)
    return url + ('?' + parts.query if parts.query else '')


def _url_from_host(text, original):
    if '/' in text:
        host, _sep, path = text.partition('/')
        path = '/' + path
    else:
        host, path = text, ''
    if not host or not _HOST_RE.match(host):
        raise ValueError('Invalid TOP gateway URL: %r' % (original,))
    hostname, has_port = _split_port(host)
    # Loopback/IP gateways with a port are local emulators without TLS.
    scheme = 'http' if has_port and _IP_RE.match(hostname) else 'https'
    if path in ('', '/'):
        path = ROUTER_PATH
    return '%s://%s%s' % (scheme, host, path)


def _split_port(host):
    if host.startswith('['):
        end = host.find(']')
        return host[:end + 1], host[end + 1:].startswith(':')
    if host.count(':') == 1:
        name, port = host.split(':')
        if not port.isdigit():
            raise ValueError('Invalid port in TOP gateway URL: %r' % (host,))
        return name, True
    return host, False


def encode_value(value):
    """Encode one business parameter the way TOP expects it."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, datetime.datetime):
        return beijing_str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return ','.join(encode_value(v) for v in value)
    if isinstance(value, (int, float, decimal.Decimal)):
        return str(value)
    return value if isinstance(value, str) else str(value)


def encode_params(params):
    return dict((k, encode_value(v)) for k, v in (params or {}).items()
                if v is not None)


def flatten(value):
    """Collapse TOP list wrappers: {'items': {'item': [...]}} -> [...]."""
    if isinstance(value, list):
        return [flatten(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        inner = next(iter(value.values()))
        if isinstance(inner, list):
            return [flatten(v) for v in inner]
    return dict((k, flatten(v)) for k, v in value.items())


def naive_utc_second(moment):
    """A datetime as naive UTC without microseconds (TOP counts whole seconds)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def response_key(method):
    name = method[len('taobao.'):] if method.startswith('taobao.') else method
    return name.replace('.', '_') + '_response'


class TopClient(GatewayClient):
    """Synchronous client for the TOP REST gateway.

    ``call`` returns the method's response wrapper, its lists flattened.
    """

    PLATFORM = 'TOP'
    SIGN_METHODS = SIGN_METHODS
    Error = TopError
    TransportError = TransportError
    MalformedResponseError = MalformedResponseError
    EVENT_FIELD = 'sub_code'
    _normalize_gateway_url = staticmethod(normalize_gateway_url)
    _error_from_response = staticmethod(error_from_response)
    _encode = staticmethod(encode_params)

    def __init__(self, gateway_url, app_key, app_secret, session=None,
                 sign_method='hmac-sha256', timeout=(5, 30), max_retries=3,
                 backoff=0.2, max_backoff=10.0, on_call=None, http=None):
        super(TopClient, self).__init__(gateway_url, app_key, app_secret, sign_method,
                                        timeout, max_retries, backoff, max_backoff,
                                        on_call, http)
        self.session = session

    # -- public API -------------------------------------------------------
    def iter_pages(self, method, params, list_key, page_size=100,
                   use_has_next=True, max_pages=None):
        """Yield one flattened page (list) at a time."""
        base = dict(params or {})
        base['page_size'] = page_size
        if use_has_next:
            base['use_has_next'] = True
        page_no, seen = 1, 0
        while max_pages is None or page_no <= max_pages:
            result = self.call(method, dict(base, page_no=page_no))
            page = result.get(list_key) or []
            if not page:
                return
            yield page
            seen += len(page)
            if not self._has_more(result, use_has_next, seen):
                return
            page_no += 1

    def iter_items(self, method, params, list_key, page_size=100,
                   use_has_next=True, max_pages=None):
        """Like iter_pages but yields single records."""
        for page in self.iter_pages(method, params, list_key, page_size,
                                    use_has_next, max_pages):
            for record in page:
                yield record

    def iter_pages_backwards(self, method, params, list_key, page_size=100):
        """Yield the pages of a newest-first list from the oldest to the newest.

        TOP's advice for trades.sold.increment.get; page 1 is read again at the
        end because it may have changed meanwhile. Limit: the page count is
        fixed by the first call, so a record that enters the window while we
        page (a new trade, or one modified into it) shifts the older rows by
        one and the row at a page boundary can move onto a page already read:
        it is skipped. Callers that move a watermark past what they read must
        use iter_time_windows instead.
        """
        base = dict(params or {}, page_size=page_size)
        first = self.call(method, dict(base, page_no=1))
        total = int(first.get('total_results') or 0)
        pages = max(1, -(-total // page_size))
        if pages == 1:
            yield first.get(list_key) or []
            return
        for page_no in range(pages, 1, -1):
            yield self.call(method, dict(base, page_no=page_no)).get(list_key) or []
        yield self.call(method, dict(base, page_no=1)).get(list_key) or []

    # Share of page_size a window is sized for: headroom for rows the estimate
    # missed, so that few windows overflow and cost a second call.
    WINDOW_FILL = 0.8
    CROWDED_SECOND_ATTEMPTS = 5

    def iter_time_windows(self, method, params, list_key, start_key, end_key,
                          start, end, page_size=100, id_key='tid', max_span=None):
        """Yield ``(window_start, window_end, rows)`` covering [start, end], oldest first.

        ``start``/``end`` are naive UTC datetimes (inclusive, whole seconds);
        the windows are inclusive too, contiguous, and each next one starts one
        second after the previous end. Every window is read with ONE page call
        whose ``total_results`` is at most ``page_size``, so no page boundary
        lies inside it and a row that moves while we read cannot slip between
        two pages. A caller may therefore move its watermark to ``window_end``
        once it has stored ``rows`` (in the API's order, newest first).

        The window size adapts to the density seen so far; an answer holding
        more than ``page_size`` rows only serves as a count and the window
        shrinks. A single second holding more than ``page_size`` rows is paged
        and its total re-checked until it stays the same (rows keyed by
        ``id_key``). ``max_span`` (default: 1 day for the increment API)
        caps a window's length. Asking for the time field in ``fields``
        (``created`` for start_created, ``modified`` for start_modified) saves
        calls: an overfull answer then shows where its newest page begins.
        """
        base = dict(params or {}, page_size=page_size, page_no=1)
        base.pop('use_has_next', None)  # the count drives the windows
        limit = max_span or MAX_WINDOW.get(method)
        time_field = start_key[len('start_'):] if start_key.startswith('start_') else None
        target = max(1, int(page_size * self.WINDOW_FILL))
        cursor, end = naive_utc_second(start), naive_utc_second(end)
        span = None  # seconds of the next window; None: up to the end
        wall = None  # a second known to hold a full page by itself
        while cursor <= end:
            hi = end if span is None else min(end, cursor + (span - 1) * ONE_SECOND)
            if limit is not None:
                hi = min(hi, cursor + limit)
            if wall is not None:
                hi = wall if cursor == wall else min(hi, wall - ONE_SECOND)
            seconds = int((hi - cursor).total_seconds()) + 1
            result = self.call(method, dict(base, **{start_key: cursor, end_key: hi}))
            rows = result.get(list_key) or []
            total = self._window_total(result, rows, page_size)
            if total <= page_size or seconds == 1:
                if total > page_size:
                    rows = self._read_crowded_second(method, dict(base, **{
                        start_key: cursor, end_key: hi}), list_key, id_key, result)
                else:  # a crowded second says nothing about the density after it
                    span = self._next_span(seconds, total, target)
                yield cursor, hi, rows
                cursor = hi + ONE_SECOND
                if wall is not None and cursor > wall:
                    wall = None
            else:
                stamps = self._stamps(rows, time_field)
                if len(rows) >= page_size and stamps and min(stamps) == max(stamps) \
                        and cursor <= stamps[0] <= hi:
                    wall = stamps[0]
                span = self._shrunk_span(cursor, seconds, total, rows, time_field, target,
                                         page_size)

    @staticmethod
    def _window_total(result, rows, page_size):
        try:
            return int(result['total_results'])
        except (KeyError, TypeError, ValueError):
            # No count: a full page may hide more rows, so treat it as too many.
            return len(rows) + (1 if len(rows) >= page_size else 0)

    @staticmethod
    def _shrunk_span(cursor, seconds, total, rows, time_field, target, page_size):
        """Seconds for a retry of an overfull window.

        The answer holds the window's newest rows; the ``total - len(rows)``
        others are not newer than the oldest of them. When the rows carry
        their time, this places the cut where about ``target`` rows lie before
        it: among the page's own rows when few are older, else by the density
        of the part before the page. Without times, by the window's density.
        """
        stamps = sorted(TopClient._stamps(rows, time_field))
        if not stamps or stamps[0] < cursor:
            return max(1, min(seconds - 1, seconds * target // total))
        older = total - len(rows)
        cut = TopClient._last_second_within(stamps, target - older)
        if cut is not None:
            return max(1, min(seconds - 1, int((cut - cursor).total_seconds()) + 1))
        room = int((stamps[0] - cursor).total_seconds())
        if room <= 0:
            return 1
        if older <= page_size:
            return room
        # Rows of the page's oldest second beyond the page count as older here:
        # the guess errs on the small side.
        return max(1, room * target // older)

    @staticmethod
    def _last_second_within(stamps, budget):
        """The latest second of ascending ``stamps`` with at most ``budget`` rows up to it.

        A second counts whole: a cut inside it would still read all its rows.
        """
        best = None
        for index, stamp in enumerate(stamps):
            if index + 1 < len(stamps) and stamps[index + 1] == stamp:
                continue
            if index + 1 > budget:
                break
            best = stamp
        return best

    @staticmethod
    def _stamps(rows, time_field):
        if not time_field:
            return []
        try:
            return [parse_beijing(row[time_field]) for row in rows]
        except (KeyError, TypeError, ValueError, AttributeError):
            return []

    @staticmethod
    def _next_span(seconds, total, target):
        """Seconds for the next window from the density of the last one."""
        if total <= 0:
            return seconds * 4
        return max(1, min(seconds * 4, seconds * target // total))

    def _read_crowded_second(self, method, params, list_key, id_key, first):
        """Page one second holding more than a page; re-read until its total holds."""
        def key(row):
            found = row.get(id_key) if id_key else None
            return found if found is not None else json.dumps(row, sort_keys=True)
        page_size = params['page_size']
        rows = {}
        for _attempt in range(self.CROWDED_SECOND_ATTEMPTS):
            before = self._window_total(first, first.get(list_key) or [], page_size)
            rows = dict((key(r), r) for r in first.get(list_key) or [])
            for page_no in range(2, -(-before // page_size) + 1):
                page = self.call(method, dict(params, page_no=page_no)).get(list_key) or []
                rows.update((key(r), r) for r in page)
            first = self.call(method, params)
            after = self._window_total(first, first.get(list_key) or [], page_size)
            rows.update((key(r), r) for r in first.get(list_key) or [])
            if after == before == len(rows):
                break
        # Still moving after the last attempt: hand over what that one read.
        return list(rows.values())

    def time_get(self):
        """Return the gateway clock as a naive UTC datetime."""
        return parse_beijing(self.call('taobao.time.get')['time'])

    # -- internals --------------------------------------------------------
    @staticmethod
    def _has_more(result, use_has_next, seen):
        if use_has_next and 'has_next' in result:
            return bool(result['has_next'])
        try:
            total = int(result.get('total_results') or 0)
        except (TypeError, ValueError):
            return False
        return seen < total

    def _system_params(self, method):
        params = {
            'method': method, 'app_key': self.app_key,
            'timestamp': beijing_str(utcnow()), 'format': 'json', 'v': '2.0',
            'sign_method': self.sign_method, 'partner_id': PARTNER_ID,
        }
        if self.session:
            params['session'] = self.session
        return params

    def _send(self, method, business):
        form = dict(business)
        form.update(self._system_params(method))
        form['sign'] = sign(form, self._app_secret, self.sign_method)
        return self._post(data=form)

    def _result(self, method, body):
        payload = body.get(response_key(method))
        if not isinstance(payload, dict):
            raise MalformedResponseError(
                'TOP call %s returned no %s wrapper'
                % (method, response_key(method)), method=method)
        return dict((k, flatten(v)) for k, v in payload.items())

    def _secrets(self):
        return tuple(s for s in (self._app_secret, self.session) if s)

    @staticmethod
    def _is_read(method):
        return method.endswith('.get')

    def _delay(self, err, attempt):
        # TOP's ban message says how long the ban lasts: waiting less is wasted.
        if isinstance(err, RateLimitError) and err.retry_after is not None:
            return min(err.retry_after, self.max_backoff)
        return super(TopClient, self)._delay(err, attempt)
