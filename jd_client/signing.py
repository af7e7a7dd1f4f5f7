# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""JD JOS request signing.

md5: app_secret + k1v1k2v2... + app_secret, MD5 over UTF-8, upper-case hex.
The HMAC variants key the digest with app_secret over the bare joined
string; JD documents the method names but no public SDK agrees on the
wrapping, so they are optional and the gateway default (md5) is ours too.
"""
import hashlib
import hmac

SIGN_METHODS = ('md5', 'hmacmd5', 'hmacsha256')


def signing_string(params):
    """Join sorted name+value pairs; `sign` and empty names/values take no part."""
    keys = sorted(k for k, v in params.items()
                  if k and k != 'sign' and v is not None and v != '')
    return ''.join('%s%s' % (k, params[k]) for k in keys)


def sign(params, secret, method='md5'):
    """Return the upper-case hex JD signature of ``params``."""
    joined = signing_string(params).encode('utf-8')
    key = secret.encode('utf-8')
    if method == 'md5':
        digest = hashlib.md5(key + joined + key).hexdigest()
    elif method == 'hmacmd5':
        digest = hmac.new(key, joined, hashlib.md5).hexdigest()
    elif method == 'hmacsha256':
        digest = hmac.new(key, joined, hashlib.sha256).hexdigest()
    else:
        raise ValueError('Unsupported sign method %r' % (method,))
    return digest.upper()
