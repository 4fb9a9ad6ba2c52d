"""On PostgreSQL the database itself refuses UPDATE and DELETE on the audit trail.

TRUNCATE (used only to reset a test database) is a statement, not a row change, and stays
possible for the database owner.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION charter_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION charter_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS charter_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # No parameters: the trigger's message uses % placeholders of its own.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
