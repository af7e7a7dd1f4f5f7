# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Beijing-time helpers: TOP speaks GMT+8 strings, Odoo stores naive UTC."""
import datetime

BEIJING_TZ = datetime.timezone(datetime.timedelta(hours=8), 'Asia/Shanghai')
TOP_FORMAT = '%Y-%m-%d %H:%M:%S'


def beijing_str(dt_utc_naive):
    """Format a naive UTC datetime (Odoo convention) as TOP's Beijing string."""
    if dt_utc_naive.tzinfo is not None:
        dt_utc_naive = dt_utc_naive.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    aware = dt_utc_naive.replace(tzinfo=datetime.timezone.utc)
    return aware.astimezone(BEIJING_TZ).strftime(TOP_FORMAT)


def parse_beijing(value):
    """Parse TOP's 'YYYY-MM-DD HH:MM:SS' (Beijing) into a naive UTC datetime."""
    local = datetime.datetime.strptime(value.strip(), TOP_FORMAT)
    aware = local.replace(tzinfo=BEIJING_TZ)
    return aware.astimezone(datetime.timezone.utc).replace(tzinfo=None)


def utcnow():
    return datetime.datetime.utcnow().replace(microsecond=0)
