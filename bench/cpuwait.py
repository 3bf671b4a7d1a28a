"""Where a measured run's time goes: CPU per request, and what PostgreSQL's backends wait on.

Why: requests/s alone cannot tell a server that costs more CPU from one that waits. CPU comes
from /proc (Linux): the server's process tree, every process named ``postgres`` on the machine
(the benchmark database's backends, and any other PostgreSQL's idle ones), and how much of the
machine stayed idle. Waits come from sampling ``pg_stat_activity`` every 0.1 s on a connection
of its own (about 10 cheap queries a second beside the load): the average number of the
database's backends running a statement, and of those, waiting on each wait event.
"""

from __future__ import annotations

import asyncio
import collections
import os
import threading
from typing import Any

import asyncpg

from bench.procs import descendants

_TICK = os.sysconf("SC_CLK_TCK")

_ACTIVITY = """
SELECT wait_event_type || ':' || wait_event AS wait
FROM pg_stat_activity
WHERE datname = $1 AND state = 'active' AND backend_type = 'client backend'
  AND pid <> pg_backend_pid()
"""


def _cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def _postgres_pids() -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as f:
                    if f.read().startswith("postgres"):
                        pids.append(int(entry))
            except (FileNotFoundError, ProcessLookupError):
                continue
    return pids


def _machine_ticks() -> tuple[int, int]:
    """(idle, all) jiffies since boot, over every core."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    return values[3] + values[4], sum(values)  # idle + iowait


class CpuMeter:
    """CPU used between ``__init__`` and ``per_request``, by the server and by PostgreSQL."""

    def __init__(self, server_pid: int) -> None:
        self.server = descendants(server_pid)
        self.postgres = _postgres_pids()
        self._start = (_cpu_ticks(self.server), _cpu_ticks(self.postgres), _machine_ticks())

    def per_request(self, requests: int) -> dict[str, float]:
        server, postgres, (idle0, all0) = self._start
        idle1, all1 = _machine_ticks()
        per = 1000 / _TICK / max(requests, 1)
        return {
            "server_cpu_ms": round((_cpu_ticks(self.server) - server) * per, 2),
            "postgres_cpu_ms": round((_cpu_ticks(self.postgres) - postgres) * per, 2),
            "machine_idle_pct": round(100 * (idle1 - idle0) / max(all1 - all0, 1), 1),
        }


class WaitSampler:
    """Samples the database's active backends in a thread with its own event loop."""

    def __init__(self, database_url: str, database: str, interval: float = 0.1) -> None:
        self.database_url = database_url
        self.database = database
        self.interval = interval
        self.samples = 0
        self.active = 0
        self.waiting: collections.Counter[str] = collections.Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)
        self._thread.start()

    async def _run(self) -> None:
        conn = await asyncpg.connect(self.database_url)
        try:
            while not self._stop.is_set():
                rows = await conn.fetch(_ACTIVITY, self.database)
                self.samples += 1
                self.active += len(rows)
                self.waiting.update(r["wait"] for r in rows if r["wait"] is not None)
                await asyncio.sleep(self.interval)
        finally:
            await conn.close()

    def stop(self) -> dict[str, Any]:
        """Average backends running a statement, and waiting per wait event (largest first)."""
        self._stop.set()
        self._thread.join()
        n = max(self.samples, 1)
        return {
            "samples": self.samples,
            "active_backends": round(self.active / n, 2),
            "waiting_backends": {w: round(c / n, 2) for w, c in self.waiting.most_common()},
        }
