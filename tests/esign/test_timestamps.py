"""PAdES B-T: an RFC 3161 timestamp from the demo TSA, or from a TSA over HTTP (a real server on
127.0.0.1 answering with pyHanko's in-process TSA); the time shown is then the TSA's."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from asn1crypto import tsp
from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from motcua.core.errors import ValidationFailed
from motcua.esign import pki
from motcua.esign.verify import verify_pdf
from tests.dossiers.conftest import World
from tests.esign_tools import signed_pdf

pytestmark = pytest.mark.django_db


@contextmanager
def tsa_server(base: Path) -> Iterator[str]:
    """An HTTP TSA whose certificate the CA under ``base`` issued."""
    pki.tsa_ensure(base)
    key_path, cert_path = pki.tsa_paths(base)
    tsa = DummyTimeStamper(
        tsa_cert=load_cert_from_pemder(str(cert_path)),
        tsa_key=load_private_key_from_pemder(str(key_path), passphrase=None),
    )
    asked: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            answer = tsa.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            asked.append(len(body))
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()
    assert asked, "the TSA was never asked"


def test_the_demo_tsa_makes_b_t_signatures(world: World) -> None:
    before = dt.datetime.now(dt.UTC)
    v = verify_pdf(signed_pdf(world.justice), agencies=[world.justice])
    assert v.valid and v.timestamped
    assert v.signed_at is not None and before - dt.timedelta(seconds=5) <= v.signed_at


def test_without_a_tsa_the_signature_is_b_b(world: World, settings) -> None:
    settings.MOTCUA_ESIGN_TSA = ""
    v = verify_pdf(signed_pdf(world.justice), agencies=[world.justice])
    assert v.valid and not v.timestamped and v.signed_at is not None


def test_a_tsa_over_http(world: World, settings) -> None:
    with tsa_server(Path(settings.MOTCUA_ESIGN_DIR)) as url:
        settings.MOTCUA_ESIGN_TSA = url
        data = signed_pdf(world.justice)
    v = verify_pdf(data, agencies=[world.justice])
    assert v.valid and v.timestamped


def test_a_timestamp_from_an_untrusted_tsa_is_refused(
    world: World, settings, tmp_path: Path
) -> None:
    with tsa_server(tmp_path / "rogue") as url:
        settings.MOTCUA_ESIGN_TSA = url
        data = signed_pdf(world.justice)
    v = verify_pdf(data, agencies=[world.justice])
    assert v.timestamped and not v.trusted and v.code == "untrusted"


def test_an_unreachable_tsa_refuses_to_sign(world: World, settings) -> None:
    settings.MOTCUA_ESIGN_TSA = "http://127.0.0.1:9/tsa"  # discard port: nothing listens
    with pytest.raises(ValidationFailed) as exc:
        signed_pdf(world.justice)
    assert exc.value.code == "tsa_unavailable"
