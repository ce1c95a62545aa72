"""The small province of the dossier tests, citizens with portal accounts, files to upload."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.dossiers.conftest import World, world  # noqa: F401 - the shared small province
from tests.dossiers.test_documents import pdf_bytes
from tests.dossiers.test_upload_active_content import pdf as active_pdf
from tests.factories import CitizenFactory

__all__ = ["World", "active_pdf", "pdf_bytes"]


@pytest.fixture
def citizen(db: None) -> Any:
    return CitizenFactory(name="Trần Thị Bình", id_number="079200000001")


@pytest.fixture
def other(db: None) -> Any:
    return CitizenFactory(name="Lê Văn Cường", id_number="079200000002")


@pytest.fixture
def client_of(citizen: Any) -> Client:
    c = Client()
    c.force_login(citizen.user)
    return c


@pytest.fixture
def other_client(other: Any) -> Client:
    c = Client()
    c.force_login(other.user)
    return c


def upload(name: str = "don.pdf", data: bytes | None = None, ctype: str = "application/pdf"):
    return SimpleUploadedFile(name, pdf_bytes(1) if data is None else data, content_type=ctype)


def future(days: int = 3) -> dt.date:
    from django.utils import timezone

    return timezone.localdate() + dt.timedelta(days=days)
