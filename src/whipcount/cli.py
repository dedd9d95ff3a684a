"""The ``whipcount`` command: thin typer commands over the library.

Each command parses its arguments and calls one library function. A library
:class:`~whipcount.errors.WhipcountError` becomes a one-line message on stderr (no traceback):
exit 2 for usage errors (bad URL, unknown model, bad option), exit 1 for store errors and for
inputs that failed while the rest went through.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Any, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__, export
from .config import DEFAULT_MODEL, Settings, resolve_db_url
from .errors import StoreError, WhipcountError
from .models import IngestError
from .runners import demo as demo_runner
from .runners import local
from .store.base import Row, Store, open_store

app = typer.Typer(name="whipcount", no_args_is_help=True, add_completion=False,
                  help="Turn political news into a sourced record of who backs whom, who said "
                       "what, and who holds which role.")


class RecordFormat(str, Enum):
    jsonl = "jsonl"
    json = "json"
    csv = "csv"


class Engine(str, Enum):
    local = "local"
    dask = "dask"


class RowFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"


PIPED_TABLE_WIDTH = 160

DbOption = typer.Option(None, "--db", help="Store URL or path (default: $WHIPCOUNT_DB, else ./whipcount.db).")
LimitOption = typer.Option(100, "--limit", "-n", min=0, help="At most this many rows.")
OffsetOption = typer.Option(0, "--offset", min=0, help="Skip this many rows first.")
RowFormatOption = typer.Option(RowFormat.table, "--format", "-f", help="Output format.")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"whipcount {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                      help="Show the version and exit.")) -> None:
    """whipcount: who backs whom, who said what, and who holds which role, from the news."""
    from .logs import setup_logging

    setup_logging()  # one line per logged problem, never a traceback (WHIPCOUNT_LOG=debug for those)


@contextmanager
def _library_errors() -> Iterator[None]:
    """Library errors as one line on stderr and an exit code, never a traceback."""
    try:
        yield
    except StoreError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(1) from None
    except WhipcountError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(2) from None


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    if path is None or str(path) == "-":
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8", newline="") as fh:
        yield fh


def _error_line(err: IngestError) -> str:
    """'error: <reason>' naming the file once (reasons usually name it already)."""
    text = err.reason if err.source and err.source in err.reason else str(err)
    return f"error: {text}"


def _settings(model: str | None, workers: int = 1, with_text: bool = True,
              batch_size: int | None = None) -> Settings:
    base = Settings()
    return Settings(model=model or DEFAULT_MODEL, workers=workers, with_text=with_text,
                    batch_size=batch_size or base.batch_size)


@app.command()
def extract(
    paths: list[str] = typer.Argument(..., help="Files, folders, or - for stdin."),
    fmt: RecordFormat = typer.Option(RecordFormat.jsonl, "--format", "-f", help="Output format."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
    no_text: bool = typer.Option(False, "--no-text", help="Leave article.text out of the records."),
    model: str | None = typer.Option(None, "--model", help=f"spaCy model (default {DEFAULT_MODEL})."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Worker processes."),
) -> None:
    """Extract records and print them; nothing is stored.

    Example: whipcount extract article.txt --format jsonl
    """
    settings = _settings(model, workers, with_text=not no_text)
    with _library_errors(), _output(output) as out:
        _, errors = export.write_results(
            local.extract(paths, settings), out, fmt.value, with_text=not no_text,
            on_error=lambda e: typer.echo(_error_line(e), err=True))
    if errors:
        raise typer.Exit(1)


@contextmanager
def _progress_bar(paths: list[str], console: Console) -> Iterator[Callable[[local.RunSummary], None] | None]:
    """A progress callback drawing a rich bar on stderr, or None when stderr is not a TTY."""
    if not console.is_terminal:
        yield None
        return
    total = local.count_inputs(paths) or None
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("reading", total=total)

        def update(s: local.RunSummary) -> None:
            bar.update(task, completed=s.done, total=max(total or 0, s.read + len(s.failed)) or None,
                       description=f"stored {s.stored}, duplicates {s.duplicates}, "
                                   f"failed {len(s.failed)}")
        yield update


@app.command()
def run(
    paths: list[str] = typer.Argument(..., help="Files, folders, or - for stdin."),
    db: str | None = DbOption,
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Worker processes."),
    errors_file: Path | None = typer.Option(None, "--errors", help="Write failed inputs here as JSONL."),
    model: str | None = typer.Option(None, "--model", help=f"spaCy model (default {DEFAULT_MODEL})."),
    batch_size: int | None = typer.Option(None, "--batch-size", min=1, help="Articles per batch."),
    engine: Engine = typer.Option(Engine.local, "--engine", help="local: a process pool; dask: a Dask cluster."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask scheduler, tcp://HOST:8786 "
                                         "(default: a local cluster of --workers processes)."),
    out: Path | None = typer.Option(None, "--out", help="Dask engine: write Parquet to this folder "
                                    "instead of a store."),
) -> None:
    """Extract records and store them; articles already stored are skipped.

    Example: whipcount run news/ --db whipcount.db --workers 4
    Example: whipcount run warcs/ --engine dask --scheduler tcp://10.0.0.5:8786 --db postgresql://whip@db/news
    """
    settings = _settings(model, workers, batch_size=batch_size)
    err_console = Console(stderr=True)
    if engine is not Engine.dask and (scheduler or out):
        typer.echo("Error: --scheduler and --out need --engine dask", err=True)
        raise typer.Exit(2)
    with _library_errors():
        if engine is Engine.dask:
            from .runners import dask as dask_runner

            with _progress_bar(paths, err_console) as progress:
                summary = dask_runner.run(paths, settings, db_url=None if out else resolve_db_url(db),
                                          out_dir=str(out) if out else None, scheduler=scheduler,
                                          progress=progress)
        else:
            with open_store(resolve_db_url(db)) as store, _progress_bar(paths, err_console) as progress:
                summary = local.run(paths, store, settings, progress=progress)
    typer.echo(f"articles read: {summary.read}, stored: {summary.stored}, skipped as duplicates: "
               f"{summary.duplicates}, failed: {len(summary.failed)} ({summary.elapsed:.1f}s)")
    for err in summary.failed:
        typer.echo(_error_line(err), err=True)
    if errors_file is not None:
        with errors_file.open("w", encoding="utf-8") as fh:
            export.write_rows((e.to_dict() for e in summary.failed), fh, "jsonl")
    raise typer.Exit(summary.exit_code)


def _list(db: str | None, kind: str, fmt: RowFormat, query: Callable[[Store], list[Row]]) -> None:
    with _library_errors():
        with open_store(resolve_db_url(db), create=False) as store:
            rows = query(store)
    _emit(rows, kind, fmt)


def _emit(rows: list[Row], kind: str, fmt: RowFormat, title: str | None = None) -> None:
    if fmt is RowFormat.table:
        console = Console()
        if not console.is_terminal:  # piped to a file or pager: wrap less
            console = Console(width=PIPED_TABLE_WIDTH)
        console.print(export.rows_table(rows, kind, title=title))
    else:
        export.write_rows(rows, sys.stdout, fmt.value)


@app.command()
def articles(db: str | None = DbOption, search: str | None = typer.Option(
                 None, "--search", help="Text in the id, title or source."),
             fmt: RowFormat = RowFormatOption, limit: int = LimitOption,
             offset: int = OffsetOption) -> None:
    """List stored articles."""
    _list(db, "articles", fmt, lambda s: s.articles(limit=limit, offset=offset, search=search))


@app.command()
def people(db: str | None = DbOption,
           name: str | None = typer.Option(None, "--name", help="Whole words of the name."),
           fmt: RowFormat = RowFormatOption, limit: int = LimitOption,
           offset: int = OffsetOption) -> None:
    """List people, with their titles and how many articles mention them."""
    _list(db, "people", fmt, lambda s: s.people(name=name, limit=limit, offset=offset))


@app.command()
def organizations(db: str | None = DbOption,
                  name: str | None = typer.Option(None, "--name", help="Whole words of the name."),
                  kind: str | None = typer.Option(None, "--kind", help="union, party, newspaper, ..."),
                  fmt: RowFormat = RowFormatOption, limit: int = LimitOption,
                  offset: int = OffsetOption) -> None:
    """List organizations and how many articles mention them."""
    _list(db, "organizations", fmt,
          lambda s: s.organizations(name=name, kind=kind, limit=limit, offset=offset))


@app.command()
def quotes(db: str | None = DbOption,
           speaker: str | None = typer.Option(None, "--speaker", help="Whole words of the speaker's name."),
           search: str | None = typer.Option(None, "--search", help='Full text: words, "a phrase", prefix*.'),
           article: str | None = typer.Option(None, "--article", help="Only this article id."),
           fmt: RowFormat = RowFormatOption, limit: int = LimitOption,
           offset: int = OffsetOption) -> None:
    """List quotes.

    Example: whipcount quotes --speaker Okafor --search "picket lines"
    """
    _list(db, "quotes", fmt, lambda s: s.quotes(speaker=speaker, search=search, article=article,
                                                limit=limit, offset=offset))


@app.command()
def endorsements(db: str | None = DbOption,
                 endorser: str | None = typer.Option(None, "--endorser", help="Whole words of the endorser."),
                 endorsee: str | None = typer.Option(None, "--endorsee", help="Whole words of the endorsee."),
                 status: str | None = typer.Option(None, "--status", help="endorsed, withdrawn, declined, ..."),
                 office: str | None = typer.Option(None, "--office", help="Text in the office."),
                 fmt: RowFormat = RowFormatOption, limit: int = LimitOption,
                 offset: int = OffsetOption) -> None:
    """List endorsements.

    Example: whipcount endorsements --endorsee Whitcombe --status endorsed
    """
    _list(db, "endorsements", fmt, lambda s: s.endorsements(
        endorser=endorser, endorsee=endorsee, status=status, office=office, limit=limit,
        offset=offset))


@app.command()
def demo(db: Path = typer.Option(Path(demo_runner.DEFAULT_DEMO_DB), "--db",
                                 help="SQLite file to (re)create for the demo."),
         model: str | None = typer.Option(None, "--model", help="spaCy model."),
         fmt: RowFormat = RowFormatOption) -> None:
    """Run the bundled sample articles into a fresh store and show what was found."""
    with _library_errors():
        store, summary = demo_runner.run_demo(db, _settings(model))
        with store:
            found: dict[str, Any] = {"endorsements": store.endorsements(limit=-1),
                                     "quotes": store.quotes(limit=-1)}
    for kind, rows in found.items():
        _emit(rows, kind, fmt, title=f"{kind} ({len(rows)})")
    typer.echo(f"{summary.stored} sample articles stored in {db}; explore with "
               f"`whipcount people --db {db}` or `whipcount quotes --db {db} --search WORD`",
               err=fmt is not RowFormat.table)
    raise typer.Exit(summary.exit_code)


@app.command()
def serve(db: str | None = DbOption,
          host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
          port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
          token: str | None = typer.Option(None, "--token", envvar="WHIPCOUNT_TOKEN",
                                           help="Allow writes (submit articles, review facts) "
                                                "to holders of this token; read-only without."),
          model: str | None = typer.Option(None, "--model", help="spaCy model for submitted articles.")) -> None:
    """Serve the web pages and the JSON API (OpenAPI schema at /openapi.json).

    Example: whipcount serve --db whipcount.db --port 8000
    """
    try:
        import uvicorn

        from .web.app import create_app
    except ImportError as exc:
        typer.echo(f"Error: the web app needs the web extra (pip install 'whipcount[web]'): {exc}",
                   err=True)
        raise typer.Exit(2) from None
    with _library_errors():
        web_app = create_app(resolve_db_url(db), token=token, settings=_settings(model),
                             create=token is not None)
    typer.echo(f"whipcount serving {resolve_db_url(db)} on http://{host}:{port}/"
               f"{'' if token else ' (read-only)'}", err=True)
    uvicorn.run(web_app, host=host, port=port, log_level="info")


kb_app = typer.Typer(no_args_is_help=True, help="Link people to knowledge bases (congress-legislators, Open States).")
app.add_typer(kb_app, name="kb")
import_app = typer.Typer(no_args_is_help=True, help="Import structured lists as records.")
app.add_typer(import_app, name="import")


@kb_app.command("link")
def kb_link(
    paths: list[str] = typer.Argument(..., help="Files, folders, or - for stdin."),
    kb: list[Path] = typer.Option(..., "--kb", help="Knowledge-base file or folder (repeat the option)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
    no_text: bool = typer.Option(False, "--no-text", help="Leave article.text out of the records."),
    model: str | None = typer.Option(None, "--model", help=f"spaCy model (default {DEFAULT_MODEL})."),
) -> None:
    """Extract records, link their people to the knowledge bases and print them (JSONL); nothing is stored.

    Example: whipcount kb link article.txt --kb legislators-current.yaml --kb openstates/current.jsonl
    """
    from .kb import KBIndex, load_kb_files
    from .resolve import link_results

    settings = _settings(model, with_text=not no_text)
    with _library_errors(), _output(output) as out:
        index = KBIndex(load_kb_files(kb))
        _, errors = export.write_results(
            link_results(local.extract(paths, settings), index), out, "jsonl", with_text=not no_text,
            on_error=lambda e: typer.echo(_error_line(e), err=True))
    if errors:
        raise typer.Exit(1)


@import_app.command("endorsements")
def import_endorsements(
    path: Path = typer.Argument(..., help="A FiveThirtyEight or generic endorsement CSV (docs/import.md)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
) -> None:
    """Read an endorsement list and print its records (JSONL); nothing is stored yet.

    Example: whipcount import endorsements fivethirtyeight-2020.csv -o endorsements.jsonl
    """
    from .importers import read_endorsement_csv

    with _library_errors():
        records = read_endorsement_csv(path)
        with _output(output) as out:
            written, _ = export.write_results(records, out, "jsonl")
    typer.echo(f"{written} records, {sum(len(r.endorsements) for r in records)} endorsements from {path}",
               err=True)
