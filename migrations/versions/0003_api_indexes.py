"""Indexes for the GraphQL API's read paths.

- statement (speaker_id, id): totalCount of a speaker's statements on a topic or organisation
  becomes a merge join of two index-only scans (statement_topic already has (topic_id,
  statement_id)) instead of visiting every statement of the speaker.
- statement (spoken_on ASC NULLS LAST, event_id, sequence), and the same after speaker_id:
  orderBy: DATE_ASC pages without sorting all (or all of one speaker's) statements; within an
  event turns still read in order, so the DATE_DESC indexes cannot serve it backwards.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None
# Rolling deploys (README, Deployment): does code written for 0002 work on this revision?
# Yes (expand): indexes only.
backward_compatible = True

UPGRADE = r"""
CREATE INDEX statement_speaker_id_idx ON statement (speaker_id, id);
CREATE INDEX statement_date_asc_idx ON statement (spoken_on ASC NULLS LAST, event_id, sequence);
CREATE INDEX statement_speaker_date_asc_idx
    ON statement (speaker_id, spoken_on ASC NULLS LAST, event_id, sequence);
"""

DOWNGRADE = r"""
DROP INDEX IF EXISTS statement_speaker_date_asc_idx;
DROP INDEX IF EXISTS statement_date_asc_idx;
DROP INDEX IF EXISTS statement_speaker_id_idx;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
