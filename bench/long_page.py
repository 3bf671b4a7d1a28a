"""Parsing time of pages made of label-shaped lines: `python -m bench.long_page`.

A page of 100,000 "NAME: text" lines is the worst case a client can post: every line is a
speaker turn. Four shapes, each at 25,000, 50,000 and 100,000 lines: two speakers taking turns,
a new surname every two lines (colon labels), the same with full-stop labels ("Mr. ABCD."), and
a new full name every two lines ("Abcde Fghij:"), each one letter from many others (the
misprint rules look for those).
Each is parsed in a fresh child process (`parse_page`, no database); CPU seconds and the
child's peak memory are reported, with the growth from 50,000 to 100,000 lines (2.0 is linear).
Results: bench/results/long-page-<date>.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from bench import report

ROOT = Path(__file__).resolve().parents[1]
SIZES = (25_000, 50_000, 100_000)
SHAPES = ("two speakers", "distinct surnames", "full-stop labels", "distinct full names")

CHILD = r"""
import json, resource, sys, time
from service.ingestion.page import parse_page

def surname(n):
    s = ""
    for _ in range(4):
        n, r = divmod(n, 26)
        s += chr(65 + r)
    return s

shape, n = sys.argv[1], int(sys.argv[2])
if shape == "two speakers":
    names = ("JONES", "SMITH")
    lines = [f"{names[i % 2]}: Some words here about the budget." for i in range(n)]
elif shape == "distinct surnames":
    lines = [f"{surname(i // 2)}: Some words here." for i in range(n)]
elif shape == "distinct full names":
    lines = [
        f"{surname(i // 2 + 7).title()}o {surname(i // 2).title()}a: Some words here."
        for i in range(n)
    ]
else:
    lines = [f"Mr. {surname(i // 2)}. Some words here." for i in range(n)]
text = "Press conference\nMay 2, 2018\n\n" + "\n".join(lines)
parse_page("Warm-up\nMay 2, 2018\n\nSMITH: Hello.\nJONES: Hi.\nSMITH: Bye.\n", max_chars=10**7)
started = time.process_time()
doc = parse_page(text.encode(), filename="long.txt", max_chars=10**7)
cpu = time.process_time() - started
turns = sum(len(e.turns) for e in doc.events)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"cpu_seconds": cpu, "turns": turns, "max_rss_mb": rss, "chars": len(text)}))
"""


def measure(shape: str, lines: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, shape, str(lines)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def markdown(data: dict) -> str:
    rows = []
    for shape in data["results"]:
        cells = [data["results"][shape][str(n)] for n in SIZES]
        growth = cells[2]["cpu_seconds"] / cells[1]["cpu_seconds"]
        rows.append(
            f"| {shape} | "
            + " | ".join(f"{c['cpu_seconds']:.2f} s ({c['turns']:,} turns)" for c in cells)
            + f" | {growth:.2f} | {max(c['max_rss_mb'] for c in cells):.0f} |"
        )
    head = " | ".join(f"{n:,} lines" for n in SIZES)
    return (
        "# Long pages of label-shaped lines\n\n"
        f"Command: `python -m bench.long_page` ({data['date']}, commit {data['commit']},"
        f" {data['cpus']} CPUs). CPU seconds of `parse_page` in a fresh process per cell.\n\n"
        f"| shape | {head} | 50k -> 100k | peak RSS MB |\n|---|---|---|---|---|---|\n"
        + "\n".join(rows)
        + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.long_page", description=__doc__)
    parser.add_argument("--label", default="", help="suffix of the result files' names")
    parser.add_argument("--shapes", default=",".join(SHAPES), help="comma-separated subset")
    args = parser.parse_args(argv)
    shapes = args.shapes.split(",")
    results: dict[str, dict[str, dict[str, float]]] = {}
    for shape in shapes:
        results[shape] = {}
        for n in SIZES:
            results[shape][str(n)] = measure(shape, n)
            print(shape, n, results[shape][str(n)], flush=True)
    data = {
        "date": dt.date.today().isoformat(),
        "commit": os.popen(f"git -C {ROOT} rev-parse --short HEAD").read().strip(),
        "cpus": os.cpu_count(),
        "results": results,
    }
    report.write("long-page", data, markdown(data), suffix=args.label)
    print(markdown(data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
