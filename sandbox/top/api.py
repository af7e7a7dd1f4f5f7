# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The TOP business APIs: one mixin per API family, composed on a Store.

Each family module declares ``METHODS``, the TOP method names it answers mapped
to its handlers; a new family is a new module and one more base class here.
"""
from .aftersales import AftersalesApi
from .bills import BillsApi
from .items import ItemsApi
from .logistics import LogisticsApi
from .privacy import Privacy, PrivacyApi
from .refunds import RefundsApi
from .tmc import TmcApi
from .trades import TradesApi
from .waybills import WaybillsApi


class Api(AftersalesApi,
          BillsApi,
          ItemsApi,
          TradesApi,
          PrivacyApi,
          LogisticsApi,
          RefundsApi,
          WaybillsApi,
          TmcApi):
    """The TOP business APIs, operating on a Store."""

    def __init__(self, store, privacy=None):
        self.store = store
        self.privacy = privacy or Privacy('', masked=False)
        self.methods = {}
        for family in reversed(type(self).__mro__):
            for name, handler in vars(family).get('METHODS', {}).items():
                self.methods[name] = getattr(self, handler)
