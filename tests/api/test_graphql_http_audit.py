"""The graphql-http server audit (the GraphQL-over-HTTP conformance suite) against /graphql.

The audit is the npm package graphql-http, pinned in tests/api/audit/package.json and run by a
small Node script. Every audit must pass: no error (MUST) and no warning (SHOULD).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

AUDIT_DIR = Path(__file__).resolve().parent / "audit"
NODE = shutil.which("node")
NPM = shutil.which("npm")

pytestmark = pytest.mark.skipif(
    NODE is None or NPM is None, reason="node and npm are needed to run graphql-http's audit"
)


def ensure_installed() -> None:
    """npm ci on first use (make install does it too); the lock file pins every package."""
    if (AUDIT_DIR / "node_modules" / "graphql-http" / "package.json").is_file():
        return
    assert NPM is not None
    subprocess.run(
        [NPM, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
        cwd=AUDIT_DIR,
        check=True,
        timeout=300,
    )


def run_audit(url: str) -> dict[str, Any]:
    ensure_installed()
    assert NODE is not None
    completed = subprocess.run(
        [NODE, "audit.mjs", url],
        cwd=AUDIT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_graphql_http_audit_passes_without_errors_or_warnings(live_server: Any) -> None:
    report = run_audit(f"{live_server.url}/graphql")
    counts = report["counts"]
    failures = [r for r in report["results"] if r["status"] in ("error", "warn")]
    assert counts["error"] == 0 and counts["warn"] == 0, json.dumps(report, indent=2)
    assert not failures
    assert counts["ok"] >= 60, counts  # the audit really ran (graphql-http 1.23 has 61)
