"""Model and catalog settings: the defaults work offline, bad ones say what to fix, keys stay hidden."""

from __future__ import annotations

import re
import socket

import pytest
from pydantic_ai.models.function import FunctionModel
from pydantic_ai.models.openai import OpenAIChatModel

from mcop_kernel.config import (
    ConfigError,
    model_settings,
    open_catalog,
    resolve_model,
    session_config,
    tool_settings,
)
from mcop_kernel.secrets import redact
from mcop_kernel.tool_profiles import COMPACT_TOOLS


def test_the_default_is_the_offline_model_and_the_sample_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MCOP_MODEL", raising=False)
    monkeypatch.delenv("MCOP_CATALOG", raising=False)
    model = resolve_model()
    assert isinstance(model, FunctionModel) and model.model_name == "mcop-offline"
    assert "Sample procurement catalog" in open_catalog().description


@pytest.mark.parametrize(
    ("spec", "missing"),
    [
        ("openai:gpt-5-mini", "OPENAI_API_KEY"),
        ("azure:my-deployment", "AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY, OPENAI_API_VERSION"),
    ],
)
def test_a_missing_key_is_named(spec: str, missing: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY", "OPENAI_API_VERSION"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(ConfigError, match=missing):
        resolve_model(spec)


def test_real_providers_are_built_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert isinstance(resolve_model("openai-chat:local-model"), OpenAIChatModel)
    monkeypatch.delenv("OLLAMA_BASE_URL", raising=False)
    assert isinstance(resolve_model("ollama:llama3.2"), OpenAIChatModel)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789abcdef")
    assert resolve_model("openai:gpt-5-mini").model_name == "gpt-5-mini"


@pytest.mark.parametrize("spec", ["nonsense", "nope:model", "synthetic:many", "offline:-5", "offline:fast"])
def test_unknown_models_are_refused_clearly(spec: str) -> None:
    with pytest.raises(ConfigError):
        resolve_model(spec)


def test_secrets_are_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_SERVICE_TOKEN", "tok-98765-secret")
    text = (
        "failed with tok-98765-secret at postgresql://steward:hunter22@db:5432/dw "
        "header Bearer abcdefghijkl0123 key sk-proj-abcdefghijklmnop"
    )
    masked = redact(text)
    for secret in ("tok-98765-secret", "hunter22", "abcdefghijkl0123", "sk-proj-abcdefghijklmnop"):
        assert secret not in masked
    assert "postgresql://steward:***@db:5432/dw" in masked


def test_a_setting_mistake_shows_in_ipython_as_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    shell = InteractiveShell.instance()
    try:
        shell.run_cell("from mcop_kernel import Explorer\nExplorer(model='openai:gpt-4o')")
    finally:
        InteractiveShell.clear_instance()
    shown = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert shown == ["ConfigError: The model 'openai:gpt-4o' needs OPENAI_API_KEY set in the environment."]


def test_a_server_out_of_reach_shows_in_ipython_as_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    from IPython.core.interactiveshell import InteractiveShell

    with socket.socket() as probe:  # a port on 127.0.0.1 that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    shell = InteractiveShell.instance()
    try:
        shell.run_cell(f"from mcop_kernel import Explorer\nExplorer.connect('http://127.0.0.1:{port}/')")
    finally:
        InteractiveShell.clear_instance()
    [shown] = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert shown.startswith(
        f"ServerConnectionError: Cannot reach the Jupyter server at http://127.0.0.1:{port}/"
    )
    assert "Is it running?" in shown


def test_model_settings_choose_the_tools_and_bound_their_rounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MCOP_MODEL_SETTINGS", raising=False)
    default = session_config("offline").agent
    assert len(default._function_toolset.tools) == 24
    monkeypatch.setenv("MCOP_MODEL_SETTINGS", '{"temperature": 0, "tools": "compact", "max_tool_rounds": 2}')
    assert tool_settings().tools == COMPACT_TOOLS and tool_settings().max_tool_rounds == 2
    assert model_settings() == {"temperature": 0.0}, "the tool profile is not sent to the server"
    monkeypatch.setenv("MCOP_MODEL_SETTINGS", '{"tools": ["describe_table", "get_owner"]}')
    assert tool_settings().tools == ("describe_table", "get_owner")


@pytest.mark.parametrize(
    ("settings", "said"),
    [
        ('{"tools": "tiny"}', '"tools" is "full", "compact" or a list of tool names'),
        ('{"tools": ["describe_table", "drop_table"]}', "Unknown tool(s) drop_table"),
        ('{"max_tool_rounds": -1}', '"max_tool_rounds" is a whole number'),
        ('{"n_threads": 2}', "MCOP_MODEL_SETTINGS must be a JSON object of"),
    ],
)
def test_a_bad_tool_setting_says_what_to_fix(
    settings: str, said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MCOP_MODEL_SETTINGS", settings)
    with pytest.raises(ConfigError, match=re.escape(said)):
        session_config("offline")
