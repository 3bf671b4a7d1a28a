"""Run wrk (Debian package ``wrk``) with bench/wrk/graphql.lua and parse what it prints."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

LUA = Path(__file__).resolve().parent / "wrk" / "graphql.lua"

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class WrkResult:
    requests: int
    seconds: float
    requests_per_s: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    socket_errors: int
    non_2xx: int
    graphql_errors: int
    command: str
    error_sample: str | None = None

    @property
    def errors(self) -> int:
        return self.socket_errors + self.non_2xx + self.graphql_errors

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "errors": self.errors}


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("wrk is not installed: apt-get install -y wrk")
    return found


def wrk_version() -> str:
    out = subprocess.run([wrk_binary(), "-v"], capture_output=True, text=True)
    return (out.stdout + out.stderr).strip().splitlines()[0]


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        raise ValueError(f"unparsable wrk duration {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def run(
    url: str, body_file: Path, seconds: int, connections: int = 16, threads: int = 1
) -> WrkResult:
    argv = [
        wrk_binary(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        url,
        "--",
        str(body_file),
    ]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stderr or out.stdout}")
    return parse(out.stdout, " ".join(argv))


def parse(text: str, command: str = "") -> WrkResult:
    def find(pattern: str, default: str | None = None) -> str:
        m = re.search(pattern, text, re.MULTILINE)
        if m:
            return m.group(1)
        if default is None:
            raise ValueError(f"wrk output lacks {pattern!r}:\n{text}")
        return default

    percentiles = {p: _ms(find(rf"^\s+{p}%\s+(\S+)\s*$")) for p in ("50", "90", "99")}
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    requests = int(find(r"^\s+(\d+) requests in"))
    return WrkResult(
        requests=requests,
        seconds=_ms(find(r"requests in ([\d.]+(?:us|ms|s|m)),")) / 1000,
        requests_per_s=float(find(r"^Requests/sec:\s+([\d.]+)")),
        p50_ms=percentiles["50"],
        p90_ms=percentiles["90"],
        p99_ms=percentiles["99"],
        max_ms=_ms(find(r"^\s+Latency\s+\S+\s+\S+\s+(\S+)\s")),
        socket_errors=sum(int(g) for g in socket.groups()) if socket else 0,
        non_2xx=int(find(r"Non-2xx or 3xx responses: (\d+)", "0")),
        graphql_errors=int(find(r"^graphql_errors: (\d+)", "0")),
        command=command,
        error_sample=(
            m.group(1) if (m := re.search(r"^graphql_error_sample: (.*)$", text, re.M)) else None
        ),
    )
