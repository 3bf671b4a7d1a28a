"""A figure's value in its dimension's base unit, so that figures of one dimension compare:
"2 t" is 2,000 kg and sorts above "500 kg"; "3 km" is 3,000 m, above "900 m".

The factors are data (``bases:`` in data/units.yaml). Money keeps its currency (there are no
exchange rates here), and a unit without an entry is its own base with factor 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache

from service.ingestion.datafiles import load
from service.ingestion.model import Figure


@dataclass(frozen=True)
class Base:
    """How one unit converts: ``value * factor`` is the value in ``unit``."""

    unit: str
    factor: float


@cache
def bases() -> dict[str, Base]:
    """Every unit named under ``bases:`` (the base units themselves with factor 1)."""
    out: dict[str, Base] = {}
    for dimension, entry in load("units")["bases"].items():
        base = str(entry["base"])
        for unit, factor in {base: 1, **entry["factors"]}.items():
            if unit in out:
                raise ValueError(f"units.yaml bases: {unit!r} is in two dimensions ({dimension})")
            out[str(unit)] = Base(base, float(Fraction(str(factor))))
    return out


def base_of(unit: str) -> Base:
    """The base of ``unit``; a unit without an entry (a currency, 'percent') is its own."""
    return bases().get(unit) or Base(unit, 1.0)


def _significant(value: float) -> float:
    """Drops binary noise from multiplying ("0.3 km" is 300 m, not 300.00000000000006)."""
    return float(f"{value:.12g}")


def to_base(value: float, unit: str) -> tuple[float, str]:
    """(value in the base unit, base unit)."""
    base = base_of(unit)
    return _significant(value * base.factor), base.unit


@dataclass(frozen=True)
class BaseFigure:
    """A figure's value and high end in its base unit."""

    value: float
    high: float | None
    unit: str


def base_figure(figure: Figure) -> BaseFigure:
    """The base values ingestion gave ``figure``, or computed now for one built without them
    (a figure made by hand, as the storage tests do)."""
    if figure.base_unit is not None and figure.base_value is not None:
        return BaseFigure(figure.base_value, figure.base_high, figure.base_unit)
    value, unit = to_base(figure.value, figure.unit)
    high = None if figure.high is None else to_base(figure.high, figure.unit)[0]
    return BaseFigure(value, high, unit)
