"""`mcop report questions.txt -o findings.ipynb`: a list of questions written as a notebook in the
MCOP kernel (a title cell, then one question per cell) and executed with nbclient, so the findings
are a record anyone can open, share and run again against tomorrow's catalog.

Run with:
    mcop report questions.txt                     # writes questions.ipynb beside it
    mcop report questions.txt -o findings.ipynb --catalog sql:sqlite:///shop.db --title "Shop review"

Only argparse is loaded when the command line is read; nbformat and nbclient when a report runs.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nbformat import NotebookNode

KERNELSPEC = {"name": "mcop", "display_name": "MCOP Explorer", "language": "mcop"}
LANGUAGE_INFO = {"name": "mcop", "mimetype": "text/plain", "file_extension": ".txt", "pygments_lexer": "text"}
EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
CELL_GRACE = 30.0
"""Seconds a cell may take beyond the answer's own timeout before nbclient gives up on it."""


def add_parser(commands: Any) -> None:
    """The `report` subcommand's arguments."""
    report = commands.add_parser(
        "report",
        help="ask a file of questions (one per line) into a notebook in the MCOP kernel, and run it",
        description="Write the questions as a notebook in the MCOP kernel (a title cell, one question "
        "per cell) and execute it, so the answers are a record that can be shared and run again. Blank "
        "lines and lines starting with # are skipped; a line starting with % (e.g. %catalog sql:URL) "
        "is a setting cell.",
    )
    report.add_argument("questions", type=Path, help="a text file: one question per line")
    report.add_argument("-o", "--output", type=Path, help="the notebook to write (default: QUESTIONS.ipynb)")
    report.add_argument("--title", help="the report's title (default: from the file's name)")
    report.add_argument("--model", metavar="MODEL", help="the model that answers (written as a %%model cell)")
    report.add_argument(
        "--catalog", metavar="CATALOG", help="the catalog asked (written as a %%catalog cell)"
    )
    report.add_argument("--timeout", type=float, default=30.0, help="seconds an answer may take (default 30)")


def read_questions(text: str) -> list[str]:
    """One question (or %setting) per line; blank lines and # comments skipped."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def build_notebook(
    questions: list[str],
    title: str,
    *,
    model: str | None = None,
    catalog: str | None = None,
    timeout: float = 30.0,
) -> NotebookNode:
    """The report as a notebook in the MCOP kernel, not yet run."""
    import nbformat.v4 as nbf

    markdown_cell: Callable[[str], Any] = nbf.new_markdown_cell
    code_cell: Callable[[str], Any] = nbf.new_code_cell
    new_notebook: Callable[..., NotebookNode] = nbf.new_notebook
    settings = [f"%model {model}" if model else "", f"%catalog {catalog}" if catalog else ""]
    if timeout != 30.0:
        settings.append(f"%timeout {timeout:g}")
    intro = (
        f"# {title}\n\n{len(questions)} question{'' if len(questions) == 1 else 's'} asked of the data "
        "catalog. Each cell is a question to MCOP Explorer; run the notebook again (in the MCOP Explorer "
        "kernel) to ask them of the catalog as it is then."
    )
    cells = [markdown_cell(intro)]
    if any(settings):
        cells.append(code_cell("\n".join(line for line in settings if line)))
    cells += [code_cell(question) for question in questions]
    return new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO})


def execute(notebook: NotebookNode, where: Path, *, timeout: float = 30.0) -> int:
    """Run every cell in the MCOP kernel (a failed question is recorded, the rest still run); returns
    how many cells ended in an error."""
    from nbclient import NotebookClient

    client = NotebookClient(
        notebook,
        kernel_name=KERNELSPEC["name"],
        timeout=int(timeout + CELL_GRACE),
        allow_errors=True,
        resources={"metadata": {"path": str(where)}},
    )
    client.execute()
    return sum(
        1
        for cell in notebook.cells
        if cell.cell_type == "code" and any(out.output_type == "error" for out in cell.get("outputs", []))
    )


def run(args: argparse.Namespace) -> int:
    """`mcop report`: write and run the notebook; exit 1 if any question failed."""
    import nbformat
    from jupyter_client.kernelspec import NoSuchKernel

    if args.timeout <= 0:
        print("Error: --timeout must be positive.", file=sys.stderr)
        return EXIT_USAGE
    try:
        questions = read_questions(args.questions.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        print(f"Error: cannot read {args.questions}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not questions:
        print(f"Error: {args.questions} holds no questions (one per line).", file=sys.stderr)
        return EXIT_USAGE
    output: Path = args.output or args.questions.with_suffix(".ipynb")
    title = args.title or args.questions.stem.replace("_", " ").replace("-", " ").strip().capitalize()
    notebook = build_notebook(questions, title, model=args.model, catalog=args.catalog, timeout=args.timeout)
    output.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        failed = execute(notebook, output.resolve().parent, timeout=args.timeout)
    except NoSuchKernel:
        print(
            "Error: the MCOP Explorer kernel is not installed in this environment "
            "(it comes with the package: pip install mcop-kernel).",
            file=sys.stderr,
        )
        return EXIT_USAGE
    write: Callable[[NotebookNode, Path], None] = nbformat.write
    write(notebook, output)
    seconds = time.monotonic() - started
    answered = f"{len(questions) - failed} answered" + (f", {failed} failed" if failed else "")
    print(f"Wrote {output}: {len(questions)} questions, {answered} ({seconds:.1f} s).", file=sys.stderr)
    return EXIT_SOME_FAILED if failed else EXIT_OK
