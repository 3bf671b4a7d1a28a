"""figure.base_value, base_high, base_unit: a figure's value in its dimension's base unit.

Ordering figures by value compared raw values: "2 t" sorted below "500 kg", "3 km" below
"900 m". Ingestion now converts each figure to its base unit with the factors of
service/ingestion/data/units.yaml (``bases:``; service/ingestion/base_units.py) and stores the
result; figures(orderBy: VALUE_*) orders by base_value (index figure_base_value_idx). Money
keeps its currency: there is no exchange-rate conversion.

Existing rows are filled here from the same data file. Code older than this revision inserts
figures without the new columns: a trigger fills them for such rows (only when base_unit is
NULL, so it never runs for current code) from figure_unit_base, the factors as of this
revision. That lets the columns be NOT NULL while older replicas keep writing during a rolling
deploy. A later change of a factor in units.yaml applies to newly ingested figures; stored ones
need a migration that recomputes them, as this one does.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from alembic import op
from sqlalchemy import text

from service.ingestion.base_units import bases

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# Yes (expand only): older code inserts figures without the new columns and the trigger
# fills them; older code never reads them.
backward_compatible = True

UPGRADE = r"""
CREATE TABLE figure_unit_base (
    unit       text PRIMARY KEY,
    base_unit  text NOT NULL,
    factor     double precision NOT NULL CHECK (factor > 0)
);

ALTER TABLE figure
    ADD COLUMN base_value double precision,
    ADD COLUMN base_high  double precision,
    ADD COLUMN base_unit  text;

-- value * factor to 12 significant digits, as base_units.to_base gives it (300, not
-- 300.00000000000006, for 0.3 km).
CREATE FUNCTION figure_base_scaled(value double precision, factor double precision)
RETURNS double precision LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN value * factor = 0 OR value IS NULL THEN value * factor
           ELSE round((value * factor)::numeric,
                      11 - floor(log(abs((value * factor)::numeric)))::int)::float8 END
$$;

CREATE FUNCTION figure_base_default() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    b figure_unit_base%ROWTYPE;
BEGIN
    SELECT * INTO b FROM figure_unit_base WHERE unit = NEW.unit;
    NEW.base_unit := coalesce(b.base_unit, NEW.unit);
    NEW.base_value := figure_base_scaled(NEW.value, coalesce(b.factor, 1));
    NEW.base_high := figure_base_scaled(NEW.high, coalesce(b.factor, 1));
    RETURN NEW;
END
$$;

CREATE TRIGGER figure_base_default BEFORE INSERT ON figure
    FOR EACH ROW WHEN (NEW.base_unit IS NULL) EXECUTE FUNCTION figure_base_default();
"""

BACKFILL = r"""
UPDATE figure f SET
    base_unit = b.base_unit,
    base_value = figure_base_scaled(f.value, b.factor),
    base_high = figure_base_scaled(f.high, b.factor)
FROM figure_unit_base b WHERE b.unit = f.unit;
UPDATE figure SET base_unit = unit, base_value = value, base_high = high
WHERE base_unit IS NULL;

ALTER TABLE figure ALTER COLUMN base_value SET NOT NULL, ALTER COLUMN base_unit SET NOT NULL;
CREATE INDEX figure_base_value_idx ON figure (base_value DESC, id);
"""

DOWNGRADE = r"""
DROP TRIGGER IF EXISTS figure_base_default ON figure;
DROP FUNCTION IF EXISTS figure_base_default();
DROP FUNCTION IF EXISTS figure_base_scaled(double precision, double precision);
DROP INDEX IF EXISTS figure_base_value_idx;
ALTER TABLE figure
    DROP COLUMN IF EXISTS base_value,
    DROP COLUMN IF EXISTS base_high,
    DROP COLUMN IF EXISTS base_unit;
DROP TABLE IF EXISTS figure_unit_base;
"""


INSERT_BASES = (
    "INSERT INTO figure_unit_base (unit, base_unit, factor) VALUES (:unit, :base_unit, :factor)"
)


def upgrade() -> None:
    op.execute(UPGRADE)
    rows = [{"unit": u, "base_unit": b.unit, "factor": b.factor} for u, b in bases().items()]
    op.get_bind().execute(text(INSERT_BASES), rows)
    op.execute(BACKFILL)


def downgrade() -> None:
    op.execute(DOWNGRADE)
