"""The servers benchmarks/transport.py compares with the Jupyter extension, each run as its own process.

Run with (benchmarks/transport.py starts these itself):
    python benchmarks/transport_servers.py original --port 8765 --tokens 2000 --delay-ms 0
    python benchmarks/transport_servers.py websockets --port 8766 --tokens 2000 --delay-ms 0

"original" is the design document's FastAPI handler (docs: websocket-streaming-design.md) as
written, on uvicorn (one process, its defaults but log level "warning", so no line per connection):
`agent.run_stream()` and `stream.stream_text()` with
pydantic-ai's defaults (the text so far, debounced by 100 ms), one
`{"type": "agent_partial", "content": text-so-far}` per chunk, then `{"type": "agent", ...}`.
Two unavoidable edits for pydantic-ai 2.x, both marked below: `get_data()` is now `get_output()`,
and the design's `buffer += chunk` would repeat the text (each chunk already holds the text so far),
so each partial carries the chunk itself: the text so far, which is what the design meant.

"websockets" sends the extension's v2 message sequence (`user`, one `agent_partial` delta per token,
the final `agent`, all numbered with `seq`) from a pre-computed token list with the synthetic model's
per-token delay, without pydantic-ai: the practical limit of the wire. It yields to the event loop
before every token even without a delay (`asyncio.sleep(0)`), so concurrent answers interleave as
they do under pydantic-ai instead of each being sent whole before the next one starts.

Both bind 127.0.0.1 only and serve `/ws/{session_id}` (the plain server ignores the path).
"""

from __future__ import annotations

import argparse
import asyncio
import json

from fastapi import FastAPI, WebSocket, WebSocketDisconnect

from mcop_kernel.agent import ExplorerDeps, build_agent
from mcop_kernel.catalog.sample import sample_catalog
from mcop_kernel.config import SyntheticStream, synthetic_model

HOST = "127.0.0.1"


# ---------------------------------------------------------------------------- "original" (FastAPI)


def original_app(tokens: int, delay: float) -> FastAPI:
    explorer_agent = build_agent(synthetic_model(tokens, delay))
    catalog = sample_catalog()

    class ConnectionManager:
        """Manage active WebSocket connections."""

        def __init__(self) -> None:
            self.active_connections: dict[str, WebSocket] = {}

        async def connect(self, session_id: str, websocket: WebSocket) -> None:
            await websocket.accept()
            self.active_connections[session_id] = websocket

        def disconnect(self, session_id: str) -> None:  # called by the design, missing from its class
            self.active_connections.pop(session_id, None)

    manager = ConnectionManager()

    async def handle_websocket(websocket: WebSocket, session_id: str) -> None:
        """Handle WebSocket chat with streaming responses."""
        await manager.connect(session_id, websocket)
        deps = ExplorerDeps(catalog=catalog)
        try:
            while True:
                data = await websocket.receive_json()
                user_message = data.get("content", "")
                if not user_message:
                    await websocket.send_json({"type": "error", "content": "Empty message"})
                    continue
                await websocket.send_json({"type": "user", "content": user_message})
                try:
                    async with explorer_agent.run_stream(user_message, deps=deps) as stream:
                        async for chunk in stream.stream_text():  # pydantic-ai defaults
                            # design: `buffer += chunk`; a chunk is already the text so far
                            await websocket.send_json({"type": "agent_partial", "content": chunk})
                        result = await stream.get_output()  # design: `await stream.get_data()`
                        diagram = deps.diagram.source if deps.diagram else None
                        await websocket.send_json({"type": "agent", "content": result, "diagram": diagram})
                except Exception as e:
                    await websocket.send_json({"type": "error", "content": f"Agent error: {e!s}"})
        except WebSocketDisconnect:
            manager.disconnect(session_id)

    app = FastAPI()

    @app.websocket("/ws/{session_id}")
    async def websocket_chat(websocket: WebSocket, session_id: str) -> None:
        """WebSocket endpoint for Explorer Agent chat."""
        await handle_websocket(websocket, session_id)

    return app


def serve_original(port: int, tokens: int, delay: float) -> None:
    import uvicorn

    uvicorn.run(original_app(tokens, delay), host=HOST, port=port, log_level="warning")


# ---------------------------------------------------------------------------- "websockets" (no agent)


async def serve_plain(port: int, tokens: int, delay: float) -> None:
    from websockets.asyncio.server import ServerConnection, serve
    from websockets.exceptions import ConnectionClosed

    words = SyntheticStream(tokens).words()
    text = "".join(words)

    async def handler(ws: ServerConnection) -> None:
        seq = 0
        try:
            async for frame in ws:
                question = json.loads(frame).get("content", "")
                seq += 1
                await ws.send(json.dumps({"type": "user", "content": question, "seq": seq}))
                for word in words:
                    await asyncio.sleep(delay)  # 0: a bare yield, so concurrent answers interleave
                    seq += 1
                    await ws.send(json.dumps({"type": "agent_partial", "delta": word, "seq": seq}))
                seq += 1
                final = {"type": "agent", "content": text, "diagram": None, "seq": seq}
                await ws.send(json.dumps(final))
        except ConnectionClosed:
            pass

    async with serve(handler, HOST, port, compression=None, ping_interval=None, max_size=2**20) as server:
        await server.serve_forever()


def main() -> None:
    args = argparse.ArgumentParser(description="One server of benchmarks/transport.py.")
    args.add_argument("kind", choices=["original", "websockets"])
    args.add_argument("--port", type=int, required=True)
    args.add_argument("--tokens", type=int, required=True)
    args.add_argument("--delay-ms", type=float, default=0.0)
    opts = args.parse_args()
    delay = opts.delay_ms / 1000
    if opts.kind == "original":
        serve_original(opts.port, opts.tokens, delay)
    else:
        asyncio.run(serve_plain(opts.port, opts.tokens, delay))


if __name__ == "__main__":
    main()
