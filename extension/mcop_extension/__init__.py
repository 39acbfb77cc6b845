"""MCOP Explorer's Jupyter server extension: the explorer's answers streamed over a WebSocket."""

from __future__ import annotations

from typing import Any

from mcop_kernel import __version__

from .app import MCOPExtension

__all__ = ["MCOPExtension", "__version__"]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    return [{"module": "mcop_extension", "app": MCOPExtension}]
