"""hsds: trigram indexes for the API's text search (PostgreSQL only)

`GET /hsds/services?search=...` (and organizations, service_at_locations) filter with
`lower(column) LIKE '%word%'`, which no B-tree serves: at a million listings every search read
every row. pg_trgm's GIN indexes on exactly those expressions (directory.models.search_text)
let PostgreSQL read only the rows holding the word's trigrams. SQLite keeps scanning.

pg_trgm ships with PostgreSQL's contrib and is a trusted extension (PostgreSQL 13+): the
database's owner may create it.

Revision ID: 0010_hsds_search_trgm
Revises: 0009_inbox_one_alert
Create Date: 2026-11-26 10:00:00

"""

from alembic import op

revision = "0010_hsds_search_trgm"
down_revision = "0009_inbox_one_alert"
branch_labels = None
depends_on = None

# (table, column) as directory.models.TRIGRAM_SEARCHED_COLUMNS has them; a migration keeps its
# own copy of what it relies on.
SEARCHED = [
    ("service", "name"),
    ("service", "alternate_name"),
    ("service", "description"),
    ("location", "name"),
    ("organization", "name"),
    ("organization", "alternate_name"),
    ("organization", "description"),
]


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in SEARCHED:
        op.execute(
            f"CREATE INDEX ix_{table}_{column}_trgm ON {table} "
            f"USING gin (lower({column}) gin_trgm_ops)"
        )
    # The planner estimates LIKE on an indexed expression from that expression's statistics.
    op.execute("ANALYZE service, location, organization")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in SEARCHED:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_{column}_trgm")
    # pg_trgm stays: other objects may have come to use it since.
