"""Reading a Collibra instance's assets, relations, attributes and responsibilities over REST Core API v2.

Every list endpoint is read with cursor paging (``cursor=`` first, then each ``nextCursor``; ``total``
is -1 then), falling back to offset paging when a server answers without a cursor. Requests that get
429 or 5xx, or no answer in time, are retried with exponential backoff (``Retry-After`` wins when the
server sends it). Every error message is free of the password, client secret and access token.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from ..secrets import MASK, redact
from .base import CatalogUnavailableError

log = logging.getLogger(__name__)

Json = Mapping[str, Any]
API = "/rest/2.0"
TOKEN_PATH = "/rest/oauth/v2/token"
MAX_RETRY_AFTER = 60.0
_NAME_KEYS = ("fullName", "firstName", "lastName", "userName")


@dataclass(frozen=True)
class CollibraConfig:
    """Which Collibra to read, as whom, and how patiently.

    Credentials: `username`/`password` (basic authentication) or `client_id`/`client_secret` (an OAuth 2
    client-credentials token from ``/rest/oauth/v2/token``). `community_id`/`domain_id`: read only the
    assets of one community or domain. `page_size`: results per request. `timeout`: seconds one request
    may take. `retries`: further attempts after a 429, a 5xx or a timeout, `backoff` seconds before the
    first, doubling each time."""

    base_url: str
    username: str = ""
    password: str = ""
    client_id: str = ""
    client_secret: str = ""
    community_id: str = ""
    domain_id: str = ""
    page_size: int = 1000
    timeout: float = 10.0
    retries: int = 4
    backoff: float = 0.5
    title: str = "Collibra"

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise ValueError(f"A Collibra URL starts with https:// (got {redact(self.base_url)!r}).")
        if not (self.username and self.password) and not (self.client_id and self.client_secret):
            raise ValueError("Collibra needs a username and password, or an OAuth client id and secret.")
        if self.page_size < 1:
            raise ValueError("page_size must be at least 1.")

    @property
    def label(self) -> str:
        """The URL as users see it (any password in it masked)."""
        return redact(self.base_url.rstrip("/"))

    @property
    def uses_oauth(self) -> bool:
        return bool(self.client_id and self.client_secret)


class _Refused(CatalogUnavailableError):
    """HTTP 401: the credentials (or the access token) were not accepted."""


class CollibraClient:
    """One read of a Collibra instance: open it with ``async with``, then ``await client.export()``."""

    def __init__(self, config: CollibraConfig) -> None:
        self._config = config
        auth = None if config.uses_oauth else httpx.BasicAuth(config.username, config.password)
        self._http = httpx.AsyncClient(
            base_url=config.base_url.rstrip("/"),
            auth=auth,
            timeout=httpx.Timeout(config.timeout),
            headers={"Accept": "application/json"},
        )
        self._token = ""

    async def __aenter__(self) -> CollibraClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._http.aclose()

    async def export(self) -> dict[str, Any]:
        """Everything `snapshot_from_collibra` reads, with relation roles and people's names filled in."""
        if self._config.uses_oauth:
            await self._authorize()
        scope = {"communityId": self._config.community_id, "domainId": self._config.domain_id}
        assets, relations, attributes, responsibilities = await _all(
            self.fetch_all("/assets", {k: v for k, v in scope.items() if v}),
            self.fetch_all("/relations"),
            self.fetch_all("/attributes"),
            self.fetch_all("/responsibilities"),
        )
        if any(not _has_roles(r.get("type")) for r in relations):
            relations = _with_roles(relations, await self.fetch_all("/relationTypes"))
        if any(not _has_name(r.get("owner")) for r in responsibilities):
            responsibilities = _with_people(responsibilities, await self.fetch_all("/users"))
        return {
            "assets": assets,
            "relations": relations,
            "attributes": attributes,
            "responsibilities": responsibilities,
        }

    async def fetch_all(self, path: str, params: Mapping[str, str] | None = None) -> list[Json]:
        """Every result of a list endpoint, page after page."""
        results: list[Json] = []
        query: dict[str, str | int] = {**(params or {}), "limit": self._config.page_size, "cursor": ""}
        while True:
            page = await self._get(API + path, query)
            batch = page.get("results") or []
            results.extend(batch)
            cursor = page.get("nextCursor")
            if cursor and batch:
                query["cursor"] = str(cursor)
            elif "nextCursor" not in page and batch and len(results) < int(page.get("total") or 0):
                query.pop("cursor", None)  # a server without cursor paging: page by offset
                query["offset"] = len(results)
            else:
                return results

    async def _authorize(self) -> None:
        data = {
            "grant_type": "client_credentials",
            "client_id": self._config.client_id,
            "client_secret": self._config.client_secret,
        }
        answer = await self._send("POST", TOKEN_PATH, data=data)
        token = answer.get("access_token")
        if not isinstance(token, str) or not token:
            raise CatalogUnavailableError(f"Collibra {self._config.label} gave no access token.")
        self._token = token

    async def _get(self, path: str, params: Mapping[str, str | int]) -> Json:
        try:
            return await self._send("GET", path, params=params, headers=self._bearer())
        except _Refused:
            if not self._config.uses_oauth:
                raise
        await self._authorize()  # the token expired during a long read: one new token, one more try
        return await self._send("GET", path, params=params, headers=self._bearer())

    def _bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"} if self._token else {}

    async def _send(self, method: str, path: str, **kwargs: Any) -> Json:
        """One request, retried on 429, 5xx and timeouts; the JSON object it answers."""
        where = f"{method} {path}"
        for attempt in range(self._config.retries + 1):
            last = attempt == self._config.retries
            try:
                response = await self._http.request(method, path, **kwargs)
            except httpx.TimeoutException:
                if last:
                    raise self._error(
                        f"did not answer {where} within {self._config.timeout:g} s ({attempt + 1} attempts)"
                    ) from None
                await self._pause(attempt, None, "no answer in time", where)
                continue
            except httpx.HTTPError as exc:
                raise self._error(f"could not be reached ({where}): {type(exc).__name__}: {exc}") from None
            status = response.status_code
            if status in (429, 500, 502, 503, 504) and not last:
                await self._pause(attempt, response.headers.get("Retry-After"), f"HTTP {status}", where)
                continue
            if status == 401 or (path == TOKEN_PATH and status in (400, 403)):
                who = f"client {self._config.client_id!r}" if self._config.uses_oauth else None
                who = who or f"user {self._config.username!r}"
                raise _Refused(
                    f"Collibra refused the credentials of {who} at {self._config.label}; check "
                    "COLLIBRA_USERNAME/COLLIBRA_PASSWORD or COLLIBRA_CLIENT_ID/COLLIBRA_CLIENT_SECRET."
                )
            if status == 403:
                raise self._error(f"did not let this account read {path} (HTTP 403)")
            if status >= 400:
                detail = " ".join(response.text.split())[:200]
                raise self._error(f"answered {where} with HTTP {status}: {detail}")
            try:
                body = response.json()
            except ValueError:
                body = None
            if not isinstance(body, Mapping):
                raise self._error(f"answered {where} with something other than a JSON object")
            return body
        raise AssertionError("unreachable")  # pragma: no cover

    async def _pause(self, attempt: int, retry_after: str | None, why: str, where: str) -> None:
        delay = self._config.backoff * 2**attempt
        if retry_after is not None:
            with contextlib.suppress(ValueError):  # an HTTP date: keep the backoff
                delay = min(max(float(retry_after), 0.0), MAX_RETRY_AFTER)
        log.warning("Collibra %s: %s; retrying in %.2f s", where, why, delay)
        await asyncio.sleep(delay)

    def _error(self, what: str) -> CatalogUnavailableError:
        return CatalogUnavailableError(self.mask(f"Collibra {self._config.label} {what}"))

    def mask(self, text: str) -> str:
        """`text` without this client's secrets (and without any secret `redact` knows)."""
        for secret in (self._config.password, self._config.client_secret, self._token):
            if secret:
                text = text.replace(secret, MASK)
        return redact(text)


async def _all(*reads: Coroutine[Any, Any, list[Json]]) -> list[list[Json]]:
    """Every read's results; the first failure stops the others (no request outlives the client)."""
    tasks = [asyncio.ensure_future(read) for read in reads]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        failed = [error for task in done if not task.cancelled() and (error := task.exception())]
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    if failed:
        raise failed[0]
    return [task.result() for task in tasks]


def _has_roles(rtype: Any) -> bool:
    return isinstance(rtype, Mapping) and bool(rtype.get("role"))


def _has_name(user: Any) -> bool:
    return isinstance(user, Mapping) and any(user.get(k) for k in _NAME_KEYS)


def _with_roles(relations: list[Json], types: list[Json]) -> list[Json]:
    """Relations as the REST API gives them (``"type": {"id"}``) with the type's role and co-role."""
    by_id = {str(t.get("id")): t for t in types}
    filled: list[Json] = []
    for relation in relations:
        rtype = relation.get("type") or {}
        known = by_id.get(str(rtype.get("id")), {})
        role = {"role": known.get("role", ""), "coRole": known.get("coRole", "")}
        filled.append({**relation, "type": {**rtype, **role}} if not _has_roles(rtype) else relation)
    return filled


def _with_people(responsibilities: list[Json], users: list[Json]) -> list[Json]:
    """Responsibilities whose ``owner`` is a bare reference, with the user's name and e-mail address."""
    by_id = {str(u.get("id")): u for u in users}
    filled: list[Json] = []
    for resp in responsibilities:
        owner = resp.get("owner") or {}
        user = by_id.get(str(owner.get("id")))
        filled.append({**resp, "owner": {**owner, **user}} if user and not _has_name(owner) else resp)
    return filled
