# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

# Platform-neutral importers and exporters (AbstractModels): each run holds the
# shop, its platform adapter, caches and summary; the shop's public methods
# create one and delegate to it.
from . import shipment_exporter
from . import stock_exporter
from . import order_importer
from . import order_follower
from . import refund_importer
from . import item_importer
from . import platform_shipped
from . import refund_decider
from . import settlement_importer
from . import waybill_issuer
from . import realtime_consumer
from . import order_invoicer
