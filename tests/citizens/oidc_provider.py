"""A small, real OpenID Connect provider on 127.0.0.1 for the tests (not a mock of the
library): discovery, authorization (code + PKCE S256), token endpoint issuing an RS256 ID token
signed with a key generated when the provider starts, JWKS, userinfo.

``mode`` makes it misbehave the way a hostile or broken provider would: ``wrong_key`` signs with
a key that is not in its JWKS, ``wrong_aud`` issues the token for another client, ``wrong_iss``
names another issuer, ``expired`` issues a token already expired, ``wrong_sub`` answers the
userinfo for someone else.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLIENT_ID = "motcua-test"
CLIENT_SECRET = "bi-mat-cua-ung-dung-thu"


class Provider:
    def __init__(self, port: int) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(4)
        self.mode = ""
        self.claims: dict[str, Any] = {
            "sub": "vneid-0001",
            "citizen_id": "079201001234",
            "name": "Nguyễn Thị Lan",
        }
        self.codes: dict[str, dict[str, Any]] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def settings(self) -> dict[str, str]:
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_ISSUER": self.url,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/jwks",
        }

    def start(self) -> Provider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        payload = {
            "iss": self.url if self.mode != "wrong_iss" else "http://127.0.0.1:1/khac",
            "aud": CLIENT_ID if self.mode != "wrong_aud" else "ung-dung-khac",
            "sub": self.claims["sub"],
            "iat": now,
            "exp": now + 300 if self.mode != "expired" else now - 600,
            "nonce": nonce,
            "citizen_id": self.claims["citizen_id"],
            "name": self.claims["name"],
        }
        key = self.other_key if self.mode == "wrong_key" else self.key
        return jwt.encode(payload, key, algorithm="RS256", headers={"kid": self.kid})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, data: Any, status: int = 200) -> None:
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    s = provider.settings()
                    self._json(
                        {
                            "issuer": provider.url,
                            "authorization_endpoint": s["OIDC_OP_AUTHORIZATION_ENDPOINT"],
                            "token_endpoint": s["OIDC_OP_TOKEN_ENDPOINT"],
                            "userinfo_endpoint": s["OIDC_OP_USER_ENDPOINT"],
                            "jwks_uri": s["OIDC_OP_JWKS_ENDPOINT"],
                            "id_token_signing_alg_values_supported": ["RS256"],
                            "code_challenge_methods_supported": ["S256"],
                        }
                    )
                elif url.path == "/jwks":
                    jwk = json.loads(RSAAlgorithm.to_jwk(provider.key.public_key()))
                    jwk.update({"kid": provider.kid, "alg": "RS256", "use": "sig"})
                    self._json({"keys": [jwk]})
                elif url.path == "/authorize":
                    if q.get("client_id") != CLIENT_ID or q.get("response_type") != "code":
                        self._json({"error": "invalid_request"}, 400)
                        return
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = q
                    target = (
                        q["redirect_uri"] + "?" + urlencode({"code": code, "state": q["state"]})
                    )
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                elif url.path == "/userinfo":
                    if not self.headers.get("Authorization", "").startswith("Bearer at-"):
                        self._json({"error": "invalid_token"}, 401)
                        return
                    claims = dict(provider.claims)
                    if provider.mode == "wrong_sub":
                        claims["sub"] = "vneid-9999"
                    self._json(claims)
                else:
                    self._json({"error": "not_found"}, 404)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlparse(self.path).path != "/token":
                    self._json({"error": "not_found"}, 404)
                    return
                request = provider.codes.pop(form.get("code", ""), None)  # a code works once
                if (
                    request is None
                    or form.get("client_id") != CLIENT_ID
                    or form.get("client_secret") != CLIENT_SECRET
                    or form.get("redirect_uri") != request["redirect_uri"]
                ):
                    self._json({"error": "invalid_grant"}, 400)
                    return
                verifier = form.get("code_verifier", "")
                challenge = (
                    base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                    .rstrip(b"=")
                    .decode()
                )
                if challenge != request.get("code_challenge"):
                    self._json({"error": "invalid_grant", "error_description": "PKCE"}, 400)
                    return
                self._json(
                    {
                        "access_token": "at-" + secrets.token_urlsafe(8),
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": provider.id_token(request.get("nonce", "")),
                    }
                )

        return Handler
