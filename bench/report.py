"""Results files: machine facts, the exact command, JSON for tools and Markdown for people."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"
TMP_DIR = RESULTS_DIR / "tmp"  # git-ignored scratch: request bodies, server logs


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _git(*args: str) -> str:
    try:
        out = subprocess.run(["git", *args], capture_output=True, text=True, timeout=10)
    except OSError:
        return ""
    return out.stdout.strip()


def machine() -> dict[str, Any]:
    """What the figures depend on: CPU, memory, OS, interpreter, code version."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        (
            int(line.split()[1])
            for line in _read("/proc/meminfo").splitlines()
            if line.startswith("MemTotal:")
        ),
        0,
    )
    os_name = next(
        (
            line.split("=", 1)[1].strip('"')
            for line in _read("/etc/os-release").splitlines()
            if line.startswith("PRETTY_NAME=")
        ),
        platform.system(),
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "os": os_name,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
    }


def command_line() -> str:
    return " ".join(
        shlex.quote(a) for a in [Path(sys.executable).name, "-m", "bench", *sys.argv[1:]]
    )


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def machine_section(info: dict[str, Any]) -> str:
    rows = [(k, v) for k, v in info.items()]
    return "## Machine\n\n" + table(["", ""], rows)


def write(
    kind: str,
    data: dict[str, Any],
    markdown: str,
    when: dt.date | None = None,
    suffix: str = "",
) -> Path:
    """bench/results/KIND-YYYYMMDD[SUFFIX].{json,md}; returns the Markdown path."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = (when or dt.date.today()).strftime("%Y%m%d")
    base = RESULTS_DIR / f"{kind}-{stamp}{suffix}"
    base.with_suffix(".json").write_text(json.dumps(data, indent=2, default=str) + "\n")
    base.with_suffix(".md").write_text(markdown.rstrip() + "\n")
    return base.with_suffix(".md")
