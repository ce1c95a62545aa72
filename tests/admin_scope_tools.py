"""What a scope test asks of a row another province's administrator must not reach in the
administration: not in the list, not opened, changed or deleted (one by one or selected), and
still there afterwards."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.test import Client


def login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def changelist(row: Model) -> str:
    return f"/admin/{row._meta.app_label}/{row._meta.model_name}/"


def assert_out_of_reach(c: Client, row: Model, marker: str) -> None:
    """``marker`` (a text the row's line shows) is not in the list; the row is neither opened,
    changed nor deleted."""
    url = changelist(row)
    r = c.get(url)
    assert r.status_code in (200, 403), url
    assert marker not in r.content.decode(), url
    assert c.get(f"{url}{row.pk}/change/").status_code in (302, 403, 404), url
    assert c.post(f"{url}{row.pk}/change/", {}).status_code in (302, 403, 404), url
    r = c.post(f"{url}{row.pk}/delete/", {"post": "yes"})
    assert r.status_code in (302, 403, 404), url
    c.post(url, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})
    assert type(row).objects.filter(pk=row.pk).exists(), url


def assert_within_reach(c: Client, row: Model, marker: str) -> None:
    """The row is in the list and opens."""
    url = changelist(row)
    assert marker in c.get(url).content.decode(), url
    assert c.get(f"{url}{row.pk}/change/").status_code == 200, url
