"""source_document.warnings: what a reader should know about how the page was read.

A transcript with no speaker labels is stored with statements that have no speaker; the
document says so ("NO_SPEAKER_LABELS: ..."), so that an analyst counting who said what knows
these statements are not attributed. Added with a default, so older rows read as no warnings.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None
# Rolling deploys (README, Deployment): does code written for 0005 work on this revision?
# Yes (expand): a new column with a default, which older code need not write.
backward_compatible = True

UPGRADE = r"""
ALTER TABLE source_document ADD COLUMN warnings text[] NOT NULL DEFAULT '{}';
"""

DOWNGRADE = r"""
ALTER TABLE source_document DROP COLUMN IF EXISTS warnings;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
