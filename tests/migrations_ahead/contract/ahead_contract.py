"""Test only: a newer release's contract step (a column renamed), declared incompatible.

Code written for the previous revision selects source_document.title, which is gone here: a
replica of it must report why it is not ready, and its migrate step must refuse clearly
(tests/test_deploy.py).

Revision ID: test_ahead_contract
Revises: this code's head
"""

from alembic import op

from service.storage import migrate

revision = "test_ahead_contract"
down_revision = migrate.head_revision()
branch_labels = None
depends_on = None
# Code written for the previous revision reads source_document.title, renamed here.
backward_compatible = False


def upgrade() -> None:
    op.execute("ALTER TABLE source_document RENAME COLUMN title TO headline")


def downgrade() -> None:
    op.execute("ALTER TABLE source_document RENAME COLUMN headline TO title")
