"""A stand-in for GOV.UK Notify's API on 127.0.0.1, checking requests as Notify documents them.

POST /v2/notifications/email needs a Bearer JSON Web Token: HS256, signed with the API key's
secret, whose `iss` is the service id and whose `iat` is within 30 seconds of now. The body is
JSON with email_address, template_id and (optionally) personalisation and reference. Answers and
errors have Notify's shapes: 201 with the notification, or {"status_code", "errors": [{"error",
"message"}]} with 400 (bad template), 403 (bad key), 429 (rate limit) or 500.
"""
from __future__ import annotations

import http.server
import json
import threading
import time
import uuid

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"council_training-{SERVICE_ID}-{SECRET}"
TEMPLATES = {kind: str(uuid.uuid5(uuid.NAMESPACE_URL, f"template/{kind}")) for kind in
             ("invitation", "password-reset", "email-changed", "refresher-due", "overdue", "officer-summary",
              "group-summary", "chase", "certificate", "general")}


def notify_error(status: int, error: str, message: str) -> tuple[int, dict]:
    return status, {"status_code": status, "errors": [{"error": error, "message": message}]}


class NotifyStandIn:
    def __init__(self):
        self.sent: list[dict] = []       # accepted emails: the JSON body
        self.refused: list[tuple[int, str]] = []
        self.fail_next: list[int] = []   # statuses to answer with, in turn, before accepting again
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def check_token(self, headers) -> tuple[int, dict] | None:
        """Notify's authorisation: a Bearer JWT, HS256 with the key's secret, iss the service id, iat now."""
        auth = headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return notify_error(401, "AuthError", "Unauthorized: authentication token must be provided")
        token = auth[len("Bearer "):]
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_iat": False})
        except jwt.InvalidTokenError:
            return notify_error(403, "AuthError", "Invalid token: API key not found")
        if header.get("alg") != "HS256" or claims.get("iss") != SERVICE_ID:
            return notify_error(403, "AuthError", "Invalid token: service not found")
        if abs(time.time() - int(claims.get("iat", 0))) > 30:
            return notify_error(403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds")
        return None

    def check(self, path: str, headers, raw: bytes) -> tuple[int, dict]:
        if path != "/v2/notifications/email":
            return notify_error(404, "NotFoundError", "Not found")
        refused = self.check_token(headers)
        if refused:
            return refused
        if not headers.get("Content-Type", "").startswith("application/json"):
            return notify_error(400, "BadRequestError", "Content-Type must be application/json")
        try:
            body = json.loads(raw)
        except ValueError:
            return notify_error(400, "BadRequestError", "Invalid JSON")
        problems = [name for name in ("email_address", "template_id") if not isinstance(body.get(name), str)]
        if problems:
            return notify_error(400, "ValidationError", f"{problems[0]} is a required property")
        if "personalisation" in body and not isinstance(body["personalisation"], dict):
            return notify_error(400, "ValidationError", "personalisation is not of type object")
        if self.fail_next:
            status = self.fail_next.pop(0)
            return {429: notify_error(429, "RateLimitError", "Exceeded rate limit for key type LIVE of 3000 "
                                                               "requests per 60 seconds"),
                    403: notify_error(403, "AuthError", "Invalid token: API key revoked"),
                    500: notify_error(500, "Exception", "Internal server error")}[status]
        if body["template_id"] not in TEMPLATES.values():
            return notify_error(400, "BadRequestError", "Template not found")
        personalisation = body.get("personalisation") or {}
        missing = [p for p in ("subject", "body") if p not in personalisation]
        if missing:
            return notify_error(400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}")
        self.sent.append(body)
        notification_id = str(uuid.uuid4())
        return 201, {"id": notification_id, "reference": body.get("reference"),
                     "content": {"subject": personalisation["subject"], "body": personalisation["body"],
                                 "from_email": "training@notifications.service.gov.uk"},
                     "uri": f"{self.url}/v2/notifications/{notification_id}",
                     "template": {"id": body["template_id"], "version": 1,
                                  "uri": f"{self.url}/services/{SERVICE_ID}/templates/{body['template_id']}"}}

    def _handler(self):
        standin = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, body = standin.check(self.path, self.headers, raw)
                if status != 201:
                    standin.refused.append((status, body["errors"][0]["error"]))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler
