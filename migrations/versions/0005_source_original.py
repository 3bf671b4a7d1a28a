"""source_document keeps the page a document's text was extracted from.

An HTML page is stored as the article text extracted from it: that text is what every offset
(statement, mention, figure) points into. The page as given is kept beside it, so that nothing
the user sent is lost and a better extraction can be run again later: ``original`` holds it and
``original_format`` says what it is ('html'). Both stay NULL for plain-text documents, whose
``text`` is their original.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None
# Rolling deploys (README, Deployment): does code written for 0004 work on this revision?
# Yes (expand): nullable columns that older code leaves NULL.
backward_compatible = True

UPGRADE = r"""
ALTER TABLE source_document ADD COLUMN original text;
ALTER TABLE source_document ADD COLUMN original_format text;
ALTER TABLE source_document ADD CONSTRAINT source_document_original_format_check
    CHECK ((original IS NULL) = (original_format IS NULL));
"""

DOWNGRADE = r"""
ALTER TABLE source_document DROP CONSTRAINT IF EXISTS source_document_original_format_check;
ALTER TABLE source_document DROP COLUMN IF EXISTS original_format;
ALTER TABLE source_document DROP COLUMN IF EXISTS original;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
