"""The bundled samples: complete, attributed, and loaded exactly once however often we start."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg
from data_paths import CORPUS

from service.sample_data import SAMPLE_DIR, sample_files


def test_every_bundled_sample_is_a_corpus_file_unchanged() -> None:
    """ATTRIBUTION.md promises the samples are the development corpus's files byte for byte (the
    corpus has more files than are bundled)."""
    bundled = {p.name: p.read_bytes() for p in sample_files()}
    assert len(bundled) >= 20
    for name, data in bundled.items():
        corpus_file = CORPUS / name
        assert corpus_file.is_file(), f"{name} is bundled but not in {CORPUS}"
        assert corpus_file.read_bytes() == data, name


def test_attribution_names_every_licence() -> None:
    text = (SAMPLE_DIR / "ATTRIBUTION.md").read_text(encoding="utf-8")
    for licence in ("NATO public release", "CC BY 4.0", "CC0"):
        assert licence in text


async def test_samples_load_once(
    make_database: Callable[[], str], make_live_server: Callable[..., Any]
) -> None:
    url = make_database()
    first = make_live_server(url, load_sample=True)
    first.__exit__()
    second = make_live_server(url, load_sample=True)  # a restart: nothing new
    second.__exit__()
    conn = await asyncpg.connect(url)
    try:
        count = await conn.fetchval("SELECT count(*) FROM source_document")
        names = {r["filename"] for r in await conn.fetch("SELECT filename FROM source_document")}
    finally:
        await conn.close()
    assert count == len(sample_files())
    assert names == {p.name for p in sample_files()}
