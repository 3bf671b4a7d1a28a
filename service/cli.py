"""`python -m service`: serve, migrate, ingest, token, export-schema.

Every expected failure (bad setting, database unreachable, port taken, ...) ends with one
``error: ...`` line on stderr and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import codecs
import dataclasses
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections import deque
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import uvicorn

from service.config import ConfigError, Settings
from service.embedded_pg import EmbeddedPostgresError

if TYPE_CHECKING:
    from service.ingestion.model import ParsedDocument

log = logging.getLogger("service")

EXIT_CONFIG = 2
EXIT_FAILURE = 1
DEFAULT_SCHEMA_PATH = Path("schema/schema.graphql")


class CommandError(RuntimeError):
    """An expected failure of a command, reported as one line."""


# -- entry point -------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    started = time.monotonic()
    args = build_parser().parse_args(argv)
    from service.database import DatabaseConnectError

    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    _configure_logging(settings)
    try:
        return int(args.handler(settings, args, started))
    except (CommandError, EmbeddedPostgresError, DatabaseConnectError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 128 + signal.SIGINT
    except _Terminated:
        return 128 + signal.SIGTERM


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m service",
        description="Who-said-what from political press-conference transcripts, over GraphQL.",
        epilog=_environment_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=serve, migrate=True, workers=1)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    p = commands.add_parser(
        "serve",
        help="run the HTTP service (default)",
        description="Serve /graphql (GraphiQL on GET), /healthz and /readyz on HOST:PORT. "
        "Without DATABASE_URL an embedded PostgreSQL is started in SERVICE_DATA_DIR; "
        "migrations are applied (unless --no-migrate) and (LOAD_SAMPLE=1) the sample "
        "transcripts loaded first.",
    )
    p.add_argument(
        "--no-migrate",
        dest="migrate",
        action="store_false",
        help="do not migrate at start: `python -m service migrate` is a deploy step of its own; "
        "until it has run, /readyz answers 503 and says so",
    )
    p.add_argument(
        "--workers",
        type=_worker_count,
        default=1,
        metavar="N",
        help="HTTP worker processes sharing the port (default 1). Migrations and sample "
        "loading happen once, before the workers start; an embedded PostgreSQL is run by "
        "this parent process and shared by the workers",
    )
    p.set_defaults(handler=serve)

    p = commands.add_parser(
        "migrate",
        help="apply database migrations",
        description="Bring the database schema to the newest revision (Alembic upgrade head). "
        "Safe to run from several processes at once: they take turns under a PostgreSQL "
        "advisory lock. Uses DATABASE_DIRECT_URL when set (a session lock needs a direct, "
        "unpooled connection).",
    )
    p.set_defaults(handler=migrate_command)

    p = commands.add_parser(
        "ingest",
        help="parse and store transcript files",
        description="Parse and store transcripts. Directories are searched recursively for "
        "files matching --glob; files named explicitly are always read. One bad file does not "
        "stop the others; the exit status is 0 only if every file was stored or already present.",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="file or directory")
    p.add_argument(
        "--glob", default="*.txt", help="pattern for files inside directories (default: *.txt)"
    )
    p.add_argument(
        "--follow-symlinks",
        action="store_true",
        help="read symbolic links in the directories that lead outside all the directories "
        "given (refused by default, reason SYMLINK_OUTSIDE)",
    )
    p.add_argument(
        "--source-url",
        metavar="URL",
        help="where the page was published (one file only): stored as the document's "
        "sourceUrl, so statements can be quoted with a link; wins over a URL the page names",
    )
    p.add_argument(
        "--publisher", metavar="NAME", help="who published the pages (default: from the layout)"
    )
    p.set_defaults(handler=ingest_command)

    p = commands.add_parser("token", help="manage API write tokens")
    tokens = p.add_subparsers(title="token commands", metavar="TOKEN_COMMAND", required=True)
    create = tokens.add_parser(
        "create",
        help="create a write token",
        description="Create a write token and print it once. Only its SHA-256 is stored: keep "
        "the printed value, it cannot be shown again.",
    )
    create.add_argument("name", help="unique label for the token, e.g. the client's name")
    create.set_defaults(handler=token_create_command)

    p = commands.add_parser(
        "export-schema",
        help="write the GraphQL SDL",
        description="Write the GraphQL schema (SDL) of the running code to a file.",
    )
    p.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_SCHEMA_PATH,
        help=f"where to write it (default: {DEFAULT_SCHEMA_PATH})",
    )
    p.set_defaults(handler=export_schema_command)

    from service.cli_data import add_commands  # export, dump, restore

    add_commands(commands)
    from service.cli_persons import add_commands as add_person_commands  # persons dedupe

    add_person_commands(commands)
    return parser


def _environment_help() -> str:
    rows = Settings.documentation()
    width = max(len(name) for name, _, _ in rows)
    lines = ["environment (default in brackets):"]
    for name, default, meaning in rows:
        lines.append(f"  {name:<{width}}  {meaning} [{default}]")
    return "\n".join(lines)


def _configure_logging(settings: Settings) -> None:
    """LOG_LEVEL and LOG_FORMAT (text or json) for our lines and uvicorn's, each with the id
    of the request it was written for (service.observability.logs)."""
    from service.observability.logs import configure_logging

    configure_logging(settings.log_level, settings.log_format)


# -- serve -------------------------------------------------------------------------------------


class _Terminated(Exception):
    """SIGTERM, turned into an exception so that `finally` blocks stop the embedded server."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise _Terminated


def serve(settings: Settings, args: argparse.Namespace, started: float) -> int:
    from service import database
    from service.app import create_app

    signal.signal(signal.SIGTERM, _raise_terminated)
    listener = _bind(settings.host, settings.port)
    with database.provide_database(settings, exclusive=True) as url:
        asyncio.run(database.wait_until_reachable(url, settings.db_connect_timeout))
        if args.migrate:
            _migrate(settings, url)
        else:
            log.info("not migrating (--no-migrate); /readyz answers 503 until migrations are run")
        settings = dataclasses.replace(settings, database_url=url)
        label = "GraphiQL" if settings.graphiql else "GraphQL"
        announcement = f"{label}: {public_url(settings)}/graphql"
        if args.workers > 1:
            return _serve_workers(settings, listener, args.workers, announcement, started)
        # Migrated above (once, before serving): the app's lifespan need not.
        app = create_app(settings, run_migrations=False)
        config = uvicorn.Config(app, **_uvicorn_options(settings))
        server = AnnouncingServer(config, announcement, started)
        server.run(sockets=[listener])
        if not server.started:
            raise CommandError("the service failed to start; see the log above")
    return 0


def _uvicorn_options(settings: Settings) -> dict[str, Any]:
    from service.http_protocol import HeaderTimeoutProtocol
    from service.observability.logs import logging_config

    return {
        # request headers must arrive within REQUEST_READ_TIMEOUT (uvicorn has no such limit)
        "http": HeaderTimeoutProtocol.configure(settings.request_read_timeout),
        "lifespan": "on",
        "log_level": settings.log_level.lower(),
        "log_config": logging_config(settings.log_level, settings.log_format),  # as ours
        "proxy_headers": True,
        "server_header": False,
        # Idle keep-alive connections close after 5 s; a stop (Ctrl-C, SIGTERM) waits at
        # most SHUTDOWN_TIMEOUT for requests in flight; a stalled body is dropped after
        # REQUEST_READ_TIMEOUT by the app (service.app.BodyLimitMiddleware), stalled headers
        # by the protocol.
        "timeout_keep_alive": 5,
        "timeout_graceful_shutdown": settings.shutdown_timeout,
    }


def _worker_count(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a whole number") from None
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"{value} is out of range (1..64)")
    return value


def _serve_workers(
    settings: Settings, listener: socket.socket, workers: int, announcement: str, started: float
) -> int:
    """uvicorn's own supervisor: ``workers`` spawned processes accept on the one socket bound
    here, each with its own pool and name cache (NOTIFY keeps the caches in step).

    They build the app from the environment (worker_app), so the database URL, the embedded
    server's included, is passed there; migrations and samples are done here, once.
    """
    from uvicorn.supervisors import Multiprocess

    if settings.load_sample:
        asyncio.run(_load_samples_once(settings))
    assert settings.database_url is not None
    os.environ["DATABASE_URL"] = settings.database_url
    # /metrics sums the workers' counts through files in one directory (prometheus_client's
    # multiprocess mode), which must start empty: a fresh one unless the operator chose one.
    metrics_dir = None
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        metrics_dir = tempfile.mkdtemp(prefix="transcripts-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    config = uvicorn.Config(
        f"{__name__}:worker_app", factory=True, workers=workers, **_uvicorn_options(settings)
    )
    supervisor = Multiprocess(config, sockets=[listener])  # handles SIGINT/SIGTERM from here
    watcher = _Announcer(f"{public_url(settings)}/healthz", announcement, started)
    watcher.start()
    database_guard = _supervise_owned_database()
    try:
        supervisor.run()
    finally:
        watcher.stop()
        if database_guard is not None:
            database_guard.stop()
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)
    if not watcher.announced:
        raise CommandError("the service failed to start; see the log above")
    return 0


def _supervise_owned_database() -> Any:
    """The embedded PostgreSQL this parent owns (if it does) restarted when it dies, as a
    single-process serve does in its app: the workers' pools reconnect to the same port."""
    from service import database
    from service.supervisor import SupervisorThread

    server = database.owned_server()
    return None if server is None else SupervisorThread(server).start()


def worker_app() -> Any:
    """The app of one `serve --workers N` worker (a spawned process): settings from the
    environment the parent prepared; no migrations and no samples (the parent did both)."""
    from service.app import create_app
    from service.http_protocol import HeaderTimeoutProtocol

    settings = Settings.from_env()
    HeaderTimeoutProtocol.configure(settings.request_read_timeout)  # this process's class
    _configure_logging(settings)
    _exit_with_parent()
    return create_app(dataclasses.replace(settings, load_sample=False), run_migrations=False)


def _exit_with_parent() -> None:
    """Ask Linux for SIGTERM when the parent dies, even by SIGKILL: a worker must not outlive
    the process that owns the port and, maybe, the embedded PostgreSQL."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    from service.embedded_pg import PR_SET_PDEATHSIG

    parent = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


async def _load_samples_once(settings: Settings) -> None:
    from service.app import _load_samples
    from service.database import create_pool

    assert settings.database_url is not None
    pool = await create_pool(settings.database_url, settings)
    try:
        await _load_samples(pool, settings)
    finally:
        await pool.close()


class _Announcer:
    """Prints the address once a worker answers /healthz; tells whether any ever did."""

    def __init__(self, url: str, announcement: str, started: float) -> None:
        import threading

        self.url = url
        self.announcement = announcement
        self.started_at = started
        self.announced = False
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)

    def _watch(self) -> None:
        import urllib.request

        while not self.stopped.wait(0.1):
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    if response.status != 200:
                        continue
            except OSError:
                continue
            elapsed = time.monotonic() - self.started_at
            print(f"{self.announcement}  (ready in {elapsed:.1f} s)", flush=True)
            self.announced = True
            return


class AnnouncingServer(uvicorn.Server):
    """uvicorn.Server that prints the GraphiQL address once it is really serving."""

    def __init__(self, config: uvicorn.Config, announcement: str, started: float) -> None:
        super().__init__(config)
        self.announcement = announcement
        self.started_at = started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            elapsed = time.monotonic() - self.started_at
            print(f"{self.announcement}  (ready in {elapsed:.1f} s)", flush=True)


def public_url(settings: Settings) -> str:
    host = settings.host
    if host in {"0.0.0.0", "", "::"}:
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}"


def _bind(host: str, port: int) -> socket.socket:
    """Bind the HTTP port before anything else starts, so a clash is reported plainly."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == 98:  # EADDRINUSE
            raise CommandError(
                f"port {port} on {host} is already in use (another instance running?). "
                "Fix: stop that process or set PORT to a free port"
            ) from None
        raise CommandError(
            f"cannot listen on {host}:{port}: {exc.strerror}. Fix: set HOST/PORT "
            "(ports below 1024 need privileges)"
        ) from None
    sock.set_inheritable(True)
    return sock


# -- migrate -----------------------------------------------------------------------------------


def migrate_command(settings: Settings, args: argparse.Namespace, started: float) -> int:
    from service import database
    from service.storage import migrate

    with database.provide_database(settings, exclusive=False) as url:
        asyncio.run(database.wait_until_reachable(url, settings.db_connect_timeout))
        target = database.direct_url(settings, url)
        revision = _migrate(settings, url)
    head = migrate.head_revision()
    where = "head" if revision == head else f"ahead of this code's {head}, and compatible with it"
    print(f"database {database.redacted(target)} is at revision {revision} ({where})")
    return 0


def _migrate(settings: Settings, url: str) -> str | None:
    """Blocking: upgrade under the advisory lock; the database's revision afterwards."""
    from service import database
    from service.storage import migrate

    # The lock is a session lock: a pooler in transaction mode would hand the session on, and
    # an unlock sent through it could reach another server connection, leaving the lock held.
    if settings.behind_pooler and not settings.database_direct_url:
        raise CommandError(
            f"migrations hold a session lock, which DATABASE_POOLER={settings.database_pooler} "
            "does not keep. Fix: set DATABASE_DIRECT_URL to the primary without the pooler "
            "(or serve with --no-migrate and run `python -m service migrate` against it)"
        )
    target = database.direct_url(settings, url)
    if target != url:
        asyncio.run(database.wait_until_reachable(target, settings.db_connect_timeout))
    try:
        return migrate.upgrade(target)
    except migrate.SchemaTooNew as exc:
        raise CommandError(str(exc)) from None


# -- ingest ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FileOutcome:
    path: Path
    status: str  # created | present | refused
    code: str | None = None
    message: str = ""
    document_id: int | None = None


def ingest_command(settings: Settings, args: argparse.Namespace, started: float) -> int:
    from service import database

    files, missing = _expand(args.paths, args.glob, follow_symlinks=args.follow_symlinks)
    if args.source_url and len(files) + len(missing) != 1:
        raise CommandError("--source-url names one page: give exactly one file with it")
    origin = Origin(args.source_url, args.publisher)
    with database.provide_database(settings, exclusive=False) as url:
        outcomes = asyncio.run(_ingest_files(url, files, settings, origin))
    outcomes = missing + outcomes
    _print_summary(outcomes)
    return 0 if outcomes and all(o.status != "refused" for o in outcomes) else EXIT_FAILURE


def _expand(
    paths: Sequence[Path], pattern: str, *, follow_symlinks: bool = False
) -> tuple[list[Path], list[FileOutcome]]:
    """The files to read, and the refusals found on the way.

    A symbolic link found in a directory is read only when it leads inside one of the
    directories given (or ``follow_symlinks``): run as root, a link to /etc/shadow in a
    downloaded folder would otherwise be read, and stored, as a transcript. Files named
    explicitly are read as named; symlinked directories are not searched.
    """
    files: list[Path] = []
    missing: list[FileOutcome] = []
    roots = [path.resolve() for path in paths if path.is_dir()]
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob(pattern) if p.is_file() and not _hidden(p, path))
            if not found:
                missing.append(
                    FileOutcome(path, "refused", "NO_FILES", f"no files matching {pattern}")
                )
            for candidate in found:
                target = candidate.resolve()
                if follow_symlinks or any(target.is_relative_to(root) for root in roots):
                    files.append(candidate)
                else:
                    reason = (
                        f"a symbolic link to {target}, outside the directories given; "
                        "--follow-symlinks reads it"
                    )
                    missing.append(FileOutcome(candidate, "refused", "SYMLINK_OUTSIDE", reason))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(FileOutcome(path, "refused", "NOT_FOUND", "no such file or directory"))
    return files, missing


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


async def _ingest_files(
    url: str, files: list[Path], settings: Settings, origin: Origin | None = None
) -> list[FileOutcome]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from service.database import connect

    conn = await connect(url, settings.db_connect_timeout)
    outcomes = []
    try:
        with ParseAhead(files, settings.max_document_chars, origin or Origin()) as parses:
            progress = Progress(
                TextColumn("[progress.description]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            with progress:
                task = progress.add_task("ingesting", total=len(files))
                async for path, parsed in parses:
                    progress.update(task, description=path.name)
                    outcomes.append(await _store_one(conn, path, parsed))
                    progress.advance(task)
    finally:
        await conn.close()
    return outcomes


@dataclasses.dataclass(frozen=True)
class Origin:
    """Where pages given on the command line were published (``--source-url``, ``--publisher``)."""

    source_url: str | None = None
    publisher: str | None = None


def _read_and_parse(path: Path, max_chars: int, origin: Origin) -> ParsedDocument:
    from service.ingestion.page import parse_page

    return parse_page(
        read_transcript(path, max_chars),
        filename=path.name,
        source_url=origin.source_url,
        publisher=origin.publisher,
        max_chars=max_chars,
    )


def _end_with_parent(parent: int) -> None:
    """Parse worker initializer: the worker ends with the CLI, even when that is SIGKILLed
    (they used to be left running, orphaned, for many minutes).

    Workers are children of multiprocessing's fork server, not of the CLI: the parent-death
    signal fires when the fork server exits (it does when the CLI is gone), and a thread also
    checks twice a second that the CLI itself still runs.
    """
    import threading

    from service.embedded_pg import PR_SET_PDEATHSIG, process_alive

    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)

    def watch() -> None:
        while process_alive(parent):
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


class ParseAhead:
    """Parses the next files in worker processes while the current one is being stored.

    Parsing is CPU-bound Python and storing waits on PostgreSQL, so overlapping them across
    processes roughly halves a large ingest on two cores. Files come back in order; at most
    ``window`` parsed documents wait in memory.
    """

    def __init__(self, files: list[Path], max_chars: int, origin: Origin, window: int = 8) -> None:
        self.files = files
        self.max_chars = max_chars
        self.origin = origin
        self.window = window
        self.executor: Executor | None = None

    def __enter__(self) -> ParseAhead:
        if len(self.files) > 1:
            import multiprocessing

            # forkserver, not fork: the progress bar and asyncio run threads in this process
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["service.ingestion.pipeline"])
            workers = max(1, min(len(self.files), os.cpu_count() or 2))
            self.executor = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=context,
                initializer=_end_with_parent,
                initargs=(os.getpid(),),
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)

    async def __aiter__(self) -> AsyncIterator[tuple[Path, asyncio.Future[ParsedDocument]]]:
        loop = asyncio.get_running_loop()
        pending: deque[tuple[Path, asyncio.Future[ParsedDocument]]] = deque()
        remaining = iter(self.files)

        def submit() -> None:
            path = next(remaining, None)
            if path is not None:
                job = loop.run_in_executor(
                    self.executor, _read_and_parse, path, self.max_chars, self.origin
                )
                pending.append((path, job))

        for _ in range(self.window if self.executor else 1):
            submit()
        while pending:
            path, job = pending.popleft()
            submit()
            yield path, job


async def _store_one(conn: Any, path: Path, parsed: asyncio.Future[ParsedDocument]) -> FileOutcome:
    import asyncpg

    from service.ingestion.model import RejectedDocument
    from service.storage.documents import InvalidDocument, store_document

    try:
        result = await store_document(conn, await parsed)
    except RejectedDocument as exc:
        return FileOutcome(path, "refused", exc.code, exc.message)
    except InvalidDocument as exc:
        return FileOutcome(path, "refused", "INVALID_DOCUMENT", str(exc))
    except OSError as exc:
        return FileOutcome(path, "refused", "UNREADABLE", exc.strerror or str(exc))
    except (asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        return FileOutcome(path, "refused", "STORAGE_ERROR", f"{type(exc).__name__}: {exc}")
    status = "created" if result.created else "present"
    return FileOutcome(path, status, document_id=result.document_id)


def read_transcript(path: Path, max_chars: int) -> bytes:
    """The file's bytes, refused unread when too large to hold ``max_chars`` characters.

    Decoding (any common encoding) and telling HTML from text are ingestion.page's job.
    """
    from service.ingestion.model import RejectedDocument

    size = path.stat().st_size
    if size > 4 * max_chars + len(codecs.BOM_UTF8):  # UTF-8 needs at most 4 bytes a character
        raise RejectedDocument(
            "TOO_LARGE", f"file is {size} bytes, over the limit of {max_chars} characters"
        )
    return path.read_bytes()


def _print_summary(outcomes: list[FileOutcome]) -> None:
    from rich.console import Console
    from rich.table import Table

    labels = {"created": "created", "present": "already present", "refused": "refused"}
    if not sys.stdout.isatty():
        _print_plain_summary(outcomes, labels)
        return
    table = Table(title="ingest")
    for column in ("file", "result", "document", "reason"):
        table.add_column(column)
    for o in outcomes:
        reason = f"{o.code}: {o.message}" if o.code else ""
        document = "" if o.document_id is None else str(o.document_id)
        table.add_row(str(o.path), labels[o.status], document, reason)
    console = Console()
    console.print(table)
    console.print(_totals(outcomes))


def _print_plain_summary(outcomes: list[FileOutcome], labels: dict[str, str]) -> None:
    """One whole tab-separated line per file, for logs and pipes: a table would cut long
    paths and reasons to the width of a terminal that is not there."""
    print("file\tresult\tdocument\treason")
    for o in outcomes:
        reason = f"{o.code}: {o.message}" if o.code else ""
        document = "" if o.document_id is None else str(o.document_id)
        print(f"{o.path}\t{labels[o.status]}\t{document}\t{' '.join(reason.split())}")
    print(_totals(outcomes))


def _totals(outcomes: list[FileOutcome]) -> str:
    counts = {
        status: sum(o.status == status for o in outcomes)
        for status in ("created", "present", "refused")
    }
    return (
        f"{counts['created']} created, {counts['present']} already present, "
        f"{counts['refused']} refused"
    )


# -- token -------------------------------------------------------------------------------------


def token_create_command(settings: Settings, args: argparse.Namespace, started: float) -> int:
    from service import database

    with database.provide_database(settings, exclusive=False) as url:
        token = asyncio.run(_create_token(url, args.name, settings))
    print(token)
    print(
        f"token {args.name!r} created; it is shown only now (only its SHA-256 is stored)",
        file=sys.stderr,
    )
    return 0


async def _create_token(url: str, name: str, settings: Settings) -> str:
    from service.database import connect
    from service.storage.tokens import TokenNameTaken, create_token

    conn = await connect(url, settings.db_connect_timeout)
    try:
        return await create_token(conn, name)
    except TokenNameTaken as exc:
        raise CommandError(f"{exc}; choose another name") from None
    finally:
        await conn.close()


# -- export-schema -----------------------------------------------------------------------------


def export_schema_command(settings: Settings, args: argparse.Namespace, started: float) -> int:
    from strawberry.printer import print_schema

    from service.api.schema import schema

    output: Path = args.output
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(print_schema(schema) + "\n", encoding="utf-8")
    print(f"wrote {output}")
    return 0
