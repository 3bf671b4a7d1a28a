"""source_document.content_key: one document per text, whatever its whitespace and typography.

A page stored again with re-wrapped lines or curled quotes has another sha256, so it was stored
twice and every count doubled. content_key is the sha256 of the text normalised by
service.ingestion.fingerprint; it is unique, so the second copy is refused as "already stored".
Existing rows are backfilled here; where two stored documents already share a key, the older
keeps it and the newer keeps NULL (nothing is deleted: a curator decides).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from service.ingestion.fingerprint import content_key

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Yes (expand only): a nullable column and an index; older code inserts rows with NULL.
backward_compatible = True

BATCH = 200


def upgrade() -> None:
    op.execute("ALTER TABLE source_document ADD COLUMN content_key text")
    conn = op.get_bind()
    seen: set[str] = set()
    last = 0
    while True:
        rows = conn.execute(
            sa.text("SELECT id, text FROM source_document WHERE id > :last ORDER BY id LIMIT :n"),
            {"last": last, "n": BATCH},
        ).all()
        if not rows:
            break
        updates = []
        for row in rows:
            key = content_key(row.text)
            if key not in seen:
                seen.add(key)
                updates.append({"id": row.id, "key": key})
        if updates:
            conn.execute(
                sa.text("UPDATE source_document SET content_key = :key WHERE id = :id"), updates
            )
        last = rows[-1].id
    op.execute(
        "CREATE UNIQUE INDEX source_document_content_key_idx ON source_document (content_key)"
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS source_document_content_key_idx")
    op.execute("ALTER TABLE source_document DROP COLUMN IF EXISTS content_key")
