# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The JD business APIs: one mixin per API family, composed on a Store.

Each family module declares ``METHODS`` (the JOS method names it answers mapped
to its handlers) and ``HOLDERS`` (where a refusal of each method goes: its
result object and whether nested in ``apiResult``; absent = top level). A new
family is a new module and one more base class here.
"""
from .aftersales import AftersalesApi
from .core import api_result
from .items import ItemsApi
from .logistics import LogisticsApi
from .orders import OrdersApi
from .privacy import Privacy, PrivacyApi
from .refunds import RefundsApi


class Api(AftersalesApi,
          OrdersApi,
          PrivacyApi,
          ItemsApi,
          LogisticsApi,
          RefundsApi):
    """The JD business APIs over a Store; handlers return the result dict."""

    def __init__(self, store, privacy=None):
        self.store = store
        self.privacy = privacy or Privacy('', masked=False)
        self.methods, self.holders = {}, {}
        for family in reversed(type(self).__mro__):
            for name, handler in vars(family).get('METHODS', {}).items():
                self.methods[name] = getattr(self, handler)
            self.holders.update(vars(family).get('HOLDERS', {}))

    def refusal(self, method, refused):
        key, nested = self.holders.get(method, (None, False))
        result = api_result(refused)
        if key is None:
            return result
        if nested:
            return {key: {'apiResult': result}}
        return {key: dict(result, errorCode=refused.code)}
