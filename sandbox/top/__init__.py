# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Local emulator of the Taobao Open Platform (TOP) REST gateway and OAuth.

Stdlib only, any Python >= 3.7. See sandbox/README.md for the CLI, the
supported APIs, the fault options and the /_sandbox/ control API.

Layout: ``core`` (constants, errors, helpers), ``store`` (the seller's data),
``faults`` (fault injection, churn), ``server`` (gateway, OAuth, control API,
HTTP handler, command line), ``api`` (the ``Api`` class composed of one mixin
per API family: ``items``, ``trades``, ``logistics``, ``refunds``, ``privacy``,
``tmc``)
and ``trade_changes`` (the test-only ``/_sandbox/trade/`` endpoint). The names
below are the ones ``top_sandbox`` has always offered.
"""
from .api import Api
from .core import (DT_RE, ERROR_MSGS, FIELD_ALIASES, FMT, LIST_WRAPPERS,
                   LOOPBACK, REFUND_STATUSES, SHIPPABLE_TRADE, SHIPPED, WAITING_REFUND,
                   TopFailure, beijing_now, bool_param, cents, fmt, id_list, int_param,
                   invalid, later_than, missing, money, orders_of, page_slice, parse_dt,
                   parse_fields, random_token, req, select, shift_times, sign_params,
                   simplify)
from .faults import FAULT_KINDS, TRADE_LIST_KEYS, Churn, Faults
from .items import INVENTORY_FIELDS, ONSALE_FIELDS
from .logistics import COMPANIES, logistics_error
from .privacy import (DECRYPT_CAP, DECRYPT_COST, DECRYPT_SCENES, MERGE_CAP, QUERY_CAP,
                      QUERY_SCENES, RECEIVER_FIELDS, RECEIVER_MASKS, RECEIVER_PLAIN, Privacy,
                      json_list, make_oaid, mask_name, mask_nick, mask_number, mask_street)
from .refunds import REFUND_LIST_FIELDS, REFUND_QUERY_STATUSES
from .server import (NO_SESSION_METHODS, SECRET_PARAMS, Handler, Sandbox, loggable, main,
                     oauth_error, parse_args)
from .store import Store
from .trade_changes import CLOSED_TRADE, UNPAID, Conflict, TradeChanges
from .trades import (DEFAULT_TRADE_TYPES, ORDER_LIST_HIDDEN, STATUS_ALIASES, TRADE_LIST_HIDDEN,
                     TYPE_ALIASES)
