"""A small Django-like application schema written straight into SQLite, for tests with no PyPI.

It has what the application schemas have: `<app>_<model>` tables, a users table referenced from
everywhere, a self-referencing tree, nullable foreign keys, a one-to-one declared by a column-level
`UNIQUE` (which only `PRAGMA index_list` reports), a many-to-many join table, `sqlite_sequence` and
an FTS5 index with its shadow tables.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

Field = tuple[str, str]
"""(column name, SQL after the name)."""

MODELS: dict[str, list[Field]] = {
    "auth_user": [("username", "varchar(150) NOT NULL UNIQUE"), ("email", "varchar(254) NOT NULL")],
    "auth_group": [("name", "varchar(150) NOT NULL UNIQUE")],
    "auth_user_groups": [
        ("user_id", "integer NOT NULL REFERENCES auth_user (id)"),
        ("group_id", "integer NOT NULL REFERENCES auth_group (id)"),
    ],
    "shop_category": [
        ("name", "varchar(100) NOT NULL"),
        ("parent_id", "integer NULL REFERENCES shop_category (id)"),
    ],
    "shop_product": [
        ("title", "varchar(200) NOT NULL"),
        ("price_excl_tax", "decimal NOT NULL"),
        ("category_id", "integer NOT NULL REFERENCES shop_category (id)"),
    ],
    "shop_productimage": [
        ("product_id", "integer NOT NULL REFERENCES shop_product (id)"),
        ("caption", "varchar(200) NOT NULL"),
    ],
    "shop_review": [
        ("product_id", "integer NOT NULL REFERENCES shop_product (id)"),
        ("user_id", "integer NULL REFERENCES auth_user (id)"),
        ("score", "smallint NOT NULL"),
    ],
    "orders_order": [
        ("number", "varchar(128) NOT NULL UNIQUE"),
        ("user_id", "integer NULL REFERENCES auth_user (id)"),
        ("total_incl_tax", "decimal NOT NULL"),
        ("date_placed", "datetime NOT NULL"),
    ],
    "orders_line": [
        ("order_id", "integer NOT NULL REFERENCES orders_order (id)"),
        ("product_id", "integer NULL REFERENCES shop_product (id)"),
        ("quantity", "integer NOT NULL"),
        ("line_price_excl_tax", "decimal NOT NULL"),
    ],
    "orders_shippingaddress": [
        ("order_id", "integer NOT NULL UNIQUE REFERENCES orders_order (id)"),
        ("postcode", "varchar(64) NOT NULL"),
        ("phone_number", "varchar(128) NOT NULL"),
    ],
    "orders_paymentevent": [
        ("order_id", "integer NOT NULL REFERENCES orders_order (id)"),
        ("amount", "decimal NOT NULL"),
        ("reference", "varchar(128) NOT NULL"),
    ],
    "crm_contact": [
        ("email_address", "varchar(254) NOT NULL"),
        ("phone_number", "varchar(128) NOT NULL"),
        ("owner_id", "integer NULL REFERENCES auth_user (id)"),
    ],
    "crm_note": [
        ("contact_id", "integer NOT NULL REFERENCES crm_contact (id)"),
        ("body", "text NOT NULL"),
        ("date_created", "datetime NOT NULL"),
    ],
    "django_session": [],
    "django_migrations": [("app", "varchar(255) NOT NULL"), ("applied", "datetime NOT NULL")],
}


def build(path: Path) -> Path:
    """Write the schema to `path` (replacing it) and return the path."""
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    try:
        for table, fields in MODELS.items():
            if table == "django_session":
                body = "session_key varchar(40) NOT NULL PRIMARY KEY, session_data text NOT NULL"
            else:
                columns = ", ".join(f"{name} {sql}" for name, sql in fields)
                body = "id integer NOT NULL PRIMARY KEY AUTOINCREMENT" + (f", {columns}" if columns else "")
            con.execute(f"CREATE TABLE {table} ({body})")
        con.execute("CREATE VIRTUAL TABLE shop_product_fts USING fts5(title, body)")
        con.execute("INSERT INTO auth_user (username, email) VALUES ('steward', 'steward@example.com')")
        con.commit()
    finally:
        con.close()
    return path
