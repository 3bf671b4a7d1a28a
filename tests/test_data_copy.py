"""tests/data is a faithful copy of the product owners' shared folder, when that folder is there.

Why: the tests run on the repository's copy (so a clone needs nothing beside it), but the
product owners change the originals; a copy that drifted would test the wrong facts or the wrong
contract. Where the shared folder is absent (a plain clone), the comparison skips.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from data_paths import COPIED, DATA, SHARED


def differences(origin: Path, copy: Path) -> list[str]:
    """What differs between ``origin`` (a file or a flat folder) and its ``copy``, one line per
    file: different bytes, missing from the copy, or no longer in the origin."""
    if origin.is_file():
        if not copy.is_file():
            return [f"{copy}: missing (copy {origin} here)"]
        same = origin.read_bytes() == copy.read_bytes()
        return [] if same else [f"{copy}: differs from {origin}"]
    theirs = {p.name for p in origin.iterdir() if p.is_file()}
    ours = {p.name for p in copy.iterdir() if p.is_file()} if copy.is_dir() else set()
    found = [f"{copy / n}: missing (copy {origin / n} here)" for n in sorted(theirs - ours)]
    found += [f"{copy / n}: not in {origin} any more" for n in sorted(ours - theirs)]
    found += [
        f"{copy / n}: differs from {origin / n}"
        for n in sorted(theirs & ours)
        if (origin / n).read_bytes() != (copy / n).read_bytes()
    ]
    return found


@pytest.mark.parametrize("relative", COPIED)
def test_the_copy_matches_the_shared_folder(relative: str) -> None:
    if not SHARED.is_dir():
        pytest.skip(f"no shared folder at {SHARED}: nothing to compare tests/data with")
    origin = SHARED / relative
    assert origin.exists(), f"{origin} is gone from the shared folder; tests/data still has it"
    problems = differences(origin, DATA / relative)
    assert not problems, "tests/data drifted from the shared folder:\n" + "\n".join(problems)


def test_differences_reports_changed_missing_and_extra_files(tmp_path: Path) -> None:
    """The comparison itself, so it is checked even where the shared folder is absent."""
    origin, copy = tmp_path / "origin", tmp_path / "copy"
    origin.mkdir()
    copy.mkdir()
    for name, data in {"same.txt": b"a", "changed.txt": b"b", "missing.txt": b"c"}.items():
        (origin / name).write_bytes(data)
    (copy / "same.txt").write_bytes(b"a")
    (copy / "changed.txt").write_bytes(b"b\r")  # one byte more: must not pass
    (copy / "extra.txt").write_bytes(b"d")
    assert differences(origin, copy) == [
        f"{copy / 'missing.txt'}: missing (copy {origin / 'missing.txt'} here)",
        f"{copy / 'extra.txt'}: not in {origin} any more",
        f"{copy / 'changed.txt'}: differs from {origin / 'changed.txt'}",
    ]
    (copy / "missing.txt").write_bytes(b"c")
    (copy / "extra.txt").unlink()
    (copy / "changed.txt").write_bytes(b"b")
    assert differences(origin, copy) == []
    assert differences(origin / "same.txt", copy / "same.txt") == []
    assert differences(origin / "same.txt", copy / "none.txt") == [
        f"{copy / 'none.txt'}: missing (copy {origin / 'same.txt'} here)"
    ]
