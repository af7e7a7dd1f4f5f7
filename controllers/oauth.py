# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import logging

from werkzeug.utils import escape, redirect

from odoo import _, http
from odoo.exceptions import AccessError, UserError
from odoo.http import Response, request

from ..models.ecommerce_shop_oauth import CALLBACK_PATH, SellerMismatchError
from ..adapters import PlatformError

_logger = logging.getLogger(__name__)


class EcommerceOAuthController(http.Controller):
    """Landing page of the platform's authorisation redirect."""

    @http.route(CALLBACK_PATH, type="http", auth="user", methods=["GET"])
    def oauth_callback(self, code=None, state=None, error=None, error_description=None, **kw):
        if error:
            return self._page(_("The seller did not authorize the app: %(reason)s")
                              % {"reason": error_description or error}, 400)
        try:
            shop = request.env["ecommerce.shop"].oauth_complete(state, code)
        except SellerMismatchError as err:
            # Not an access problem: another store's seller was logged in on
            # the platform. The refusal, already on the shop's chatter, is kept.
            return self._page(err.name, 409)
        except (UserError, AccessError) as err:
            return self._page(err.name, 403)
        except PlatformError as err:
            _logger.warning("OAuth code exchange failed: %s", err)
            return self._page(_("The platform refused the authorisation code: %(error)s")
                              % {"error": err}, 502)
        return redirect("/web#id=%d&model=ecommerce.shop&view_type=form" % shop.id)

    def _page(self, message, status):
        body = "<html><body><h3>%s</h3><p>%s</p><p><a href='/web'>%s</a></p></body></html>" % (
            escape(_("Shop authorisation")), escape(message), escape(_("Back to Odoo")))
        return Response(body, status=status, content_type="text/html; charset=utf-8")
