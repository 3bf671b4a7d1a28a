"""Where the tests' data lives: the one place that names these paths.

Why: the data is a copy, inside the repository, of the product owners' shared folder, so a
clone with nothing beside it passes `make test`. Tests and benchmarks import from here rather
than building their own paths (``from data_paths import ...`` in tests, whose folder pytest puts
on sys.path; ``from tests.data_paths import ...`` from bench/). Only tests/test_data_copy.py
looks at ``SHARED``, to check that the copies have not drifted.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
CORPUS = DATA / "corpus"
SEEDS = DATA / "acceptance" / "seeds.yaml"
CONTRACT = DATA / "api" / "contract.graphql"
# The two documents the product was specified from (checked by SEEDS).
NATO_SEED = CORPUS / "nato-2006-12-04-press-briefing-nazarbayev.txt"
KREMLIN_SEED = CORPUS / "kremlin-2005-06-23-csto-press-conference-and-plenary.txt"

# The product owners' folder beside the repository, when there is one: the copies' origin.
SHARED = REPO.parent / "shared"
# Each copy, relative to DATA, and its origin, relative to SHARED (same relative paths).
COPIED = ("corpus", "acceptance/seeds.yaml", "api/contract.graphql")
