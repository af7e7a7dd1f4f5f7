from . import test_shop
from . import test_shop_connection
from . import test_security
from . import test_oauth
from . import test_menus
