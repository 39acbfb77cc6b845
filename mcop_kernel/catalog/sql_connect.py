"""Opening a database for introspection: read-only where the dialect allows, bounded waits, and the
password taken from the environment and kept out of every message."""

from __future__ import annotations

import math
import os
from importlib.metadata import entry_points
from typing import Any
from urllib.parse import quote

import sqlalchemy.dialects
from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.pool import NullPool

from ..secrets import MASK, redact

PASSWORD_VARIABLES = ("MCOP_SQL_PASSWORD",)
"""Where the password comes from when the URL has none (plus PGPASSWORD for PostgreSQL)."""


def parse_url(text: str) -> URL:
    """The URL of `sql:URL`, with a password from the environment when it names none. Raises
    ValueError (message free of secrets) for a malformed URL or a dialect SQLAlchemy does not know."""
    try:
        url = make_url(text.strip())
        _check_dialect(url)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise ValueError(
            f"{redact(str(exc))}. Use a SQLAlchemy URL such as postgresql://user@host/db, "
            "sqlite:///file.db or duckdb:///file.duckdb"
        ) from None
    if url.password is None and url.username:
        names = (*PASSWORD_VARIABLES, *(("PGPASSWORD",) if _backend(url) == "postgresql" else ()))
        secret = next((os.environ[n] for n in names if os.environ.get(n)), None)
        if secret:
            url = url.set(password=secret)
    return url


def _check_dialect(url: URL) -> None:
    """SQLAlchemy's own dialects are checked by loading them (cheap, no driver import); a plugin
    dialect (duckdb) only by its entry point, so that opening the catalog imports no database engine."""
    if _backend(url) in sqlalchemy.dialects.__all__:
        url.get_dialect()
        return
    names = {_backend(url), url.drivername.replace("+", ".")}
    if not any(ep.name in names for ep in entry_points(group="sqlalchemy.dialects")):
        raise NoSuchModuleError(f"No SQLAlchemy dialect named {url.drivername!r} is installed")


def display_url(url: URL) -> str:
    """The URL as users may see it: the password masked."""
    return redact(url.render_as_string(hide_password=True))


def mask(text: str, url: URL) -> str:
    """`text` with the URL's password (however short) and every other known secret masked."""
    password = url.password
    if password:
        for form in dict.fromkeys((str(password), quote(str(password), safe=""))):
            text = text.replace(form, MASK)
    return redact(text)


def read_only_engine(url: URL, *, connect_timeout: float, statement_timeout: float) -> Engine:
    """An engine that connects per use (no pool keeps a database file locked) and, where the dialect
    allows, cannot write: SQLite opened `mode=ro` with `query_only`, DuckDB `read_only`, PostgreSQL and
    MySQL sessions set to read-only transactions. Connecting waits at most `connect_timeout` seconds;
    PostgreSQL statements stop after `statement_timeout`."""
    backend, driver = _backend(url), url.get_driver_name()
    connect_args: dict[str, Any] = {}
    session_sql: list[str] = []
    seconds = max(1, math.ceil(connect_timeout))
    if backend == "sqlite":
        url = _sqlite_read_only(url)
        connect_args["timeout"] = connect_timeout  # waiting for a lock held by a writer
        session_sql = ["PRAGMA query_only = ON"]  # also for an in-memory database
    elif backend == "duckdb":
        if _is_file(url.database):
            connect_args["read_only"] = True
    elif backend == "postgresql":
        if driver in ("psycopg", "psycopg2", "psycopg2cffi"):
            connect_args["connect_timeout"] = seconds
        elif driver == "pg8000":
            connect_args["timeout"] = seconds
        session_sql = [
            "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
            f"SET statement_timeout = {max(1, int(statement_timeout * 1000))}",
        ]
    elif backend in ("mysql", "mariadb"):
        if driver in ("mysqldb", "pymysql", "mariadbconnector"):
            connect_args["connect_timeout"] = seconds
        session_sql = ["SET SESSION TRANSACTION READ ONLY"]
    engine = create_engine(url, poolclass=NullPool, connect_args=connect_args, hide_parameters=True)
    if session_sql:
        _on_connect(engine, session_sql)
    return engine


def _backend(url: URL) -> str:
    return url.get_backend_name()


def _is_file(database: str | None) -> bool:
    return bool(database) and not str(database).startswith(":memory:")


def _sqlite_read_only(url: URL) -> URL:
    """`sqlite:///shop.db` as the URI `file:shop.db?mode=ro`: SQLite then refuses every write and
    never creates a missing file."""
    if not _is_file(url.database):
        return url
    query = dict(url.query)
    if str(query.get("uri", "")).lower() not in ("true", "1"):
        url = url.set(database="file:" + quote(str(url.database), safe="/:"))
    query.update(uri="true", mode="ro")
    return url.set(query=query)


def _on_connect(engine: Engine, statements: list[str]) -> None:
    """Run `statements` on every new connection, committed so that they hold for the session."""

    @event.listens_for(engine, "connect")
    def setup(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            for statement in statements:
                cursor.execute(statement)
        finally:
            cursor.close()
        dbapi_connection.commit()
