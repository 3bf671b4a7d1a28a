"""Loading of the YAML vocabularies under ``data/``: one cached read per file."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load(name: str) -> Any:
    """The parsed content of ``data/<name>.yaml``."""
    path = resources.files("service.ingestion").joinpath(f"data/{name}.yaml")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@cache
def word_set(name: str, key: str) -> frozenset[str]:
    """A list in a data file as a set of lower-case strings."""
    return frozenset(str(w).lower() for w in load(name)[key])
