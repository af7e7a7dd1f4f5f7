# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The chatter line of a rule change: who (the message's author), which field,
from what to what. Odoo 11 tracks no many2many field, rules have several."""


def shown_values(record, names):
    """{field: value as a person reads it} of one record."""
    values = {}
    for name in names:
        value = record[name]
        field = record._fields[name]
        if field.type in ("many2many", "many2one"):
            value = ", ".join(value.mapped("display_name"))
        elif field.type == "selection":
            value = dict(field._description_selection(record.env)).get(value, "")
        values[name] = value if value not in (False, None, "") else "-"
    return values


def write_noting_changes(records, vals, names, write):
    """Call ``write(vals)`` and post on each record what changed among ``names``."""
    tracked = [name for name in names if name in vals]
    before = {r.id: shown_values(r, tracked) for r in records} if tracked else {}
    result = write(vals)
    for record in records.filtered(lambda r: r.id in before):
        old, new = before[record.id], shown_values(record, tracked)
        changes = ["%s: %s → %s" % (record._fields[name].string, old[name], new[name])
                   for name in tracked if old[name] != new[name]]
        if changes:
            record.message_post(body="<br/>".join(changes))
    return result
