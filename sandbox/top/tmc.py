# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""TMC, the Taobao Message Channel, in its REST form (top-api.md section 5).

A seller's app permits topics with ``taobao.tmc.user.permit``; from then on
every change of one of that seller's trades or refunds (through the
/_sandbox/ control API) publishes one message. ``taobao.tmc.messages.consume``
hands out up to ``quantity`` messages and hides them; the ones not confirmed
with ``taobao.tmc.messages.confirm`` come again after ``redeliver_seconds``.

Fault kinds (``--tmc-fault KIND:RATE``, or POST /_sandbox/tmc ``faults``):
``drop`` never publishes a message, ``duplicate`` publishes it twice (two
ids), ``reorder`` holds it back for ``reorder_seconds`` so that later
messages overtake it, and shuffles each consumed batch.
"""
import json
import random
import threading
import time

from .core import invalid

TRADE_TOPICS = tuple('taobao_trade_' + name for name in (
    'TradeCreate', 'TradeBuyerPay', 'TradeSellerShip', 'TradePartlySellerShip',
    'TradeSuccess', 'TradeClose', 'TradeCloseAndModifyDetailOrder', 'TradeModifyFee',
    'TradeChanged', 'TradeMemoModified', 'TradeLogisticsAddressChanged',
    'TradePartlyRefund', 'TradeAlipayCreate'))
REFUND_TOPICS = tuple('taobao_refund_' + name for name in (
    'RefundCreated', 'RefundSuccess', 'RefundClosed', 'RefundSellerAgreeAgreement',
    'RefundSellerRefuseAgreement', 'RefundBuyerReturnGoods', 'RefundBuyerModifyAgreement'))
TOPICS = TRADE_TOPICS + REFUND_TOPICS
TMC_FAULT_KINDS = ('drop', 'duplicate', 'reorder')
# App-level calls: TOP answers them without a seller's session.
NO_SESSION_METHODS = ('taobao.tmc.user.get', 'taobao.tmc.user.cancel',
                      'taobao.tmc.messages.consume', 'taobao.tmc.messages.confirm')
SELLER_USER_ID = '2200000000001'  # the seller id the sandbox's OAuth answers
VERB_TOPICS = {'pay': 'TradeBuyerPay', 'address': 'TradeLogisticsAddressChanged',
               'memo': 'TradeMemoModified', 'message': 'TradeChanged',
               'finish': 'TradeSuccess', 'close': 'TradeClose', 'forbid': 'TradeChanged',
               'allow': 'TradeChanged'}
REFUND_STATUS_TOPICS = {'WAIT_SELLER_AGREE': 'RefundCreated',
                        'WAIT_BUYER_RETURN_GOODS': 'RefundSellerAgreeAgreement',
                        'WAIT_SELLER_CONFIRM_GOODS': 'RefundBuyerReturnGoods',
                        'SELLER_REFUSE_BUYER': 'RefundSellerRefuseAgreement',
                        'CLOSED': 'RefundClosed', 'SUCCESS': 'RefundSuccess'}
UNPAID = ('WAIT_BUYER_PAY', 'TRADE_NO_CREATE_PAY')


def parse_tmc_faults(specs):
    rates = {}
    for spec in specs or ():
        kind, _colon, rate = str(spec).strip().partition(':')
        if kind not in TMC_FAULT_KINDS or not rate:
            raise ValueError('Bad TMC fault %r (use KIND:RATE, KIND in %s)'
                             % (spec, ', '.join(TMC_FAULT_KINDS)))
        rates[kind] = float(rate)
    return rates


class Channel(object):
    """Permits and the message queue of the app's ``default`` group."""

    def __init__(self, faults=(), seed=None, redeliver_seconds=60.0, reorder_seconds=2.0):
        self.lock = threading.RLock()
        self.permits = {}  # user_nick -> permit record
        self.seed = seed
        self.redeliver_seconds = float(redeliver_seconds)
        self.reorder_seconds = float(reorder_seconds)
        self.set_faults(faults)
        self.clear()

    def set_faults(self, specs, seed=None):
        self.rates = parse_tmc_faults(specs)
        self.rng = random.Random(self.seed if seed is None else seed)

    def clear(self):
        with self.lock:
            self.queue = {}       # id -> message, in publication order
            self.visible_at = {}  # id -> epoch second it may be handed out
            self.next_id = 1
            self.counts = dict.fromkeys(('published', 'dropped', 'duplicated', 'reordered',
                                         'delivered', 'redelivered', 'confirmed'), 0)

    # -- publishing ---------------------------------------------------------
    def publish(self, nick, topic, content):
        with self.lock:
            permit = self.permits.get(nick)
            if permit is None or topic not in permit['topics']:
                return
            if self._fires('drop'):
                self.counts['dropped'] += 1
                return
            copies = 2 if self._fires('duplicate') else 1
            self.counts['duplicated'] += copies - 1
            delay = self.reorder_seconds if self._fires('reorder') else 0.0
            self.counts['reordered'] += 1 if delay else 0
            for _copy in range(copies):
                self._add(permit, topic, content, delay)

    def _fires(self, kind):
        rate = self.rates.get(kind)
        return bool(rate) and self.rng.random() < rate

    def _add(self, permit, topic, content, delay):
        msg_id = str(self.next_id)
        self.next_id += 1
        now = time.time()
        self.queue[msg_id] = {
            'id': msg_id, 'topic': topic, 'pub_app_key': permit['app_key'],
            'pub_time': time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(now + 8 * 3600)),
            'user_id': permit['user_id'], 'user_nick': permit['user_nick'],
            'content': json.dumps(content, ensure_ascii=False, sort_keys=True),
            'outgoing_time': None}
        self.visible_at[msg_id] = now + delay
        self.counts['published'] += 1

    def trade_changed(self, verb, trade, answer):
        """The messages a /_sandbox/trade/<tid>/<verb> change publishes."""
        if verb == 'refund':
            refund = answer.get('refund') or {}
            topic = REFUND_STATUS_TOPICS.get(refund.get('status'), 'RefundCreated')
            self.publish(_nick(trade), 'taobao_refund_' + topic, _refund_content(refund))
            if trade['status'] in ('TRADE_CLOSED', 'TRADE_CLOSED_BY_TAOBAO'):
                self.publish(_nick(trade), 'taobao_trade_TradeClose', _trade_content(trade))
            return
        if verb == 'ship':
            topic = 'TradePartlySellerShip' if trade['status'] == 'SELLER_CONSIGNED_PART' \
                else 'TradeSellerShip'
        else:
            topic = VERB_TOPICS.get(verb, 'TradeChanged')
        self.publish(_nick(trade), 'taobao_trade_' + topic, _trade_content(trade))

    def trades_upserted(self, before, trades):
        """Messages for trades put by /_sandbox/upsert: ``before`` maps tid to old status."""
        for trade in trades:
            old = before.get(trade['tid'])
            topics = []
            if old is None:
                topics.append('TradeCreate')
            if trade['status'] not in UNPAID and (old is None or old in UNPAID):
                topics.append('TradeBuyerPay')
            for topic in topics or ['TradeChanged']:
                self.publish(_nick(trade), 'taobao_trade_' + topic, _trade_content(trade))

    # -- the API -------------------------------------------------------------
    def permit(self, app_key, nick, topics):
        with self.lock:
            old = self.permits.get(nick)
            now = _beijing(time.time())
            self.permits[nick] = {'app_key': app_key, 'user_nick': nick,
                                  'user_id': SELLER_USER_ID, 'topics': list(topics),
                                  'created': old['created'] if old else now,
                                  'modified': now, 'is_valid': True,
                                  'group_name': 'default'}

    def consume(self, quantity):
        with self.lock:
            now = time.time()
            ready = [i for i in self.queue if self.visible_at[i] <= now][:quantity]
            batch = []
            for msg_id in ready:
                message = self.queue[msg_id]
                if message['outgoing_time']:
                    self.counts['redelivered'] += 1
                message['outgoing_time'] = _beijing(now)
                self.visible_at[msg_id] = now + self.redeliver_seconds
                batch.append(dict(message))
            self.counts['delivered'] += len(batch)
            if self.rates.get('reorder'):
                self.rng.shuffle(batch)
            return batch

    def confirm(self, ids):
        with self.lock:
            for msg_id in ids:
                if self.queue.pop(msg_id, None) is not None:
                    self.visible_at.pop(msg_id, None)
                    self.counts['confirmed'] += 1

    def state(self):
        with self.lock:
            return {'permits': sorted(self.permits.values(), key=lambda p: p['user_nick']),
                    'queued': len(self.queue), 'counts': dict(self.counts),
                    'faults': dict(self.rates), 'redeliver_seconds': self.redeliver_seconds}

    def control(self, verb, body):
        """GET /_sandbox/tmc: the state; POST: set faults, delays, or clear."""
        if verb == 'POST':
            try:
                if 'faults' in body:
                    self.set_faults(body.get('faults') or [], body.get('seed'))
                for key in ('redeliver_seconds', 'reorder_seconds'):
                    if body.get(key) is not None:
                        setattr(self, key, float(body[key]))
            except (ValueError, TypeError) as exc:
                return 400, {'error': str(exc)}
            if body.get('clear'):
                self.clear()
            if body.get('cancel_all'):
                with self.lock:
                    self.permits.clear()
        return 200, self.state()


def _nick(trade):
    return trade.get('seller_nick') or ''


def _beijing(epoch):
    return time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(epoch + 8 * 3600))


def _num(value):
    """TMC's content carries ids as JSON numbers."""
    return int(value) if str(value).isdigit() else value


def _trade_content(trade):
    orders = (trade.get('orders') or {}).get('order') or []
    first = next((o for o in orders if isinstance(o, dict)), {})
    return {'tid': _num(trade['tid']), 'oid': _num(first.get('oid') or trade['tid']),
            'seller_nick': trade.get('seller_nick', ''),
            'buyer_nick': trade.get('buyer_nick', ''), 'payment': trade.get('payment'),
            'status': trade['status'], 'type': trade.get('type', 'fixed')}


def _refund_content(refund):
    return {'refund_id': _num(refund['refund_id']), 'tid': _num(refund['tid']),
            'oid': _num(refund['oid']), 'seller_nick': refund.get('seller_nick', ''),
            'buyer_nick': refund.get('buyer_nick', ''),
            'refund_fee': refund.get('refund_fee'), 'refund_phase': refund.get('refund_phase'),
            'bill_type': 'refund_bill'}


def buyer_pay(trade, body):
    """/_sandbox/trade/<tid>/pay: the buyer pays a trade waiting for payment."""
    if trade['status'] not in UNPAID:
        raise ValueError('trade %s is not waiting for payment (status %s)'
                         % (trade['tid'], trade['status']))
    now = _beijing(time.time())
    if trade.get('step_trade_status') == 'FRONT_NOPAID_FINAL_NOPAID':
        # A presale's deposit: the trade still waits for its final payment.
        trade.update(step_trade_status='FRONT_PAID_FINAL_NOPAID', pay_time=now)
        return
    if trade.get('step_trade_status') == 'FRONT_PAID_FINAL_NOPAID':
        trade['step_trade_status'] = 'FRONT_PAID_FINAL_PAID'
    for order in (trade.get('orders') or {}).get('order') or []:
        if isinstance(order, dict):
            order['status'] = 'WAIT_SELLER_SEND_GOODS'
    trade.update(status='WAIT_SELLER_SEND_GOODS', pay_time=now)


class TmcApi(object):
    """The tmc.* methods, mixed into the sandbox's Api; ``self.tmc`` is its Channel."""

    METHODS = {'taobao.tmc.user.permit': 'tmc_user_permit',
               'taobao.tmc.user.get': 'tmc_user_get',
               'taobao.tmc.user.cancel': 'tmc_user_cancel',
               'taobao.tmc.messages.consume': 'tmc_messages_consume',
               'taobao.tmc.messages.confirm': 'tmc_messages_confirm'}
    tmc = None
    app_key = ''

    def tmc_user_permit(self, params):
        raw = params.get('topics')
        topics = [t.strip() for t in raw.split(',') if t.strip()] if raw else list(TOPICS)
        unknown = [t for t in topics if t not in TOPICS]
        if unknown or len(topics) > 100:
            raise invalid('topics', "topics: at most 100 of the app's topics; unknown: %s"
                          % ', '.join(unknown))
        self.tmc.permit(self.app_key, self.store.seller_nick, topics)
        return {'is_success': True}

    def tmc_user_get(self, params):
        permit = self.tmc.permits.get(self._tmc_nick(params))
        if permit is None:
            return {}
        user = dict(permit, topics={'string': list(permit['topics'])})
        user.pop('app_key', None)
        return {'tmc_user': user}

    def tmc_user_cancel(self, params):
        with self.tmc.lock:
            self.tmc.permits.pop(self._tmc_nick(params), None)
        return {'is_success': True}

    @staticmethod
    def _tmc_nick(params):
        nick = (params.get('nick') or '').strip()
        if not nick:
            raise invalid('nick', 'nick is required')
        return nick

    def tmc_messages_consume(self, params):
        try:
            quantity = int(params.get('quantity') or 100)
        except ValueError:
            raise invalid('quantity', 'quantity must be a number')
        if not 10 <= quantity <= 200:
            raise invalid('quantity', 'quantity must be 10 to 200')
        if (params.get('group_name') or 'default') != 'default':
            raise invalid('group_name', 'group %s does not exist' % params['group_name'])
        messages = self.tmc.consume(quantity)
        return {'messages': {'tmc_message': messages}} if messages else {}

    def tmc_messages_confirm(self, params):
        ids = [i.strip() for i in (params.get('s_message_ids') or '').split(',') if i.strip()]
        if not ids:
            raise invalid('s_message_ids', 's_message_ids is required')
        if len(ids) > 200:
            raise invalid('s_message_ids', 's_message_ids: at most 200 ids')
        self.tmc.confirm(ids)
        return {'is_success': True}
