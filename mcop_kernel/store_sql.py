"""Sessions in a SQL database through SQLAlchemy: a SQLite file on one machine, PostgreSQL for several.

Every exchange is a row of its own holding the model messages its answer added, so two servers
answering one session lose nothing: a session's history is its rows' messages in order. Writes to
one session are serialised (PostgreSQL: the session's row is locked, `SELECT ... FOR UPDATE`;
SQLite: `BEGIN IMMEDIATE`), and every saved answer moves the session's `version` on, which tells a
server whose copy is older to reload it before it answers.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Iterator
from dataclasses import asdict, fields
from typing import Any

import sqlalchemy as sa
from pydantic_ai.messages import ModelMessage, ModelMessagesTypeAdapter
from sqlalchemy.dialects import postgresql, sqlite

from .secrets import redact
from .store_base import Begun, Exchange, SavedSession, StoreError

log = logging.getLogger(__name__)

TIMEOUT_S = 10
"""The longest a store call waits for a lock or a connection before it fails."""

_meta = sa.MetaData()
SESSIONS = sa.Table(
    "mcop_session",
    _meta,
    sa.Column("user", sa.Text, primary_key=True),
    sa.Column("session_id", sa.Text, primary_key=True),
    sa.Column("history", sa.LargeBinary, nullable=False),  # messages from before exchanges kept theirs
    sa.Column("last_seq", sa.BigInteger, nullable=False),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.Column("updated_at", sa.Text, nullable=False),
)
EXCHANGES = sa.Table(
    "mcop_exchange",
    _meta,
    sa.Column("user", sa.Text, primary_key=True),
    sa.Column("session_id", sa.Text, primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("messages", sa.LargeBinary, nullable=True),
    sa.Column("unfinished", sa.Boolean, nullable=False),
)
_LEGACY_MIGRATION = (  # schema 1 (SQLite only): one history blob per session, exchanges without messages
    "INSERT INTO mcop_session (user, session_id, history, last_seq, version, updated_at) "
    "SELECT user, session_id, history, last_seq, 0, updated_at FROM session",
    "INSERT INTO mcop_exchange (user, session_id, position, data, messages, unfinished) "
    "SELECT user, session_id, position, data, NULL, 0 FROM exchange",
    "DROP TABLE exchange",
    "DROP TABLE session",
)
_EXCHANGE_FIELDS = frozenset(f.name for f in fields(Exchange)) - {"unfinished"}
_EMPTY = ModelMessagesTypeAdapter.dump_json([])


def _now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())


def _data(exchange: Exchange) -> str:
    kept = {k: v for k, v in asdict(exchange).items() if k != "unfinished"}
    return json.dumps(kept, ensure_ascii=False)


def _exchange(data: str, unfinished: bool) -> Exchange:
    values = {k: v for k, v in json.loads(data).items() if k in _EXCHANGE_FIELDS}
    return Exchange(**values, unfinished=bool(unfinished))


def engine_for(url: str | sa.URL) -> sa.Engine:
    """An engine for `url`; `postgresql://` and `postgres://` use psycopg (version 3). Credentials
    the URL leaves out come from the environment as libpq reads them (PGPASSWORD, ~/.pgpass)."""
    parsed = sa.make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        engine = sa.create_engine(
            parsed, connect_args={"timeout": TIMEOUT_S, "check_same_thread": False}, pool_size=4
        )
        sa.event.listen(engine, "connect", _sqlite_connected)
        sa.event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        return engine
    options = f"-c statement_timeout={TIMEOUT_S * 1000} -c lock_timeout={TIMEOUT_S * 1000}"
    connect_args = (
        {"connect_timeout": TIMEOUT_S, "options": options}
        if parsed.get_backend_name() == "postgresql"
        else {}
    )
    return sa.create_engine(
        parsed, connect_args=connect_args, pool_size=4, pool_pre_ping=True, pool_timeout=TIMEOUT_S
    )


def _sqlite_connected(dbapi_connection: Any, _record: Any) -> None:
    """WAL, so readers never wait for the writer; transactions begun by us (BEGIN IMMEDIATE)."""
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA journal_mode=WAL")
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


class SQLStore:
    """Sessions in the database at `url` (any SQLAlchemy URL; tested with SQLite and PostgreSQL).
    The tables (`mcop_session`, `mcop_exchange`) are created if missing, and a SQLite file of the
    first schema is migrated in place."""

    def __init__(self, url: str | sa.URL, *, label: str | None = None):
        self.label = label or redact(sa.make_url(url).render_as_string(hide_password=False))
        """The store as it may be shown: the URL with its password masked, or the file."""
        self._closed = False
        try:
            self._engine = engine_for(url)
            self._create()
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"The session store {self.label} cannot be used: {self._reason(exc)}") from None

    def _reason(self, exc: BaseException) -> str:
        orig = getattr(exc, "orig", None) or exc
        return redact(str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__)

    def _create(self) -> None:
        with self._engine.begin() as conn:
            tables = set(sa.inspect(conn).get_table_names())
            _meta.create_all(conn)
            if {"session", "exchange"} <= tables and "mcop_session" not in tables:
                for statement in _LEGACY_MIGRATION:
                    conn.exec_driver_sql(statement)
                log.info("The session store %s was migrated to keep each answer's messages", self.label)

    @contextlib.contextmanager
    def _transaction(self, doing: str) -> Iterator[sa.Connection]:
        if self._closed:
            raise StoreError(f"the session store {self.label} is closed")
        try:
            with self._engine.begin() as conn:
                yield conn
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(
                f"The session store {self.label} could not {doing}: {self._reason(exc)}"
            ) from None

    def close(self) -> None:
        self._closed = True
        self._engine.dispose()

    # ------------------------------------------------------------------ reading

    def _load(self, conn: sa.Connection, key: dict[str, Any]) -> SavedSession:
        row = conn.execute(_SESSION_ROW, key).first()
        if row is None:
            return SavedSession()
        rows = conn.execute(_EXCHANGE_ROWS, key).all()
        history = list(ModelMessagesTypeAdapter.validate_json(row.history))
        for item in rows:
            if item.messages:
                history += ModelMessagesTypeAdapter.validate_json(item.messages)
        transcript = [_exchange(item.data, item.unfinished) for item in rows]
        return SavedSession(history, transcript, int(row.last_seq), int(row.version))

    def load(self, user: str, session_id: str) -> SavedSession:
        with self._transaction("read a session") as conn:
            return self._load(conn, {"k_user": user, "k_session": session_id})

    # ------------------------------------------------------------------ writing

    def _lock(self, conn: sa.Connection, key: dict[str, Any]) -> int:
        """Make sure the session has its row and lock it for this transaction; its version."""
        if conn.execute(_LOCK, key).first() is None:
            insert = _INSERT_SESSION.get(conn.dialect.name, SESSIONS.insert())
            values = {"user": key["k_user"], "session_id": key["k_session"], "history": _EMPTY}
            conn.execute(insert, values | {"last_seq": 0, "version": 0, "updated_at": _now()})
        return int(conn.execute(_LOCK, key).scalar_one())

    def _next_position(self, conn: sa.Connection, key: dict[str, Any]) -> int:
        last = conn.execute(_LAST_POSITION, key).scalar()
        return 0 if last is None else int(last) + 1

    def begin(self, user: str, session_id: str, exchange: Exchange, known_version: int) -> Begun:
        key = {"k_user": user, "k_session": session_id}
        with self._transaction("journal a question") as conn:
            version = self._lock(conn, key)
            reloaded = self._load(conn, key) if version != known_version else None
            position = self._next_position(conn, key)
            row = {"user": user, "session_id": session_id, "position": position}
            conn.execute(
                EXCHANGES.insert(), row | {"data": _data(exchange), "messages": None, "unfinished": True}
            )
            return Begun(position, reloaded)

    def journal(self, user: str, session_id: str, position: int, exchange: Exchange) -> None:
        key = {"k_user": user, "k_session": session_id, "k_position": position}
        with self._transaction("journal an answer") as conn:
            conn.execute(_JOURNAL, key | {"data": _data(exchange)})

    def save(
        self,
        user: str,
        session_id: str,
        messages: list[ModelMessage],
        exchange: Exchange,
        last_seq: int,
        position: int | None = None,
    ) -> int:
        blob = ModelMessagesTypeAdapter.dump_json(messages) if messages else None
        key: dict[str, Any] = {"k_user": user, "k_session": session_id}
        values = {"data": _data(exchange), "messages": blob, "unfinished": False}
        with self._transaction("save an answer") as conn:
            version = self._lock(conn, key) + 1
            done = 0
            if position is not None:
                done = conn.execute(_FINISH, key | values | {"k_position": position}).rowcount
            if not done:  # appended, or its journal row is gone
                row = {"user": user, "session_id": session_id, "position": self._next_position(conn, key)}
                conn.execute(EXCHANGES.insert(), row | values)
            update = {"version": version, "k_seq": last_seq, "updated_at": _now()}
            conn.execute(_SAVED, key | update)
            return version


def _key(table: sa.Table, *, position: bool = False) -> sa.ColumnElement[bool]:
    where = [table.c.user == sa.bindparam("k_user"), table.c.session_id == sa.bindparam("k_session")]
    if position:
        where.append(table.c.position == sa.bindparam("k_position"))
    return sa.and_(*where)


# Statements built once (building one costs more than running it on SQLite).
_SESSION_ROW = sa.select(SESSIONS.c.history, SESSIONS.c.last_seq, SESSIONS.c.version).where(_key(SESSIONS))
_EXCHANGE_ROWS = (
    sa.select(EXCHANGES.c.data, EXCHANGES.c.messages, EXCHANGES.c.unfinished)
    .where(_key(EXCHANGES))
    .order_by(EXCHANGES.c.position)
)
_LOCK = sa.select(SESSIONS.c.version).where(_key(SESSIONS)).with_for_update()
_INSERT_SESSION: dict[str, Any] = {
    "postgresql": postgresql.insert(SESSIONS).on_conflict_do_nothing(),
    "sqlite": sqlite.insert(SESSIONS).on_conflict_do_nothing(),
}
_LAST_POSITION = sa.select(sa.func.max(EXCHANGES.c.position)).where(_key(EXCHANGES))
_JOURNAL = (
    EXCHANGES.update()
    .where(_key(EXCHANGES, position=True), EXCHANGES.c.unfinished.is_(True))
    .values(data=sa.bindparam("data"))
)
_FINISH = (
    EXCHANGES.update()
    .where(_key(EXCHANGES, position=True))
    .values(
        data=sa.bindparam("data"), messages=sa.bindparam("messages"), unfinished=sa.bindparam("unfinished")
    )
)
_SAVED = (
    SESSIONS.update()
    .where(_key(SESSIONS))
    .values(
        version=sa.bindparam("version"),
        last_seq=sa.case(
            (SESSIONS.c.last_seq > sa.bindparam("k_seq"), SESSIONS.c.last_seq), else_=sa.bindparam("k_seq")
        ),
        updated_at=sa.bindparam("updated_at"),
    )
)
