"""A small, real OpenID Connect provider on 127.0.0.1, for the tests of 'Sign in with your council account'.

It speaks the protocol as Entra ID does for this service: discovery, a JWKS, the authorization
endpoint (a page where the test "user" presses Sign in), and a token endpoint that checks the
client's secret, the redirect address and the PKCE verifier (S256) before it issues a signed ID
token. Knobs let a test make it misbehave: the wrong audience, an expired token, a signature by a
key that is not in its JWKS.
"""
from __future__ import annotations

import base64
import hashlib
import html
import http.server
import json
import secrets
import threading
import time
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "training-service-client"
CLIENT_SECRET = "a-client-secret-for-tests"


class Provider:
    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "signing-key", "use": "sig"})
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": "signing-key", "use": "sig"})
        self.claims: dict = {}          # the user who signs in next: sub, oid, email, ...
        self.audience: str = CLIENT_ID  # set to something else for a wrong-audience token
        self.lifetime = 300             # negative: an expired token
        self.wrong_key = False          # sign with a key that is not in the JWKS
        self.codes: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        self.authorize_requests: list[dict] = []
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}/tenant-id/v2.0"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    # --- the endpoints ---

    def metadata(self) -> dict:
        return {"issuer": self.issuer,
                "authorization_endpoint": self.issuer + "/authorize",
                "token_endpoint": self.issuer + "/token",
                "jwks_uri": self.issuer + "/keys",
                "response_types_supported": ["code"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "scopes_supported": ["openid", "email", "profile"]}

    def authorize(self, query: dict) -> tuple[int, dict, str]:
        """GET: the provider's page; POST (the user presses Sign in): back to the service with a code."""
        self.authorize_requests.append(query)
        problems = [name for name in ("client_id", "redirect_uri", "state", "nonce", "code_challenge")
                    if not query.get(name)]
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code" \
                or query.get("code_challenge_method") != "S256" or "openid" not in query.get("scope", "").split() \
                or problems:
            return 400, {}, f"bad authorization request: missing {problems}"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"query": query, "claims": dict(self.claims)}
        target = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
        return 302, {"Location": target}, ""

    def authorize_page(self, query: dict) -> str:
        hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                         for k, v in query.items())
        who = html.escape(self.claims.get("email") or self.claims.get("upn") or "the test user")
        return (f'<!doctype html><html lang="en"><head><title>Sign in to your account</title></head><body><main>'
                f'<h1>Sign in to your account</h1><form method="post" action="authorize">{hidden}'
                f'<p>Signing in as {who}</p><button type="submit" id="idp-sign-in">Sign in</button></form>'
                f'</main></body></html>')

    def token(self, form: dict, authorization: str | None) -> tuple[int, dict]:
        self.token_requests.append(form)
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(authorization[6:]).decode().partition(":")
        if client_id != CLIENT_ID or client_secret != CLIENT_SECRET:
            return 401, {"error": "invalid_client"}
        grant = self.codes.pop(form.get("code", ""), None)  # a code works once
        if grant is None or form.get("grant_type") != "authorization_code" \
                or form.get("redirect_uri") != grant["query"]["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge != grant["query"]["code_challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.audience, "iat": now, "nbf": now,
                  "exp": now + self.lifetime, "nonce": grant["query"]["nonce"], "tid": "tenant-id",
                  **grant["claims"]}
        key = self.other_key if self.wrong_key else self.key
        id_token = jwt.encode({"alg": "RS256", "kid": "signing-key", "typ": "JWT"}, claims, key)
        return 200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 3600,
                     "id_token": id_token, "scope": "openid email profile"}

    def _handler(self):
        provider = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _send(self, status, body, content_type="application/json", headers=None):
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                parts = urlsplit(self.path)
                path = parts.path.removeprefix("/tenant-id/v2.0")
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if path == "/.well-known/openid-configuration":
                    self._send(200, provider.metadata())
                elif path == "/keys":
                    self._send(200, {"keys": [provider.key.as_dict(private=False)]})
                elif path == "/authorize":
                    self._send(200, provider.authorize_page(query), "text/html; charset=utf-8")
                else:
                    self._send(404, {"error": "not found"})

            def do_POST(self):
                parts = urlsplit(self.path)
                path = parts.path.removeprefix("/tenant-id/v2.0")
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if path == "/authorize":
                    status, headers, body = provider.authorize(form)
                    self._send(status, body, "text/plain", headers)
                elif path == "/token":
                    status, body = provider.token(form, self.headers.get("Authorization"))
                    self._send(status, body)
                else:
                    self._send(404, {"error": "not found"})

            def log_message(self, *args):
                pass

        return Handler
