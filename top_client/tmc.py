# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""TMC, TOP's message channel, in its REST form (consume, then confirm).

The app permits topics per seller (with the seller's session); the messages
of all its sellers come through one app-level queue (``group_name``), read
without a session. A message handed out and not confirmed comes again.
"""
import json

from .errors import MalformedResponseError

CONSUME_MIN, CONSUME_MAX = 10, 200
CONFIRM_MAX = 200


def permit(client, topics=None):
    """Subscribe the client's seller to ``topics`` (all of the app's if None).

    TOP overwrites the list: always send the whole list.
    """
    params = {'topics': ','.join(topics)} if topics else {}
    return bool(client.call('taobao.tmc.user.permit', params).get('is_success'))


def user(client, nick):
    """The seller's permit as TOP keeps it (``topics`` a list), or None."""
    answer = client.call('taobao.tmc.user.get',
                         {'nick': nick, 'fields': 'user_nick,topics,user_id,is_valid,modified'})
    return answer.get('tmc_user') or None


def cancel(client, nick):
    return bool(client.call('taobao.tmc.user.cancel', {'nick': nick}).get('is_success'))


def consume(client, quantity=CONSUME_MAX, group_name=None):
    """One batch of messages (at most ``quantity``, bounded to 10-200) as dicts
    with ``content`` decoded; an empty list when the queue is empty."""
    quantity = max(CONSUME_MIN, min(CONSUME_MAX, int(quantity)))
    params = {'quantity': quantity}
    if group_name:
        params['group_name'] = group_name
    rows = client.call('taobao.tmc.messages.consume', params).get('messages') or []
    return [decoded(row) for row in rows]


def decoded(row):
    """A message with its JSON ``content`` parsed; a body that is not JSON is a
    malformed answer (the message comes again: nothing is confirmed)."""
    content = row.get('content')
    if isinstance(content, str):
        try:
            content = json.loads(content) if content else {}
        except ValueError:
            raise MalformedResponseError('TMC message %s: content is not JSON' % row.get('id'))
    return dict(row, content=content or {})


def confirm(client, ids, group_name=None):
    """Confirm ``ids``, at most 200 a call; returns the number of calls."""
    ids = [str(i) for i in ids]
    calls = 0
    for start in range(0, len(ids), CONFIRM_MAX):
        params = {'s_message_ids': ','.join(ids[start:start + CONFIRM_MAX])}
        if group_name:
            params['group_name'] = group_name
        client.call('taobao.tmc.messages.confirm', params)
        calls += 1
    return calls
