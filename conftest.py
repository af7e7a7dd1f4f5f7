# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""pytest set-up shared by the Odoo-free packages.

The repository root is the addon; layers that import across packages
(``adapters`` uses ``mapping`` and ``top_client``) do it relatively, as the
addon ``ecommerce_sync``. Registering the root as that package without
running its ``__init__`` (which loads the Odoo models) lets pytest import
them as ``ecommerce_sync.adapters`` with no Odoo installed.
"""
import os
import sys
import types

ROOT = os.path.dirname(os.path.abspath(__file__))

if "ecommerce_sync" not in sys.modules:
    _package = types.ModuleType("ecommerce_sync")
    _package.__path__ = [ROOT]
    sys.modules["ecommerce_sync"] = _package
