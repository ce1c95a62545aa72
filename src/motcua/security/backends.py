"""Staff login (``/dang-nhap/`` and ``/admin/``): Django's username + password, never a citizen.

A citizen account has a ``CitizenProfile``; it logs in only at ``/cong-dan/dang-nhap/``. Even a
citizen who learns that portal accounts are Django users cannot use the staff doors with them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class StaffBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        if hasattr(user, "citizen"):
            return False
        return super().user_can_authenticate(user)

    def get_user(self, user_id: int) -> Any:
        user = super().get_user(user_id)
        return None if user is not None and hasattr(user, "citizen") else user
