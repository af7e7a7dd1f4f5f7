# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import logging
import re
from datetime import timedelta

import odoo
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..adapters import PlatformError, SessionExpiredError, adapter_class, normalize_gateway_url
from .api_arguments import ApiArguments

_logger = logging.getLogger(__name__)

MANAGER_GROUP = "ecommerce_sync.group_ecommerce_manager"
TOP_PLATFORMS = ("taobao", "tmall", "sandbox")
# Platforms whose shops synchronise through an adapter (adapters.ADAPTERS).
SYNC_PLATFORMS = TOP_PLATFORMS + ("jd",)
SHOP_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
EXPIRY_WARNING = timedelta(days=7)
# Every platform call goes through an adapter, which speaks the neutral errors only.
PLATFORM_ERRORS = (PlatformError,)
SESSION_ERRORS = (SessionExpiredError,)

PLATFORM_DEFAULTS = {
    "taobao": ("https://eco.taobao.com/router/rest",
               "https://oauth.taobao.com/authorize", "https://oauth.taobao.com/token"),
    "tmall": ("https://eco.taobao.com/router/rest",
              "https://oauth.taobao.com/authorize", "https://oauth.taobao.com/token"),
    "sandbox": ("https://gw.api.tbsandbox.com/router/rest",
                "https://oauth.tbsandbox.com/authorize", "https://oauth.tbsandbox.com/token"),
    "jd": ("https://api.jd.com/routerjson",
           "https://open-oauth.jd.com/oauth2/to_login",
           "https://open-oauth.jd.com/oauth2/access_token"),
}


class EcommerceShop(models.Model):
    """An online shop on a platform, with the credentials to reach its API.

    The public methods of this model are also the XML-RPC API of the addon;
    the wizards only collect parameters and call them.
    """

    _name = "ecommerce.shop"
    _inherit = ["mail.thread"]
    _description = "E-commerce Shop"
    _order = "sequence, name"

    name = fields.Char(required=True, track_visibility="onchange")
    sequence = fields.Integer(default=10)
    code = fields.Char(
        "Shop Prefix", required=True, track_visibility="onchange",
        help="Put in front of the platform order number to name the sales orders "
             "imported from this shop; tells the shops apart.")
    platform = fields.Selection(
        [("taobao", "Taobao"), ("tmall", "Tmall"), ("jd", "JD"),
         ("own", "Own web shop"), ("sandbox", "Taobao sandbox")],
        required=True, default="sandbox", track_visibility="onchange")
    active = fields.Boolean(default=True, track_visibility="onchange")
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env["res.company"]._company_default_get("ecommerce.shop"))
    warehouse_id = fields.Many2one(
        "stock.warehouse", required=True, default=lambda self: self._default_warehouse_id(),
        domain="[('company_id', '=', company_id)]",
        help="Warehouse that ships the orders of this shop and whose stock is sold on it.")
    journal_id = fields.Many2one(
        "account.journal", "Default Sales Journal",
        default=lambda self: self._default_journal_id(),
        domain="[('type', '=', 'sale'), ('company_id', '=', company_id)]")
    postage_product_id = fields.Many2one(
        "product.product", required=True,
        default=lambda self: self._default_product("product_ecommerce_postage"))
    discount_product_id = fields.Many2one(
        "product.product", required=True,
        default=lambda self: self._default_product("product_ecommerce_discount"))
    gift_product_id = fields.Many2one(
        "product.product", required=True,
        default=lambda self: self._default_product("product_ecommerce_gift"))

    app_key = fields.Char(track_visibility="onchange")
    app_secret = fields.Char(groups=MANAGER_GROUP, copy=False)
    app_url = fields.Char(
        "APP URL", help="API gateway. A bare host such as gw.api.tbsandbox.com is "
                        "completed to its REST URL.")
    auth_url = fields.Char("Auth URL", help="OAuth authorisation page of the platform.")
    token_url = fields.Char("Token URL", help="OAuth token endpoint of the platform.")
    session_key = fields.Char(groups=MANAGER_GROUP, copy=False)
    refresh_token = fields.Char(groups=MANAGER_GROUP, copy=False)
    oauth_state_nonce = fields.Char(groups=MANAGER_GROUP, copy=False)
    session_expires_at = fields.Datetime("Session Expires", copy=False, readonly=True)
    refresh_expires_at = fields.Datetime("Refresh Allowed Until", copy=False, readonly=True)
    session_expiry_warned = fields.Datetime(copy=False, readonly=True)
    platform_user_nick = fields.Char("Seller Nick", copy=False, readonly=True)
    session_status = fields.Selection(
        [("missing", "No session"), ("valid", "Valid"),
         ("expiring", "Expires soon"), ("expired", "Expired")],
        compute="_compute_session_status")
    can_refresh = fields.Boolean(compute="_compute_session_status")

    connection_status = fields.Selection(
        [("unknown", "Not tested"), ("ok", "Connected"), ("failed", "Failed")],
        default="unknown", readonly=True, copy=False)
    connection_message = fields.Text(readonly=True, copy=False)
    sync_paused = fields.Boolean(
        readonly=True, copy=False,
        help="Background jobs of this shop stop while its session is invalid.")
    sync_pause_reason = fields.Text(readonly=True, copy=False)

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)",
         "The shop prefix must be unique per company."),
    ]

    def _default_warehouse_id(self):
        company = self.env["res.company"]._company_default_get("ecommerce.shop")
        return self.env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)

    def _default_journal_id(self):
        company = self.env["res.company"]._company_default_get("ecommerce.shop")
        return self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)

    def _default_product(self, xmlid):
        return self.env.ref("ecommerce_sync." + xmlid, raise_if_not_found=False)

    @api.depends("session_expires_at", "refresh_expires_at")
    def _compute_session_status(self):
        now = fields.Datetime.from_string(fields.Datetime.now())
        shops_with_session = self.sudo().filtered("session_key")
        for shop in self:
            shop.can_refresh = shop._is_refreshable(now)
            expires = fields.Datetime.from_string(shop.session_expires_at)
            if shop not in shops_with_session:
                shop.session_status = "missing"
            elif not expires:
                shop.session_status = "valid"
            elif expires <= now:
                shop.session_status = "expired"
            elif expires - now <= EXPIRY_WARNING and not shop.can_refresh:
                shop.session_status = "expiring"
            else:
                shop.session_status = "valid"

    def _is_refreshable(self, now):
        if not self.sudo().refresh_token:
            return False
        until = fields.Datetime.from_string(self.refresh_expires_at)
        return until is None or until > now

    @api.constrains("code")
    def _check_code(self):
        for shop in self:
            if not SHOP_CODE_RE.match(shop.code or ""):
                raise ValidationError(_(
                    "The shop prefix %(code)r may only hold letters, digits, '-' and '_' "
                    "(at most 16 characters): it becomes part of every order number.")
                    % {"code": shop.code})

    @api.onchange("platform")
    def _onchange_platform(self):
        defaults = PLATFORM_DEFAULTS.get(self.platform)
        if defaults:
            self.app_url, self.auth_url, self.token_url = defaults

    @api.constrains("company_id", "warehouse_id", "journal_id")
    def _check_company(self):
        for shop in self:
            wrong = [record for record in (shop.warehouse_id, shop.journal_id)
                     if record and record.company_id != shop.company_id]
            if wrong:
                raise ValidationError(_(
                    "Shop %(shop)s belongs to %(company)s, but %(record)s belongs to "
                    "another company: its orders would ship from or be booked in the "
                    "wrong company.") % {"shop": shop.name, "company": shop.company_id.name,
                                         "record": wrong[0].display_name})

    @api.model
    def create(self, vals):
        return super().create(self._company_defaults(self._normalize_vals(vals)))

    @api.model
    def _company_defaults(self, vals):
        """A shop made for a company (by a script, or a manager working in another
        company) ships from and books in that company: the defaults of a warehouse
        and a sales journal follow it, not the creating user's company."""
        company_id = vals.get("company_id")
        if not company_id:
            return vals
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", company_id)],
                                                       limit=1)
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company_id)], limit=1)
        # No warehouse there: the user's default stays, and the company check names
        # it. No sales journal there: none (the sales journal is optional).
        defaults = {"journal_id": journal.id or False}
        if warehouse:
            defaults["warehouse_id"] = warehouse.id
        return dict(defaults, **vals)

    @api.multi
    def write(self, vals):
        vals = self._normalize_vals(vals)
        if vals.get("session_key"):
            vals.setdefault("sync_paused", False)
            vals.setdefault("sync_pause_reason", False)
        return super().write(vals)

    # Field groups hide the secrets from read() and export, but Odoo 11 checks
    # them neither in search domains and orderings nor in read_group: a user could
    # group shops by App Secret, or guess a secret one character at a time with
    # search_count([("app_secret", "=like", "a%")]). Refuse those as read() does.
    @api.model
    def _check_restricted_fields(self, names):
        restricted = {name for name in names
                      if name in self._fields and self._fields[name].groups}
        if restricted:
            self.check_field_access_rights("read", sorted(restricted))

    @api.model
    def _search(self, args, offset=0, limit=None, order=None, count=False,
                access_rights_uid=None):
        names = [leaf[0].split(".")[0] for leaf in args or []
                 if isinstance(leaf, (list, tuple)) and leaf and isinstance(leaf[0], str)]
        names += [part.split()[0].strip('"') for part in (order or "").split(",")
                  if part.strip()]
        self._check_restricted_fields(names)
        return super()._search(args, offset=offset, limit=limit, order=order, count=count,
                               access_rights_uid=access_rights_uid)

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False,
                   lazy=True):
        groupbys = [groupby] if isinstance(groupby, str) else list(groupby or [])
        names = [name.split(":")[0].split(".")[0] for name in list(fields or []) + groupbys]
        names += [part.split()[0].strip('"') for part in (orderby or "").split(",")
                  if part.strip()]
        self._check_restricted_fields(names)
        return super().read_group(domain, fields, groupby, offset=offset, limit=limit,
                                  orderby=orderby, lazy=lazy)

    @api.model
    def _normalize_vals(self, vals):
        if vals.get("app_url"):
            try:
                vals = dict(vals, app_url=normalize_gateway_url(vals["app_url"]))
            except ValueError:
                raise UserError(_("The APP URL %(url)r is not a valid gateway address.")
                                % {"url": vals["app_url"]})
        for key in ("app_key", "app_secret", "session_key"):
            if vals.get(key):
                vals = dict(vals, **{key: vals[key].strip()})
        return vals

    # ------------------------------------------------------------------
    # Platform access
    # ------------------------------------------------------------------
    def _check_platform_supported(self):
        for shop in self:
            if shop.platform not in SYNC_PLATFORMS:
                label = dict(self._fields["platform"]._description_selection(self.env))
                raise UserError(_(
                    "Shop %(shop)s: the platform %(platform)s is not supported yet. "
                    "Only Taobao, Tmall, JD and the Taobao sandbox can be synchronised.")
                    % {"shop": shop.name, "platform": label[shop.platform]})

    def _get_adapter(self, **options):
        """The platform adapter of this shop, holding its client for one run.

        Importers and exporters talk to the platform only through it. It reads
        the secrets as superuser on purpose: callers are the addon's own sync
        methods, which check the user's rights on the shop first; the secrets
        never leave the adapter's client.
        """
        self.ensure_one()
        cls = adapter_class(self.platform)
        if cls is None:
            self._check_platform_supported()
        if not getattr(cls, "remote", True):  # own web shop: it pushes, nothing to reach
            return cls.from_credentials()
        secrets = self.sudo()
        if not (self.app_url and self.app_key and secrets.app_secret):
            raise UserError(_("Shop %(shop)s: fill in the App Key, App Secret and APP URL first.")
                            % {"shop": self.name})
        return cls.from_credentials(self.app_url, self.app_key, secrets.app_secret,
                                    session=secrets.session_key or None, **options)

    @api.multi
    def test_connection(self):
        """Check key, signature and session against the platform.

        :returns: ``{"ok": bool, "message": str, "family": str|False}``; the
                  result is also stored on the shop.
        """
        ApiArguments(self, "test_connection").check_single_shop()
        self.check_access_rights("read")
        self.check_access_rule("read")
        self._check_platform_supported()
        adapter = self._get_adapter(max_retries=1)
        try:
            platform_time = adapter.server_time()
            self._check_session_with(adapter)
        except PLATFORM_ERRORS as err:
            result = {"ok": False, "family": err.family,
                      "message": self._explain_error(err)}
        else:
            result = {"ok": True, "family": False, "message": _(
                "Connected. Platform time %(time)s (UTC); the session key is accepted.")
                % {"time": fields.Datetime.to_string(platform_time)} if platform_time
                else _("Connected; the session key is accepted.")}
        self.sudo().write({
            "connection_status": "ok" if result["ok"] else "failed",
            "connection_message": result["message"],
        })
        return result

    def _check_session_with(self, adapter):
        if not self.sudo().session_key:
            raise UserError(_("Shop %(shop)s has no session key: authorize the shop or "
                              "paste the session key first.") % {"shop": self.name})
        adapter.check_session()

    def _explain_error(self, err):
        """Plain words for a seller; the platform's codes stay for support."""
        messages = {
            "transport": _("The platform cannot be reached at %(url)s: the host is unknown, "
                           "refuses the connection or does not answer in time. "
                           "Check the APP URL and the network."),
            "auth": _("The platform refused the App Key or the signature: check that the "
                      "App Key and App Secret belong together and to this environment."),
            "session": _("The session key is invalid or has expired: authorize the shop "
                         "again or paste a new session key."),
            "permission": _("The app is not allowed to call this API: ask the platform "
                            "to grant the permission package to the app."),
            "rate_limit": _("The platform limits the calls of this app right now: "
                            "try again in a minute."),
            "malformed": _("The answer at %(url)s is not a TOP gateway answer: check the "
                           "APP URL."),
            "refused": _("The platform refused the request."),
        }
        text = messages.get(err.family, _("The platform reported an error."))
        text = text % {"url": self.app_url}
        if err.family == "refused" and getattr(err, "sub_msg", None):
            text = _("The platform refused the request: %(reason)s") % {"reason": err.sub_msg}
        if err.family == "auth" and str(err.code) in ("28", "29"):
            text = _("The platform does not know this App Key: check the App Key.")
        elif err.family == "auth":
            text = _("The platform refused the signature: the App Secret does not match "
                     "the App Key.")
        return "%s\n(%s)" % (text, err)

    @api.multi
    def action_test_connection(self):
        for shop in self:
            shop.test_connection()
        return True

    # ------------------------------------------------------------------
    # Session health
    # ------------------------------------------------------------------
    def _pause_sync(self, err):
        """Stop background jobs of the shop after a session failure.

        One chatter message instead of one error per record: the seller has to
        authorize again, nothing else will help.
        """
        for shop in self.filtered(lambda s: not s.sync_paused):
            reason = _("Synchronisation paused: %(reason)s") % {
                "reason": shop._explain_error(err)}
            shop.sudo().write({"sync_paused": True, "sync_pause_reason": reason})
            shop.message_post(body=reason)
            _logger.warning("Shop %s: sync paused after a session error (%s)", shop.id,
                            err.family)

    @api.multi
    def action_resume_sync(self):
        self.check_access_rights("write")
        self.write({"sync_paused": False, "sync_pause_reason": False})
        return True

    @api.model
    def _active_sync_shops(self):
        return self.search([("platform", "in", SYNC_PLATFORMS), ("sync_paused", "=", False)])

    def _run_on_new_cursor(self, shop_id, method, what, *args):
        """Run ``shop.method(*args)`` on a cursor of its own and commit it (crons only).

        Any exception, not only the expected ones, is logged and rolled back
        there: a bug met on one shop's data must not stop the other shops'
        work. What the method committed itself (window by window, record by
        record) stays.
        """
        with api.Environment.manage():
            cr = odoo.registry(self.env.cr.dbname).cursor()
            try:
                env = api.Environment(cr, self.env.uid, self.env.context)
                getattr(env["ecommerce.shop"].browse(shop_id), method)(*args)
                # The cron's own cursor, never a user's request.
                cr.commit()  # pylint: disable=invalid-commit
            except Exception:  # noqa: B902 - one shop's failure must not stop the others
                cr.rollback()
                _logger.exception("Shop %s: %s failed", shop_id, what)
            finally:
                cr.close()

    def _run_isolated(self, job):
        """Run ``job(shop)`` for each shop in its own savepoint.

        One shop's failure must not undo or stop the others: a session failure
        pauses that shop, other platform or data errors are logged for the next
        run. Returns ``{shop_id: error message}`` of the shops that failed.
        """
        failures = {}
        for shop in self:
            try:
                with self.env.cr.savepoint():
                    job(shop)
            except SESSION_ERRORS as err:
                shop._pause_sync(err)
                failures[shop.id] = shop.sync_pause_reason
            except PLATFORM_ERRORS + (UserError,) as err:
                _logger.warning("Shop %s: background job failed: %s", shop.id, err)
                failures[shop.id] = str(err)
        return failures

    @api.model
    def _cron_check_sessions(self):
        """Keep every shop's session alive, or say early that it will die.

        Refreshes tokens before they expire, warns once where they cannot be
        refreshed, and probes the session so that an invalid one pauses the
        shop's jobs before they fail order after order.
        """
        now = fields.Datetime.from_string(fields.Datetime.now())
        for shop in self._active_sync_shops():
            expires = fields.Datetime.from_string(shop.session_expires_at)
            if expires and expires - now <= EXPIRY_WARNING:
                if shop._is_refreshable(now):
                    shop._refresh_session_safely()
                else:
                    shop._warn_session_expiry()
            shop._probe_session()

    def _probe_session(self):
        try:
            self._check_session_with(self._get_adapter(max_retries=1))
        except SESSION_ERRORS as err:
            self._pause_sync(err)
        except PLATFORM_ERRORS + (UserError,) as err:
            # Transient or configuration trouble: the next run probes again.
            _logger.warning("Shop %s: session probe failed: %s", self.id, err)

    def _refresh_session_safely(self):
        try:
            with self.env.cr.savepoint():
                self.refresh_session()
        except PLATFORM_ERRORS + (UserError,) as err:
            _logger.warning("Shop %s: token refresh failed: %s", self.id, err)
            self.message_post(body=_("The session could not be refreshed: %(error)s")
                              % {"error": err})

    def _warn_session_expiry(self):
        if self.session_expiry_warned == self.session_expires_at:
            return
        self.message_post(
            body=_("The session of this shop expires on %(date)s (UTC) and cannot be "
                   "refreshed: authorize the shop again before then.")
            % {"date": self.session_expires_at})
        self.session_expiry_warned = self.session_expires_at
