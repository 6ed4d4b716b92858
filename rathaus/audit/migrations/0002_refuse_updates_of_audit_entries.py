"""The database itself refuses to change an audit entry once written."""

from django.db import migrations

_SQLITE_CREATE = """
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE ON audit_auditentry
BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END;
"""
_SQLITE_DROP = "DROP TRIGGER IF EXISTS audit_entry_append_only;"

_POSTGRES_CREATE = """
CREATE OR REPLACE FUNCTION audit_entry_refuse_update() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit entries cannot be changed'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE ON audit_auditentry
FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_update();
"""
_POSTGRES_DROP = """
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_entry_refuse_update();
"""


def _run(sql_by_vendor):
    def run(apps, schema_editor):
        sql = sql_by_vendor.get(schema_editor.connection.vendor)
        if sql:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_hash_chained_audit_trail")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": _SQLITE_CREATE, "postgresql": _POSTGRES_CREATE}),
            _run({"sqlite": _SQLITE_DROP, "postgresql": _POSTGRES_DROP}),
        )
    ]
