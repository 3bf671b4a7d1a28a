"""Initial schema: documents, events, people, statements, mentions, topics, figures, tokens.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None
# Rolling deploys (README, Deployment): does code written for the revision before work?
# No: the first schema, there is no older code.
backward_compatible = False

UPGRADE = r"""
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- unaccent() is STABLE (it reads a dictionary); index expressions need an IMMUTABLE wrapper.
CREATE FUNCTION immutable_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN unaccent('unaccent'::regdictionary, $1);

-- English stemming that ignores accents: "Erdoğan" matches "Erdogan".
CREATE TEXT SEARCH CONFIGURATION english_unaccent (COPY = english);
ALTER TEXT SEARCH CONFIGURATION english_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;

CREATE TABLE source_document (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sha256       char(64) NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    filename     text,
    source_url   text,
    publisher    text,
    format       text NOT NULL,
    title        text,
    text         text NOT NULL,
    ingested_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX source_document_ingested_at_idx ON source_document (ingested_at DESC, id DESC);

CREATE TABLE organisation (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug     text NOT NULL UNIQUE,
    name     text NOT NULL,
    acronym  text,
    kind     text NOT NULL CHECK (kind IN ('INTERNATIONAL', 'GOVERNMENT', 'MEDIA', 'OTHER'))
);
CREATE INDEX organisation_name_idx ON organisation (name, id);
CREATE INDEX organisation_kind_idx ON organisation (kind);

CREATE TABLE organisation_alias (
    organisation_id bigint NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    alias           text NOT NULL,
    key             text NOT NULL,
    PRIMARY KEY (organisation_id, key)
);
CREATE INDEX organisation_alias_key_idx ON organisation_alias (key);
CREATE INDEX organisation_alias_key_trgm_idx ON organisation_alias USING gin (key gin_trgm_ops);

CREATE TABLE person (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text NOT NULL,
    name_key        text NOT NULL,
    -- set when curation merged this person into another; the id keeps resolving there
    merged_into_id  bigint REFERENCES person (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (merged_into_id IS NULL OR merged_into_id <> id)
);
CREATE INDEX person_name_idx ON person (name, id) WHERE merged_into_id IS NULL;
CREATE INDEX person_name_key_idx ON person (name_key);
CREATE INDEX person_merged_into_idx ON person (merged_into_id);

-- Every name form of a person: labels as printed, spellings, address forms, curated aliases.
CREATE TABLE person_alias (
    person_id  bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    alias      text NOT NULL,
    key        text NOT NULL,  -- service.ingestion.names.fold_name(alias)
    source     text NOT NULL DEFAULT 'text'
               CHECK (source IN ('name', 'label', 'text', 'reference', 'curated')),
    PRIMARY KEY (person_id, alias)
);
CREATE INDEX person_alias_key_idx ON person_alias (key);
CREATE INDEX person_alias_key_trgm_idx ON person_alias USING gin (key gin_trgm_ops);

CREATE TABLE person_title (
    person_id  bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    title      text NOT NULL,
    seen_on    date,
    PRIMARY KEY (person_id, title)
);

CREATE TABLE topic (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug  text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name  text NOT NULL,
    kind  text NOT NULL CHECK (kind IN ('PLACE', 'THEME'))
);
CREATE INDEX topic_name_lower_idx ON topic (lower(name));

CREATE TABLE event (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id   bigint NOT NULL REFERENCES source_document (id) ON DELETE CASCADE,
    position      int NOT NULL CHECK (position >= 1),  -- order of the event on its page
    title         text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('PRESS_CONFERENCE', 'PRESS_BRIEFING', 'MEETING',
                                                'SPEECH', 'INTERVIEW', 'OTHER')),
    date          date,
    time          text CHECK (time ~ '^[0-2][0-9]:[0-5][0-9]$'),
    location      text,
    start_offset  int,
    end_offset    int,
    search        tsvector GENERATED ALWAYS AS (
                    to_tsvector('english_unaccent',
                                coalesce(title, '') || ' ' || coalesce(location, ''))) STORED,
    UNIQUE (document_id, position),
    CHECK (start_offset IS NULL OR (start_offset >= 0 AND start_offset <= end_offset))
);
CREATE INDEX event_date_idx ON event (date DESC NULLS LAST, time DESC NULLS LAST, id DESC);
CREATE INDEX event_kind_idx ON event (kind);
CREATE INDEX event_search_idx ON event USING gin (search);

CREATE TABLE event_organisation (
    event_id         bigint NOT NULL REFERENCES event (id) ON DELETE CASCADE,
    organisation_id  bigint NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    PRIMARY KEY (event_id, organisation_id)
);
CREATE INDEX event_organisation_org_idx ON event_organisation (organisation_id, event_id);

CREATE TABLE participant (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id         bigint NOT NULL REFERENCES event (id) ON DELETE CASCADE,
    person_id        bigint REFERENCES person (id) ON DELETE SET NULL,
    role             text NOT NULL CHECK (role IN ('SPEAKER', 'MODERATOR', 'JOURNALIST',
                                                   'INTERPRETER')),
    label            text NOT NULL,  -- as printed, without the colon
    title            text,
    affiliation_id   bigint REFERENCES organisation (id) ON DELETE SET NULL,
    UNIQUE (event_id, label)
);
CREATE INDEX participant_person_idx ON participant (person_id, event_id);

CREATE TABLE statement (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        bigint NOT NULL REFERENCES event (id) ON DELETE CASCADE,
    sequence        int NOT NULL CHECK (sequence >= 1),
    kind            text NOT NULL CHECK (kind IN ('REMARKS', 'QUESTION', 'ANSWER', 'MODERATION')),
    participant_id  bigint REFERENCES participant (id) ON DELETE SET NULL,
    speaker_id      bigint REFERENCES person (id) ON DELETE SET NULL,
    speaker_label   text NOT NULL,
    text            text NOT NULL,
    start_offset    int NOT NULL CHECK (start_offset >= 0),
    end_offset      int NOT NULL,
    in_reply_to_id  bigint REFERENCES statement (id) ON DELETE SET NULL,
    -- the event's date, copied so date filters and orderings need no join
    spoken_on       date,
    search          tsvector GENERATED ALWAYS AS (to_tsvector('english_unaccent', text)) STORED,
    UNIQUE (event_id, sequence),
    CHECK (start_offset <= end_offset),
    CHECK (in_reply_to_id IS NULL OR in_reply_to_id <> id)
);
CREATE INDEX statement_date_idx ON statement (spoken_on DESC NULLS LAST, event_id DESC, sequence);
CREATE INDEX statement_speaker_idx ON statement (speaker_id, spoken_on DESC NULLS LAST,
                                                 event_id DESC, sequence);
CREATE INDEX statement_reply_idx ON statement (in_reply_to_id);
CREATE INDEX statement_kind_idx ON statement (kind);
CREATE INDEX statement_search_idx ON statement USING gin (search);

CREATE TABLE statement_topic (
    statement_id  bigint NOT NULL REFERENCES statement (id) ON DELETE CASCADE,
    topic_id      bigint NOT NULL REFERENCES topic (id) ON DELETE CASCADE,
    PRIMARY KEY (statement_id, topic_id)
);
CREATE INDEX statement_topic_topic_idx ON statement_topic (topic_id, statement_id);

-- The evidence for statement_topic: each matched span.
CREATE TABLE topic_mention (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    statement_id  bigint NOT NULL,
    topic_id      bigint NOT NULL,
    start_offset  int NOT NULL,
    end_offset    int NOT NULL,
    text          text NOT NULL,
    FOREIGN KEY (statement_id, topic_id)
        REFERENCES statement_topic (statement_id, topic_id) ON DELETE CASCADE,
    CHECK (0 <= start_offset AND start_offset < end_offset)
);
CREATE INDEX topic_mention_statement_idx ON topic_mention (statement_id, topic_id);

CREATE TABLE organisation_mention (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    statement_id     bigint NOT NULL REFERENCES statement (id) ON DELETE CASCADE,
    organisation_id  bigint NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    start_offset     int NOT NULL,
    end_offset       int NOT NULL,
    text             text NOT NULL,
    CHECK (0 <= start_offset AND start_offset < end_offset)
);
CREATE INDEX organisation_mention_org_idx ON organisation_mention (organisation_id, statement_id);
CREATE INDEX organisation_mention_statement_idx ON organisation_mention (statement_id);

CREATE TABLE person_mention (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    statement_id  bigint NOT NULL REFERENCES statement (id) ON DELETE CASCADE,
    person_id     bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    start_offset  int NOT NULL,
    end_offset    int NOT NULL,
    text          text NOT NULL,
    CHECK (0 <= start_offset AND start_offset < end_offset)
);
CREATE INDEX person_mention_person_idx ON person_mention (person_id, statement_id);
CREATE INDEX person_mention_statement_idx ON person_mention (statement_id);

CREATE TABLE figure (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    statement_id  bigint NOT NULL REFERENCES statement (id) ON DELETE CASCADE,
    text          text NOT NULL,
    value         double precision NOT NULL,
    high          double precision,
    unit          text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('MONEY', 'PERCENTAGE', 'MASS', 'COUNT',
                                                'MULTIPLIER', 'DURATION', 'OTHER')),
    qualifier     text NOT NULL CHECK (qualifier IN ('EXACT', 'APPROXIMATE', 'MORE_THAN',
                                                     'LESS_THAN', 'AT_LEAST', 'AT_MOST',
                                                     'ALMOST')),
    counted       text,
    context       text NOT NULL,
    start_offset  int NOT NULL,
    end_offset    int NOT NULL,
    CHECK (0 <= start_offset AND start_offset < end_offset),
    CHECK (high IS NULL OR high >= value)
);
CREATE INDEX figure_statement_idx ON figure (statement_id, start_offset);
CREATE INDEX figure_value_idx ON figure (value DESC, id);
CREATE INDEX figure_unit_idx ON figure (unit);
CREATE INDEX figure_kind_idx ON figure (kind);

CREATE TABLE api_token (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    token_hash  char(64) NOT NULL UNIQUE,  -- sha256 of the token; the token itself is not kept
    can_write   boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now()
);
"""

DOWNGRADE = r"""
DROP TABLE IF EXISTS api_token, figure, person_mention, organisation_mention, topic_mention,
    statement_topic, statement, participant, event_organisation, event, topic, person_title,
    person_alias, person, organisation_alias, organisation, source_document CASCADE;
DROP TEXT SEARCH CONFIGURATION IF EXISTS english_unaccent;
DROP FUNCTION IF EXISTS immutable_unaccent(text);
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
