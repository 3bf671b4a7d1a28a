"""Where each entity's rows come from, in the aliases the reference's SQL fragments use
(``s`` statement, ``e`` event, ``f`` figure, ``p`` person, ``o`` organisation, ``t`` topic,
``d`` document), with the reference's column lists."""

from __future__ import annotations

from service.api.compiler.render import Table
from service.storage.queries import (
    DOCUMENT_COLUMNS,
    EVENT_COLUMNS,
    FIGURE_COLUMNS,
    ORGANISATION_COLUMNS,
    STATEMENT_COLUMNS,
    TOPIC_COLUMNS,
)

STATEMENTS = Table("statement s", STATEMENT_COLUMNS, "s.id")
EVENTS = Table("event e", EVENT_COLUMNS, "e.id")
PERSONS = Table("person p", "p.id, p.name", "p.id")
ORGANISATIONS = Table("organisation o", ORGANISATION_COLUMNS, "o.id")
TOPICS = Table("topic t", TOPIC_COLUMNS, "t.id")
DOCUMENTS = Table("source_document d", DOCUMENT_COLUMNS, "d.id")
FIGURES = Table("figure f JOIN statement s ON s.id = f.statement_id", FIGURE_COLUMNS, "f.id")
# A person reference follows a merge to the person kept, as loaders.person does. Merges are
# flattened (mergePersons re-points persons merged into the merged one), so one step reaches
# the kept person; a join costs less than a sub-select per row.
KEPT_PERSONS = Table(
    "person m LEFT JOIN person k ON k.id = m.merged_into_id",
    "coalesce(k.id, m.id) AS id, coalesce(k.name, m.name) AS name",
    "m.id",
)
KEPT_PERSON = "m.id = {ref} AND k.merged_into_id IS NULL"

NODE_ROWS = {
    "Statement": STATEMENTS,
    "Event": EVENTS,
    "Person": KEPT_PERSONS,
    "Organisation": ORGANISATIONS,
    "Topic": TOPICS,
    "SourceDocument": DOCUMENTS,
    "Figure": FIGURES,
}
