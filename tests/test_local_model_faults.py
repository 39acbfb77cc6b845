"""Self-hosted model servers that fail as real ones do: the answer ends with a clear error or a
repaired call, never a hang; `mcop doctor` names what to change. Tiny scripted servers, no model."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from local_model import FakeServer, Hang, Json, Reply, Request, Stream, free_port, message, tool_call, words
from pydantic_ai import models

from benchmarks.real_model.run import main as real_model_benchmark
from mcop_kernel.cli import main
from mcop_kernel.config import session_config
from mcop_kernel.protocol import AgentEvent, ErrorEvent, Event, PartialEvent, ToolEvent
from mcop_kernel.providers import looks_like_call, parse_tool_calls
from mcop_kernel.session import ExplorerSession

TOOLS = frozenset({"list_tables", "describe_table"})
NO_STREAMED_TOOLS = {"error": {"message": "Automatic streaming tool choice is not supported", "code": 500}}


@pytest.fixture(autouse=True)
def real_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models, "ALLOW_MODEL_REQUESTS", True)
    monkeypatch.delenv("MCOP_MODEL_SETTINGS", raising=False)
    monkeypatch.setenv("COLUMNS", "200")


ASKED: dict[str, float] = {}


async def answer(
    url: str, monkeypatch: pytest.MonkeyPatch, *questions: str, timeout: float = 10
) -> list[Event]:
    """The events of `questions` asked in turn of `openai-chat:fake` at `url`; the seconds the asking
    took go to ASKED["seconds"]."""
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    session = await ExplorerSession.open(
        "faults", session_config("openai-chat:fake", "sample", timeout=timeout)
    )
    began = time.monotonic()
    try:
        return [event for question in questions async for event in session.ask(question)]
    finally:
        ASKED["seconds"] = time.monotonic() - began
        await session.close()


def has_tool_message(request: Request) -> bool:
    return any(m.get("role") == "tool" for m in request.body.get("messages", []))


def scripted(first: Callable[[Request], Reply], then: str) -> Callable[[Request], Reply]:
    """`first` until a tool's result comes back, then `then` (streamed or whole, as asked)."""

    def reply(request: Request) -> Reply:
        if not has_tool_message(request):
            return first(request)
        return words(then) if request.body.get("stream") else message(then)

    return reply


async def test_a_server_that_is_down_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    events = await answer(f"http://127.0.0.1:{free_port()}/v1", monkeypatch, "Show me all tables")
    assert isinstance(events[-1], ErrorEvent)
    assert "Could not reach the model server at http://127.0.0.1:" in events[-1].content
    assert "connection refused" in events[-1].content
    assert ASKED["seconds"] < 8


async def test_a_500_says_what_the_server_said_and_what_to_run(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeServer(lambda request: Json(500, {"error": {"message": "llama_decode returned -1"}})) as fake:
        events = await answer(fake.url, monkeypatch, "Show me all tables")
    error = events[-1]
    assert isinstance(error, ErrorEvent)
    assert f"The model server at {fake.url} answered HTTP 500: llama_decode returned -1." in error.content
    assert "mcop doctor --model openai-chat:fake" in error.content


async def test_a_server_that_hangs_ends_in_the_answer_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeServer(lambda request: Hang(20)) as fake:
        events = await answer(fake.url, monkeypatch, "Show me all tables", timeout=1.5)
    assert isinstance(events[-1], ErrorEvent) and events[-1].code == "timeout"
    assert ASKED["seconds"] < 8


async def test_a_tool_call_printed_as_text_becomes_the_call(monkeypatch: pytest.MonkeyPatch) -> None:
    printed = words('```json\n{"name": "list_tables", "arguments": {}}\n```')
    with FakeServer(scripted(lambda request: printed, "The catalog lists its tables above.")) as fake:
        events = await answer(fake.url, monkeypatch, "Show me all tables")
    assert [e.tool_name for e in events if isinstance(e, ToolEvent)] == ["list_tables"]
    assert not any('"name"' in e.text for e in events if isinstance(e, PartialEvent)), "the call was shown"
    final = events[-1]
    assert isinstance(final, AgentEvent) and final.content.strip() == "The catalog lists its tables above."
    assert '"tool_calls"' in json.dumps(fake.requests[-1].body), "the repaired call goes back as a call"


async def test_json_naming_no_tool_of_ours_is_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeServer(lambda request: words('{"name": "weather", "arguments": {"city": "Oslo"}}')) as fake:
        events = await answer(fake.url, monkeypatch, "What is the weather?")
    final = events[-1]
    assert isinstance(final, AgentEvent) and '"weather"' in final.content
    assert not any(isinstance(e, ToolEvent) for e in events)


async def test_a_server_that_cannot_stream_tools_is_asked_again_unstreamed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def reply(request: Request) -> Reply:
        if request.body.get("stream") and request.body.get("tools"):
            return Json(500, NO_STREAMED_TOOLS)
        if has_tool_message(request):
            return message("There are several tables in the catalog.")
        return message(None, [tool_call("list_tables", {})])

    with FakeServer(reply) as fake:
        events = await answer(fake.url, monkeypatch, "Show me all tables", "And again?")
    partials = [e for e in events if isinstance(e, PartialEvent)]
    assert len(partials) > 2, "the text still arrives in pieces"
    finals = [e for e in events if isinstance(e, AgentEvent)]
    assert [f.content for f in finals] == ["There are several tables in the catalog."] * 2
    streamed = [bool(r.body.get("stream")) for r in fake.requests]  # the client retries a 500 once
    assert streamed.count(False) == 3 and streamed == sorted(streamed, reverse=True), "refusal remembered"


async def test_assistant_turns_carry_empty_text_not_null(monkeypatch: pytest.MonkeyPatch) -> None:
    def reply(request: Request) -> Reply:  # llama.cpp's server: HTTP 500 on `content: null`
        turns = request.body["messages"]
        if any(m["role"] == "assistant" and m.get("content") is None for m in turns):
            return Json(500, {"error": {"message": "'NoneType' object is not subscriptable"}})
        if has_tool_message(request):
            return words("Done.")
        return calling(request, tool_call("list_tables", {}))

    with FakeServer(reply) as fake:
        events = await answer(fake.url, monkeypatch, "Show me all tables", "Which of them holds suppliers?")
    assert [type(e).__name__ for e in events if isinstance(e, AgentEvent | ErrorEvent)] == ["AgentEvent"] * 2
    follow_up = fake.requests[-1].body["messages"]
    assert any(m.get("content") == "Show me all tables" for m in follow_up), "the history goes along"
    turns = [m for m in follow_up if m["role"] == "assistant" and m.get("tool_calls")]
    assert turns and turns[0]["content"] == ""


@pytest.mark.parametrize(
    ("text", "calls"),
    [
        ('{"name": "list_tables", "arguments": {}}', ["list_tables"]),
        (
            '<tool_call>\n{"name": "describe_table", "arguments": {"table": "x"}}\n</tool_call>',
            ["describe_table"],
        ),
        ('[TOOL_CALLS] [{"name": "list_tables", "arguments": "{}"}]', ["list_tables"]),
        (
            '{"type": "function", "function": {"name": "describe_table", "parameters": {"table": "x"}}}',
            ["describe_table"],
        ),
        ('<function=describe_table>{"table": "x"}</function>', ["describe_table"]),
        ('{"name": "drop_table", "arguments": {}}', []),
        ('{"name": "list_tables", "arguments": {}} and then some words', []),
        ("The tables are listed below.", []),
    ],
)
def test_printed_calls_are_read_only_when_they_are_wholly_our_tools(text: str, calls: list[str]) -> None:
    assert [call.tool_name for call in parse_tool_calls(text, TOOLS)] == calls


@pytest.mark.parametrize(
    ("start", "verdict"),
    [
        ("", None),
        ("  {", True),
        ("```", None),
        ("```json\n", None),
        ("```json\n{", True),
        ("```python", False),
        ("[", None),
        ("[{", True),
        ("[Suppliers](x)", False),
        ("<tool", None),
        ("The", False),
    ],
)
def test_text_is_held_back_only_while_it_may_be_a_call(start: str, verdict: bool | None) -> None:
    assert looks_like_call(start) is verdict


def calling(request: Request, call: dict[str, Any]) -> Reply:
    """A reply calling `call`, streamed when the request asks for a stream."""
    if request.body.get("stream"):
        return Stream([{"tool_calls": [call | {"index": 0}]}], finish="tool_calls")
    return message(None, [call])


def healthy(request: Request) -> Reply:
    if request.body.get("tools") and not has_tool_message(request):
        return calling(request, tool_call("describe_table", {"table": "suppliers"}))
    return words("Hello there, steward.") if request.body.get("stream") else message("Fine.")


def doctor(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str]:
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    code = main(["doctor", "--model", "openai-chat:fake", "--timeout", "2", *args])
    return code, capsys.readouterr().out


def test_doctor_passes_a_server_that_does_everything(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeServer(healthy) as fake:
        code, out = doctor(fake.url, monkeypatch, capsys)
    assert code == 0, out
    assert out.count("✓") == 6 and "The explorer can use this model." in out


def test_doctor_names_the_flag_for_tool_calls_printed_as_text(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def printing(request: Request) -> Reply:
        if request.body.get("tools") and not has_tool_message(request):
            text = '{"name": "describe_table", "arguments": {"table": "suppliers"}}'
            return words(text) if request.body.get("stream") else message(text)
        return healthy(request)

    with FakeServer(printing) as fake:
        code, out = doctor(fake.url, monkeypatch, capsys)
    assert "came back printed as text" in out and "--enable-auto-tool-choice --tool-call-parser" in out
    assert code == 0, "MCOP repairs such calls: a warning, not a failure"


def test_doctor_fails_a_server_that_ignores_tools(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeServer(lambda r: words("I cannot.") if r.body.get("stream") else message("I cannot.")) as fake:
        code, out = doctor(fake.url, monkeypatch, capsys)
    assert code == 1
    assert "✗ tool call" in out and "no tool call came back" in out and "--jinja" in out


def test_doctor_reports_each_quirk_the_explorer_works_around(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def quirky(request: Request) -> Reply:
        if request.body.get("stream") and request.body.get("tools"):
            return Json(500, NO_STREAMED_TOOLS)
        if any(m["role"] == "assistant" and m.get("content") is None for m in request.body["messages"]):
            return Json(500, {"error": {"message": "content must be a string"}})
        return healthy(request)

    with FakeServer(quirky) as fake:
        code, out = doctor(fake.url, monkeypatch, capsys)
    assert code == 0, out
    assert (
        "MCOP asks such turns unstreamed" in out and 'content: null beside tool calls; MCOP sends ""' in out
    )


@pytest.mark.parametrize(
    ("where", "says", "fix"),
    [
        ("down", "nothing answers at", "set OPENAI_BASE_URL to its address"),
        ("no-v1", "not OpenAI's list of models", "ending in /v1"),
        ("hangs", "no answer within 2s", "longer --timeout"),
        ("other-model", "fake is not served (served: llama3)", "Use --model openai-chat:llama3"),
    ],
)
def test_doctor_says_what_to_change(
    where: str, says: str, fix: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if where == "down":
        code, out = doctor(f"http://127.0.0.1:{free_port()}/v1", monkeypatch, capsys)
    else:
        answer: Callable[[Request], Reply] = (lambda r: Hang(10)) if where == "hangs" else healthy
        if where == "other-model":
            answer = lambda r: Json(404, {"error": {"message": "model 'fake' not found"}})  # noqa: E731
        with FakeServer(answer, model="llama3" if where == "other-model" else "fake") as fake:
            code, out = doctor(
                fake.url.removesuffix("/v1") if where == "no-v1" else fake.url, monkeypatch, capsys
            )
    assert code == 1
    assert says in out and fix in out


async def test_a_small_model_profile_offers_few_tools_once_then_hands_it_the_results_as_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A server whose template drops `tool` messages (llama-cpp-python's) still shows the model what the
    tool returned: after the one round of calls the tools are withdrawn and the results go as text."""
    monkeypatch.setenv("MCOP_MODEL_SETTINGS", '{"tools": "compact", "max_tool_rounds": 1, "max_tokens": 64}')

    def reply(request: Request) -> Reply:
        if request.body.get("tools"):  # it would call tools for ever if it could
            return message(tool_calls=[tool_call("describe_table", {"table": "dimv_bs_currency"})])
        return words("dimv_bs_currency holds currency_code and exchange_rate_to_eur.")

    with FakeServer(reply) as fake:
        events = await answer(fake.url, monkeypatch, "Describe dimv_bs_currency")
    assert isinstance(events[-1], AgentEvent), events[-1]
    assert [e.tool_name for e in events if isinstance(e, ToolEvent)] == ["describe_table"]
    offered = [r.body for r in fake.requests if r.body.get("tools")]
    assert offered and len({t["function"]["name"] for t in offered[0]["tools"]}) == 6, "the compact tools"
    last = fake.requests[-1].body
    assert "tools" not in last and last.get("max_tokens") == 64, "answering, with llama.cpp's max_tokens"
    assert not has_tool_message(fake.requests[-1])
    said = last["messages"][-1]
    assert said["role"] == "user" and "exchange_rate_to_eur" in said["content"], said
    assert said["content"].rstrip().endswith("Question: Describe dimv_bs_currency")
    assert '"' not in said["content"].split("Question:")[0], "plain text, no JSON quotes to escape"


@pytest.mark.parametrize(
    ("reply", "column"),
    [
        (lambda request: Json(500, {"error": {"message": "llama_decode returned -1"}}), "errors"),
        (lambda request: words("I could not say."), "wrong"),
    ],
    ids=["server-fails", "model-wrong"],
)
def test_the_real_model_benchmark_tells_failures_of_the_path_from_wrong_answers(
    reply: Callable[[Request], Reply],
    column: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """The same questions go to the offline model and to the one named; a server's failure is counted
    as an error, apart from an answer that is only wrong."""
    with FakeServer(reply) as fake:
        monkeypatch.setenv("OPENAI_BASE_URL", fake.url)
        argv = [
            "--model",
            "openai-chat:fake",
            "--family",
            "counts",
            "--per-family",
            "2",
            "--out",
            str(tmp_path),
        ]
        assert real_model_benchmark(argv) == 0
    out = capsys.readouterr().out
    header, *_, overall = [
        line.split() for line in out.splitlines() if line.startswith(("family", "overall"))
    ]
    assert header == ["family", "cases", "offline", "openai-chat:fake", "errors", "timeouts"]
    cases, offline, passed, errors, timeouts = map(int, overall[1:])
    assert (cases, offline, passed, timeouts) == (2, 2, 0, 0), out
    assert errors == (2 if column == "errors" else 0), out
    if column == "errors":
        assert "llama_decode returned -1" in out, "the first errors are shown"
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert (
        summary["offline"]["overall"]["passed"] == 2 and summary["openai-chat:fake"]["overall"]["passed"] == 0
    )
    asked = [r for r in fake.requests if r.path.endswith("/chat/completions")]
    assert len(asked) >= 2, "each question went to the server"
