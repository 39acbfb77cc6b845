"""Choosing the model and the catalog from one text setting each, with clear errors for bad ones.

Models: `offline` (the default, rule-based, no key or network; `offline:DELAY_MS` types slower),
`synthetic:TOKENS[:DELAY_MS]`
(benchmarks), `openai:MODEL`, `openai-chat:MODEL` (any OpenAI-compatible server via
OPENAI_BASE_URL), `azure:DEPLOYMENT`, `ollama:MODEL`, or any other pydantic-ai model string.
Self-hosted servers (`openai-chat:` with OPENAI_BASE_URL, `ollama:`) get their quirks handled
(providers.py); MCOP_MODEL_SETTINGS holds request settings such as `{"temperature": 0}` and the
tool profile (`"tools": "compact"`, `"max_tool_rounds": 1`, see tool_profiles.py).
Catalogs: `sample` (the default, bundled procurement catalog), `python:MODULE:FACTORY` (your own),
`sql:URL` (any SQLAlchemy database, introspected read-only on first use), `collibra:URL` (a Collibra
instance over REST; credentials from COLLIBRA_USERNAME/COLLIBRA_PASSWORD or
COLLIBRA_CLIENT_ID/COLLIBRA_CLIENT_SECRET).
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import cast

from pydantic_ai.exceptions import UserError
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart
from pydantic_ai.models import Model, infer_model
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.settings import ModelSettings

from .catalog.base import Catalog
from .errors import ConfigError
from .secrets import redact
from .session import SessionConfig
from .store import MemoryStore, SessionStore
from .tool_profiles import ToolProfile, tool_profile

__all__ = [
    "DEFAULT_CATALOG",
    "DEFAULT_MODEL",
    "ConfigError",
    "open_catalog",
    "resolve_model",
    "session_config",
]

DEFAULT_MODEL = "offline"
DEFAULT_CATALOG = "sample"
OLLAMA_DEFAULT_URL = "http://localhost:11434/v1"

_NEEDS = {
    "openai": ("OPENAI_API_KEY",),
    "openai-responses": ("OPENAI_API_KEY",),
    "azure": ("AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY", "OPENAI_API_VERSION"),
    "anthropic": ("ANTHROPIC_API_KEY",),
}


@dataclass(frozen=True)
class SyntheticStream:
    """A model that streams `tokens` words, `delay` seconds apart, and calls no tool."""

    tokens: int
    delay: float = 0.0

    def words(self) -> list[str]:
        return [f"token{i % 97} " for i in range(self.tokens)]

    async def stream(self, messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        for word in self.words():
            if self.delay:
                await asyncio.sleep(self.delay)
            yield word

    def respond(self, messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[TextPart("".join(self.words()))])

    def model(self) -> FunctionModel:
        name = f"synthetic-{self.tokens}"
        return FunctionModel(self.respond, stream_function=self.stream, model_name=name)


def synthetic_model(tokens: int, delay: float = 0.0) -> FunctionModel:
    """The benchmark model: `tokens` text deltas, `delay` seconds apart."""
    return SyntheticStream(tokens, delay).model()


def resolve_model(spec: str | None = None) -> Model:
    """The model a setting names. Raises ConfigError naming what is missing (never a key's value)."""
    spec = (spec or os.environ.get("MCOP_MODEL") or DEFAULT_MODEL).strip()
    provider, _, name = spec.partition(":")
    if provider == "offline":
        from .offline_model import offline_model

        try:
            delay_ms = float(name or 0)
        except ValueError:
            delay_ms = -1
        if delay_ms < 0:
            raise ConfigError("Use offline, or offline:DELAY_MS to pause after each word, e.g. offline:30")
        return offline_model(typing_delay=delay_ms / 1000)
    if provider == "synthetic":
        tokens, _, delay = name.partition(":")
        try:
            return synthetic_model(int(tokens), float(delay or 0) / 1000)
        except ValueError:
            raise ConfigError(
                "Use synthetic:TOKENS or synthetic:TOKENS:DELAY_MS, e.g. synthetic:2000:5"
            ) from None
    if not name:
        raise ConfigError(
            f"Unknown model {spec!r}. Use 'offline', or PROVIDER:MODEL such as openai:gpt-5-mini, "
            "azure:DEPLOYMENT, ollama:llama3.2 or openai-chat:MODEL with OPENAI_BASE_URL."
        )
    missing = [var for var in _NEEDS.get(provider, ()) if not os.environ.get(var)]
    if missing:
        raise ConfigError(f"The model {spec!r} needs {', '.join(missing)} set in the environment.")
    try:
        if provider == "ollama" or (provider == "openai-chat" and os.environ.get("OPENAI_BASE_URL")):
            from .providers import compatible_model

            ollama = provider == "ollama"
            base_url = (os.environ.get("OLLAMA_BASE_URL") or OLLAMA_DEFAULT_URL) if ollama else ""
            return compatible_model(
                name,
                base_url or os.environ["OPENAI_BASE_URL"],
                api_key=os.environ.get("OPENAI_API_KEY") or "not-needed",
                ollama=ollama,
                settings=model_settings(),
            )
        return infer_model(spec)
    except (UserError, ImportError, ValueError) as exc:
        raise ConfigError(f"Cannot use the model {spec!r}: {redact(str(exc))}") from None


_SETTINGS = {"temperature": float, "top_p": float, "max_tokens": int, "seed": int, "timeout": float}
_PROFILE_KEYS = ("tools", "max_tool_rounds")
_SETTINGS_HELP = (
    f"MCOP_MODEL_SETTINGS must be a JSON object of {', '.join((*_SETTINGS, *_PROFILE_KEYS))}, "
    'e.g. {"temperature": 0, "max_tokens": 512} or {"tools": "compact", "max_tool_rounds": 1}.'
)


def _given_settings() -> dict[str, object]:
    raw = os.environ.get("MCOP_MODEL_SETTINGS", "").strip()
    if not raw:
        return {}
    try:
        given = json.loads(raw)
    except ValueError:
        raise ConfigError(_SETTINGS_HELP) from None
    if not isinstance(given, dict) or set(given) - set(_SETTINGS) - set(_PROFILE_KEYS):
        raise ConfigError(_SETTINGS_HELP)
    return given


def model_settings() -> ModelSettings | None:
    """The request settings of MCOP_MODEL_SETTINGS, a JSON object such as
    `{"temperature": 0, "max_tokens": 512}`; None when it sets none."""
    given = {key: value for key, value in _given_settings().items() if key in _SETTINGS}
    try:
        settings = {key: _SETTINGS[key](value) for key, value in given.items()}
    except (ValueError, TypeError):
        raise ConfigError(_SETTINGS_HELP) from None
    return cast(ModelSettings, settings) if settings else None


def tool_settings() -> ToolProfile:
    """The tool profile of MCOP_MODEL_SETTINGS (`"tools"`, `"max_tool_rounds"`); `full` when unset."""
    given = _given_settings()
    return tool_profile(given.get("tools"), given.get("max_tool_rounds"))


def model_label(spec: str | None = None) -> str:
    """The model setting as shown to users."""
    return (spec or os.environ.get("MCOP_MODEL") or DEFAULT_MODEL).strip()


def open_catalog(spec: str | None = None) -> Catalog:
    """The catalog a setting names."""
    spec = (spec or os.environ.get("MCOP_CATALOG") or DEFAULT_CATALOG).strip()
    if spec == "sample":
        from .catalog.sample import sample_catalog

        return sample_catalog()
    if spec.startswith("python:"):
        return _catalog_from_python(spec.removeprefix("python:"))
    if spec.startswith("sql:"):
        from .catalog.sql import SQLCatalog

        try:
            return SQLCatalog(spec.removeprefix("sql:"))  # connects on first use, not here
        except ValueError as exc:
            raise ConfigError(f"Cannot use the catalog {redact(spec)}: {exc}") from None
    if spec.startswith("collibra:"):
        return _collibra_catalog(spec.removeprefix("collibra:"))
    raise ConfigError(
        f"Unknown catalog {redact(spec)!r}. Use 'sample' (the bundled procurement catalog), "
        "python:MODULE:FACTORY (your own Catalog), sql:URL (a database, e.g. sql:sqlite:///file.db) "
        "or collibra:URL (e.g. collibra:https://acme.collibra.com)."
    )


def _collibra_catalog(url: str) -> Catalog:
    """`collibra:https://host` — credentials (and optional COLLIBRA_COMMUNITY_ID / COLLIBRA_DOMAIN_ID
    scopes) from the environment; connects on first use, not here."""
    from .catalog.collibra import CollibraCatalog, CollibraConfig

    def env(name: str) -> str:
        return os.environ.get(f"COLLIBRA_{name}", "").strip()

    if not (env("USERNAME") and env("PASSWORD")) and not (env("CLIENT_ID") and env("CLIENT_SECRET")):
        raise ConfigError(
            "The catalog collibra:URL needs COLLIBRA_USERNAME and COLLIBRA_PASSWORD (basic "
            "authentication) or COLLIBRA_CLIENT_ID and COLLIBRA_CLIENT_SECRET (OAuth) set in the environment."
        )
    try:
        config = CollibraConfig(
            url.strip(),
            username=env("USERNAME"),
            password=env("PASSWORD"),
            client_id=env("CLIENT_ID"),
            client_secret=env("CLIENT_SECRET"),
            community_id=env("COMMUNITY_ID"),
            domain_id=env("DOMAIN_ID"),
        )
    except ValueError as exc:
        raise ConfigError(f"Cannot use the catalog collibra:{redact(url)}: {exc}") from None
    return CollibraCatalog(config)


def _catalog_from_python(target: str) -> Catalog:
    """`python:package.module:factory` — calls `factory()`; a catalog with blocking methods runs
    them in worker threads."""
    import importlib

    from .catalog.threaded import as_async_catalog

    module_name, _, attribute = target.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attribute or "catalog")
        catalog = factory() if callable(factory) else factory
    except Exception as exc:
        raise ConfigError(f"Cannot load the catalog python:{target}: {redact(str(exc))}") from None
    return as_async_catalog(catalog)  # type: ignore[no-any-return]


def session_config(
    model: str | Model | None = None,
    catalog: str | Catalog | None = None,
    store: SessionStore | None = None,
    timeout: float = 30.0,
) -> SessionConfig:
    """Everything a session needs, from settings (`None` takes the environment's, then the defaults)."""
    from .agent import build_agent

    chosen = model if isinstance(model, Model) else resolve_model(model)
    source = catalog if catalog is not None and not isinstance(catalog, str) else open_catalog(catalog)
    return SessionConfig(
        build_agent(chosen, tool_settings()), source, store or MemoryStore(), timeout=timeout
    )
