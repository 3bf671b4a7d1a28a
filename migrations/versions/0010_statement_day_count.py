"""statement_day_count: statements per day, kept by triggers, for unfiltered counts by period.

statementCounts(groupBy: MONTH or YEAR) over every statement read all of them: at 1,000,000
statements about a second each, whatever the grouping. These counts change only when
statements are written, so triggers keep them as they are written: each INSERT, DELETE or
UPDATE statement on `statement` appends one row per day it changed, with the change (+n or
-n), from its transition tables. Rows are only ever appended, so concurrent ingestion never
waits on them (an upsert would lock the day's row until commit); ingestion stores a document's
statements in one INSERT, so this adds about one row per document (25,000 at 1M statements).
A day's count is the sum of its rows, in the same transaction as the statements, so it is
never stale. Updates that keep the date (curation, merges) add nothing.

Loads that bypass triggers (COPY under session_replication_role = replica, as the bench's
synthetic loader does) must rebuild the table afterwards, as the backfill below does.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# Yes (expand only): a new table and triggers; older code never reads the table.
backward_compatible = True

UPGRADE = r"""
CREATE TABLE statement_day_count (
    day  date NOT NULL,
    n    bigint NOT NULL
);

CREATE FUNCTION statement_day_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM statement_day_count;
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO statement_day_count (day, n)
        SELECT spoken_on, count(*) FROM statement_day_new
        WHERE spoken_on IS NOT NULL GROUP BY spoken_on;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO statement_day_count (day, n)
        SELECT spoken_on, -count(*) FROM statement_day_old
        WHERE spoken_on IS NOT NULL GROUP BY spoken_on;
    ELSE
        INSERT INTO statement_day_count (day, n)
        SELECT day, sum(n) FROM (
            SELECT spoken_on AS day, -1 AS n FROM statement_day_old
            UNION ALL SELECT spoken_on, 1 FROM statement_day_new) d
        WHERE day IS NOT NULL GROUP BY day HAVING sum(n) <> 0;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER statement_day_count_insert AFTER INSERT ON statement
    REFERENCING NEW TABLE AS statement_day_new
    FOR EACH STATEMENT EXECUTE FUNCTION statement_day_count_change();
CREATE TRIGGER statement_day_count_delete AFTER DELETE ON statement
    REFERENCING OLD TABLE AS statement_day_old
    FOR EACH STATEMENT EXECUTE FUNCTION statement_day_count_change();
CREATE TRIGGER statement_day_count_update AFTER UPDATE ON statement
    REFERENCING OLD TABLE AS statement_day_old NEW TABLE AS statement_day_new
    FOR EACH STATEMENT EXECUTE FUNCTION statement_day_count_change();
CREATE TRIGGER statement_day_count_truncate AFTER TRUNCATE ON statement
    FOR EACH STATEMENT EXECUTE FUNCTION statement_day_count_change();

INSERT INTO statement_day_count (day, n)
SELECT spoken_on, count(*) FROM statement WHERE spoken_on IS NOT NULL GROUP BY spoken_on;
"""

DOWNGRADE = r"""
DROP TRIGGER IF EXISTS statement_day_count_truncate ON statement;
DROP TRIGGER IF EXISTS statement_day_count_update ON statement;
DROP TRIGGER IF EXISTS statement_day_count_delete ON statement;
DROP TRIGGER IF EXISTS statement_day_count_insert ON statement;
DROP FUNCTION IF EXISTS statement_day_count_change();
DROP TABLE IF EXISTS statement_day_count;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
