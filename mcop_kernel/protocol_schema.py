"""The protocol's JSON Schema, generated from its models: client frames and server messages.

Run with: `python -m mcop_kernel.protocol_schema > docs/protocol.schema.json` (a test checks that
the file in the repository is what this prints).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from .protocol import client_frames
from .protocol_messages import server_messages

_REF = "#/$defs/{model}"


def json_schema() -> dict[str, Any]:
    """One schema for every message on `{base_url}mcop/ws/{session_id}`: `#/$defs/ClientFrame` (what a
    client sends) and `#/$defs/ServerMessage` (what it receives), each a union on `type`."""
    defs: dict[str, Any] = {}
    tops: dict[str, Any] = {}
    for name, adapter in (("ClientFrame", client_frames), ("ServerMessage", server_messages)):
        schema = adapter.json_schema(ref_template=_REF)
        defs.update(schema.pop("$defs", {}))
        tops[name] = schema
    for model in defs.values():  # a field left out is absent, never null: its default says nothing
        for field in model.get("properties", {}).values():
            if "default" in field and field["default"] is None:
                del field["default"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "MCOP Explorer WebSocket protocol",
        "description": (
            "Messages on {base_url}mcop/ws/{session_id}, v1 (the original design) and v2 (?protocol=2)."
            ' A client sends a ClientFrame ({"content": ...} is a question); the server sends'
            " ServerMessages. Generated from mcop_kernel.protocol: python -m mcop_kernel.protocol_schema"
        ),
        "oneOf": [{"$ref": _REF.format(model=name)} for name in tops],
        "$defs": dict(sorted({**defs, **tops}.items())),
    }


def schema_text() -> str:
    """`json_schema()` as the text of `docs/protocol.schema.json`."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    sys.stdout.write(schema_text())


if __name__ == "__main__":
    main()
