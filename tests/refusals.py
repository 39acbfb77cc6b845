"""Requests the extension must refuse, built and read in one place: an AG-UI run body and what a
refused request answered.

Usage::

    from refusals import ag_ui_run, refusal

    code, message = await refusal(jp_fetch, "mcop", "ag-ui", method="POST", body=ag_ui_run())
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from tornado.httpclient import HTTPResponse

Fetch = Callable[..., Awaitable[HTTPResponse]]
OWNER_QUESTION = "who owns the supplier table?"


def ag_ui_run(*messages: dict[str, Any]) -> str:
    return json.dumps(
        {
            "threadId": "thread-1",
            "runId": "run-1",
            "state": {},
            "messages": list(messages) or [{"id": "m1", "role": "user", "content": OWNER_QUESTION}],
            "tools": [],
            "context": [],
            "forwardedProps": {},
        }
    )


async def refusal(jp_fetch: Fetch, *parts: str, **kwargs: Any) -> tuple[int, str]:
    response = await jp_fetch(*parts, raise_error=False, **kwargs)
    return response.code, json.loads(response.body)["message"]
