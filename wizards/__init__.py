from . import ecommerce_item_import_wizard
from . import ecommerce_item_import_wizard_line
from . import ecommerce_order_import_wizard
from . import ecommerce_order_import_wizard_line
