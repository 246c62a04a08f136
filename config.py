"""Settings, read from the environment.

APP_CONFIG picks the class: development (the default, for the README's run command),
production or testing. Production refuses to start without SECRET_KEY.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

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


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
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
    SIGN_IN_RATE_LIMIT = os.environ.get("SIGN_IN_RATE_LIMIT", "20 per minute")

    # Mail: SMTP when MAIL_SERVER is set, otherwise the outbox officers can read in demo mode.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = _int("MAIL_PORT", 587)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "training@example.gov.uk")
    # Where the phase banner's feedback link writes to: democratic services.
    FEEDBACK_EMAIL = os.environ.get("FEEDBACK_EMAIL") or MAIL_SENDER
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
    UNLOCK_MAX_AGE = timedelta(hours=1)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=_int("IDLE_TIMEOUT_MINUTES", 60))
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
    DEMO_MODE = True
    COUNCIL_NAME = "Test Borough Council"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SQLALCHEMY_ENGINE_OPTIONS = {
        # Per gunicorn worker, which serves one request at a time (sync) or a few (gthread), each
        # on one connection: 2 kept open plus 3 on demand covers 4 threads and a spare, and keeps
        # workers x processes x 5 under PostgreSQL's max_connections (README: "Running it...").
        "pool_size": _int("DB_POOL_SIZE", 2),
        "max_overflow": _int("DB_MAX_OVERFLOW", 3),
        "pool_timeout": 10,  # a request waits this long for a connection, then fails clearly
        "pool_pre_ping": True,
        "pool_recycle": 1800,
    }

    @classmethod
    def check(cls) -> None:
        if not cls.SECRET_KEY:
            raise RuntimeError(
                "SECRET_KEY is not set. In production set SECRET_KEY in the environment to a long "
                "random value, for example the output of: python -c 'import secrets; print(secrets.token_hex(32))'"
            )


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
