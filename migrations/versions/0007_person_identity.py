"""Person identity at archive scale: external ids, country, dated offices, merge evidence.

A person in the office-holder data (service/ingestion/data/offices.yaml) carries a Wikidata id
and a country; a person who spoke as an office holder gets a dated office row, so "who was
President of Russia in 2005" and "Putin's offices" are answered from data, not from free-text
titles. Merges made by the dedupe command are kept with their evidence, so a reviewer can see
why two rows became one (and undo it by hand).

Added columns are nullable and the new tables are new: older code keeps working on this
revision (expand only).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None
# Rolling deploys (README, Deployment): does code written for 0006 work on this revision?
# Yes (expand only): nullable columns and new tables.
backward_compatible = True

UPGRADE = r"""
ALTER TABLE person
    ADD COLUMN wikidata_id text CHECK (wikidata_id ~ '^Q[0-9]+$'),
    ADD COLUMN country text;
CREATE UNIQUE INDEX person_wikidata_idx ON person (wikidata_id)
    WHERE wikidata_id IS NOT NULL AND merged_into_id IS NULL;

-- An office a person held: from the office-holder data, or as a transcript names it.
CREATE TABLE person_office (
    person_id   bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    office      text NOT NULL,            -- full name: 'President of the Russian Federation'
    country     text,                     -- ISO 3166 alpha-2, or an organisation's acronym
    start_date  date,
    end_date    date,                     -- NULL while in office (or unknown)
    source      text NOT NULL CHECK (source IN ('office_holders', 'transcript', 'curated')),
    PRIMARY KEY (person_id, office, source),
    CHECK (end_date IS NULL OR start_date IS NULL OR start_date <= end_date)
);
CREATE INDEX person_office_office_idx ON person_office (office, start_date);

-- Every merge applied (by curation or `persons dedupe`) with the evidence that justified it.
CREATE TABLE person_merge (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    merged_id   bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    into_id     bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    evidence    jsonb NOT NULL DEFAULT '{}',
    merged_by   text NOT NULL,            -- 'dedupe', 'curation', ...
    merged_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (merged_id <> into_id)
);
CREATE INDEX person_merge_into_idx ON person_merge (into_id);
"""

DOWNGRADE = r"""
DROP TABLE IF EXISTS person_merge;
DROP TABLE IF EXISTS person_office;
DROP INDEX IF EXISTS person_wikidata_idx;
ALTER TABLE person DROP COLUMN IF EXISTS country, DROP COLUMN IF EXISTS wikidata_id;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
