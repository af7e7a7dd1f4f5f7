# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from . import ecommerce_item_import_wizard
from . import ecommerce_item_import_wizard_line
from . import ecommerce_order_import_wizard
from . import ecommerce_order_import_wizard_line
from . import ecommerce_own_key_wizard
from . import ecommerce_privacy_reveal_wizard
from . import ecommerce_refund_refuse_wizard
from . import ecommerce_desk_wizard
