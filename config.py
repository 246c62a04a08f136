"""Settings, read from the environment.

APP_CONFIG picks the class: development (the default, for the README's run command),
production or testing. Production refuses to start without SECRET_KEY.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise RuntimeError(f"{name} must be a whole number, not {value!r}") from None


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'corporate_parenting.db'}"
    # Hosts often hand out postgres:// URLs; SQLAlchemy wants a driver name.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _list(name: str) -> list[str]:
    return [item.strip().lower() for item in os.environ.get(name, "").split(",") if item.strip()]


# Keys seen in examples and guides: a production key must be long and not one of these.
KNOWN_WEAK_KEYS = {"changeme", "secret", "password", "dev", "development", "test", "key",
                   "secret-key", "secret_key", "your-secret-key", "test-secret-key-not-for-production"}
MIN_SECRET_KEY_LENGTH = 32


def public_address(base_url: str | None) -> dict:
    """SERVER_NAME, scheme and root from BASE_URL, the address members use to reach the service.

    Emailed links are built from it, never from the request's Host header (security review,
    HIGH-2), and requests for any other host are refused.
    """
    if not base_url:
        return {}
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise RuntimeError(f"BASE_URL must be a web address such as https://training.example.gov.uk, "
                           f"not {base_url!r}")
    return {"SERVER_NAME": parts.netloc.lower(), "PREFERRED_URL_SCHEME": parts.scheme,
            "APPLICATION_ROOT": parts.path.rstrip("/") or "/"}


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # The public address, e.g. https://training.example.gov.uk: required in production.
    BASE_URL = os.environ.get("BASE_URL", "").strip() or None
    # Other host names this service answers to (an internal name for health checks, say).
    TRUSTED_HOST_NAMES = _list("TRUSTED_HOSTS")
    SQLALCHEMY_DATABASE_URI = _database_url()
    # A failed statement's values (names, notes, hashes) stay out of exceptions and logs (LOW-4).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"hide_parameters": True}
    COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Demo County Council")
    SERVICE_NAME = os.environ.get("SERVICE_NAME", "Corporate parenting training")
    # Who signs the certificates: usually the monitoring officer or head of democratic services.
    CERTIFICATE_SIGNATORY_NAME = os.environ.get("CERTIFICATE_SIGNATORY_NAME", "")
    CERTIFICATE_SIGNATORY_ROLE = os.environ.get("CERTIFICATE_SIGNATORY_ROLE", "Head of Democratic Services")
    REFRESHER_INTERVAL_MONTHS = _int("REFRESHER_INTERVAL_MONTHS", 24)
    REFRESHER_WARNING_DAYS = _int("REFRESHER_WARNING_DAYS", 90)
    # To finish induction after an election, or a higher level after a new role.
    INDUCTION_MONTHS = _int("INDUCTION_MONTHS", 3)
    PASS_MARK_PERCENT = _int("PASS_MARK_PERCENT", 80)
    CONTENT_ROOT = os.environ.get("CONTENT_ROOT", str(BASE_DIR))
    REDIS_URL = os.environ.get("REDIS_URL") or None
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    # If Redis stops answering, count in each process and log it, rather than refuse every sign-in.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    SIGN_IN_RATE_LIMIT = os.environ.get("SIGN_IN_RATE_LIMIT", "20 per minute")

    # Mail: how emails leave the service (app/mail.py TRANSPORTS). "outbox" keeps them for officers
    # to read, for the demo and tests only; production needs a real transport such as "smtp".
    MAIL_TRANSPORT = os.environ.get("MAIL_TRANSPORT", "").strip().lower() or (
        "smtp" if os.environ.get("MAIL_SERVER") else "outbox")
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = _int("MAIL_PORT", 587)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "training@example.gov.uk")
    # Where the phase banner's feedback link writes to: democratic services.
    FEEDBACK_EMAIL = os.environ.get("FEEDBACK_EMAIL") or MAIL_SENDER
    # STARTTLS checks the mail server's certificate against the system's authorities, or this file.
    MAIL_TLS_CA_FILE = os.environ.get("MAIL_TLS_CA_FILE") or None
    # GOV.UK Notify (MAIL_TRANSPORT=notify): the API key, and a template id for every kind of email
    # (NOTIFY_TEMPLATE_ID for all, or NOTIFY_TEMPLATE_INVITATION and so on: see app/notify.py).
    NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY") or None
    NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL") or None
    NOTIFY_TEMPLATE_ID = os.environ.get("NOTIFY_TEMPLATE_ID") or None
    NOTIFY_TEMPLATE_INVITATION = os.environ.get("NOTIFY_TEMPLATE_INVITATION") or None
    NOTIFY_TEMPLATE_PASSWORD_RESET = os.environ.get("NOTIFY_TEMPLATE_PASSWORD_RESET") or None
    NOTIFY_TEMPLATE_EMAIL_CHANGED = os.environ.get("NOTIFY_TEMPLATE_EMAIL_CHANGED") or None
    NOTIFY_TEMPLATE_REFRESHER_DUE = os.environ.get("NOTIFY_TEMPLATE_REFRESHER_DUE") or None
    NOTIFY_TEMPLATE_OVERDUE = os.environ.get("NOTIFY_TEMPLATE_OVERDUE") or None
    NOTIFY_TEMPLATE_OFFICER_SUMMARY = os.environ.get("NOTIFY_TEMPLATE_OFFICER_SUMMARY") or None
    NOTIFY_TEMPLATE_GROUP_SUMMARY = os.environ.get("NOTIFY_TEMPLATE_GROUP_SUMMARY") or None
    NOTIFY_TEMPLATE_CHASE = os.environ.get("NOTIFY_TEMPLATE_CHASE") or None
    NOTIFY_TEMPLATE_CERTIFICATE = os.environ.get("NOTIFY_TEMPLATE_CERTIFICATE") or None
    NOTIFY_TEMPLATE_GENERAL = os.environ.get("NOTIFY_TEMPLATE_GENERAL") or None
    # Sign in with the council's account (OpenID Connect; Microsoft Entra ID): off unless OIDC_ISSUER is set.
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER") or None
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID") or None
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET") or None
    OIDC_ALLOWED_DOMAINS = os.environ.get("OIDC_ALLOWED_DOMAINS") or None
    # modern.gov: the council's GetCouncillorsByWard address, and its own key-post-to-role rules (YAML).
    MODERNGOV_URL = os.environ.get("MODERNGOV_URL") or None
    MODERNGOV_KEY_POST_RULES = os.environ.get("MODERNGOV_KEY_POST_RULES") or None
    INVITATION_MAX_AGE = timedelta(days=_int("INVITATION_DAYS", 14))
    PASSWORD_RESET_MAX_AGE = timedelta(hours=1)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=_int("IDLE_TIMEOUT_MINUTES", 60))
    # However active, a session ends this long after signing in (ASVS 3.3.2).
    SESSION_MAX_HOURS = _int("SESSION_MAX_HOURS", 12)
    SESSION_REFRESH_EACH_REQUEST = True
    WTF_CSRF_TIME_LIMIT = None  # the session cookie's lifetime bounds the token instead
    DEMO_MODE = _bool("DEMO_MODE", False)
    # Behind a reverse proxy: how many proxies to trust for each X-Forwarded-* header (0: none).
    PROXY_FIX_X_FOR = _int("PROXY_FIX_X_FOR", 0)
    PROXY_FIX_X_PROTO = _int("PROXY_FIX_X_PROTO", 0)
    PROXY_FIX_X_HOST = _int("PROXY_FIX_X_HOST", 0)
    PROXY_FIX_X_PREFIX = _int("PROXY_FIX_X_PREFIX", 0)
    # Uploads (the election CSV) may be 1 MB; the rest is room for the form around the file.
    MAX_CONTENT_LENGTH = 1024 * 1024 + 64 * 1024
    TESTING = False

    @classmethod
    def check(cls) -> None:
        """Raise with a clear message if a required setting is missing."""


class DevelopmentConfig(Config):
    DEMO_MODE = _bool("DEMO_MODE", True)

    @classmethod
    def check(cls) -> None:
        if not cls.SECRET_KEY:
            # A key kept in instance/ so sign-ins survive a restart of the demo.
            key_file = INSTANCE_DIR / "secret_key"
            INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
            if not key_file.exists():
                key_file.write_text(secrets.token_hex(32))
                key_file.chmod(0o600)
            cls.SECRET_KEY = key_file.read_text().strip()


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_SERVER = None
    MAIL_TRANSPORT = "outbox"
    BASE_URL = "http://training.test"
    DEMO_MODE = True
    COUNCIL_NAME = "Test Borough Council"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SQLALCHEMY_ENGINE_OPTIONS = {
        "hide_parameters": True,
        # Per gunicorn worker, which serves one request at a time (sync) or a few (gthread), each
        # on one connection: 2 kept open plus 3 on demand covers 4 threads and a spare, and keeps
        # workers x processes x 5 under PostgreSQL's max_connections (README: "Running it...").
        "pool_size": _int("DB_POOL_SIZE", 2),
        "max_overflow": _int("DB_MAX_OVERFLOW", 3),
        "pool_timeout": 10,  # a request waits this long for a connection, then fails clearly
        "pool_pre_ping": True,
        "pool_recycle": 1800,
    }

    # The __Host- prefix: the browser only accepts the cookie over https, for this host, path /.
    SESSION_COOKIE_NAME = "__Host-session"

    @classmethod
    def check(cls) -> None:
        make_key = "python -c 'import secrets; print(secrets.token_hex(32))'"
        if not cls.SECRET_KEY:
            raise RuntimeError(
                "SECRET_KEY is not set. In production set SECRET_KEY in the environment to a long "
                f"random value, for example the output of: {make_key}")
        if len(cls.SECRET_KEY) < MIN_SECRET_KEY_LENGTH or cls.SECRET_KEY.strip().lower() in KNOWN_WEAK_KEYS \
                or len(set(cls.SECRET_KEY)) < 10:
            raise RuntimeError(
                f"SECRET_KEY is too weak: it must be at least {MIN_SECRET_KEY_LENGTH} random characters. "
                f"Make one with: {make_key}")
        if not cls.BASE_URL:
            raise RuntimeError(
                "BASE_URL is not set. In production set BASE_URL to the address members use, for "
                "example https://training.example.gov.uk: emailed links are built from it.")
        address = public_address(cls.BASE_URL)
        host = address["SERVER_NAME"].split(":")[0]
        if address["PREFERRED_URL_SCHEME"] != "https" and host not in ("localhost", "127.0.0.1"):
            raise RuntimeError("BASE_URL must start with https:// in production.")
        if cls.MAIL_TRANSPORT == "outbox":
            raise RuntimeError(
                "No mail transport is set. In production set MAIL_TRANSPORT (for example smtp, with "
                "MAIL_SERVER): the outbox would show officers live sign-in links.")


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestConfig,
}


def config_class() -> type[Config]:
    name = os.environ.get("APP_CONFIG", "development").strip().lower()
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"APP_CONFIG must be one of {', '.join(CONFIGS)}, not {name!r}") from None
