# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""TOP request signing (top-api.md section 1.4)."""
import hashlib
import hmac

SIGN_METHODS = ('md5', 'hmac', 'hmac-sha256')


def signing_string(params):
    """Join sorted name+value pairs; `sign` and empty values take no part."""
    keys = sorted(k for k, v in params.items()
                  if k != 'sign' and v is not None and v != '')
    return ''.join('%s%s' % (k, params[k]) for k in keys)


def sign(params, secret, method):
    """Return the upper-case hex TOP signature of ``params``."""
    joined = signing_string(params).encode('utf-8')
    key = secret.encode('utf-8')
    if method == 'md5':
        digest = hashlib.md5(key + joined + key).hexdigest()
    elif method == 'hmac':
        digest = hmac.new(key, joined, hashlib.md5).hexdigest()
    elif method == 'hmac-sha256':
        digest = hmac.new(key, joined, hashlib.sha256).hexdigest()
    else:
        raise ValueError('Unsupported sign method %r' % (method,))
    return digest.upper()
