# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from . import test_shop
from . import test_shop_connection
from . import test_security
from . import test_oauth
from . import test_menus
from . import test_stock_push
from . import test_stock_push_rpc
from . import test_stock_truth
from . import test_item_import
from . import test_item_import_rpc
from . import test_order_import
from . import test_order_cron
from . import test_order_import_rpc
from . import test_bad_input
from . import test_security_scope
from . import test_api_arguments_rpc
from . import test_shipment
from . import test_shipment_rpc
from . import test_refund
from . import test_refund_rpc
from . import test_trade_lifecycle
from . import test_sync_robustness
from . import test_own_shop_rpc
from . import test_own_shop_concurrency
from . import test_jd_shop
from . import test_jobs
from . import test_item_import_jobs
from . import test_holds
from . import test_holds_rpc
from . import test_job_limits
from . import test_public_surface
from . import test_secrets_in_records
from . import test_privacy_rpc
from . import test_stock_stale_shops
from . import test_unshipped_pass
