"""The `mcop` command: ask one question, or chat, with the answer streamed to the terminal.

Run with:
    mcop ask "Show me all tables"
    mcop ask "Show relationships between fact_bs_purchase_order and suppliers" --diagram-out er.mmd
    mcop chat
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
import uuid
from pathlib import Path
from typing import TextIO

from . import __version__
from .config import DEFAULT_CATALOG, ConfigError, model_label, session_config
from .protocol import AgentEvent, ErrorEvent, Event, PartialEvent, ProtocolError, ToolEvent, ToolStartEvent
from .session import ExplorerSession, SessionConfig
from .store import SessionStore, SQLiteStore, default_store_path

EXIT_OK, EXIT_ANSWER_FAILED, EXIT_USAGE = 0, 1, 2


class Printer:
    """Writes one answer as it streams: text to `out`, tool activity and errors to `err`."""

    def __init__(self, out: TextIO, err: TextIO, *, show_tools: bool = True):
        self.out, self.err, self.show_tools = out, err, show_tools
        self.mid_line = False

    def _note(self, line: str) -> None:
        if self.mid_line:
            self.err.write("\n")
            self.mid_line = False
        self.err.write(line + "\n")
        self.err.flush()

    def show(self, event: Event) -> None:
        match event:
            case PartialEvent(delta=delta):
                self.out.write(delta)
                self.out.flush()
                self.mid_line = not delta.endswith("\n")
            case ToolStartEvent(tool_name=name, args=args) if self.show_tools:
                shown = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in args.items())
                self._note(f"  [tool] {name}({shown})")
            case ToolEvent(tool_name=name, content=content) if self.show_tools:
                self._note(f"  [tool] {name} returned {len(content):,} characters")
            case ErrorEvent(content=content):
                self._note(f"Error: {content}")
            case AgentEvent():
                if self.mid_line:
                    self.out.write("\n")
                    self.mid_line = False
                self.out.flush()


async def _answer(session: ExplorerSession, question: str, printer: Printer) -> AgentEvent | ErrorEvent:
    final: AgentEvent | ErrorEvent = ErrorEvent("No answer.", "internal_error")
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGINT, session.cancel)
    try:
        async for event in session.ask(question):
            printer.show(event)
            if isinstance(event, AgentEvent | ErrorEvent):
                final = event
    finally:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGINT)
    return final


def _deliver_diagram(final: AgentEvent, target: str | None, printer: Printer) -> None:
    if not final.diagram:
        return
    if target:
        Path(target).write_text(final.diagram + "\n", encoding="utf-8")
        printer.err.write(f"Diagram saved to {target}\n")
    else:
        printer.out.write(f"\n```mermaid\n{final.diagram}\n```\n")
    printer.out.flush()


def _store(args: argparse.Namespace, *, persist: bool) -> SessionStore | None:
    if args.store:
        return SQLiteStore(args.store)
    return SQLiteStore(default_store_path()) if persist else None


def _config(args: argparse.Namespace, store: SessionStore | None) -> SessionConfig:
    return session_config(args.model, args.catalog, store, timeout=args.timeout)


async def run_ask(args: argparse.Namespace) -> int:
    config = _config(args, _store(args, persist=args.session is not None))
    session = await ExplorerSession.open(args.session or "cli", config)
    printer = Printer(sys.stdout, sys.stderr, show_tools=not args.quiet)
    try:
        final = await _answer(session, args.question, printer)
    except ProtocolError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        await session.close()
    if isinstance(final, ErrorEvent):
        return EXIT_ANSWER_FAILED
    _deliver_diagram(final, args.diagram_out, printer)
    return EXIT_OK


async def run_chat(args: argparse.Namespace) -> int:
    session_id = args.session or uuid.uuid4().hex[:12]
    config = _config(args, _store(args, persist=True))
    session = await ExplorerSession.open(session_id, config)
    printer = Printer(sys.stdout, sys.stderr, show_tools=not args.quiet)
    resumed = f", {len(session.transcript)} earlier questions" if session.transcript else ""
    print(f"MCOP Explorer - model {model_label(args.model)}, session {session_id}{resumed}.", file=sys.stderr)
    print("Ask about tables, columns, owners, terms, relationships or lineage.", file=sys.stderr)
    print(
        f"Ctrl-C stops an answer; 'exit' or Ctrl-D quits. Resume with: mcop chat --session {session_id}",
        file=sys.stderr,
    )
    try:
        while True:
            try:
                question = (await asyncio.to_thread(input, "\nyou> ")).strip()
            except EOFError:
                print(file=sys.stderr)
                break
            if question.lower() in {"exit", "quit", ":q"}:
                break
            if not question:
                continue
            try:
                final = await _answer(session, question, printer)
            except ProtocolError as exc:
                print(f"Error: {exc.message}", file=sys.stderr)
                continue
            if isinstance(final, AgentEvent):
                _deliver_diagram(final, args.diagram_out, printer)
    finally:
        await session.close()
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="mcop", description="Ask a data catalog about its tables, in the terminal."
    )
    top.add_argument("--version", action="version", version=f"mcop {__version__}")
    commands = top.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--model", help="offline (default), openai:MODEL, azure:DEPLOYMENT, ollama:MODEL, ..."
    )
    common.add_argument("--catalog", help=f"the catalog to explore (default: {DEFAULT_CATALOG})")
    common.add_argument("--session", help="a session id: its history is kept and continued")
    common.add_argument(
        "--store", help="the SQLite file that keeps sessions (default: in the Jupyter data dir)"
    )
    common.add_argument("--timeout", type=float, default=30.0, help="seconds an answer may take (default 30)")
    common.add_argument("--diagram-out", metavar="FILE", help="save the answer's Mermaid diagram to FILE")
    common.add_argument("-q", "--quiet", action="store_true", help="do not show tool calls")
    ask = commands.add_parser("ask", parents=[common], help="ask one question and stream the answer")
    ask.add_argument("question")
    commands.add_parser("chat", parents=[common], help="an interactive session with history")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.timeout <= 0:
        print("Error: --timeout must be positive.", file=sys.stderr)
        return EXIT_USAGE
    try:
        return asyncio.run(run_ask(args) if args.command == "ask" else run_chat(args))
    except ConfigError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
