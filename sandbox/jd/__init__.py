# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Local emulator of the JD Open Service (JOS, 京东宙斯) gateway and OAuth 2.

Stdlib only, any Python >= 3.7. Same shape as the TOP sandbox (CLI, faults,
call log, /_sandbox/ control API) with JD's protocol: /routerjson, system
parameters plus ``360buy_param_json``, ``*_responce`` envelopes, business
refusals as ``success: false`` inside the result. See sandbox/README.md.

Layout: ``core`` (constants, errors, parameter helpers), ``store`` (the shop's
data), ``server`` (gateway, OAuth, control API, HTTP handler, command line),
``api`` (the ``Api`` class composed of one mixin per API family: ``orders``,
``items``, ``logistics``, ``refunds``, ``privacy``) and ``order_changes`` (the
test-only order changes of the control API). Faults, churn, the HTTP plumbing
and the OAID helpers are the TOP sandbox's (``sandbox/top/``). The names below
are the ones ``jd_sandbox`` has always offered.
"""
from ..top.core import FMT, LOOPBACK, beijing_now, fmt, random_token, shift_times
from ..top.faults import Faults
from ..top.privacy import DECRYPT_SCENES, make_oaid, mask_name, mask_number, mask_street
from .api import Api
from .core import (BEIJING_OFFSET, DEFAULT_CATEGORY, EN_DESC, ERROR_DESC, ORDER_STATES,
                   SALE_ATTRIBUTES, SHIPPABLE, STATE_REMARKS, JdFailure, Refused, api_result,
                   beijing_stamp, id_list, need, number, page_of, project, sign_params, text,
                   when, within)
from .logistics import CARRIERS, SELF_DELIVERY
from .order_changes import OrderChanges
from .privacy import ACCESS_LOG_FIELDS, CONSIGNEE_MASKS, DECRYPT_CAP, Privacy
from .server import (ORDER_LISTS, REFUND_LIST, RESPONSE_KEYS, SECRET_PARAMS, SKEW_SECONDS,
                     Handler, Sandbox, loggable, main, make_server, parse_args)
from .store import Store
