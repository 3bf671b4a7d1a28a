"""SQL statements per request, counted from PostgreSQL's own log.

Works for any server under test (the service and the PostGraphile peer alike): the benchmark
database gets ``log_statement = 'all'`` (ALTER DATABASE: only that database's new sessions
log), the server is started, a few requests are sent one at a time, and the statements the log
gained for that database are counted. The timed runs happen afterwards, with logging off
again, so logging never slows them down.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import asyncpg

_STATEMENT = re.compile(r"LOG:\s+(?:statement|execute [^:]*):\s*(.*)$")
# Not queries for data: transaction control, and what drivers send around a pooled connection
# (asyncpg's reset on release is "SELECT pg_advisory_unlock_all(); CLOSE ALL; ...").
_OVERHEAD = re.compile(
    r"^(BEGIN|COMMIT|ROLLBACK|START TRANSACTION|SAVEPOINT|RELEASE|RESET|DISCARD|SET\s"
    r"|SELECT pg_advisory_unlock_all\(\)|select set_config\()",
    re.I,
)


async def set_logging(admin_url: str, database: str, on: bool) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        action = "SET log_statement = 'all'" if on else "RESET log_statement"
        await conn.execute(f'ALTER DATABASE "{database}" {action}')
    finally:
        await conn.close()


class StatementLog:
    """Counts statements the server logged for one database since ``mark()``."""

    def __init__(self, log_path: Path, database: str) -> None:
        self.log_path = log_path
        self.database = database
        self.offset = 0

    def mark(self) -> None:
        self.offset = self.log_path.stat().st_size

    def count(self, settle: float = 0.3) -> tuple[int, int]:
        """(all statements, of which overhead: transactions, connection reset) since the mark."""
        time.sleep(settle)  # the backend writes its log line after replying
        with open(self.log_path, "rb") as f:
            f.seek(self.offset)
            chunk = f.read().decode("utf-8", errors="replace")
        lines = [line for line in chunk.splitlines() if _STATEMENT.search(line)]
        tagged = f"@{self.database} "
        if any(tagged in line for line in lines):  # the log prefix names databases: filter
            lines = [line for line in lines if tagged in line]
        total = len(lines)
        overhead = sum(
            1
            for line in lines
            if _OVERHEAD.match(_STATEMENT.search(line).group(1))  # type: ignore[union-attr]
        )
        return total, overhead
