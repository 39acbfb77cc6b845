"""ChatWidget: kernel mode end to end with the front end played by the test, the Mermaid the extension
serves for it, and its JavaScript (syntax, the safe Markdown renderer and the view, under jsdom)."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from mcop_extension import assets
from tornado.httpclient import HTTPResponse
from tornado.websocket import WebSocketClientConnection
from ws_client import ask

from mcop_kernel import ChatWidget, ConfigError
from mcop_kernel.config import synthetic_model
from mcop_kernel.protocol_messages import decode, wire
from mcop_kernel.widget import STATIC, close_kernel_sessions

REPO = Path(__file__).resolve().parent.parent
RELATIONSHIPS = "Show relationships between fact_bs_purchase_order and suppliers"
FINAL = ("agent", "error")


class FrontEnd:
    """Plays the browser's part for one view of a widget: sends what chat.js sends, keeps what the
    widget sends back to this view."""

    def __init__(self, widget: ChatWidget, sent: list[dict[str, Any]], view: str = "view-1"):
        self.widget, self.sent, self.view = widget, sent, view

    def post(self, **content: Any) -> None:
        self.widget._handle_custom_msg({**content, "view": self.view}, [])

    def attach(self) -> None:
        self.post(type="use_kernel")

    def ask(self, question: str) -> None:
        self.post(content=question)

    def mine(self) -> list[dict[str, Any]]:
        return [m for m in self.sent if m["view"] == self.view]

    def messages(self) -> list[dict[str, Any]]:
        """The v2 protocol messages this view was sent."""
        return [m["message"] for m in self.mine() if m["kind"] == "message"]

    async def history(self) -> dict[str, Any]:
        await until(lambda: any(m["kind"] in ("history", "failed") for m in self.mine()))
        return next(m for m in self.mine() if m["kind"] in ("history", "failed"))

    async def answer(self, count: int = 1, timeout: float = 10) -> list[dict[str, Any]]:
        """The messages up to this view's `count`-th final (`agent` or `error` with a seq)."""
        await until(lambda: len(self.finals()) >= count, timeout)
        end = self.messages().index(self.finals()[count - 1])
        return self.messages()[: end + 1]

    def finals(self) -> list[dict[str, Any]]:
        return [m for m in self.messages() if m["type"] in FINAL and "seq" in m]


async def until(condition: Callable[[], bool], timeout: float = 10) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.005)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Everything any ChatWidget of the test sent to its front end (`widget.send`)."""
    messages: list[dict[str, Any]] = []

    def send(self: ChatWidget, content: dict[str, Any], buffers: Any = None) -> None:
        json.dumps(content)  # what a comm carries must be JSON
        messages.append(content)

    monkeypatch.setattr(ChatWidget, "send", send)
    return messages


@pytest.fixture(autouse=True)
def kernel_sessions(jp_asyncio_loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    yield
    jp_asyncio_loop.run_until_complete(close_kernel_sessions())


def front_end(sent: list[dict[str, Any]], view: str = "view-1", **settings: Any) -> FrontEnd:
    return FrontEnd(ChatWidget(**settings), sent, view)


def deltas(messages: list[dict[str, Any]]) -> str:
    return "".join(m["delta"] for m in messages if m["type"] == "agent_partial")


# ---------------------------------------------------------------------------- the Python side


def test_settings_are_checked_and_shown() -> None:
    widget = ChatWidget()
    assert len(widget.session_id) == 12 and widget.mode == "auto"
    assert repr(widget) == f"ChatWidget(session_id={widget.session_id!r}, mode='auto')"
    assert ChatWidget(model=" offline:5 ", catalog="sample").model_setting == "offline:5"
    assert ChatWidget(model=synthetic_model(3)).mode == "kernel"  # a Model object cannot go to the server
    with pytest.raises(ValueError, match="session id"):
        ChatWidget(session_id="../etc")
    with pytest.raises(ValueError, match="mode"):
        ChatWidget(mode="browser")  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        ChatWidget(mode="kernel", model="no-such-model")


def test_the_front_end_travels_as_a_file_without_mermaid() -> None:
    esm = str(ChatWidget()._esm)  # the synced text of static/chat.js
    assert esm == (STATIC / "chat.js").read_text()
    assert "static/mcop_extension/mermaid.min.js" in esm
    assert len(esm) < 100_000  # Mermaid (3.6 MB) is loaded by the page, never inlined


async def test_kernel_mode_streams_the_servers_v2_messages(sent: list[dict[str, Any]]) -> None:
    page = front_end(sent, session_id="k-stream", mode="kernel")
    page.attach()
    history = await page.history()
    assert history == {
        "kind": "history",
        "view": "view-1",
        "session_id": "k-stream",
        "busy": False,
        "exchanges": [],
        "catalog": "Sample procurement catalog (71 tables, bundled)",
    }
    page.ask(RELATIONSHIPS)
    answer = await page.answer()
    kinds = [m["type"] for m in answer]
    assert kinds[0] == "user" and answer[0]["content"] == RELATIONSHIPS
    assert "agent_partial" in kinds and kinds[-1] == "agent"
    starts = [m for m in answer if m["type"] == "tool_start"]
    results = [m for m in answer if m["type"] == "tool"]
    assert [m["tool_name"] for m in starts] == [m["tool_name"] for m in results]
    assert "show_er_diagram" in [m["tool_name"] for m in starts]
    assert all(s["tool_call_id"] == r["tool_call_id"] for s, r in zip(starts, results, strict=True))
    assert isinstance(starts[0]["args"], dict)
    seqs = [m["seq"] for m in answer]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    final = answer[-1]
    assert deltas(answer) == final["content"]
    assert final["diagram"].startswith("erDiagram")
    assert [wire(decode(m)) for m in answer] == answer  # each one of the protocol's server messages


async def test_kernel_and_server_send_the_same_events(
    sent: list[dict[str, Any]], mcop_ws: Callable[..., Awaitable[WebSocketClientConnection]]
) -> None:
    page = front_end(sent, session_id="same-events", mode="kernel")
    page.attach()
    page.ask(RELATIONSHIPS)
    from_kernel = await page.answer()
    ws = await mcop_ws("same-events", params={"protocol": "2"})
    from_server = await ask(ws, RELATIONSHIPS)

    def shape(messages: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str]:
        others = [
            {k: v for k, v in m.items() if k != "seq"} for m in messages if m["type"] != "agent_partial"
        ]
        return others, deltas(messages)

    assert shape(from_kernel) == shape(from_server)


async def test_partials_are_coalesced_for_the_comm(sent: list[dict[str, Any]]) -> None:
    page = front_end(sent, session_id="k-coalesced", mode="kernel", model="synthetic:2000:0")
    page.attach()
    page.ask("go")
    answer = await page.answer()
    partials = [m for m in answer if m["type"] == "agent_partial"]
    assert answer[-1]["content"].count("token") == 2000
    assert deltas(answer) == answer[-1]["content"]
    assert 1 <= len(partials) < 100, f"{len(partials)} comm messages for 2,000 tokens"


async def test_stop_cancels_the_answer_and_the_session_goes_on(sent: list[dict[str, Any]]) -> None:
    page = front_end(sent, session_id="k-cancel", mode="kernel", model="synthetic:2000:5")
    page.attach()
    page.ask("a long answer")
    await until(lambda: any(m["type"] == "agent_partial" for m in page.messages()))
    page.post(type="cancel")
    stopped = await page.answer()
    assert stopped[-1] == {
        "type": "error",
        "content": "Answer cancelled.",
        "code": "cancelled",
        "seq": stopped[-1]["seq"],
    }
    assert 0 < deltas(stopped).count("token") < 2000
    page.post(type="cancel")
    await until(lambda: page.messages()[-1].get("code") == "nothing_to_cancel")


async def test_bad_input_gets_an_error_message_not_an_exception(sent: list[dict[str, Any]]) -> None:
    page = front_end(sent, session_id="k-refusals", mode="kernel")
    page.attach()
    await page.history()
    for frame in (
        {"content": ""},
        {"content": "   "},
        {"content": 42},
        {},
        {"type": "dance"},
        {"content": "x" * 5000},
    ):
        page.post(**frame)
    page.widget._handle_custom_msg("not an object", [])
    page.widget._handle_custom_msg(["nor", "this"], [])
    await until(lambda: len(page.messages()) == 6)
    codes = [m["code"] for m in page.messages()]
    assert codes == [
        "empty_content",
        "empty_content",
        "content_not_string",
        "missing_content",
        "unknown_type",
        "content_too_long",
    ]
    assert page.messages()[0] == {"type": "error", "content": "Empty message", "code": "empty_content"}
    assert all("seq" not in m for m in page.messages())  # refusals are not part of the session
    page.ask("Describe dimv_bs_supplier")  # and the session still answers
    assert (await page.answer())[-1]["type"] == "agent"


async def test_a_new_widget_for_the_session_shows_its_history(sent: list[dict[str, Any]]) -> None:
    first = front_end(sent, session_id="k-history", mode="kernel")
    first.attach()
    first.ask(RELATIONSHIPS)
    answered = (await first.answer())[-1]
    first.ask("")

    again = front_end(sent, "view-2", session_id="k-history", mode="kernel")
    again.attach()
    history = await again.history()
    [exchange] = history["exchanges"]
    assert exchange["question"] == RELATIONSHIPS
    assert exchange["answer"] == answered["content"] and exchange["diagram"] == answered["diagram"]
    assert "show_er_diagram" in [tool["tool_name"] for tool in exchange["tools"]]
    assert exchange["error"] is None
    await asyncio.sleep(0.1)
    assert again.messages() == []  # what the history holds is not sent again
    first.ask("who owns it?")  # the same conversation: both views see the follow-up
    follow_up = await again.answer()
    assert follow_up[0] == {"type": "user", "content": "who owns it?", "seq": follow_up[0]["seq"]}
    assert follow_up[-1] == (await first.answer(2))[-1]


async def test_a_view_that_arrives_mid_answer_gets_it_from_its_start(sent: list[dict[str, Any]]) -> None:
    first = front_end(sent, session_id="k-midway", mode="kernel", model="synthetic:300:2")
    first.attach()
    first.ask("go")
    await until(lambda: len(first.messages()) >= 3)
    late = FrontEnd(first.widget, sent, "view-late")  # the same widget displayed a second time
    late.attach()
    history = await late.history()
    assert history["busy"] is True and history["exchanges"] == []
    answer = await late.answer()
    assert answer[0] == {"type": "user", "content": "go", "seq": answer[0]["seq"]}
    assert deltas(answer) == answer[-1]["content"] and answer[-1]["content"].count("token") == 300


async def test_a_detached_view_is_sent_nothing_more(sent: list[dict[str, Any]]) -> None:
    page = front_end(sent, session_id="k-detach", mode="kernel", model="synthetic:200:2")
    other = FrontEnd(page.widget, sent, "view-2")
    page.attach()
    other.attach()
    page.ask("go")
    await until(lambda: len(page.messages()) >= 2)
    other.post(type="detach")
    await page.answer()
    count = len(other.messages())
    assert count < len(page.messages())
    await asyncio.sleep(0.05)
    assert len(other.messages()) == count


async def test_a_kernel_that_cannot_run_the_explorer_says_why(
    sent: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AZURE_OPENAI_API_KEY", raising=False)
    page = front_end(sent, session_id="k-failed", model="azure:my-deployment")  # "auto": checked later
    page.attach()
    failed = await page.history()
    assert failed["kind"] == "failed" and "AZURE_OPENAI_API_KEY" in failed["content"]


# ---------------------------------------------------------------------------- Mermaid, served


async def test_the_extension_serves_mermaid(jp_fetch: Callable[..., Awaitable[HTTPResponse]]) -> None:
    response = await jp_fetch("static", "mcop_extension", "mermaid.min.js")
    assert response.code == 200
    assert "javascript" in response.headers["Content-Type"]
    assert len(response.body) > 1_000_000
    assert b'globalThis["mermaid"]' in response.body[-2000:]


def test_mermaid_comes_from_the_wheel_copy_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert assets.mermaid_dirs() == [str(assets.DEVELOPMENT)]  # this checkout: npm's copy
    packaged = tmp_path / "static"
    packaged.mkdir()
    (packaged / assets.MERMAID).write_text("// packaged")
    monkeypatch.setattr(assets, "PACKAGED", packaged)
    assert assets.mermaid_dirs() == [str(packaged)]
    monkeypatch.setattr(assets, "PACKAGED", tmp_path / "none")
    monkeypatch.setattr(assets, "DEVELOPMENT", tmp_path / "none")
    assert assets.mermaid_dirs() == []


# ---------------------------------------------------------------------------- the JavaScript


def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.fail("Node.js is needed to check the widget's JavaScript: install Node 20 or later.")
    return found


def test_chat_js_is_a_valid_es_module() -> None:
    source = (STATIC / "chat.js").read_text()
    done = subprocess.run(
        [node(), "--input-type=module", "--check"], input=source, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def test_front_end_under_jsdom() -> None:
    """tests/widget_front_end.test.mjs: the Markdown renderer (XSS stays text) and the view, driven
    like the kernel drives it."""
    if not (REPO / "node_modules" / "jsdom" / "package.json").is_file():
        pytest.fail(f"node_modules/jsdom is missing: run `npm ci` in {REPO}")
    done = subprocess.run(
        [node(), "--test", str(REPO / "tests" / "widget_front_end.test.mjs")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stdout + done.stderr
