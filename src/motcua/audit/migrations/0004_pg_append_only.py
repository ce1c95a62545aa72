"""PostgreSQL only: the database itself refuses UPDATE and DELETE of audit entries, deleting the
head, and any head update that does not move it forward (issue 9). SQLite has no such triggers
here; there ``motcua audit-verify`` detects tampering after the fact (docs/audit.md)."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION motcua_audit_refuse() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'motcua: audit trail is append-only (% on %)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION motcua_audit_head_forward() RETURNS trigger AS $$
BEGIN
  IF NEW.count <= OLD.count THEN
    RAISE EXCEPTION 'motcua: audit head may only move forward (% -> %)', OLD.count, NEW.count
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
  FOR EACH ROW EXECUTE FUNCTION motcua_audit_refuse();
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_audithead
  FOR EACH ROW EXECUTE FUNCTION motcua_audit_refuse();
CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_audithead
  FOR EACH ROW EXECUTE FUNCTION motcua_audit_head_forward();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry;
DROP TRIGGER IF EXISTS audit_head_no_delete ON audit_audithead;
DROP TRIGGER IF EXISTS audit_head_forward ON audit_audithead;
DROP FUNCTION IF EXISTS motcua_audit_refuse();
DROP FUNCTION IF EXISTS motcua_audit_head_forward();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cur:  # no parameters: '%' is literal
            cur.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cur:
            cur.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_seq_hmac_head")]

    operations = [migrations.RunPython(forward, backward)]
