"""How each corpus file is read: `python -m bench.corpus_report [DIR]`.

Per file: the layout family, events, turns, named speakers (distinct persons given turns),
turns left without a person (by label: questioners nobody names, audience remarks), questions
with a named questioner, figures, and whether the page was refused (with the reason). Parsing
only, no database. Written to bench/results/corpus-<date>.md; the issue notes quote it.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import sys
from pathlib import Path

from service.ingestion.model import ParsedDocument, RejectedDocument, StatementKind
from service.ingestion.page import parse_page
from tests.data_paths import CORPUS

ROOT = Path(__file__).resolve().parents[1]
MAX_CHARS = 5_000_000


def row(path: Path) -> list[str]:
    try:
        doc: ParsedDocument = parse_page(path.read_bytes(), filename=path.name, max_chars=MAX_CHARS)
    except RejectedDocument as refused:
        return [path.name, "", "", "", "", "", "", "", f"yes: {refused.code}"]
    turns = [t for e in doc.events for t in e.turns]
    named = {t.person_key for t in turns if t.person_key}
    unresolved = collections.Counter(t.label or "(no label)" for t in turns if not t.person_key)
    questions = [t for t in turns if t.kind == StatementKind.QUESTION]
    asked = sum(1 for t in questions if t.person_key)
    figures = sum(len(t.figures) for t in turns)
    shown = ", ".join(f"{label} {n}" for label, n in unresolved.most_common(3))
    more = len(unresolved) - 3
    if more > 0:
        shown += f", +{more} labels"
    return [
        path.name,
        doc.format,
        str(len(doc.events)),
        str(len(turns)),
        str(len(named)),
        f"{sum(unresolved.values())}" + (f" ({shown})" if shown else ""),
        f"{asked}/{len(questions)}",
        str(figures),
        "no" + (f" ({'; '.join(w.split(':')[0] for w in doc.warnings)})" if doc.warnings else ""),
    ]


def markdown(directory: Path, rows: list[list[str]]) -> str:
    head = [
        "file",
        "layout",
        "events",
        "turns",
        "named speakers",
        "turns without a person (labels)",
        "questions with a named questioner",
        "figures",
        "refused",
    ]
    lines = [
        "# How each corpus file is read",
        "",
        f"Command: `python -m bench.corpus_report {directory}` ({dt.date.today().isoformat()}).",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus_report", description=__doc__)
    parser.add_argument("directory", nargs="?", type=Path, default=CORPUS)
    args = parser.parse_args(argv)
    files = sorted(
        p for p in args.directory.iterdir() if p.suffix in (".txt", ".html") and p.is_file()
    )
    rows = [row(p) for p in files]
    text = markdown(args.directory, rows)
    out = ROOT / "bench" / "results" / f"corpus-{dt.date.today():%Y%m%d}.md"
    out.write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
