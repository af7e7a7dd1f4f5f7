# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""What the platform clients (top_client, jd_client) share. Pure Python, no Odoo import."""
from .base import GatewayClient

__all__ = ['GatewayClient']
