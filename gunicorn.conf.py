"""gunicorn settings for production: gunicorn -c gunicorn.conf.py "app:create_app()"

Every value can be changed from the environment, so one file serves a small council on one
machine and a host running many processes behind a load balancer.
"""
import logging
import multiprocessing
import os
import re
import sys

from gunicorn import glogging

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # nosec B104 - behind a proxy
if os.environ.get("APP_CONFIG", "development").strip().lower() != "production" \
        and os.environ.get("HOST", "0.0.0.0") not in ("127.0.0.1", "localhost", "::1"):
    # Development settings (demo mode, the outbox, cookies without Secure) must not face a network.
    print("WARNING: APP_CONFIG is not 'production' but the server listens on every network interface. "
          "Set APP_CONFIG=production (with SECRET_KEY, BASE_URL and a mail transport) for a real service.",
          file=sys.stderr, flush=True)
# Requests are short and CPU-bound (pages are rendered from content loaded at start-up), so
# about one worker per core plus one to cover waits on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
# Threads, so that a few slow or idle connections cannot hold every worker: with sync workers
# three half-sent requests froze a two-worker service (security review, LOW-11).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Heartbeat files on tmpfs: a worker is never killed because a slow disk delayed its heartbeat.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then so that a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# Proxy headers are handled by werkzeug's ProxyFix in the app (PROXY_FIX_* settings).
forwarded_allow_ips = "127.0.0.1"

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# No client address (personal data), no query string, and the path is redacted below.
access_log_format = '"%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

# Emailed links carry their token in the path: /password-reset/, /invitation/ and /unlock/<token>.
_TOKEN_IN_PATH = re.compile(r"(/(?:password-reset|invitation|unlock)/)[^/?]+|/[A-Za-z0-9_.\-]{40,}")


def redact_path(path) -> str:
    # gunicorn's error path (a malformed request) has no parsed path: None must not raise.
    if not isinstance(path, str):
        return "-"
    return _TOKEN_IN_PATH.sub(lambda m: (m.group(1) or "/") + "[redacted]", path)


class _NoClientAddress(logging.Filter):
    # gunicorn's "Invalid request from ip=..." warnings carry the client's address (personal data).
    _IP = re.compile(r"\bip=\S+")

    def filter(self, record: logging.LogRecord) -> bool:
        if "ip=" in str(record.msg):
            record.msg = self._IP.sub("ip=[redacted]", str(record.msg))
        if isinstance(record.args, tuple):  # "Error handling request GET /password-reset/<token>"
            record.args = tuple(redact_path(a) if isinstance(a, str) else a for a in record.args)
        return True


class RedactingLogger(glogging.Logger):
    """gunicorn's logger, with tokens taken out of the paths it writes to the access log.

    It must never raise: an exception here escapes gunicorn's error handling and kills the
    worker (security review, HIGH-1), so every field is guarded and a failure logs a bare line.
    """

    def setup(self, cfg):
        super().setup(cfg)
        self.error_log.addFilter(_NoClientAddress())

    def atoms(self, resp, req, environ, request_time):
        # Only the atoms access_log_format uses; any other prints "-". gunicorn's own atoms copy
        # every request header, response header and environ entry on every request, and carry
        # the client's address, which is personal data we never log.
        environ = environ or {}
        atoms = {"m": environ.get("REQUEST_METHOD"), "U": redact_path(environ.get("PATH_INFO")),
                 "H": environ.get("SERVER_PROTOCOL"), "s": "-", "B": "-", "M": "-"}
        try:
            atoms["s"] = str(resp.status).split(None, 1)[0]
            atoms["B"] = getattr(resp, "sent", None)
            atoms["M"] = request_time.seconds * 1000 + request_time.microseconds // 1000
        except Exception:  # noqa: BLE001 - a log line is never worth a worker
            pass
        atoms = {key: ("-" if value is None else value) for key, value in atoms.items()}
        atoms["r"] = f"{atoms['m']} {atoms['U']} {atoms['H']}"
        return atoms

    def access(self, resp, req, environ, request_time):
        try:
            super().access(resp, req, environ, request_time)
        except Exception:  # noqa: BLE001
            self.error_log.warning("access log line could not be written")


logger_class = RedactingLogger


def post_worker_init(worker):
    # Everything a worker holds once the app is loaded (the course, templates, mappers: some
    # 110,000 objects) lives as long as the worker: frozen, the garbage collector stops scanning
    # it again in every full collection.
    import gc
    gc.freeze()

