"""statement_recent: the newest statements' search vectors, so a search finds its most recent
matches without fetching every match.

An unfiltered search ranks at most its SEARCH_RANKED most recent matches
(service/storage/queries.py). For a word neither rare nor common ("energy security", in 0.85%
of statements) those were found by fetching every match through the GIN index and keeping the
newest: at 1,000,000 statements 8,500 heap rows a search, about 20 ms of PostgreSQL's CPU,
growing with the archive. This table holds a copy of (id, order key, tsvector) for every
statement spoken on or after `search_window.starts_on`: between `size` and 1.25 x `size` of the
newest dated statements. Its GIN index is a fraction of the whole one, so a search whose
window holds at least SEARCH_RANKED matches takes them from here; those are exactly its most
recent matches, because every statement of a day in the window is in it.

Kept by triggers in the writing transaction (never stale): an INSERT statement copies its rows
of the window's days, then moves the window's start forward when it holds more than 1.25 x
`size` statements (counted from statement_day_count, indexed here for that), deleting the rows
before the new start; an UPDATE of a row's text, date or order re-copies that row; deletes
cascade. The start only moves forward, so a writer that read an older start copies a superset:
a search reads only rows on or after the current start. Loads that bypass triggers call
`search_window_rebuild()` afterwards (after rebuilding statement_day_count).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# Yes (expand only): new tables, functions and triggers; older code never reads them.
backward_compatible = True

UPGRADE = r"""
CREATE TABLE search_window (
    only_row   boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    starts_on  date NOT NULL DEFAULT '-infinity',
    size       integer NOT NULL DEFAULT 200000 CHECK (size > 0)
);
INSERT INTO search_window DEFAULT VALUES;

CREATE TABLE statement_recent (
    statement_id  bigint PRIMARY KEY REFERENCES statement (id) ON DELETE CASCADE,
    spoken_on     date NOT NULL,
    event_id      bigint NOT NULL,
    sequence      integer NOT NULL,
    search        tsvector NOT NULL
);
CREATE INDEX statement_recent_search_idx ON statement_recent USING gin (search);
CREATE INDEX statement_day_count_day_idx ON statement_day_count (day);

-- The latest day from which on at least `size` dated statements were spoken (on or after
-- `since`); '-infinity' when there are fewer.
CREATE FUNCTION search_window_start(since date, size integer) RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT coalesce(max(day), '-infinity') FROM (
        SELECT day, sum(sum(n)) OVER (ORDER BY day DESC) AS newer
        FROM statement_day_count WHERE day >= since GROUP BY day) d
    WHERE newer >= size
$$;

CREATE FUNCTION search_window_advance() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    w search_window%ROWTYPE;
    new_start date;
BEGIN
    SELECT * INTO w FROM search_window;
    IF (SELECT coalesce(sum(n), 0) FROM statement_day_count WHERE day >= w.starts_on)
            <= w.size * 5 / 4 THEN
        RETURN;
    END IF;
    new_start := search_window_start(w.starts_on, w.size);
    UPDATE search_window SET starts_on = new_start WHERE starts_on < new_start;
    IF FOUND THEN
        DELETE FROM statement_recent WHERE spoken_on < new_start;
    END IF;
END
$$;

CREATE FUNCTION search_window_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_window SET starts_on = search_window_start('-infinity', size);
    DELETE FROM statement_recent;
    INSERT INTO statement_recent (statement_id, spoken_on, event_id, sequence, search)
    SELECT id, spoken_on, event_id, sequence, search FROM statement
    WHERE spoken_on >= (SELECT starts_on FROM search_window);
END
$$;

CREATE FUNCTION statement_recent_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO statement_recent (statement_id, spoken_on, event_id, sequence, search)
    SELECT id, spoken_on, event_id, sequence, search FROM statement_recent_new
    WHERE spoken_on >= (SELECT starts_on FROM search_window);
    IF FOUND THEN
        PERFORM search_window_advance();
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION statement_recent_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM statement_recent WHERE statement_id = OLD.id;
    INSERT INTO statement_recent (statement_id, spoken_on, event_id, sequence, search)
    SELECT NEW.id, NEW.spoken_on, NEW.event_id, NEW.sequence, NEW.search
    WHERE NEW.spoken_on >= (SELECT starts_on FROM search_window);
    RETURN NULL;
END
$$;

-- Fires after statement_day_count_insert (triggers fire in name order), so the window's
-- count includes the new rows.
CREATE TRIGGER statement_recent_insert AFTER INSERT ON statement
    REFERENCING NEW TABLE AS statement_recent_new
    FOR EACH STATEMENT EXECUTE FUNCTION statement_recent_insert();
CREATE TRIGGER statement_recent_update AFTER UPDATE OF text, spoken_on, event_id, sequence
    ON statement FOR EACH ROW
    WHEN (OLD.text IS DISTINCT FROM NEW.text OR OLD.spoken_on IS DISTINCT FROM NEW.spoken_on
          OR OLD.event_id IS DISTINCT FROM NEW.event_id
          OR OLD.sequence IS DISTINCT FROM NEW.sequence)
    EXECUTE FUNCTION statement_recent_update();

SELECT search_window_rebuild();
"""

DOWNGRADE = r"""
DROP TRIGGER IF EXISTS statement_recent_update ON statement;
DROP TRIGGER IF EXISTS statement_recent_insert ON statement;
DROP FUNCTION IF EXISTS statement_recent_update();
DROP FUNCTION IF EXISTS statement_recent_insert();
DROP FUNCTION IF EXISTS search_window_rebuild();
DROP FUNCTION IF EXISTS search_window_advance();
DROP FUNCTION IF EXISTS search_window_start(date, integer);
DROP INDEX IF EXISTS statement_day_count_day_idx;
DROP TABLE IF EXISTS statement_recent;
DROP TABLE IF EXISTS search_window;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
