# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Grow a benchmark database to tens of thousands of orders in seconds, in SQL.

Importing 50,000 orders through Odoo takes hours on a small machine; what the
order import meets in a big database is the size of the tables it searches and
writes (orders, lines, procurement groups, pickings, moves), not how the rows
got there. Each copy k of every row of those tables gets ``id + k * max(id)``,
and every foreign key between them is shifted the same way, so copies are whole
orders with their own lines, pickings and moves; references to other tables
(buyers, products, locations) are kept. Platform trade ids and picking names get
a suffix: their unique constraints hold.
"""
from psycopg2 import sql

# Parents before children; procurement groups and orders reference each other,
# hence foreign keys are not checked while copying (the shift keeps them right).
TABLES = ("procurement_group", "sale_order", "sale_order_line",
          "account_tax_sale_order_line_rel", "stock_picking", "stock_move",
          "stock_move_line")
SUFFIXED = {("sale_order", "ecommerce_tid"), ("sale_order", "name"),
            ("sale_order", "client_order_ref"), ("stock_picking", "name")}


def clone_orders(cr, copies):
    """Add ``copies`` copies of every order (and what hangs on it); returns the new count."""
    offsets = _offsets(cr)
    links = _foreign_keys(cr)
    cr.execute("SET session_replication_role = replica")  # FK triggers off while copying
    try:
        for copy in range(1, copies + 1):
            for table in TABLES:
                _copy_table(cr, table, copy, offsets, links.get(table, {}))
    finally:
        cr.execute("SET session_replication_role = DEFAULT")
    for table in TABLES:
        name = sql.Identifier(table)
        if "id" in _columns(cr, table):
            cr.execute(sql.SQL("SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                               "(SELECT MAX(id) FROM {}))").format(name), [table])
        cr.execute(sql.SQL("ANALYZE {}").format(name))
    cr.execute("SELECT COUNT(*) FROM sale_order")
    return cr.fetchone()[0]


def _offsets(cr):
    offsets = {}
    for table in TABLES:
        if "id" in _columns(cr, table):
            cr.execute(sql.SQL("SELECT COALESCE(MAX(id), 0) FROM {}").format(
                sql.Identifier(table)))
            offsets[table] = cr.fetchone()[0]
    return offsets


def _columns(cr, table):
    cr.execute("""SELECT column_name FROM information_schema.columns
                   WHERE table_name = %s ORDER BY ordinal_position""", [table])
    return [row[0] for row in cr.fetchall()]


def _foreign_keys(cr):
    """{table: {column: referenced table}} for the keys between the copied tables."""
    cr.execute("""
        SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text
          FROM pg_constraint c
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
         WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)
           AND c.confrelid::regclass::text = ANY(%s)""", [list(TABLES), list(TABLES)])
    links = {}
    for table, column, target in cr.fetchall():
        links.setdefault(table, {})[column] = target
    return links


def _copy_table(cr, table, copy, offsets, links):
    columns = _columns(cr, table)
    exprs = []
    for column in columns:
        name = sql.Identifier(column)
        target = table if column == "id" else links.get(column)
        if target:
            exprs.append(sql.SQL("{} + {}").format(name, sql.Literal(copy * offsets[target])))
        elif (table, column) in SUFFIXED:
            exprs.append(sql.SQL("{} || {}").format(name, sql.Literal("-c%d" % copy)))
        else:
            exprs.append(name)
    if table in offsets:
        source = sql.SQL("id <= {}").format(sql.Literal(offsets[table]))
    else:  # a relation table: the rows of the original records
        column, target = next(iter(links.items()))
        source = sql.SQL("{} <= {}").format(sql.Identifier(column),
                                            sql.Literal(offsets[target]))
    cr.execute(sql.SQL("INSERT INTO {t} ({cols}) SELECT {exprs} FROM {t} WHERE {src}").format(
        t=sql.Identifier(table), cols=sql.SQL(", ").join(map(sql.Identifier, columns)),
        exprs=sql.SQL(", ").join(exprs), src=source))
