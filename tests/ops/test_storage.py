"""Files through Django's storage API: a real S3-compatible server (moto's, in server mode on
127.0.0.1) behind the real service path; uploads streamed, never read whole into memory."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import tempfile
import tracemalloc
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfWriter

from motcua.core.errors import ValidationFailed
from motcua.dossiers.files import MAX_BYTES, check_file
from motcua.dossiers.models import Document, Dossier
from motcua.dossiers.services import dossier_receive, files_sweep
from tests.dossiers.conftest import World, at
from tests.dossiers.test_documents import pdf_bytes
from tests.integrations.test_outbox_smtp import free_port

BUCKET = "motcua-test"


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(s3_server: str, settings: Any, monkeypatch: Any) -> Any:
    """STORAGES pointed at the server, as MOTCUA_S3_* configure it in production."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id="test-access",
        aws_secret_access_key="test-secret",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "access_key": "test-access",
                "secret_key": "test-secret",
                "region_name": "us-east-1",
                "default_acl": "private",
                "file_overwrite": False,
            },
        },
    }
    yield client
    for obj in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=obj["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_the_settings_build_the_s3_storage_from_the_environment(tmp_path: Any) -> None:
    import subprocess
    import sys

    env = {
        **os.environ,
        "MOTCUA_VAR_DIR": str(tmp_path),
        "MOTCUA_S3_BUCKET": "tinh-hs",
        "MOTCUA_S3_ENDPOINT": "https://s3.example.vn",
        "MOTCUA_S3_ACCESS_KEY": "ak",
        "MOTCUA_S3_SECRET_KEY": "sk",
    }
    code = (
        "import django; django.setup();"
        "from django.core.files.storage import default_storage as s;"
        "s._setup();"
        "print(type(s._wrapped).__name__, s.bucket_name, s.endpoint_url, s.default_acl)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "motcua.config.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["S3Storage", "tinh-hs", "https://s3.example.vn", "private"]


def test_a_scan_goes_to_the_bucket_is_read_back_and_swept(
    world: World, s3: Any, settings: Any
) -> None:
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # the upload is spooled to a temporary file
    w = world
    d: Dossier = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    data = pdf_bytes(3)
    assert len(data) > 1024
    c = Client()
    c.force_login(w.users["counter"])
    r = c.post(
        f"/can-bo/ho-so/{d.pk}/thao-tac/attach_scan/",
        {"version": d.version, "file": SimpleUploadedFile("ban-quet.pdf", data, "application/pdf")},
    )
    assert r.status_code in (200, 302), r.content[:500]
    doc = Document.objects.get(dossier=d)
    assert (doc.size, doc.sha256, doc.pages) == (len(data), hashlib.sha256(data).hexdigest(), 3)
    # it is in the bucket, private, under the name the document records
    head = s3.head_object(Bucket=BUCKET, Key=doc.file.name)
    assert head["ContentLength"] == len(data)
    acl = s3.get_object_acl(Bucket=BUCKET, Key=doc.file.name)
    assert not [g for g in acl["Grants"] if "AllUsers" in str(g.get("Grantee", {}))]
    assert not os.path.exists(settings.MEDIA_ROOT / doc.file.name)  # nothing on the local disk
    # read back through the access-checked page, streamed from the bucket
    r = c.get(f"/can-bo/tai-lieu/{doc.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == data
    # another agency's officer cannot
    other = Client()
    other.force_login(w.users["health"])
    assert other.get(f"/can-bo/tai-lieu/{doc.pk}/").status_code == 404
    # an orphan object (a rolled-back upload) is swept; the document's file is kept
    orphan = default_storage.save("dossiers/2022/06/orphan.pdf", io.BytesIO(b"%PDF-1.4 x"))
    assert files_sweep(older_than=dt.timedelta(0)) == {
        "removed": 1,
        "kept": 1,
    }
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert keys == {doc.file.name} and orphan not in keys
    default_storage.delete(doc.file.name)
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET)


def _big_pdf(size: int) -> str:
    """A one-page PDF carrying ``size`` random bytes as an attachment, in a temporary file."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_attachment("phu-luc.bin", os.urandom(size))
    fd, path = tempfile.mkstemp(suffix=".pdf")
    with os.fdopen(fd, "wb") as fh:
        writer.write(fh)
    return path


def test_a_large_upload_is_checked_without_reading_it_whole() -> None:
    path = _big_pdf(12 * 1024 * 1024)
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            expected = hashlib.file_digest(fh, "sha256").hexdigest()
        with open(path, "rb") as fh:
            tracemalloc.start()
            checked = check_file("phu-luc.pdf", fh)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        assert (checked.size, checked.sha256, checked.pages) == (size, expected, 1)
        assert peak < 2 * 1024 * 1024, f"peak {peak} bytes for a {size}-byte file"
    finally:
        os.unlink(path)


def test_an_oversized_stream_is_refused_without_reading_it_all() -> None:
    class Endless(io.RawIOBase):
        read_bytes = 0

        def readable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return True

        def seek(self, pos: int, whence: int = 0) -> int:
            return 0

        def tell(self) -> int:
            return 0

        def readinto(self, b: Any) -> int:
            n = len(b)
            b[:n] = (b"%PDF-" + b"0" * n)[:n]
            self.read_bytes += n
            return n

    stream = Endless()
    with pytest.raises(ValidationFailed) as err:
        check_file("vo-tan.pdf", io.BufferedReader(stream))
    assert err.value.code == "file_too_large"
    assert stream.read_bytes <= MAX_BYTES + 256 * 1024
