"""Load scenarios against gunicorn (bench/load_bench.py runs them, one phase at a time).

Environment: BENCH_TOKEN (an API key of a desk, counter role), BENCH_CODES (comma-separated
"code|ID number" pairs a citizen types into the public look-up), BENCH_PROCEDURE, BENCH_DESK
and BENCH_DOCS (what an intake files: every document of the procedure; BENCH_FORM its filled
application form, JSON), BENCH_QUERIES (catalog search words). The phase is chosen with
locust's --tags (ceiling | lookup | lookuppage | search | intake | mixed).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid

from locust import FastHttpUser, constant, tag, task  # type: ignore[import-not-found]

TOKEN = os.environ.get("BENCH_TOKEN", "")
CODES = [tuple(c.split("|", 1)) for c in os.environ.get("BENCH_CODES", "").split(",") if c]
QUERIES = [q for q in os.environ.get("BENCH_QUERIES", "ho tich,dat dai,khai sinh").split(",") if q]
PROCEDURE = os.environ.get("BENCH_PROCEDURE", "")
DESK = os.environ.get("BENCH_DESK", "")
DOCS = [int(o) for o in os.environ.get("BENCH_DOCS", "1").split(",") if o]
FORM = json.loads(os.environ.get("BENCH_FORM") or "{}")
AUTH = {"Authorization": f"Bearer {TOKEN}"}
_ids = itertools.count(1)


class Visitor(FastHttpUser):
    wait_time = constant(0)  # closed loop: each user sends its next request at once

    @tag("ceiling")
    @task
    def ceiling(self) -> None:
        self.client.get("/bench/ceiling/", name="ceiling")

    @tag("lookup", "mixed")
    @task(6)
    def lookup(self) -> None:
        # the public look-up a citizen (or the portal's app) makes: code + ID number, no login
        code, factor = random.choice(CODES)
        body = {"code": code, "factor": factor}
        with self.client.post(
            "/api/v1/lookup/", json=body, name="lookup", catch_response=True
        ) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")

    @tag("lookuppage")
    @task
    def lookup_page(self) -> None:
        # the same look-up through the portal's HTML page (/tra-cuu/)
        code, factor = random.choice(CODES)
        with self.client.post(
            "/tra-cuu/",
            data={"code": code, "factor": factor},
            name="lookup page",
            catch_response=True,
        ) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")

    @tag("search", "mixed")
    @task(3)
    def search(self) -> None:
        q = random.choice(QUERIES)
        self.client.get(f"/api/v1/procedures/?q={q}", name="catalog search")

    @tag("intake", "mixed")
    @task(1)
    def intake(self) -> None:
        n = next(_ids)
        body = {
            "procedure": PROCEDURE,
            "desk": DESK,
            "applicant": {
                "name": f"Nguyễn Văn Thử {n}",
                "id_number": f"0791{random.randrange(10**8):08d}",
                "phone": "0912345678",
                "address": "Đồng Xoài, Bình Phước",
            },
            "request": "Hồ sơ thử tải",
            "documents": [{"order": o, "submitted": True} for o in DOCS],
        }
        if FORM:  # the procedure's application form, filled as the demo dossier was
            body["form_data"] = FORM
        headers = {**AUTH, "Idempotency-Key": uuid.uuid4().hex}
        self.client.post("/api/v1/dossiers/", json=body, headers=headers, name="intake")
