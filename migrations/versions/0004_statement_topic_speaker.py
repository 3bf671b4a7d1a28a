"""statement_topic carries its statement's speaker: "statements by X on Y" counted from one index.

The mission query (a speaker's statements on a topic, with totalCount) counted by merging every
statement of the speaker with every statement on the topic: two index scans of ~10,000 rows
each for ~2,000 matches on the 200,000-statement benchmark corpus, most of the request's
database time. With the speaker copied into statement_topic, the count is one range of the
(topic_id, speaker_id, statement_id) index.

The copy cannot drift: a foreign key (speaker_id, statement_id) -> statement (speaker_id, id)
ON UPDATE CASCADE carries every change of a statement's speaker (mergePersons, a deleted
person's SET NULL) into statement_topic. It needs a unique index on statement (speaker_id, id),
which replaces the plain one of 0003 on the same columns.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None
# Rolling deploys (README, Deployment): does code written for 0003 work on this revision?
# No: older code would insert statement_topic rows without speaker_id, which
# this code's counts read.
backward_compatible = False

UPGRADE = r"""
ALTER TABLE statement_topic ADD COLUMN speaker_id bigint;
UPDATE statement_topic st SET speaker_id = s.speaker_id
  FROM statement s WHERE s.id = st.statement_id AND s.speaker_id IS NOT NULL;

DROP INDEX statement_speaker_id_idx;
CREATE UNIQUE INDEX statement_speaker_id_idx ON statement (speaker_id, id);

ALTER TABLE statement_topic ADD CONSTRAINT statement_topic_speaker_fkey
    FOREIGN KEY (speaker_id, statement_id) REFERENCES statement (speaker_id, id)
    ON UPDATE CASCADE ON DELETE CASCADE;
CREATE INDEX statement_topic_speaker_idx ON statement_topic (topic_id, speaker_id, statement_id);
"""

DOWNGRADE = r"""
DROP INDEX IF EXISTS statement_topic_speaker_idx;
ALTER TABLE statement_topic DROP CONSTRAINT IF EXISTS statement_topic_speaker_fkey;
ALTER TABLE statement_topic DROP COLUMN IF EXISTS speaker_id;
DROP INDEX IF EXISTS statement_speaker_id_idx;
CREATE INDEX statement_speaker_id_idx ON statement (speaker_id, id);
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
