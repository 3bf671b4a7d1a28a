"""curation_log: every correction made through the API, with who made it and what changed.

Curation (a statement's speaker or kind set by hand, a document deleted or replaced, a person
split or merged) changes what users are told; the log keeps each change with the token that
made it, when, and the rows' relevant fields before and after, so a change can be reviewed
and, by hand, undone.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Yes (expand only): a new table.
backward_compatible = True

UPGRADE = r"""
CREATE TABLE curation_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    by           text NOT NULL,        -- the API token's name ('admin' for ADMIN_TOKEN)
    action       text NOT NULL,        -- SET_STATEMENT_SPEAKER, DELETE_DOCUMENT, ...
    target_type  text NOT NULL,        -- Statement, SourceDocument, Person
    target_id    bigint NOT NULL,
    before       jsonb,
    after        jsonb
);
CREATE INDEX curation_log_target_idx ON curation_log (target_type, target_id);
"""

DOWNGRADE = r"""
DROP TABLE IF EXISTS curation_log;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
