"""`mcop doctor --model MODEL`: checks a model server as the explorer will use it, one line per check
and, for each that fails, one line saying what to change.

The checks, in order: the server answers, it serves the model, text streams, a tool call comes back
structured (without and with streaming), and a conversation carrying a tool's result is accepted.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from .doctor_http import Refused, post, stream, streamed_calls
from .errors import ConfigError
from .printed_calls import parse_tool_calls
from .secrets import redact
from .server_refusals import TOOL_FLAGS

__all__ = ["Check", "Endpoint", "diagnose", "endpoint", "run_doctor"]

Status = Literal["ok", "warn", "fail", "skip"]
TOOL = {
    "type": "function",
    "function": {
        "name": "describe_table",
        "description": "Describe one table of the data catalog: its columns, owner and description.",
        "parameters": {
            "type": "object",
            "properties": {"table": {"type": "string", "description": "the table's name"}},
            "required": ["table"],
        },
    },
}
ASK_TOOL = [
    {"role": "system", "content": "You answer questions about a data catalog. Use the tools."},
    {"role": "user", "content": "Describe the table named suppliers."},
]
RESULT = '{"table": "suppliers", "columns": ["supplier_id", "name", "country"], "owner": "Procurement"}'


@dataclass
class Check:
    name: str
    status: Status
    detail: str
    fix: str = ""


@dataclass
class Endpoint:
    """Where a model string points: an OpenAI-compatible API at `base_url` serving `model`."""

    spec: str
    base_url: str
    model: str
    api_key: str = field(repr=False)
    ollama: bool = False

    @property
    def prefix(self) -> str:
        return "ollama" if self.ollama else "openai-chat"

    def start_hint(self) -> str:
        if self.ollama:
            return "Start Ollama (`ollama serve`), or set OLLAMA_BASE_URL to its address (ending in /v1)."
        return "Start the server, or set OPENAI_BASE_URL to its address (ending in /v1)."


def endpoint(spec: str | None) -> Endpoint | None:
    """The endpoint a model setting names; None for the offline models (nothing to check)."""
    from .config import OLLAMA_DEFAULT_URL, model_label

    spec = model_label(spec)
    provider, _, name = spec.partition(":")
    if provider in ("offline", "synthetic"):
        return None
    if provider == "ollama" and name:
        base = os.environ.get("OLLAMA_BASE_URL") or OLLAMA_DEFAULT_URL
        return Endpoint(spec, base.rstrip("/"), name, os.environ.get("OLLAMA_API_KEY") or "ollama", True)
    if provider == "openai-chat" and name:
        base = os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1"
        return Endpoint(spec, base.rstrip("/"), name, os.environ.get("OPENAI_API_KEY") or "not-needed")
    raise ConfigError(
        f"mcop doctor checks OpenAI-compatible servers, not {spec!r}: use openai-chat:MODEL (with "
        "OPENAI_BASE_URL, e.g. http://localhost:8000/v1) or ollama:MODEL (with OLLAMA_BASE_URL)."
    )


def _tool_verdict(name: str, calls: list[dict[str, Any]], text: str, how: str) -> Check:
    """A tool-call check from the calls and the text a tool-offering request brought back."""
    for call in calls:
        function = call.get("function", call)
        try:
            args = json.loads(function.get("arguments") or "{}")
        except ValueError:
            return Check(name, "fail", f"the call's arguments are not JSON: {function.get('arguments')!r}")
        if function.get("name") == "describe_table" and isinstance(args, dict):
            return Check(name, "ok", f"describe_table({json.dumps(args)}) {how}")
    if parse_tool_calls(text, frozenset({"describe_table"})):
        return Check(
            name,
            "warn",
            f"the tool call came back printed as text {how}; MCOP repairs such calls",
            TOOL_FLAGS,
        )
    said = f": {text.strip()[:80]!r}" if text.strip() else ""
    return Check(
        name,
        "fail",
        f"no tool call came back {how}{said}",
        f"Tool calls must come back structured: {TOOL_FLAGS}; or use a model trained for tools.",
    )


async def diagnose(target: Endpoint, timeout: float = 30.0) -> list[Check]:
    """Every check against `target`, each request bounded by `timeout` seconds."""
    # A fresh connection per request: a server may close one after an error it answered (llama.cpp's)
    headers = {"Authorization": f"Bearer {target.api_key}", "Connection": "close"}
    limits = httpx.Timeout(timeout, connect=min(timeout, 5.0))
    async with httpx.AsyncClient(base_url=target.base_url, headers=headers, timeout=limits) as client:
        reached, ids = await _reachable(client, target)
        if ids is None:
            return [reached]
        steps: list[Callable[[httpx.AsyncClient, Endpoint, float], Awaitable[Check]]] = [
            _text_streams,
            _tool_call,
            _streamed_tool_call,
            _tool_result,
        ]
        checks: list[Check] = []
        for step in steps:
            if any(check.detail.startswith("no answer within") for check in checks):
                checks.append(Check(_name(step), "skip", "not tried: the server stopped answering"))
            else:
                checks.append(await _guarded(step, client, target, timeout))
        return [reached, _model_check(target, ids, answered=checks[0].status != "fail"), *checks]


def _name(step: Callable[..., object]) -> str:
    return step.__name__.strip("_").replace("_", " ")


async def _guarded(
    step: Callable[[httpx.AsyncClient, Endpoint, float], Awaitable[Check]],
    client: httpx.AsyncClient,
    target: Endpoint,
    timeout: float,
) -> Check:
    name = _name(step)
    try:
        return await step(client, target, timeout)
    except Refused as exc:
        fix = f"{TOOL_FLAGS}." if "tool" in exc.message.lower() else ""
        return Check(name, "fail", f"the server answered HTTP {exc.status}: {exc.message}", fix)
    except httpx.TimeoutException:
        return Check(
            name, "fail", f"no answer within {timeout:g}s", "A slow server: retry with a longer --timeout."
        )
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        said = redact(str(exc))[:200] or type(exc).__name__
        return Check(name, "fail", f"the server's answer is not OpenAI's: {said}")


async def _reachable(client: httpx.AsyncClient, target: Endpoint) -> tuple[Check, list[str] | None]:
    """The first check, and the models the server lists (None when it cannot be used)."""
    where = redact(target.base_url)
    try:
        response = await client.get("/models")
    except httpx.ConnectError:
        return Check("reachable", "fail", f"nothing answers at {where}", target.start_hint()), None
    except httpx.TimeoutException:
        return Check("reachable", "fail", f"{where} did not answer in time", target.start_hint()), None
    except httpx.HTTPError as exc:
        return Check("reachable", "fail", f"{where}: {redact(str(exc))}", target.start_hint()), None
    if response.status_code in (401, 403):
        fix = "Set OPENAI_API_KEY to a key it accepts."
        return Check("reachable", "fail", f"{where} refused the key", fix), None
    try:
        ids = [str(item["id"]) for item in response.json()["data"]] if response.status_code < 400 else None
    except (ValueError, KeyError, TypeError):
        ids = None
    if ids is None:
        detail = f"{where}/models answered HTTP {response.status_code}, not OpenAI's list of models"
        return Check("reachable", "fail", detail, "The base URL is the API's root, ending in /v1."), None
    return Check("reachable", "ok", f"{where} answers"), ids


def _model_check(target: Endpoint, ids: list[str], *, answered: bool) -> Check:
    if target.model in ids or f"{target.model}:latest" in ids:
        return Check("model", "ok", f"{target.model} is served")
    served = ", ".join(ids[:8]) or "none"
    fix = f"Use --model {target.prefix}:{ids[0]}" if ids else "Load a model into the server."
    if target.ollama:
        fix += f", or run `ollama pull {target.model}`"
    if answered:
        return Check(
            "model", "warn", f"{target.model} is not listed (served: {served}), yet it answered", fix + "."
        )
    return Check("model", "fail", f"{target.model} is not served (served: {served})", fix + ".")


async def _text_streams(client: httpx.AsyncClient, target: Endpoint, timeout: float) -> Check:
    body = {"model": target.model, "messages": [{"role": "user", "content": "Say hello."}], "max_tokens": 16}
    deltas = await stream(client, body, time.monotonic() + timeout)
    pieces = [d for d in deltas if d.get("content")]
    if not pieces:
        return Check(
            "text streams", "fail", "the stream brought no text", "Check the server's log for errors."
        )
    first = pieces[0]["_at"]
    if len(pieces) == 1:
        return Check(
            "text streams", "warn", "the text came in one piece: answers will not appear word by word"
        )
    return Check("text streams", "ok", f"{len(pieces)} pieces, the first after {first:.2f}s")


def _tool_body(target: Endpoint) -> dict[str, Any]:
    return {
        "model": target.model,
        "messages": ASK_TOOL,
        "tools": [TOOL],
        "tool_choice": "auto",
        "max_tokens": 96,
    }


async def _tool_call(client: httpx.AsyncClient, target: Endpoint, timeout: float) -> Check:
    answer = await post(client, _tool_body(target))
    message = answer["choices"][0]["message"]
    return _tool_verdict("tool call", message.get("tool_calls") or [], message.get("content") or "", "")


async def _streamed_tool_call(client: httpx.AsyncClient, target: Endpoint, timeout: float) -> Check:
    name = "streamed tool call"
    try:
        deltas = await stream(client, _tool_body(target), time.monotonic() + timeout)
    except Refused as exc:
        if "stream" not in exc.message.lower():
            raise
        detail = f"refused ({exc.message[:80]}); MCOP asks such turns unstreamed, so they arrive whole"
        return Check(
            name, "warn", detail, "For streamed tool calls: llama.cpp's llama-server --jinja, or vLLM."
        )
    text = "".join(d.get("content") or "" for d in deltas)
    if not deltas:  # llama-cpp-python's server: status 200, then nothing
        detail = "the stream ended empty; MCOP asks such turns unstreamed, so they arrive whole"
        fix = "For streamed tool calls: llama.cpp's llama-server --jinja, or vLLM."
        return Check(name, "warn", detail, fix)
    return _tool_verdict(name, streamed_calls(deltas), text, "when streamed")


async def _tool_result(client: httpx.AsyncClient, target: Endpoint, timeout: float) -> Check:
    name = "tool result"
    call = {"id": "call_doctor", "type": "function"}
    call["function"] = {"name": "describe_table", "arguments": '{"table": "suppliers"}'}  # type: ignore[assignment]
    turn: dict[str, Any] = {"role": "assistant", "content": None, "tool_calls": [call]}
    result = {"role": "tool", "tool_call_id": "call_doctor", "content": RESULT}
    body = _tool_body(target) | {"messages": [*ASK_TOOL, turn, result], "max_tokens": 32}
    try:
        await post(client, body)
    except Refused as first:
        body["messages"][2] = turn | {"content": ""}
        try:
            await post(client, body)
        except Refused:
            raise first from None
        return Check(name, "warn", 'refused with content: null beside tool calls; MCOP sends "" instead')
    return Check(name, "ok", "a conversation with a tool's result is accepted")


SIGNS = {"ok": "[green]✓[/]", "warn": "[yellow]![/]", "fail": "[red]✗[/]", "skip": "[dim]-[/]"}


async def run_doctor(spec: str | None, timeout: float) -> int:
    """Print each check; 0 when none failed, 1 otherwise."""
    from rich.console import Console
    from rich.markup import escape

    console = Console(highlight=False)
    target = endpoint(spec)
    if target is None:
        console.print("The offline models need no server: nothing to check.")
        return 0
    console.print(f"Checking {escape(target.spec)} at {escape(redact(target.base_url))}")
    checks = await diagnose(target, timeout)
    for check in checks:
        console.print(f" {SIGNS[check.status]} {escape(check.name):<19} {escape(check.detail)}")
        if check.fix and check.status != "ok":
            console.print(f"   [bold]→[/] {escape(check.fix)}")
    failed = [check.name for check in checks if check.status == "fail"]
    if failed:
        console.print(f"[red]{len(failed)} check(s) failed[/]: the explorer cannot use this server yet.")
        return 1
    console.print("[green]The explorer can use this model.[/]")
    return 0
