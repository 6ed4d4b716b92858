"""Database-specific search structures (see rathaus/catalogue/search.py).

PostgreSQL: a generated tsvector column with a GIN index, and a trigram index on the vocabulary.
SQLite: an FTS5 table over the search entries, kept in step by triggers.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

POSTGRESQL_FORWARD = [
    """
    ALTER TABLE catalogue_servicesearchentry ADD COLUMN document tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', name_terms), 'A') || setweight(to_tsvector('simple', body_terms), 'D')
    ) STORED
    """,
    "CREATE INDEX catalogue_search_document ON catalogue_servicesearchentry USING gin (document)",
    "CREATE INDEX catalogue_search_word_trgm ON catalogue_searchword USING gin (word gin_trgm_ops)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS catalogue_search_word_trgm",
    "DROP INDEX IF EXISTS catalogue_search_document",
    "ALTER TABLE catalogue_servicesearchentry DROP COLUMN IF EXISTS document",
]
SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE catalogue_service_fts USING fts5(
        name_terms, body_terms, content='catalogue_servicesearchentry', content_rowid='id'
    )
    """,
    """
    CREATE TRIGGER catalogue_search_entry_ai AFTER INSERT ON catalogue_servicesearchentry BEGIN
        INSERT INTO catalogue_service_fts(rowid, name_terms, body_terms)
        VALUES (new.id, new.name_terms, new.body_terms);
    END
    """,
    """
    CREATE TRIGGER catalogue_search_entry_ad AFTER DELETE ON catalogue_servicesearchentry BEGIN
        INSERT INTO catalogue_service_fts(catalogue_service_fts, rowid, name_terms, body_terms)
        VALUES ('delete', old.id, old.name_terms, old.body_terms);
    END
    """,
    """
    CREATE TRIGGER catalogue_search_entry_au AFTER UPDATE ON catalogue_servicesearchentry BEGIN
        INSERT INTO catalogue_service_fts(catalogue_service_fts, rowid, name_terms, body_terms)
        VALUES ('delete', old.id, old.name_terms, old.body_terms);
        INSERT INTO catalogue_service_fts(rowid, name_terms, body_terms)
        VALUES (new.id, new.name_terms, new.body_terms);
    END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalogue_search_entry_au",
    "DROP TRIGGER IF EXISTS catalogue_search_entry_ad",
    "DROP TRIGGER IF EXISTS catalogue_search_entry_ai",
    "DROP TABLE IF EXISTS catalogue_service_fts",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0001_catalogue"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
