from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "motcua.core"
    verbose_name = "Dùng chung"

    def ready(self) -> None:
        # after django.contrib.auth has created the permissions of each migrated app
        post_migrate.connect(permissions_in_vietnamese, dispatch_uid="motcua_permissions_vi")


#: Django names built-in permissions 'Can add <model>' in English, stored in the database.
_ACTIONS = {"add": "Được thêm", "change": "Được sửa", "delete": "Được xóa", "view": "Được xem"}


def permissions_in_vietnamese(*, using: str = "default", **_: Any) -> None:
    """Rename the built-in permissions the administration lists ('Can add user' → 'Được thêm
    người dùng'), from each model's Vietnamese name. Idempotent; run after every migrate."""
    from django.contrib.auth.models import Permission
    from django.utils import translation

    changed = []
    with translation.override("vi"):
        rows = Permission.objects.using(using).filter(name__startswith="Can ")
        for perm in rows.select_related("content_type"):
            action = perm.codename.partition("_")[0]
            model = perm.content_type.model_class()
            if action not in _ACTIONS or model is None:
                continue
            perm.name = f"{_ACTIONS[action]} {model._meta.verbose_name}"[:255]
            changed.append(perm)
    Permission.objects.using(using).bulk_update(changed, ["name"], batch_size=500)
