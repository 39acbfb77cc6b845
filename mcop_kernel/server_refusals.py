"""A model server's refusal said in one sentence: who refused, with which status, and what to change."""

from __future__ import annotations

from pydantic_ai.exceptions import ModelHTTPError
from pydantic_ai.models.openai import OpenAIChatModel

from .secrets import redact

__all__ = ["TOOL_FLAGS", "ModelServerRefusal", "cannot_stream_tools", "refusal", "server_message"]

TOOL_FLAGS = (
    "enable tool calls on the server (vLLM: --enable-auto-tool-choice --tool-call-parser NAME; "
    "llama.cpp's llama-server: --jinja; Ollama: a model tagged 'tools')"
)
_NO_STREAMED_TOOLS = ("streaming tool choice is not supported", "streaming is not supported with tools")


class ModelServerRefusal(ModelHTTPError):
    """A model server's error answer, said in one sentence with what to change."""

    def __init__(self, status_code: int, model_name: str, text: str) -> None:
        super().__init__(status_code, model_name)
        self.text = text

    def __str__(self) -> str:
        return self.text


def server_message(body: object) -> str:
    """The error message inside a server's error body (OpenAI's `{"error": {"message": ...}}` and kin)."""
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict):
            inner = inner.get("message") or inner.get("detail") or inner
        return redact(str(inner))[:300]
    return redact(str(body or ""))[:300]


def refusal(exc: ModelHTTPError, model: OpenAIChatModel) -> ModelServerRefusal:
    """`exc` as a sentence: who refused, with which status and message, and what to change."""
    message = server_message(exc.body)
    low = message.lower()
    prefix = "ollama" if model.system == "ollama" else "openai-chat"
    doctor = f"`mcop doctor --model {prefix}:{model.model_name}`"
    if exc.status_code in (401, 403):
        hint = "Set OPENAI_API_KEY (or the server's key) to a key it accepts."
    elif exc.status_code == 404 or ("model" in low and ("not found" in low or "does not exist" in low)):
        hint = f"Check the model name: {doctor} lists what the server serves."
    elif "context" in low and ("length" in low or "window" in low or "exceed" in low):
        hint = "The conversation outgrew the model's context: start a new session or give the server more."
    elif "tool" in low:
        hint = f"The server refused the catalog tools: {TOOL_FLAGS}."
    else:
        hint = f"Run {doctor} to see what the server supports."
    where = redact(str(model.base_url).rstrip("/"))
    said = f": {message}" if message else ""
    text = f"The model server at {where} answered HTTP {exc.status_code}{said}. {hint}"
    return ModelServerRefusal(exc.status_code, model.model_name, text)


def cannot_stream_tools(exc: ModelHTTPError) -> bool:
    message = server_message(exc.body).lower() + str(exc).lower()
    return any(phrase in message for phrase in _NO_STREAMED_TOOLS)
