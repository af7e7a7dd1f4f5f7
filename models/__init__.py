from . import ecommerce_shop
from . import ecommerce_shop_oauth
from . import ecommerce_sku_mapping
