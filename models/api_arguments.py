# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Argument checks of the public (XML-RPC) API of the addon.

Not a model: the public methods call these checks before doing anything, so
that a wrong argument ends in a UserError naming the argument and the form
expected, instead of a traceback or a silently wrong result (a string iterated
character by character, a date read as something else). See
docs/api.md ("The forms of the arguments") for the forms accepted.

The checker keeps the caller's records in ``self.env``: ``_()`` finds the
user's language there.
"""
import re
import xmlrpc.client
from datetime import datetime

from odoo import _
from odoo.exceptions import UserError

DATETIME_FORM = "%Y-%m-%d %H:%M:%S"
# Form of an XML-RPC dateTime.iso8601 value (xmlrpc.client.DateTime.value).
XMLRPC_DATETIME_FORM = "%Y%m%dT%H:%M:%S"
DIGITS = re.compile(r"^[0-9]{1,20}$")
SHOWN_CHARS = 60


def shown(value):
    """The wrong value as the message shows it: repr, cut, and its type."""
    text = repr(value)
    if len(text) > SHOWN_CHARS:
        text = text[:SHOWN_CHARS] + "..."
    return "%s (%s)" % (text, type(value).__name__)


def _is_int(value):
    # bool is an int in Python: True must not pass for record id 1.
    return isinstance(value, int) and not isinstance(value, bool)


class ApiArguments(object):
    """Checks of the arguments of one public method call on ``records``."""

    def __init__(self, records, method):
        self.records = records
        self.method = method
        self.env = records.env

    def _refuse(self, name, form, value):
        raise UserError(_("%(name)s must be %(form)s, got %(value)s.")
                        % {"name": name, "form": form, "value": shown(value)})

    # ------------------------------------------------------------------
    # The records the method is called on
    # ------------------------------------------------------------------
    def check_single_shop(self):
        """One existing shop; an empty or longer list is refused."""
        records = self.records
        if len(records) != 1:
            raise UserError(_("Call %(method)s on one shop (one id); it was called on "
                              "%(count)d: %(ids)s.")
                            % {"method": self.method, "count": len(records),
                               "ids": list(records.ids)})
        self.check_existing()
        return records

    def check_some_records(self):
        """At least one record, all existing (methods working on several)."""
        if not self.records:
            raise UserError(_("Call %(method)s on at least one %(model)s id; it was "
                              "called on none.")
                            % {"method": self.method, "model": self.records._name})
        self.check_existing()
        return self.records

    def check_existing(self):
        missing = self.records - self.records.exists()
        if missing:
            raise UserError(_("No %(model)s record has the ids %(ids)s (deleted, or "
                              "never created).")
                            % {"model": self.records._name, "ids": list(missing.ids)})

    # ------------------------------------------------------------------
    # Scalars
    # ------------------------------------------------------------------
    def check_datetime(self, value, name, required=True):
        """A UTC date and time as the ORM stores it: 'YYYY-MM-DD HH:MM:SS'.

        An XML-RPC dateTime (xmlrpc.client.DateTime, which has no time zone)
        is accepted and read as UTC too, like a datetime object of a Python
        caller. Returns the 'YYYY-MM-DD HH:MM:SS' string, or False when not
        required and empty.
        """
        if not required and (value is None or value is False or value == ""):
            return False
        if isinstance(value, xmlrpc.client.DateTime):
            value = value.value
        if isinstance(value, datetime):
            return value.replace(microsecond=0, tzinfo=None).strftime(DATETIME_FORM)
        if isinstance(value, str):
            for form in (DATETIME_FORM, XMLRPC_DATETIME_FORM):
                try:
                    return datetime.strptime(value.strip(), form).strftime(DATETIME_FORM)
                except ValueError:
                    continue
        self._refuse(name, _("a date and time 'YYYY-MM-DD HH:MM:SS' (UTC)"), value)

    def check_window(self, date_from, date_to, names=("date_from", "date_to"),
                     required=True):
        """Two check_datetime values, the end after the start."""
        start = self.check_datetime(date_from, names[0], required)
        end = self.check_datetime(date_to, names[1], required)
        if start and end and end <= start:
            raise UserError(_("%(start_name)s and %(end_name)s must be a window with the "
                              "end after the start, got %(start_name)s %(start)s and "
                              "%(end_name)s %(end)s.")
                            % {"end_name": names[1], "end": end, "start_name": names[0],
                               "start": start})
        return start, end

    def check_text(self, value, name, required=False, max_length=None):
        """A string (or nothing when not required); returned stripped or None."""
        if value is None or value is False:
            if required:
                self._refuse(name, _("a text"), value)
            return None
        if not isinstance(value, str):
            self._refuse(name, _("a text (a string)"), value)
        if max_length and len(value) > max_length:
            raise UserError(_("%(name)s must be a text of at most %(max)d characters, got "
                              "%(length)d characters.")
                            % {"name": name, "max": max_length, "length": len(value)})
        return value.strip() or None

    def check_choice(self, value, name, choices, required=False):
        """One of ``choices`` (or nothing when not required)."""
        if not required and (value is None or value is False or value == ""):
            return None
        if not isinstance(value, str) or value not in choices:
            self._refuse(name, _("one of %(choices)s, or false for all") % {
                "choices": ", ".join(sorted(choices))}, value)
        return value

    def check_trade_status(self, value, statuses, name="status"):
        """One of ``statuses``, the words the shop's platform takes (its adapter's
        trade_status_filters: its own statuses and the neutral ones)."""
        return self.check_choice(value, name, statuses)

    def check_bool(self, value, name):
        """True or False (XML-RPC boolean); 0 and 1 are taken as such."""
        if isinstance(value, bool):
            return value
        if _is_int(value) and value in (0, 1):
            return bool(value)
        self._refuse(name, _("true or false"), value)

    # ------------------------------------------------------------------
    # Lists
    # ------------------------------------------------------------------
    def _check_list(self, value, name, form, optional):
        if optional and (value is None or value is False):
            return None
        if not isinstance(value, (list, tuple)):
            self._refuse(name, form, value)
        return list(value)

    def check_id_list(self, value, name, optional=True, allow_empty=True):
        """A list of record ids (positive integers), e.g. [12, 15]."""
        form = _("a list of record ids (integers), e.g. [12, 15]")
        values = self._check_list(value, name, form, optional)
        if values is None:
            return None
        if not values and not allow_empty:
            raise UserError(_("%(name)s must hold at least one id, e.g. [12, 15]; leave it "
                              "out to take them all.") % {"name": name})
        wrong = [v for v in values if not _is_int(v) or v <= 0]
        if wrong:
            self._refuse(name, form, wrong[0] if len(wrong) == 1 else wrong)
        return list(dict.fromkeys(values))

    def check_existing_ids(self, ids, name, model):
        """Every id of ``ids`` is a record of ``model`` (read as superuser:
        the question is whether it exists, the access check comes later)."""
        if not ids:
            return ids
        found = set(self.env[model].sudo().with_context(active_test=False).browse(
            ids).exists().ids)
        missing = [i for i in ids if i not in found]
        if missing:
            raise UserError(_("%(name)s holds ids of no %(model)s record: %(ids)s.")
                            % {"name": name, "model": model, "ids": missing})
        return ids

    def check_str_list(self, value, name, optional=True, form=None):
        """A list of strings or integers, returned as strings, e.g. ["5201", 5202].

        The values are not judged here (callers report a wrong one per value);
        a dict, a float or a nested list in the list is refused.
        """
        form = form or _('a list of ids as strings or integers, e.g. ["5201", "5202"]')
        values = self._check_list(value, name, form, optional)
        if values is None:
            return None
        wrong = [v for v in values if not (isinstance(v, str) or _is_int(v))]
        if wrong:
            self._refuse(name, form, wrong[0] if len(wrong) == 1 else wrong)
        return [str(v) for v in values]

    def check_digit_list(self, value, name, optional=True):
        """A list of platform numbers (digits, as strings or integers), as strings."""
        form = _('a list of platform numbers (digits, as strings or integers), e.g. '
                 '["2001000000000000001"]')
        values = self.check_str_list(value, name, optional, form)
        if values is None:
            return None
        texts = [v.strip() for v in values]
        wrong = [v for v in texts if not DIGITS.match(v)]
        if wrong:
            self._refuse(name, form, wrong[0] if len(wrong) == 1 else wrong)
        return list(dict.fromkeys(texts))
