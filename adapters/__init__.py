# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Platform adapters: one per platform, behind the same neutral operations.

Pure Python, no Odoo import. The ORM side (importers and exporters) asks the
shop for its adapter and never learns which platform answers; adding a
platform means adding an adapter here and registering it in ``ADAPTERS``.
"""
from ..top_client import normalize_gateway_url as top_gateway_url
from .base import UNDOCUMENTED_ANSWER, PlatformAdapter, Shipment
from .errors import (PlatformError, SessionExpiredError, RateLimitedError,
                     TransientPlatformError, RefusedError)
from .own import OwnShopAdapter
from .jd import JdAdapter
from .taobao import TaobaoAdapter

ADAPTERS = {
    "taobao": TaobaoAdapter,
    "tmall": TaobaoAdapter,
    "sandbox": TaobaoAdapter,
    "jd": JdAdapter,
    "own": OwnShopAdapter,
}


def adapter_class(platform):
    """The adapter class of ``platform``, or None where none is registered."""
    return ADAPTERS.get(platform)


def normalize_gateway_url(value):
    """A shop's gateway address (host, host:port or URL) completed to a URL;
    ValueError when it is none. TOP's rules serve every platform: JD's client
    keeps the path it is given."""
    return top_gateway_url(value)


__all__ = ["ADAPTERS", "adapter_class", "normalize_gateway_url", "PlatformAdapter",
           "Shipment", "TaobaoAdapter", "JdAdapter", "OwnShopAdapter",
           "PlatformError", "SessionExpiredError", "RateLimitedError",
           "TransientPlatformError", "RefusedError"]
