"""A fake Collibra (REST Core API v2 shapes) serving the bundled sample catalog, for CollibraCatalog's tests.

Usage::

    with FakeCollibra() as collibra:          # http://127.0.0.1:<free port>, in its own thread
        collibra.fail("/rest/2.0/assets", 429, 500)   # the next two asset requests fail, then OK
        catalog = CollibraCatalog(CollibraConfig(collibra.url, username=USER, password=PASSWORD))
        ...
        assert collibra.count("/rest/2.0/assets") == 5

It answers what the documentation describes, not what a real instance was seen to answer: list
endpoints with ``{"total", "offset", "limit", "results"}`` (offset paging) or, given ``cursor``,
``{"total": -1, "limit", "nextCursor", "results"}``; relations whose ``type`` is a bare reference (roles
from ``/relationTypes``); responsibilities whose ``owner`` is a bare reference (names from ``/users``);
basic authentication and OAuth 2 client credentials at ``/rest/oauth/v2/token``. Beyond the sample's
709 assets it serves EXTRA_ASSETS code values, so assets span several pages.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import secrets
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

USER, PASSWORD = "steward", "s3cret-Passw0rd!"
CLIENT_ID, CLIENT_SECRET = "mcop-explorer", "cl1ent-S3cret-value"
EXTRA_ASSETS = 400
API = "/rest/2.0"
TOKEN_PATH = "/rest/oauth/v2/token"
_IDS = uuid.UUID("6f1c2a8e-0d7b-4c55-9a0e-2f6c1b9d4e10")


@dataclass(frozen=True)
class Request:
    """One request the fake received."""

    method: str
    path: str
    query: dict[str, str]
    authorization: str


def collibra_data() -> dict[str, list[dict[str, Any]]]:
    """The sample export as the REST API's endpoints would hold it."""
    sample = json.loads(files("mcop_kernel.data").joinpath("sample_catalog.json").read_text("utf-8"))
    pairs = dict.fromkeys((r["type"]["role"], r["type"]["coRole"]) for r in sample["relations"])
    type_ids = {pair: str(uuid.uuid5(_IDS, "/".join(pair))) for pair in pairs}
    users = {r["owner"]["id"]: r["owner"] for r in sample["responsibilities"]}
    extra = [
        {
            "id": str(uuid.uuid5(_IDS, f"code value {n}")),
            "name": f"CV-{n:04d}",
            "displayName": f"Code value {n}",
            "type": {"name": "Code Value"},
            "domain": {"name": "Reference Data"},
            "status": {"name": "Accepted"},
        }
        for n in range(EXTRA_ASSETS)
    ]
    return {
        "assets": [*sample["assets"], *extra],
        "relations": [
            {
                **r,
                "type": {
                    "id": type_ids[(r["type"]["role"], r["type"]["coRole"])],
                    "resourceType": "RelationType",
                },
            }
            for r in sample["relations"]
        ],
        "relationTypes": [{"id": tid, "role": role, "coRole": co} for (role, co), tid in type_ids.items()],
        "attributes": [
            {"id": str(uuid.uuid5(_IDS, f"attribute {n}")), **a} for n, a in enumerate(sample["attributes"])
        ],
        "responsibilities": [
            {**r, "owner": {"id": r["owner"]["id"], "resourceType": "User"}}
            for r in sample["responsibilities"]
        ],
        "users": list(users.values()),
    }


@dataclass
class FakeCollibra:
    """The server's data, what it was asked, and the faults to inject next."""

    data: dict[str, list[dict[str, Any]]] = field(default_factory=collibra_data)
    delay: float = 0.0
    """Seconds every API answer waits (a slow instance)."""
    requests: list[Request] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)
    token_uses: int = 0
    """Requests each access token is good for (0: unlimited), to expire tokens mid-read."""
    port: int = 0
    _faults: dict[str, deque[int]] = field(default_factory=dict)
    _cursors: dict[str, tuple[str, int]] = field(default_factory=dict)
    _ready: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _stopping: asyncio.Event | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fail(self, path: str, *statuses: int) -> None:
        """The next requests to `path` answer these statuses, one each (429 with ``Retry-After: 0``)."""
        self._faults.setdefault(path, deque()).extend(statuses)

    def count(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    def __enter__(self) -> FakeCollibra:
        self._thread = threading.Thread(target=asyncio.run, args=(self._serve(),), daemon=True)
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        if self._thread is not None:
            self._thread.join(10)

    async def _serve(self) -> None:
        self._loop, self._stopping = asyncio.get_running_loop(), asyncio.Event()
        app = Application(
            [(TOKEN_PATH, _TokenHandler, {"fake": self}), (API + r"/(\w+)", _ListHandler, {"fake": self})]
        )
        server = HTTPServer(app)
        sockets = bind_sockets(0, "127.0.0.1")
        server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        self._ready.set()
        await self._stopping.wait()
        server.stop()
        await server.close_all_connections()

    async def wait(self) -> bool:
        """Pause `delay` seconds (less if the server stops); True while the server runs."""
        assert self._stopping is not None
        if self.delay:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.delay)
        return not self._stopping.is_set()

    def page(self, name: str, args: dict[str, str]) -> dict[str, Any] | None:
        """One page of `name`, by cursor or offset; None for a cursor this server never issued."""
        rows = self.data[name]
        limit = int(args.get("limit") or 1000)
        if "cursor" in args:
            start = 0 if not args["cursor"] else self._cursors.pop(args["cursor"], (name, -1))[1]
            if start < 0:
                return None
            body: dict[str, Any] = {"total": -1, "limit": limit, "results": rows[start : start + limit]}
            if start + limit < len(rows):
                cursor = base64.urlsafe_b64encode(secrets.token_bytes(12)).decode()
                self._cursors[cursor] = (name, start + limit)
                body["nextCursor"] = cursor
            return body
        offset = int(args.get("offset") or 0)
        return {
            "total": len(rows),
            "offset": offset,
            "limit": limit,
            "results": rows[offset : offset + limit],
        }

    def authorized(self, header: str) -> bool:
        basic = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if header == basic:
            return True
        token = header.removeprefix("Bearer ")
        if token not in self.tokens:
            return False
        used = sum(1 for r in self.requests if r.authorization == header)
        if self.token_uses and used > self.token_uses:
            self.tokens.discard(token)
            return False
        return True


class _Handler(RequestHandler):
    fake: FakeCollibra

    def initialize(self, fake: FakeCollibra) -> None:
        self.fake = fake

    def record(self) -> bool:
        """Log the request; answer an injected fault (True when one was sent)."""
        query = {k: self.get_query_argument(k) for k in self.request.query_arguments}
        self.fake.requests.append(
            Request(
                self.request.method or "",
                self.request.path,
                query,
                self.request.headers.get("Authorization", ""),
            )
        )
        faults = self.fake._faults.get(self.request.path)
        if not faults:
            return False
        status = faults.popleft()
        if status == 429:
            self.set_header("Retry-After", "0")
        self.error(status, "Injected fault")
        return True

    def error(self, status: int, message: str) -> None:
        self.set_status(status)
        self.finish({"statusCode": status, "titleMessage": message, "helpMessage": message})


class _ListHandler(_Handler):
    async def get(self, name: str) -> None:
        if self.record():
            return
        if not self.fake.authorized(self.request.headers.get("Authorization", "")):
            self.set_header("WWW-Authenticate", 'Basic realm="Collibra"')
            return self.error(401, "Unauthorized")
        if name not in self.fake.data:
            return self.error(404, f"No such endpoint: {name}")
        if not await self.fake.wait():
            return
        page = self.fake.page(
            name, {k: self.get_query_argument(k) or "" for k in self.request.query_arguments}
        )
        if page is None:
            return self.error(400, "Unknown cursor")
        self.finish(page)


class _TokenHandler(_Handler):
    def post(self) -> None:
        if self.record():
            return
        form = {k: self.get_body_argument(k, None) for k in ("grant_type", "client_id", "client_secret")}
        if form != {
            "grant_type": "client_credentials",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        }:
            return self.error(401, "invalid_client")
        token = secrets.token_urlsafe(24)
        self.fake.tokens.add(token)
        self.finish({"access_token": token, "token_type": "bearer", "expires_in": 3600})
