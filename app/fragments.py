"""Parts of pages drawn once and kept: the same for every member, so no request pays for them again.

The GOV.UK components' macros cost more to call than the rest of a page costs to draw, and many
parts of the pages members use most (the phase banner, a module's text and its links to the
modules either side) depend only on the course and the settings, both fixed while the process
runs. A fragment template is drawn with only the values it is given and Jinja's globals (no
context processors), so nothing about the member looking can leak into the copy the next member
sees. With templates reloading (development), every fragment is drawn afresh.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import current_app, has_request_context, request
from markupsafe import Markup

# A couple of hundred fragments in use (a menu per kind of person and page, a row per module and
# state, a text per module under the council's facts, a whole module page, about 43 kB, per module,
# state and kind of person). Each edit of the facts adds twenty texts and up to 120 pages; the
# bound stops those piling up for ever (at most some 20 MB).
MOST_KEPT = 500


def kept(key: Hashable, draw: Callable[[], str]) -> Markup:
    """What draw() returns, drawn on the first request that asks for key and kept for the rest:
    key must name everything the drawing depends on."""
    if current_app.jinja_env.auto_reload:
        return Markup(draw())  # nosec B704 - drawn by an autoescaped template
    found: dict = current_app.extensions.setdefault("fragments", {})
    # url_for's links start with the script root, which a proxy's prefix may set per request.
    full_key = (key, request.script_root if has_request_context() else None)
    fragment = found.get(full_key)
    if fragment is None:
        if len(found) >= MOST_KEPT:
            found.clear()
        fragment = found[full_key] = Markup(draw())  # nosec B704 - drawn by an autoescaped template
    return fragment


def drawn_once(template: str, key: Hashable = None, **values) -> Markup:
    """The template drawn with these values, kept under (template, key) for later requests."""
    return kept((template, key), lambda: current_app.jinja_env.get_template(template).render(values))


def init_app(app) -> None:
    app.jinja_env.globals["drawn_once"] = drawn_once
