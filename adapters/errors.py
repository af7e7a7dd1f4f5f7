# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Platform-neutral errors raised by every adapter.

Each client has its own exception family (TOP codes, JOS codes); the adapter
translates them into these classes so that the ORM decides on one vocabulary:
pause the shop (session), retry later (rate limit, transient), or record the
platform's refusal against the one record it concerns.
"""


class PlatformError(Exception):
    """A platform call failed; ``family`` says what kind of failure it is.

    ``reason`` is the platform's own words where it gave any (never a secret);
    ``str()`` adds the codes support needs.
    """

    family = "remote"
    retryable = False

    def __init__(self, message, family=None, code=None, sub_code=None, reason=None,
                 retry_after=None, platform=None):
        super(PlatformError, self).__init__(message)
        if family:
            self.family = family
        self.code = code
        self.sub_code = sub_code
        self.reason = reason
        self.retry_after = retry_after
        self.platform = platform

    @property
    def sub_msg(self):  # the TOP name of ``reason``, kept for the callers' messages
        return self.reason


class SessionExpiredError(PlatformError):
    """The seller's session is invalid or expired: pause the shop, re-authorise."""
    family = "session"


class RateLimitedError(PlatformError):
    """The platform throttles the app: retry after ``retry_after`` seconds."""
    family = "rate_limit"
    retryable = True


class TransientPlatformError(PlatformError):
    """Network trouble or a platform hiccup: the same call may succeed later."""
    family = "transport"
    retryable = True


class RefusedError(PlatformError):
    """The platform refused this request for a business reason (``reason``)."""
    family = "refused"
