"""Positions and HMAC seals (issue 9): every existing entry gets its position in id order and is
resealed with MOTCUA_AUDIT_KEY; the head gets its seal. The old chain (plain SHA-256 over some
fields) is checked first and the outcome recorded in the first new entry, so an upgrade cannot
launder a trail that was already broken."""

import hashlib
import hmac
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations, models
from django.utils import timezone

GENESIS = "0" * 64


def _old_digest(prev, e):
    payload = {
        "at": e.at.isoformat(),
        "actor": e.actor_label,
        "action": e.action,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "before": e.before,
        "after": e.after,
    }
    body = json.dumps(payload, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    return hashlib.sha256((prev + body).encode()).hexdigest()


def reseal(apps, schema_editor):
    from motcua.audit.services import entry_body, head_mac, seal

    Entry = apps.get_model("audit", "AuditEntry")
    Head = apps.get_model("audit", "AuditHead")
    old_prev, old_ok, n = GENESIS, True, 0
    prev = GENESIS
    for e in Entry.objects.order_by("id").iterator():
        if old_ok and (e.prev_hash != old_prev or e.hash != _old_digest(old_prev, e)):
            old_ok = False
        old_prev = e.hash
        n += 1
        e.seq = n
        e.prev_hash = prev
        e.hash = seal(
            entry_body(
                seq=n,
                at=e.at,
                actor_id=e.actor_id,
                actor_label=e.actor_label,
                action=e.action,
                object_type=e.object_type,
                object_id=e.object_id,
                before=e.before,
                after=e.after,
                prev_hash=prev,
            )
        )
        e.save(update_fields=["seq", "prev_hash", "hash"])
        prev = e.hash
    if n:
        n += 1
        e = Entry(
            seq=n,
            at=timezone.now(),
            actor_label="hệ thống",
            action="audit.reseal",
            object_type="AuditEntry",
            object_id=str(n - 1),
            before=None,
            after={"entries": n - 1, "old_chain_intact": old_ok},
            prev_hash=prev,
        )
        e.hash = seal(
            entry_body(
                seq=n,
                at=e.at,
                actor_id=None,
                actor_label=e.actor_label,
                action=e.action,
                object_type=e.object_type,
                object_id=e.object_id,
                before=None,
                after=json.loads(json.dumps(e.after)),
                prev_hash=prev,
            )
        )
        e.save()
        prev = e.hash
    Head.objects.update_or_create(
        pk=1, defaults={"count": n, "last_hash": prev, "mac": head_mac(n, prev)}
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_vietnamese_verbose_names")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="seq",
            field=models.BigIntegerField(null=True, verbose_name="số thứ tự trong chuỗi"),
        ),
        migrations.AddField(
            model_name="audithead",
            name="mac",
            field=models.CharField(
                blank=True, default="", max_length=64, verbose_name="mã xác thực đầu chuỗi"
            ),
        ),
        migrations.RunPython(reseal, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditentry",
            name="seq",
            field=models.BigIntegerField(unique=True, verbose_name="số thứ tự trong chuỗi"),
        ),
        migrations.AlterModelOptions(
            name="auditentry",
            options={
                "ordering": ["seq"],
                "verbose_name": "mục nhật ký kiểm toán",
                "verbose_name_plural": "nhật ký kiểm toán",
            },
        ),
    ]
