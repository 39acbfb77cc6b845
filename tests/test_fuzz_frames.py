"""Client frames fuzzed with Hypothesis against a real Jupyter server with the extension: whatever a
client sends, it gets an error message or a standard close code, and the session keeps answering.

Frames: random JSON, objects of the right shape with wrong types, numbers too long for `int()`,
lone surrogates, text frames that are not UTF-8, binary frames, frames over the size limit,
unknown message types, on v1 and v2. Bounded: a fixed number of examples, each with short timeouts.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tornado.httpclient import HTTPResponse
from tornado.websocket import WebSocketClientConnection
from ws_client import ask, receive, sessions_in
from ws_client import both_modes as jp_server_config

from mcop_kernel.protocol import ProtocolError, parse

Fetch = Callable[..., Awaitable[HTTPResponse]]
Connect = Callable[..., Awaitable[WebSocketClientConnection]]
__all__ = ["jp_server_config", "sessions_in"]  # every test with a server runs in both modes

SESSION = "fuzzed"
STANDARD_CLOSES = {1003, 1007, 1008, 1009}
"""Unsupported data, not UTF-8, policy, too big (RFC 6455 section 7.4.1)."""
KNOWN_TYPES = {"user", "agent_partial", "tool_start", "tool", "agent", "error", "queued"}
EXAMPLES = 100


@dataclass(frozen=True)
class Frame:
    """What a client sends: text, raw bytes in a text frame (`raw`), or a binary frame."""

    data: str | bytes
    raw: bool = False


scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
surrogates = st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=3)
contents = (
    values
    | st.text(max_size=50)
    | st.builds(lambda a, s, b: a + s + b, st.text(max_size=8), surrogates, st.text(max_size=8))
)
types = st.sampled_from(["ask", "cancel", "resume", "", "ASK", "dance", "resume "]) | values
objects = st.fixed_dictionaries(
    {},
    optional={
        "type": types,
        "content": contents,
        "last_seq": st.integers(min_value=-(2**70), max_value=2**70) | values,
    },
)


def _json(value: Any) -> str:
    return json.dumps(value)  # ASCII escapes: a lone surrogate travels as "\ud800", as JSON allows


def _huge_number(kind: str, digits: int) -> str:
    field = '"last_seq"' if kind == "resume" else '"content"'
    return f'{{"type": "{kind}", {field}: {"9" * digits}}}'


def _not_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


frames = st.one_of(
    objects.map(lambda o: Frame(_json(o))),
    values.map(lambda v: Frame(_json(v))),
    st.text(max_size=60).map(Frame),
    st.builds(_huge_number, st.sampled_from(["resume", "ask"]), st.integers(4_000, 6_000)).map(Frame),
    st.binary(max_size=60).filter(_not_utf8).map(lambda b: Frame(b, raw=True)),
    st.binary(max_size=60).map(lambda b: Frame(b)),
    st.integers(60 * 1024, 70 * 1024).map(lambda n: Frame(_json({"content": "x" * n}))),
)


async def send(ws: WebSocketClientConnection, frame: Frame) -> None:
    if frame.raw:
        assert ws.protocol is not None
        await ws.protocol._write_frame(True, 0x1, frame.data)  # type: ignore[attr-defined]
    else:
        await ws.write_message(frame.data, binary=isinstance(frame.data, bytes))


async def replies_until(ws: WebSocketClientConnection, marker: str) -> list[dict[str, Any]] | None:
    """Every message up to the refusal of the probe frame carrying `marker`; None if the server closed."""
    got: list[dict[str, Any]] = []
    for _ in range(2_000):
        text = await asyncio.wait_for(ws.read_message(), 5)
        if text is None:
            return None
        assert isinstance(text, str)
        message = json.loads(text)
        assert isinstance(message, dict) and message.get("type") in KNOWN_TYPES, message
        got.append(message)
        if message["type"] == "error" and marker in message["content"]:
            return got
    raise AssertionError("the probe's refusal never came")


async def check(mcop_ws: Connect, frame: Frame, version: int, n: int) -> None:
    ws = await mcop_ws(SESSION, params={"protocol": str(version)})
    try:
        await send(ws, frame)
        marker = f"probe-{n}"
        await ws.write_message(json.dumps({"type": marker}))  # refused with its name: a round trip
        replies = await replies_until(ws, marker)
        if replies is None:
            assert ws.close_code in STANDARD_CLOSES, (ws.close_code, ws.close_reason)
            return
        try:
            parse(frame.data)
        except ProtocolError as refused:  # its refusal came before the probe's (after any answer in flight)
            errors = [m for m in replies[:-1] if m["type"] == "error"]
            assert errors, replies
            if version == 2:
                assert refused.code in [m["code"] for m in errors], (errors, refused.code)
    finally:
        ws.close()


def test_fuzzed_frames_get_an_error_or_a_standard_close_and_the_session_answers(
    jp_asyncio_loop: asyncio.AbstractEventLoop,
    mcop_ws: Connect,
    jp_fetch: Fetch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    count = iter(range(10**6))

    async def ready() -> None:  # the session's kernel has started, before the examples' short waits
        ws = await mcop_ws(SESSION)
        await ws.write_message(json.dumps({"type": "probe-ready"}))
        assert (await receive(ws))["type"] == "error"
        ws.close()

    jp_asyncio_loop.run_until_complete(ready())

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @given(frame=frames, version=st.sampled_from([1, 2]))
    def one_frame(frame: Frame, version: int) -> None:
        jp_asyncio_loop.run_until_complete(asyncio.wait_for(check(mcop_ws, frame, version, next(count)), 30))

    one_frame()

    async def still_answers() -> None:
        for _ in range(200):  # questions the fuzzer happened to ask finish first (bounded)
            transcript = json.loads((await jp_fetch("mcop", "api", "sessions", SESSION, "transcript")).body)
            if not transcript["busy"]:
                break
            await asyncio.sleep(0.1)
        ws = await mcop_ws(SESSION)
        assert (await ask(ws, "who owns the supplier table?", timeout=20))[-1]["type"] == "agent"
        saved = json.loads((await jp_fetch("mcop", "api", "sessions", SESSION, "transcript")).body)
        assert saved["exchanges"][-1]["question"] == "who owns the supplier table?"
        assert saved["exchanges"][-1]["error"] is None

    jp_asyncio_loop.run_until_complete(asyncio.wait_for(still_answers(), 60))
    failures = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not failures, failures[:3]  # no uncaught exception, no failed save
