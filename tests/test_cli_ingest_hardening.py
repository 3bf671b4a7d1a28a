"""`python -m service ingest` under a hostile environment: killed with SIGKILL it leaves no parse
worker behind, and it does not follow symbolic links out of the directories it was given."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from service.embedded_pg import process_alive

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "service" / "sample_data"
NATO = CORPUS / "nato-2006-12-04-press-briefing-nazarbayev.txt"
KREMLIN = CORPUS / "kremlin-2005-06-23-csto-press-conference-and-plenary.txt"


def _environment(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    env.update(DATABASE_URL=database_url, LOG_LEVEL="WARNING")
    return env


def _ingest(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service", "ingest", *args],
        cwd=REPO,
        env=_environment(database_url),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _rows(stdout: str) -> dict[str, tuple[str, str]]:
    """file name -> (result, reason) from the plain (not a terminal) summary."""
    rows = {}
    for line in stdout.splitlines()[1:]:
        fields = line.split("\t")
        if len(fields) == 4:
            rows[Path(fields[0]).name] = (fields[1], fields[3])
    return rows


def _descendants(root: int) -> dict[int, int]:
    """pid -> parent pid of every live process below ``root``."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: dict[int, int] = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                found[pid] = ppid
                frontier.append(pid)
    return found


def test_sigkilled_ingest_leaves_no_worker_alive(
    public_tmp: Path, make_database: Callable[[], str]
) -> None:
    corpus = public_tmp / "corpus"
    corpus.mkdir()
    samples = sorted(CORPUS.glob("*.txt"))
    for copy in range(4):  # enough files that parsing is still going on when the kill comes
        for sample in samples:
            shutil.copy(sample, corpus / f"{copy}-{sample.name}")
    cli = subprocess.Popen(
        [sys.executable, "-m", "service", "ingest", str(corpus)],
        cwd=REPO,
        env=_environment(make_database()),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:  # parse workers run: grandchildren (under multiprocessing's fork server)
            below = _descendants(cli.pid)
            workers = [pid for pid, parent in below.items() if parent != cli.pid]
            if workers:
                break
            assert cli.poll() is None, "ingest ended before its workers were seen"
            assert time.monotonic() < deadline, "no parse worker started"
            time.sleep(0.05)
        below = _descendants(cli.pid)
    finally:
        cli.send_signal(signal.SIGKILL)
        cli.wait()
    deadline = time.monotonic() + 5
    while (alive := [pid for pid in below if process_alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in alive:  # do not leave them to the rest of the run
        os.kill(pid, signal.SIGKILL)
    assert not alive, f"processes of the killed ingest still run: {alive}"


def test_symlinks_out_of_the_given_directories_are_refused_unless_asked(
    public_tmp: Path, make_database: Callable[[], str]
) -> None:
    url = make_database()
    corpus = public_tmp / "corpus"
    (corpus / "sub").mkdir(parents=True)
    shutil.copy(NATO, corpus / "nato.txt")
    shutil.copy(KREMLIN, corpus / "sub" / "kremlin.txt")
    (corpus / "inside.txt").symlink_to(Path("sub") / "kremlin.txt")
    elsewhere = public_tmp / "elsewhere"
    elsewhere.mkdir()
    secret = elsewhere / "secret.txt"
    shutil.copy(CORPUS / "kremlin-news-17173.txt", secret)
    (corpus / "outside.txt").symlink_to(secret)

    result = _ingest(url, str(corpus))
    rows = _rows(result.stdout)
    assert result.returncode == 1, result.stdout + result.stderr
    assert rows["outside.txt"][0] == "refused"
    assert rows["outside.txt"][1].startswith("SYMLINK_OUTSIDE: a symbolic link to ")
    assert str(secret) in rows["outside.txt"][1] and "--follow-symlinks" in rows["outside.txt"][1]
    assert rows["nato.txt"][0] == "created"
    assert {rows["inside.txt"][0], rows["kremlin.txt"][0]} == {"created", "already present"}
    assert "2 created, 1 already present, 1 refused" in result.stdout

    followed = _ingest(url, "--follow-symlinks", str(corpus))
    rows = _rows(followed.stdout)
    assert followed.returncode == 0, followed.stdout + followed.stderr
    assert rows["outside.txt"][0] == "created"
    assert "1 created, 3 already present, 0 refused" in followed.stdout
