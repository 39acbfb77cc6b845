"""Sessions through SQLAlchemy on SQLite and on a real PostgreSQL server: two explorers sharing one
session lose nothing, writes are serialised, the first schema is migrated, an outage is reported."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from postgres import PostgresServer, running_postgres
from pydantic_ai.messages import ModelMessage, ModelMessagesTypeAdapter, ModelRequest, UserPromptPart

from mcop_kernel.config import session_config
from mcop_kernel.protocol import AgentEvent, Event, NoticeEvent, ToolStartEvent
from mcop_kernel.session import ExplorerSession, SessionConfig
from mcop_kernel.store import Exchange, SQLiteStore, SQLStore, StoreError, open_store


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    with running_postgres() as pg:
        yield pg


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store's URL: a SQLite file, or a new database on the test PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.sqlite'}"
    pg: PostgresServer = request.getfixturevalue("postgres")
    name = f"store_{time.monotonic_ns()}"
    pg.execute(f"CREATE DATABASE {name} OWNER {pg.user}", database="postgres")
    return pg.url().rsplit("/", 1)[0] + f"/{name}"


def prompts(messages: Sequence[object]) -> list[str]:
    return [
        str(part.content)
        for message in messages
        if isinstance(message, ModelRequest)
        for part in message.parts
        if isinstance(part, UserPromptPart)
    ]


async def ask(session: ExplorerSession, question: str) -> list[Event]:
    return [event async for event in session.ask(question)]


def tool_calls(events: list[Event]) -> list[tuple[str, dict[str, object]]]:
    return [(e.tool_name, e.args) for e in events if isinstance(e, ToolStartEvent)]


CONVERSATION = [
    "Describe the supplier table",
    "Who owns it?",
    "and its lineage?",
    "Show me all tables",
    "show more tables",
    "what about invoices?",
    "is it certified?",
    "Describe the supplier table",
    "what breaks if I change it?",
    "Describe the invoice table",
    "Who owns it?",
    "Describe the supplier table",
]


async def test_two_explorers_answering_one_session_keep_every_question_and_its_context(
    store_url: str,
) -> None:
    """Questions alternate between two explorers, each with its own store connection (as two
    servers have): every follow-up uses the context the other one answered."""
    configs = [session_config("offline", "sample", open_store(store_url)) for _ in range(2)]
    sessions = [await ExplorerSession.open("shared", config, user="ada") for config in configs]
    answers = []
    for n, question in enumerate(CONVERSATION):
        events = await ask(sessions[n % 2], question)
        assert isinstance(events[-1], AgentEvent), events[-1]
        answers.append(events)
    supplier = tool_calls(answers[0])[-1][1]["table"]
    assert tool_calls(answers[1])[-1] == ("get_owner", {"table": supplier})  # B used A's question
    assert tool_calls(answers[2])[-1][1]["table"] == supplier  # and A used B's
    assert tool_calls(answers[4])[-1] == ("list_tables", {"offset": 50})
    invoice = tool_calls(answers[5])[-1][1]["table"]
    assert tool_calls(answers[6])[-1] == ("table_status", {"table": invoice})
    assert tool_calls(answers[10])[-1] == ("get_owner", {"table": invoice})

    for config in configs:
        saved = config.store.load("ada", "shared")
        assert [x.question for x in saved.transcript] == CONVERSATION
        assert prompts(saved.history) == CONVERSATION
        assert not any(x.unfinished for x in saved.transcript)
        assert saved.version == 12
        config.store.close()


def test_writes_to_one_session_are_serialised_and_none_is_lost(store_url: str) -> None:
    stores = [open_store(store_url) for _ in range(4)]

    def answer(n: int) -> int:
        store = stores[n % len(stores)]
        begun = store.begin("ada", "busy", Exchange(f"q{n}", unfinished=True), -1)
        store.journal("ada", "busy", begun.position, Exchange(f"q{n}", "so far", unfinished=True))
        message = ModelRequest(parts=[UserPromptPart(f"q{n}")])
        return store.save("ada", "busy", [message], Exchange(f"q{n}", f"a{n}"), n, begun.position)

    with ThreadPoolExecutor(8) as pool:
        versions = list(pool.map(answer, range(40)))
    assert sorted(versions) == list(range(1, 41))
    saved = stores[0].load("ada", "busy")
    assert sorted(x.question for x in saved.transcript) == sorted(f"q{n}" for n in range(40))
    assert sorted(prompts(saved.history)) == sorted(f"q{n}" for n in range(40))
    assert {x.answer for x in saved.transcript} == {f"a{n}" for n in range(40)}
    assert saved.last_seq == 39 and saved.version == 40
    for store in stores:
        store.close()


def test_a_store_of_the_first_schema_is_migrated_and_keeps_its_conversations(tmp_path: Path) -> None:
    path = tmp_path / "sessions.sqlite"
    history: list[ModelMessage] = [ModelRequest(parts=[UserPromptPart("Show me all tables")])]
    old = sqlite3.connect(path)
    old.executescript(
        """
        CREATE TABLE session (user TEXT NOT NULL, session_id TEXT NOT NULL, history BLOB NOT NULL,
            last_seq INTEGER NOT NULL, updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
            PRIMARY KEY (user, session_id));
        CREATE TABLE exchange (user TEXT NOT NULL, session_id TEXT NOT NULL, position INTEGER NOT NULL,
            data TEXT NOT NULL, PRIMARY KEY (user, session_id, position));
        """
    )
    old.execute(
        "INSERT INTO session (user, session_id, history, last_seq) VALUES ('owner', 'kept', ?, 42)",
        (ModelMessagesTypeAdapter.dump_json(history),),
    )
    old.execute(
        "INSERT INTO exchange VALUES ('owner', 'kept', 0, ?)",
        (json.dumps({"question": "Show me all tables", "answer": "71 tables", "tools": [], "error": None}),),
    )
    old.commit()
    old.close()

    store = SQLiteStore(path)
    saved = store.load("owner", "kept")
    assert [(x.question, x.answer) for x in saved.transcript] == [("Show me all tables", "71 tables")]
    assert prompts(saved.history) == ["Show me all tables"] and saved.last_seq == 42
    more = ModelRequest(parts=[UserPromptPart("Who owns it?")])
    store.save("owner", "kept", [more], Exchange("Who owns it?", "Ada"), 50)
    store.close()
    again = SQLiteStore(path).load("owner", "kept")
    assert prompts(again.history) == ["Show me all tables", "Who owns it?"]
    tables = {
        row[0] for row in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")
    }
    assert tables == {"mcop_session", "mcop_exchange"}


def test_a_password_never_shows_in_the_stores_name_or_errors(postgres: PostgresServer) -> None:
    store = SQLStore(postgres.url())
    assert postgres.password not in store.label and "***" in store.label
    store.close()
    wrong = postgres.url(password="not-the-password-123")
    with pytest.raises(StoreError) as refused:
        SQLStore(wrong)
    assert "not-the-password-123" not in str(refused.value) and "cannot be used" in str(refused.value)


async def test_a_database_that_goes_away_is_reported_to_readers_not_hung_on(tmp_path: Path) -> None:
    with running_postgres() as pg:
        config: SessionConfig = session_config("offline", "sample", SQLStore(pg.url()))
        session = await ExplorerSession.open("outage", config)
        assert isinstance((await ask(session, "Describe the supplier table"))[-1], AgentEvent)
        pg.stop()
        started = time.monotonic()
        events = await ask(session, "Who owns it?")
        assert time.monotonic() - started < 20
        assert [e.kind for e in events[-2:]] == ["agent", "notice"]  # the answer, then why it is not kept
        notice = events[-1]
        assert isinstance(notice, NoticeEvent) and notice.code == "not_saved"
        assert "could not be saved" in notice.content and pg.password not in notice.content
        with pytest.raises(StoreError):
            await asyncio.wait_for(ExplorerSession.open("another", config), 20)
        config.store.close()
