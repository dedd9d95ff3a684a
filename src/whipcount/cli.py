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
from .store.base import Row, Store, open_store, redact_url

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


people_app = typer.Typer(help="People across articles: list, show why mentions were joined, merge, split.")
app.add_typer(people_app, name="people")
organizations_app = typer.Typer(help="Organizations across articles: list, show, merge, split.")
app.add_typer(organizations_app, name="organizations")


@people_app.callback(invoke_without_command=True)
def people(ctx: typer.Context, db: str | None = DbOption,
           name: str | None = typer.Option(None, "--name", help="Whole words of the name."),
           fmt: RowFormat = RowFormatOption, limit: int = LimitOption,
           offset: int = OffsetOption) -> None:
    """List people, with their titles and how many articles mention them.

    Subcommands: show ID, merge ID ID, split ID_OR_MENTION (see `whipcount people show --help`).
    """
    if ctx.invoked_subcommand is None:
        _list(db, "people", fmt, lambda s: s.people(name=name, limit=limit, offset=offset))


@organizations_app.callback(invoke_without_command=True)
def organizations(ctx: typer.Context, db: str | None = DbOption,
                  name: str | None = typer.Option(None, "--name", help="Whole words of the name."),
                  kind: str | None = typer.Option(None, "--kind", help="union, party, newspaper, ..."),
                  fmt: RowFormat = RowFormatOption, limit: int = LimitOption,
                  offset: int = OffsetOption) -> None:
    """List organizations and how many articles mention them.

    Subcommands: show ID, merge ID ID, split ID_OR_MENTION.
    """
    if ctx.invoked_subcommand is None:
        _list(db, "organizations", fmt,
              lambda s: s.organizations(name=name, kind=kind, limit=limit, offset=offset))


class ShowFormat(str, Enum):
    text = "text"
    json = "json"


def _show(db: str | None, kind: str, entity_id: str, fmt: ShowFormat) -> None:
    from .resolve.store import explain_entity
    from .store.identities import IdentityQueries

    with _library_errors(), open_store(resolve_db_url(db), create=False) as store:
        assert isinstance(store, IdentityQueries)
        detail = store.entity_detail(kind, entity_id)  # type: ignore[arg-type]
    if detail is None:
        typer.echo(f"Error: no {kind} {entity_id!r} in the store (list them with `whipcount "
                   f"{'people' if kind == 'person' else 'organizations'}`)", err=True)
        raise typer.Exit(1)
    if fmt is ShowFormat.json:
        export.write_rows([detail], sys.stdout, "jsonl")
    else:
        typer.echo("\n".join(explain_entity(detail)))


def _review(db: str | None, kind: str, action: str, a: str, b: str | None, note: str) -> None:
    from .resolve.decisions import Override
    from .resolve.store import entity_ref, review

    with _library_errors(), open_store(resolve_db_url(db), create=False) as store:
        refs: list[str | None] = []
        for what in (a, b):
            if what is None:
                refs.append(None)
                continue
            r = entity_ref(store, kind, what)  # type: ignore[arg-type]
            if r is None:
                typer.echo(f"Error: {what!r} is neither a stored {kind} id nor a mention "
                           "ARTICLE_ID#LOCAL_ID of one", err=True)
                raise typer.Exit(1)
            refs.append(r)
        if action == "split" and a and "#" not in a:
            typer.echo(f"Error: split needs a mention ARTICLE_ID#LOCAL_ID (see `whipcount "
                       f"{'people' if kind == 'person' else 'organizations'} show {a}`)", err=True)
            raise typer.Exit(2)
        result = review(store, kind, Override(kind=action, a=refs[0], b=refs[1], note=note))  # type: ignore[arg-type]
        moved_to = store.entity_of_ref(kind, refs[0])  # type: ignore[attr-defined]
    typer.echo(f"{action} kept; store re-resolved: {refs[0]} is now in {moved_to}", err=True)
    for line in result.lines():
        typer.echo(line, err=True)


def _add_review_commands(group: typer.Typer, kind: str, plural: str) -> None:
    @group.command("show")
    def show(entity_id: str = typer.Argument(..., help=f"A stored {kind} id (from `whipcount {plural}`)."),
             db: str | None = DbOption,
             fmt: ShowFormat = typer.Option(ShowFormat.text, "--format", "-f", help="text or json.")) -> None:
        """List every mention of one entity and why each was joined to the others."""
        _show(db, kind, entity_id, fmt)

    @group.command("merge")
    def merge(a: str = typer.Argument(..., help="A stored id, or a mention ARTICLE_ID#LOCAL_ID."),
              b: str = typer.Argument(..., help="Another stored id or mention."),
              note: str = typer.Option("", "--note", help="Why, for the record."),
              db: str | None = DbOption) -> None:
        """Join two entities for good (kept in the store, applied by every later resolution)."""
        _review(db, kind, "merge", a, b, note)

    @group.command("split")
    def split(mention: str = typer.Argument(..., help="The mention ARTICLE_ID#LOCAL_ID to take out."),
              with_: str | None = typer.Option(None, "--with", help="Another mention that leaves with it."),
              note: str = typer.Option("", "--note", help="Why, for the record."),
              db: str | None = DbOption) -> None:
        """Take a mention out of its entity for good (kept in the store, applied by every later
        resolution)."""
        _review(db, kind, "split", mention, with_, note)

    _ = (show, merge, split)  # registered by the decorators


_add_review_commands(people_app, "person", "people")
_add_review_commands(organizations_app, "organization", "organizations")


@app.command()
def resolve(db: str | None = DbOption) -> None:
    """Resolve people and organizations across every stored article: join name variants, link
    people to the loaded knowledge base (`whipcount kb load`), apply reviewers' merges and splits.

    Example: whipcount resolve --db whipcount.db
    """
    from .resolve.store import resolve_store

    console = Console(stderr=True)
    with _library_errors(), open_store(resolve_db_url(db), create=False) as store:
        total = store.counts()["articles"]
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=console, disable=not console.is_terminal) as bar:
            task = bar.add_task("reading", total=total * 2)
            stages = {"people": 0, "organizations": total}
            result = resolve_store(store, progress=lambda stage, n: bar.update(
                task, completed=stages[stage] + n, description=stage))
    for line in result.lines():
        typer.echo(line, err=True)


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
          model: str | None = typer.Option(None, "--model", help="spaCy model for submitted articles."),
          workers: int = typer.Option(1, "--workers", "-w", min=1,
                                      help="Server processes (each opens its own store); "
                                           "about one per CPU core for the most requests a second."),
          cache: bool = typer.Option(True, "--cache/--no-cache",
                                     help="Keep public pages and API answers in memory until the "
                                          "stored data changes.")) -> None:
    """Serve the web pages and the JSON API (OpenAPI schema at /openapi.json).

    Example: whipcount serve --db whipcount.db --port 8000 --workers 2
    """
    try:
        import uvicorn

        from .web.app import create_app, serve_workers, settings_to_env
    except ImportError as exc:
        typer.echo(f"Error: the web app needs the web extra (pip install 'whipcount[web]'): {exc}",
                   err=True)
        raise typer.Exit(2) from None
    with _library_errors():  # also with workers: a bad URL fails here, once, before serving
        web_app = create_app(resolve_db_url(db), token=token, settings=_settings(model),
                             create=token is not None, response_cache=cache)
    typer.echo(f"whipcount serving {redact_url(resolve_db_url(db))} on http://{host}:{port}/"
               f"{'' if token else ' (read-only)'}"
               f"{f' with {workers} worker processes' if workers > 1 else ''}", err=True)
    if workers == 1:
        uvicorn.run(web_app, host=host, port=port, log_level="info")
        return
    web_app.state.store.close()
    # The workers build their own app from the environment, which they inherit: the store URL
    # and the token stay out of every process's command line.
    settings_to_env(resolve_db_url(db), token, model, cache)
    serve_workers(host, port, workers)


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


@kb_app.command("load")
def kb_load(
    paths: list[Path] = typer.Argument(..., help="Knowledge-base files or folders (congress-legislators "
                                                 "YAML/CSV/JSON, Open States YAML folders or JSONL)."),
    db: str | None = DbOption,
    replace: bool = typer.Option(False, "--replace", help="Drop the knowledge base stored before "
                                                          "(default: add to it, merging people by id)."),
    no_resolve: bool = typer.Option(False, "--no-resolve", help="Only store the knowledge base; "
                                                                "`whipcount resolve` links later."),
) -> None:
    """Read knowledge-base files into the store, then link and resolve the stored people.

    Example: whipcount kb load legislators-current.yaml legislators-historical.csv openstates/ --db whipcount.db
    """
    from .kb import load_kb_files
    from .kb.loaders import merge_kb_people
    from .resolve.store import resolve_store
    from .store.identities import IdentityQueries

    with _library_errors(), open_store(resolve_db_url(db)) as store:
        assert isinstance(store, IdentityQueries)
        loaded = load_kb_files(paths)
        before = [] if replace else store.load_kb()
        stored = store.save_kb(merge_kb_people([*before, *loaded]))
        typer.echo(f"knowledge base: {len(loaded)} people read from {len(paths)} path(s); "
                   f"{stored} people stored ({len(before)} before)", err=True)
        if not no_resolve:
            for line in resolve_store(store).lines():
                typer.echo(line, err=True)


@kb_app.command("update")
def kb_update(
    dest: Path = typer.Option(..., "--dest", help="Folder for the downloaded copies (created if missing)."),
    timeout: float = typer.Option(60.0, "--timeout", min=1.0, help="Seconds to wait on a stalled download."),
    mirror: str | None = typer.Option(None, "--mirror", help="Base URL of a mirror that keeps the "
                                                            "upstream paths (docs/kb.md)."),
) -> None:
    """Download fresh copies of congress-legislators and Open States people (needs network
    access); a source that fails keeps its previous copy. Then: whipcount kb load DEST.

    Example: whipcount kb update --dest kb/ && whipcount kb load kb/ --db whipcount.db
    """
    from .kb.update import sources_with_base, update_kb

    console = Console(stderr=True)
    with _library_errors(), Progress(TextColumn("{task.description}"), BarColumn(), TextColumn(
            "{task.completed:,.0f} bytes"), TimeElapsedColumn(), console=console,
            disable=not console.is_terminal) as bar:
        tasks: dict[str, Any] = {}

        def progress(name: str, done: int, total: int | None) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=total)
            bar.update(tasks[name], completed=done, total=total)

        summary = update_kb(dest, sources_with_base(mirror) if mirror else None, progress=progress,
                            timeout=timeout)
    for line in summary.lines():
        typer.echo(line, err=True)
    if summary.failed:
        raise typer.Exit(1)


@import_app.command("endorsements")
def import_endorsements(
    path: Path = typer.Argument(..., help="A FiveThirtyEight or generic endorsement CSV (docs/import.md)."),
    db: str | None = DbOption,
    output: Path | None = typer.Option(None, "--output", "-o",
                                       help="Write the records here (JSONL) instead of storing them."),
) -> None:
    """Store an endorsement list as records beside the news (rerunning stores nothing twice).

    Example: whipcount import endorsements fivethirtyeight-2020.csv --db whipcount.db
    """
    from .importers import read_endorsement_csv

    with _library_errors():
        records = read_endorsement_csv(path)
        n = sum(len(r.endorsements) for r in records)
        if output is not None:
            with _output(output) as out:
                written, _ = export.write_results(records, out, "jsonl")
            typer.echo(f"{written} records, {n} endorsements from {path} written to {output}", err=True)
            return
        with open_store(resolve_db_url(db)) as store:
            result = store.write_records(records)
    typer.echo(f"{path}: {len(records)} records with {n} endorsements; stored {result.stored}, "
               f"already stored {result.duplicates} ({store.url})", err=True)
