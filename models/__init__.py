# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from . import ecommerce_shop
from . import ecommerce_shop_oauth
from . import ecommerce_sku_mapping
from . import ecommerce_sku_mapping_component
from . import ecommerce_trade_backlog
from . import ecommerce_stock_sync
from . import ecommerce_shop_stock
from . import ecommerce_shop_items
from . import product_template
from . import ecommerce_sync_log
from . import res_partner
from . import ecommerce_privacy_log
from . import sale_order
from . import sale_order_line
from . import ecommerce_shop_orders
from . import ecommerce_refund
from . import ecommerce_shop_refunds
from . import ecommerce_logistics_company
from . import delivery_carrier
from . import stock_picking
from . import stock_move
from . import ecommerce_shop_shipments
from . import ecommerce_shop_own
from . import queue_job
from . import ecommerce_shop_jobs
from . import ecommerce_shop_unshipped
from . import ecommerce_shop_health
from . import ecommerce_shop_privacy
from . import ecommerce_shop_accounting
from . import account_invoice
from . import ecommerce_refund_decision
from . import ecommerce_refund_aftersales
from . import ecommerce_shop_aftersales
from . import stock_picking_aftersales
from . import ecommerce_shop_settlement
