# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Audit rules of the order desk (审单): OCA exception rules with ready checks
whose parameters the seller edits in the form, no Python needed."""
import re
from datetime import timedelta

from odoo import _, api, fields, models

from .desk_changes import write_noting_changes

# Kinds of ready checks; a rule without a kind runs its Python code (OCA's way).
DESK_CHECKS = [
    ("message", "Buyer message or seller memo"),
    ("keyword", "Keyword in message or memo"),
    ("amount", "Amount above a limit"),
    ("region", "Province or city on a list"),
    ("buyer", "Buyer on the block list"),
    ("stock", "Product short of stock"),
    ("age", "Order older than N hours"),
]
# Separators a seller types between words of a list: new line, commas, 、 and ；.
LIST_SPLIT = re.compile(r"[\n,，、;；]+")
# What a polite message ends with; "谢谢！" passes as "谢谢" does.
TRAILING = " \t\r\n!！。.~～"
PARAMETER_FIELDS = ("ecommerce_check", "ecommerce_mandatory", "ecommerce_shop_ids",
                    "ecommerce_amount", "ecommerce_keywords", "ecommerce_pass_texts",
                    "ecommerce_state_ids", "ecommerce_cities", "ecommerce_buyers",
                    "ecommerce_hours", "active", "name", "sequence", "code")


def word_list(text):
    return [word.strip() for word in LIST_SPLIT.split(text or "") if word.strip()]


class ExceptionRule(models.Model):
    _name = "exception.rule"
    _inherit = ["exception.rule", "mail.thread"]

    ecommerce_check = fields.Selection(
        DESK_CHECKS, "Ready Check",
        help="A ready check of the order desk, tuned by the fields below. Empty: the rule "
             "runs its Python code.")
    ecommerce_mandatory = fields.Boolean(
        "Also for Audit-free",
        help="Audit-free (免审) shops and buyers skip every rule except these.")
    ecommerce_shop_ids = fields.Many2many(
        "ecommerce.shop", string="Only for Shops",
        help="Empty: the rule checks the orders of every shop.")
    ecommerce_amount = fields.Float("Amount Limit", help="Orders whose total exceeds it wait.")
    ecommerce_keywords = fields.Text(
        "Keywords", help="One per line or separated by commas: a message or memo containing "
                         "one of them makes the order wait.")
    ecommerce_pass_texts = fields.Text(
        "Texts That Pass", help="A message or memo that is only one of these (e.g. 谢谢) "
                                "does not make the order wait.")
    ecommerce_state_ids = fields.Many2many("res.country.state", string="Provinces")
    ecommerce_cities = fields.Text("Cities", help="One per line or separated by commas.")
    ecommerce_buyers = fields.Text(
        "Blocked Buyers", help="Buyer nicks or names, one per line or separated by commas.")
    ecommerce_hours = fields.Integer(
        "Hours", help="Orders placed longer ago than this wait for a person.")

    @api.multi
    def write(self, vals):
        """Every change of a rule is written in its chatter: who, what, from what."""
        return write_noting_changes(self, vals, PARAMETER_FIELDS, super().write)

    # ------------------------------------------------------------------
    # Ready checks: each answers why the order breaks the rule, or nothing
    # ------------------------------------------------------------------
    def _ecommerce_breach(self, order):
        """Why ``order`` breaks this ready rule (a text for the reviewer), or ''."""
        self.ensure_one()
        if not order.ecommerce_shop_id or (
                self.ecommerce_shop_ids and order.ecommerce_shop_id not in self.ecommerce_shop_ids):
            return ""
        return getattr(self, "_ecommerce_check_%s" % self.ecommerce_check)(order)

    def _ecommerce_texts(self, order):
        return [text for text in (order.ecommerce_buyer_message, order.ecommerce_seller_memo)
                if text and text.strip()]

    def _ecommerce_check_message(self, order):
        passing = set(word.strip(TRAILING) for word in word_list(self.ecommerce_pass_texts))
        texts = [text for text in self._ecommerce_texts(order)
                 if text.strip(TRAILING) not in passing]
        if not texts:
            return ""
        return _("The buyer left a message or the seller a memo: read it, then confirm. "
                 "(%(texts)s)") % {"texts": " / ".join(texts)}

    def _ecommerce_check_keyword(self, order):
        text = " ".join(self._ecommerce_texts(order))
        found = [word for word in word_list(self.ecommerce_keywords) if word in text]
        return found and _("The message or memo says %(words)s.") % {
            "words": ", ".join(found)} or ""

    def _ecommerce_check_amount(self, order):
        if order.amount_total <= self.ecommerce_amount:
            return ""
        return _("Total %(total).2f is above %(limit).2f.") % {
            "total": order.amount_total, "limit": self.ecommerce_amount}

    def _ecommerce_check_region(self, order):
        address = order.partner_shipping_id
        if address.state_id and address.state_id in self.ecommerce_state_ids:
            return _("Ships to %(place)s.") % {"place": address.state_id.name}
        if address.city and address.city.strip() in word_list(self.ecommerce_cities):
            return _("Ships to %(place)s.") % {"place": address.city}
        return ""

    def _ecommerce_check_buyer(self, order):
        buyer = order.partner_id
        blocked = set(word_list(self.ecommerce_buyers))
        names = {buyer.ecommerce_buyer_nick, buyer.name} & blocked
        return names and _("Buyer %(buyer)s is on the block list.") % {
            "buyer": ", ".join(sorted(names))} or ""

    def _ecommerce_check_stock(self, order):
        lines = order.order_line.filtered(lambda line: line.product_id.type == "product")
        products = lines.mapped("product_id").with_context(
            warehouse=order.warehouse_id.id)
        # Free = on hand minus what confirmed orders already wait for.
        free = {p.id: p.qty_available - p.outgoing_qty for p in products}
        wanted = {}
        for line in lines:
            wanted[line.product_id] = wanted.get(line.product_id, 0) + line.product_uom_qty
        short = [p.display_name for p, qty in wanted.items() if free[p.id] < qty]
        return short and _("Short of stock: %(products)s.") % {
            "products": ", ".join(short)} or ""

    def _ecommerce_check_age(self, order):
        limit = fields.Datetime.from_string(fields.Datetime.now()) - timedelta(
            hours=self.ecommerce_hours)
        if fields.Datetime.from_string(order.date_order) >= limit:
            return ""
        return _("Placed more than %(hours)d hours ago.") % {"hours": self.ecommerce_hours}
