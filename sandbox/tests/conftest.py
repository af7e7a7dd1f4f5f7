# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Sandbox tests reuse the sandbox launcher from top_client/tests."""
