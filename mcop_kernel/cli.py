"""The `mcop` command: ask one question, or chat, with the answer streamed to the terminal.

Run with:
    mcop ask "Show me all tables"
    mcop ask "Show relationships between fact_bs_purchase_order and suppliers" --diagram-out er.mmd
    mcop ask "Describe suppliers" > answer.md      # piped: the answer's Markdown as written
    mcop chat
    mcop report questions.txt -o findings.ipynb    # the questions as a notebook, run in the MCOP kernel
    mcop doctor --model openai-chat:MODEL          # does this model server suit the explorer?

Only the argument parser loads at start: the agent stack (pydantic-ai, the session, the catalogs)
is imported once a question runs, so `mcop --help` and a mistyped option answer at once.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import uuid
from typing import TYPE_CHECKING

from .errors import ConfigError
from .kernel import report

if TYPE_CHECKING:
    from .session import SessionConfig
    from .store import SessionStore

EXIT_OK, EXIT_ANSWER_FAILED, EXIT_USAGE, EXIT_BROKEN_PIPE = 0, 1, 2, 141

MODEL_HELP = (
    "the model that answers: offline (the default: rule-based, no key or network), offline:DELAY_MS, "
    "openai:MODEL (OPENAI_API_KEY), openai-chat:MODEL (any OpenAI-compatible server at "
    "OPENAI_BASE_URL), azure:DEPLOYMENT (AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY, "
    "OPENAI_API_VERSION), ollama:MODEL (OLLAMA_BASE_URL, default http://localhost:11434/v1), "
    "or any pydantic-ai model string such as anthropic:MODEL (default: $MCOP_MODEL, else offline)"
)
CATALOG_HELP = (
    "the catalog to explore: sample (the default: the bundled procurement catalog), sql:URL (any "
    "SQLAlchemy database, read-only, e.g. sql:sqlite:///shop.db or sql:postgresql://user@host/db), "
    "collibra:URL (a Collibra instance; COLLIBRA_USERNAME and COLLIBRA_PASSWORD, or "
    "COLLIBRA_CLIENT_ID and COLLIBRA_CLIENT_SECRET), python:MODULE:FACTORY (your own Catalog) "
    "(default: $MCOP_CATALOG, else sample)"
)


def _store(args: argparse.Namespace, *, persist: bool) -> SessionStore | None:
    from .store import SQLiteStore, default_store_path

    if args.store:
        return SQLiteStore(args.store)
    return SQLiteStore(default_store_path()) if persist else None


def _config(args: argparse.Namespace, *, persist: bool) -> SessionConfig:
    from .config import session_config

    return session_config(args.model, args.catalog, _store(args, persist=persist), timeout=args.timeout)


async def run_ask(args: argparse.Namespace) -> int:
    from .protocol import ProtocolError
    from .session import ExplorerSession
    from .terminal import TerminalView, answer

    session = await ExplorerSession.open(
        args.session or "cli", _config(args, persist=args.session is not None)
    )
    view = TerminalView(sys.stdout, sys.stderr, show_tools=not args.quiet)
    try:
        answered = await answer(session, args.question, view)
    except ProtocolError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        await session.close()
    if answered.error is not None:
        return EXIT_ANSWER_FAILED
    view.diagram(answered.diagram, target=args.diagram_out, mermaid=args.mermaid)
    return EXIT_OK


async def run_chat(args: argparse.Namespace) -> int:
    import asyncio

    from .config import model_label
    from .protocol import ProtocolError
    from .session import ExplorerSession
    from .terminal import TerminalView, answer

    session_id = args.session or uuid.uuid4().hex[:12]
    session = await ExplorerSession.open(session_id, _config(args, persist=True))
    view = TerminalView(sys.stdout, sys.stderr, show_tools=not args.quiet)
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
                answered = await answer(session, question, view)
            except ProtocolError as exc:
                print(f"Error: {exc.message}", file=sys.stderr)
                continue
            if answered.error is None:
                view.diagram(answered.diagram, target=args.diagram_out, mermaid=args.mermaid)
    finally:
        await session.close()
    return EXIT_OK


class _Version(argparse.Action):
    """`--version`, reading the package metadata only when asked."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from . import __version__

        parser.exit(message=f"mcop {__version__}\n")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="mcop", description="Ask a data catalog about its tables, in the terminal."
    )
    top.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    commands = top.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--model", metavar="MODEL", help=MODEL_HELP)
    common.add_argument("--catalog", metavar="CATALOG", help=CATALOG_HELP)
    common.add_argument("--session", help="a session id: its history is kept and continued")
    common.add_argument(
        "--store", help="the SQLite file that keeps sessions (default: in the Jupyter data dir)"
    )
    common.add_argument("--timeout", type=float, default=30.0, help="seconds an answer may take (default 30)")
    common.add_argument("--diagram-out", metavar="FILE", help="save the answer's Mermaid diagram to FILE")
    common.add_argument(
        "--mermaid", action="store_true", help="print the answer's diagram after it, as a ```mermaid block"
    )
    common.add_argument("-q", "--quiet", action="store_true", help="do not show tool calls")
    ask = commands.add_parser("ask", parents=[common], help="ask one question and stream the answer")
    ask.add_argument("question")
    commands.add_parser("chat", parents=[common], help="an interactive session with history")
    mcp = commands.add_parser("mcp", help="serve the catalog tools to an MCP client (stdio)")
    mcp.add_argument("--catalog", metavar="CATALOG", help=CATALOG_HELP)
    report.add_parser(commands)
    doctor = commands.add_parser("doctor", help="check that a model server works with the explorer")
    doctor.add_argument("--model", metavar="MODEL", help="openai-chat:MODEL or ollama:MODEL ($MCOP_MODEL)")
    doctor.add_argument("--timeout", type=float, default=60.0, help="seconds per check (default 60)")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "mcp":  # the catalog tools for another assistant, over stdio
        from .mcp_server import main as serve_mcp

        return serve_mcp(args.catalog)
    if args.command == "report":  # a notebook run by nbclient in the MCOP kernel
        return report.run(args)
    if args.timeout <= 0:
        print("Error: --timeout must be positive.", file=sys.stderr)
        return EXIT_USAGE
    # Every failure of an answer is printed once, by the answer's own error line: the session's
    # and the catalogs' log records of it would repeat it.
    import asyncio  # here, not at the top: `mcop --help` does without it

    logger = logging.getLogger("mcop_kernel")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        if args.command == "doctor":  # is a model server fit for the explorer?
            from .doctor import run_doctor

            return asyncio.run(run_doctor(args.model, args.timeout))
        return asyncio.run(run_ask(args) if args.command == "ask" else run_chat(args))
    except ConfigError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `mcop ask ... | head`: the reader has gone, so has the rest
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    finally:
        logger.setLevel(level)


if __name__ == "__main__":
    sys.exit(main())
