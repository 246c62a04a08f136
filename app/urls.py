"""Addresses that leave the service: links in emails, on certificates and in calendar files.

They are built from BASE_URL, the public address the council configured, and never from the
request's Host header, which a stranger chooses (security review, HIGH-2).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, url_for


def external_url(endpoint: str, **values) -> str:
    base_url = current_app.config.get("BASE_URL")
    if not base_url:
        # Development without BASE_URL: the address the developer's browser used.
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(base_url)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path.rstrip("/") or "/",
                                       url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)


def allowed_hosts(config) -> set[str]:
    """The host names requests may carry: BASE_URL's and any extra TRUSTED_HOSTS."""
    base_url = config.get("BASE_URL")
    if not base_url:
        return set()
    return {urlsplit(base_url).hostname.lower(), *config.get("TRUSTED_HOST_NAMES", ())}
