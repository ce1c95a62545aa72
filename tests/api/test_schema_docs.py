"""The OpenAPI schema generates cleanly and the docs page serves only the app's own assets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client


@pytest.mark.django_db
def test_schema_generates_without_warnings_and_validates(tmp_path: Path) -> None:
    out = tmp_path / "schema.yaml"
    # --fail-on-warn turns any warning or error of the generator into a failure
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert {
        "/api/v1/procedures/",
        "/api/v1/procedures/{code}/",
        "/api/v1/agencies/",
        "/api/v1/units/",
        "/api/v1/dossiers/",
        "/api/v1/dossiers/{ref}/",
        "/api/v1/reports/period/",
    } <= paths
    assert "khoaApi" in schema["components"]["securitySchemes"]


@pytest.mark.django_db
def test_schema_endpoint_serves_vietnamese_descriptions() -> None:
    r = Client().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert r.status_code == 200
    schema = r.json()
    assert schema["info"]["title"] == "Một Cửa — API"
    summary = schema["paths"]["/api/v1/dossiers/"]["get"]["summary"]
    assert summary == "Danh sách hồ sơ"


@pytest.mark.django_db
def test_docs_page_references_only_local_assets() -> None:
    r = Client().get("/api/docs/")
    assert r.status_code == 200
    html = r.content.decode()
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    refs += re.findall(r"""url\s*:\s*["']([^"']+)["']""", html)
    assert refs, html
    for ref in refs:
        assert ref.startswith("/"), f"external asset {ref}"
        assert not ref.startswith("//"), f"protocol-relative asset {ref}"
    bare = re.sub(r'(?:value|nonce)="[^"]*"', "", html).lower()  # not the random values
    assert "cdn" not in bare
    assert "unpkg" not in bare
    # every static asset the page names is shipped with the app
    statics = [ref for ref in refs if ref.startswith("/static/")]
    assert any(ref.endswith("swagger-ui-bundle.js") for ref in statics)
    for ref in statics:
        assert finders.find(ref.removeprefix("/static/")), ref
    # no inline script (a strict Content-Security-Policy can forbid them): the set-up script is
    # its own request, and it loads the schema from this site
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    setup = Client().get("/api/docs/?script=")
    assert setup.status_code == 200
    code = setup.content.decode()
    assert "/api/schema/" in code
    assert not re.search(r"https?://", code)
