"""Test only: a newer release's expand step (a nullable column), declared compatible.

It stands for the revision a newer deploy has applied while replicas of this code still run
(tests/test_deploy.py): this code must stay ready on it and not crash when it restarts.

Revision ID: test_ahead_expand
Revises: this code's head
"""

from alembic import op

from service.storage import migrate

revision = "test_ahead_expand"
down_revision = migrate.head_revision()
branch_labels = None
depends_on = None
# Code written for the previous revision works here: it never reads or writes the new column.
backward_compatible = True


def upgrade() -> None:
    op.execute("ALTER TABLE source_document ADD COLUMN test_language text")


def downgrade() -> None:
    op.execute("ALTER TABLE source_document DROP COLUMN test_language")
