# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""OAuth 2.0 authorisation of a shop by its seller (the platform adapter's
authorization-code flow)."""
import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..adapters import PlatformError, adapter_class
from .api_arguments import ApiArguments

_logger = logging.getLogger(__name__)

CALLBACK_PATH = "/ecommerce_sync/oauth/callback"
STATE_LIFETIME = 15 * 60


class SellerMismatchError(UserError):
    """Another seller than the shop's own authorised the app."""


class EcommerceShop(models.Model):
    _inherit = "ecommerce.shop"

    # The seller's numeric user id stays when the seller renames the nick:
    # it is what binds the shop to one seller once known.
    platform_user_id = fields.Char(
        "Seller ID", copy=False, readonly=True,
        help="Platform user id of the seller whose authorisation the shop holds. Once "
             "set, only this seller can authorise the shop again.")

    @api.multi
    def action_authorize(self):
        """Send the seller to the platform's authorisation page."""
        self.ensure_one()
        self._check_manager()
        self._check_platform_supported()
        if not (self.auth_url and self.token_url and self.app_key):
            raise UserError(_("Fill in the App Key, Auth URL and Token URL to authorize."))
        nonce = secrets.token_urlsafe(16)
        self.sudo().oauth_state_nonce = nonce
        url = self._oauth_client().authorize_url(self._oauth_redirect_uri(),
                                                 self._sign_state(nonce))
        return {"type": "ir.actions.act_url", "url": url, "target": "self"}

    def _check_manager(self):
        if not self.env.user.has_group("ecommerce_sync.group_ecommerce_manager"):
            raise AccessError(_("Only E-commerce Managers can change the credentials of a shop."))

    def _oauth_redirect_uri(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        return base.rstrip("/") + CALLBACK_PATH

    def _state_key(self):
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return ("ecommerce_sync.oauth:%s" % secret).encode()

    def _sign_state(self, nonce):
        payload = json.dumps({"shop": self.id, "nonce": nonce,
                              "exp": int(time.time()) + STATE_LIFETIME},
                             separators=(",", ":")).encode()
        body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
        mac = hmac.new(self._state_key(), body.encode(), hashlib.sha256).hexdigest()
        return "%s.%s" % (body, mac)

    @api.model
    def _shop_from_state(self, state):
        """Shop named by a state we signed, unexpired and not used before.

        The nonce is stored on the shop and cleared on use, so a replayed
        state fails even within its lifetime.
        """
        try:
            body, mac = (state or "").split(".", 1)
            expected = hmac.new(self._state_key(), body.encode(), hashlib.sha256).hexdigest()
            if not hmac.compare_digest(mac, expected):
                raise ValueError("signature")
            data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except ValueError:
            raise UserError(_("The authorisation answer is not valid (forged state)."))
        shop = self.sudo().browse(data.get("shop")).exists()
        if not shop or data.get("exp", 0) < time.time():
            raise UserError(_("The authorisation request has expired: start it again."))
        if not shop.oauth_state_nonce or not hmac.compare_digest(
                shop.oauth_state_nonce, str(data.get("nonce"))):
            raise UserError(_("This authorisation answer was already used or replaced "
                              "by a newer request: start it again."))
        return shop

    @api.model
    @api.returns("self", lambda shop: shop.id)  # over RPC: the shop's id, not a recordset
    def oauth_complete(self, state, code):
        """Finish the flow: check the state, swap the code for a session.

        Called by the OAuth callback controller for the logged-in user.
        """
        self._check_manager()
        shop = self._shop_from_state(state)
        shop.oauth_state_nonce = False
        token = shop._oauth_client().exchange_code(code, self._oauth_redirect_uri())
        shop._check_same_seller(token)
        shop._store_token(token)
        shop.message_post(body=_("Shop authorized by %(user)s; the session is valid until "
                                 "%(date)s (UTC).")
                          % {"user": self.env.user.name, "date": shop.session_expires_at})
        return self.browse(shop.id)

    def _check_same_seller(self, token, require_identity=True):
        """Refuse the token of another seller than the one the shop is bound to.

        The shop keeps its current session: orders, items and stock of one
        store must never be mixed with another's. The refusal is posted on
        the shop (the caller commits it: the controller answers with a page).
        A token naming no seller is refused unless ``require_identity`` is
        off (a refresh: its refresh token came from the bound seller).
        """
        bound_id, bound_nick = self.sudo().platform_user_id, self.sudo().platform_user_nick
        if not (bound_id or bound_nick):
            return
        user_id = str(token.get("user_id") or "")
        nick = token.get("user_nick") or ""
        if bound_id and user_id:
            same = user_id == bound_id
        elif bound_nick and nick:
            same = nick == bound_nick
        else:
            same = not require_identity
        if same:
            return
        reason = _("Authorisation refused: this shop belongs to the seller %(bound)s, "
                   "but the seller %(other)s authorised the app. The shop keeps its "
                   "current session. Log in on the platform as %(bound)s and authorise "
                   "again, or create another shop for %(other)s.") % {
            "bound": bound_nick or bound_id, "other": nick or user_id or _("(unknown)")}
        _logger.warning("Shop %s: authorisation by another seller refused", self.id)
        self.message_post(body=reason)
        raise SellerMismatchError(reason)

    def _oauth_client(self):
        """The authorisation flow of the shop's platform; errors are PlatformError."""
        cls = adapter_class(self.platform)
        if cls is None:
            self._check_platform_supported()
        return cls.oauth(self.auth_url, self.token_url, self.app_key, self.sudo().app_secret)

    def _store_token(self, token):
        now = fields.Datetime.from_string(fields.Datetime.now())

        def after(seconds):
            seconds = int(seconds or 0)
            return fields.Datetime.to_string(now + timedelta(seconds=seconds)) \
                if seconds > 0 else False

        refresh_in = token.get("refresh_expires_in")
        refresh_token = token.get("refresh_token") if refresh_in is None or int(refresh_in) \
            else False
        self.sudo().write({
            "session_key": token["access_token"],
            "session_expires_at": after(token.get("expires_in")),
            "refresh_token": refresh_token,
            "refresh_expires_at": after(refresh_in),
            "platform_user_nick": token.get("user_nick") or self.platform_user_nick,
            "platform_user_id": str(token.get("user_id") or "") or self.platform_user_id,
            "sync_paused": False,
            "sync_pause_reason": False,
            "session_expiry_warned": False,
        })

    @api.multi
    def refresh_session(self):
        """Swap the refresh token for a new session key before it expires."""
        ApiArguments(self, "refresh_session").check_single_shop()
        self.check_access_rights("write")
        now = fields.Datetime.from_string(fields.Datetime.now())
        if not self._is_refreshable(now):
            raise UserError(_("Shop %(shop)s: the platform does not allow refreshing this "
                              "session; authorize the shop again.") % {"shop": self.name})
        token = self._oauth_client().refresh(self.sudo().refresh_token)
        self._check_same_seller(token, require_identity=False)
        self._store_token(token)
        _logger.info("Shop %s: session refreshed", self.id)
        return True

    @api.multi
    def action_refresh_session(self):
        self._check_manager()
        try:
            self.refresh_session()
        except PlatformError as err:
            raise UserError(_("The platform refused to refresh the session: %(error)s")
                            % {"error": err})
        return True
