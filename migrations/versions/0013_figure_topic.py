"""figure_topic: what each figure is about, from its own sentence.

figures(filter: {topic}) matched the statement's topics, so a population figure from an answer
that mentions trade elsewhere came back as a figure about trade. Ingestion now finds each
figure's topics in its own sentence, or the sentence before it when its own names none
(service/ingestion/figure_topics.py has the rule), and stores them here; the topic filter and
Figure.topics read this table.

Stored figures are filled here by the same code, from each statement's text and the figures'
contexts. The matching runs at about 5,000 statements with figures a second on the
development VM (the test corpus's 306 in 0.06 s), plus the inserts; the migration holds its
lock meanwhile.
Topics it finds that the topic table lacks are added, as ingestion would add them.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from service.ingestion import vocabulary
from service.ingestion.figure_topics import figure_topics

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# Yes (expand only): a new table. Figures that older code stores meanwhile get no rows here
# (the topic filter leaves them out) until their document is ingested again.
backward_compatible = True

BATCH = 500

UPGRADE = r"""
CREATE TABLE figure_topic (
    figure_id  bigint NOT NULL REFERENCES figure (id) ON DELETE CASCADE,
    topic_id   bigint NOT NULL REFERENCES topic (id) ON DELETE CASCADE,
    PRIMARY KEY (figure_id, topic_id)
);
CREATE INDEX figure_topic_topic_idx ON figure_topic (topic_id, figure_id);
"""

STATEMENTS = """
SELECT s.id, s.text, array_agg(f.id ORDER BY f.start_offset, f.id) AS figures,
       array_agg(f.context ORDER BY f.start_offset, f.id) AS contexts
FROM statement s JOIN figure f ON f.statement_id = s.id
WHERE s.id > :last
GROUP BY s.id ORDER BY s.id LIMIT :n
"""

ADD_TOPIC = """
INSERT INTO topic (slug, name, kind) VALUES (:slug, :name, :kind)
ON CONFLICT (slug) DO NOTHING
"""


def _topic_ids(conn: sa.Connection, slugs: set[str], known: dict[str, int]) -> None:
    """Adds to ``known`` the ids of ``slugs``, inserting vocabulary topics not stored yet."""
    missing = sorted(slugs - set(known))
    if not missing:
        return
    for slug in missing:
        try:
            ref = vocabulary.topic(slug)
        except KeyError:
            continue
        conn.execute(sa.text(ADD_TOPIC), {"slug": ref.slug, "name": ref.name, "kind": ref.kind})
    rows = conn.execute(
        sa.text("SELECT id, slug FROM topic WHERE slug = ANY(:slugs)"), {"slugs": missing}
    )
    known.update({row.slug: row.id for row in rows})


def upgrade() -> None:
    op.execute(UPGRADE)
    conn = op.get_bind()
    known: dict[str, int] = {}
    last = 0
    while True:
        rows = conn.execute(sa.text(STATEMENTS), {"last": last, "n": BATCH}).all()
        if not rows:
            break
        found: list[tuple[int, list[str]]] = []
        for row in rows:
            found += zip(row.figures, figure_topics(row.text, row.contexts), strict=True)
        _topic_ids(conn, {slug for _, slugs in found for slug in slugs}, known)
        pairs = [
            {"figure": figure, "topic": known[slug]}
            for figure, slugs in found
            for slug in slugs
            if slug in known
        ]
        if pairs:
            conn.execute(
                sa.text(
                    "INSERT INTO figure_topic (figure_id, topic_id) VALUES (:figure, :topic)"
                    " ON CONFLICT DO NOTHING"
                ),
                pairs,
            )
        last = rows[-1].id


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS figure_topic")
