"""The explorer agent: its instructions and the factory that builds it over the catalog tools."""

from __future__ import annotations

from pydantic_ai import Agent
from pydantic_ai.models import Model

from .tool_profiles import FULL_INSTRUCTIONS, PROFILES, ToolProfile
from .tools import MAX_LIMIT, NO_SNAPSHOT, TOOLS, ExplorerDeps

__all__ = ["MAX_LIMIT", "NO_SNAPSHOT", "SYSTEM_PROMPT", "TOOLS", "ExplorerDeps", "build_agent"]

SYSTEM_PROMPT = FULL_INSTRUCTIONS


def build_agent(
    model: Model | str | None = None, profile: ToolProfile | None = None
) -> Agent[ExplorerDeps, str]:
    """The explorer agent over the catalog tools. `model` is a pydantic-ai Model, a model string, or
    None for the offline model; `profile` chooses the tools offered and bounds the rounds of calls
    (default: every tool, see `tool_profiles`)."""
    if model is None:
        from .offline_model import offline_model

        model = offline_model()
    profile = profile or PROFILES["full"]
    return Agent(
        model,
        deps_type=ExplorerDeps,
        output_type=str,
        instructions=profile.instructions,
        tools=list(TOOLS),
        capabilities=[profile.capability()],
        name="mcop-explorer",
        defer_model_check=True,
    )
