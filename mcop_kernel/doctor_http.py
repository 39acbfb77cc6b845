"""The requests `mcop doctor` sends: a chat completion whole or streamed, and a refusal as `Refused`."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from .secrets import redact
from .server_refusals import server_message

__all__ = ["Refused", "post", "stream", "streamed_calls"]


class Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


async def post(client: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/chat/completions", json=body)
    if response.status_code >= 400:
        raise Refused(response.status_code, body_message(response))
    answer: dict[str, Any] = response.json()
    return answer


def body_message(response: httpx.Response) -> str:
    try:
        return server_message(response.json())
    except ValueError:
        return redact(response.text.strip())[:300]


async def stream(client: httpx.AsyncClient, body: dict[str, Any], deadline: float) -> list[dict[str, Any]]:
    """The `delta`s of a streamed answer, each with the seconds since the request as `_at`."""
    start, deltas = time.monotonic(), []
    async with client.stream("POST", "/chat/completions", json=body | {"stream": True}) as response:
        if response.status_code >= 400:
            await response.aread()
            raise Refused(response.status_code, body_message(response))
        async for line in response.aiter_lines():
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("the stream did not end in time")
            data = line.removeprefix("data:").strip()
            if not line.startswith("data:") or not data or data == "[DONE]":
                continue
            chunk = json.loads(data)
            if "error" in chunk:
                raise Refused(500, server_message(chunk))
            for choice in chunk.get("choices") or []:
                deltas.append((choice.get("delta") or {}) | {"_at": time.monotonic() - start})
    return deltas


def streamed_calls(deltas: list[dict[str, Any]]) -> list[dict[str, str]]:
    calls: dict[int, dict[str, str]] = {}
    for delta in deltas:
        for call in delta.get("tool_calls") or []:
            into = calls.setdefault(int(call.get("index", 0)), {"name": "", "arguments": ""})
            function = call.get("function") or {}
            into["name"] += function.get("name") or ""
            into["arguments"] += function.get("arguments") or ""
    return list(calls.values())
