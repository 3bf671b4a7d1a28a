"""statement.paragraphs: where each paragraph of a turn lies in the stored page.

A statement's text is its paragraphs joined by newlines, and its span runs from the first
paragraph's start to the last one's end; page furniture between paragraphs is in neither. The
paragraph spans ([[start, end], ...], as ingestion read them) let a quote point at the exact
paragraph. Statements stored before this revision have none (NULL); re-ingesting their page
(replaceDocument) fills them.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# Yes (expand only): a nullable column; older code stores statements without it.
backward_compatible = True


def upgrade() -> None:
    op.execute("ALTER TABLE statement ADD COLUMN paragraphs jsonb")


def downgrade() -> None:
    op.execute("ALTER TABLE statement DROP COLUMN IF EXISTS paragraphs")
