"""Person matching support: surname lookup, and one participant per person and label.

Cross-document matching asks "which stored persons share this surname key?" for every person
of an incoming document; without an index that is a scan of person and person_alias.

One event can have several participants under one printed label: every journalist of a White
House briefing is "Q". A participant is therefore unique per (event, label, person), with all
unnamed holders of a label being one participant (NULLS NOT DISTINCT, PostgreSQL 15).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None
# Rolling deploys (README, Deployment): does code written for 0001 work on this revision?
# No (contract): it drops the participant (event_id, label) unique constraint; older code
# wrote one participant per printed label and relied on it.
backward_compatible = False

UPGRADE = r"""
-- The last word of a folded name key: the surname in "nursultan nazarbaev".
CREATE FUNCTION name_surname(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN substring($1 from '[^ ]+$');

CREATE INDEX person_surname_idx ON person (name_surname(name_key)) WHERE merged_into_id IS NULL;
CREATE INDEX person_alias_surname_idx ON person_alias (name_surname(key));

ALTER TABLE participant
    DROP CONSTRAINT participant_event_id_label_key,
    ADD CONSTRAINT participant_event_label_person_key
        UNIQUE NULLS NOT DISTINCT (event_id, label, person_id);
"""

DOWNGRADE = r"""
ALTER TABLE participant
    DROP CONSTRAINT IF EXISTS participant_event_label_person_key,
    ADD CONSTRAINT participant_event_id_label_key UNIQUE (event_id, label);
DROP INDEX IF EXISTS person_alias_surname_idx;
DROP INDEX IF EXISTS person_surname_idx;
DROP FUNCTION IF EXISTS name_surname(text);
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
