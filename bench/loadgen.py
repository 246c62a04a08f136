"""A small load generator: simulated members with their own cookies, on threads.

Only ever sends to 127.0.0.1 (Browser refuses any other host). Every loop is bounded by a
request count and a deadline, and stops by itself.
"""
from __future__ import annotations

import html
import http.client
import random
import re
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Callable
from urllib.parse import urlencode, urljoin, urlsplit

ALLOWED_HOSTS = {"127.0.0.1", "localhost"}
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
_ATTR = re.compile(r'([\w-]+)\s*=\s*"([^"]*)"')
_ID = re.compile(r"/\d+")
_INPUT = re.compile(r"<(input|button|textarea|select)\b([^>]*)>", re.I)


class LoadError(Exception):
    pass


@dataclass
class Sample:
    label: str
    seconds: float
    status: int
    error: str | None = None


@dataclass
class Response:
    status: int
    body: str
    headers: dict[str, str]
    url: str

    def csrf(self) -> str:
        match = _CSRF.search(self.body)
        if not match:
            raise LoadError(f"no CSRF token on {self.url}")
        return html.unescape(match.group(1))

    def forms(self) -> list[Form]:
        return [Form.parse(m.group(1), m.group(2), self.url) for m in _FORM.finditer(self.body)]


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str, dict]]  # (tag, type, attributes)

    @classmethod
    def parse(cls, attributes: str, inner: str, page_url: str) -> Form:
        attrs = dict(_ATTR.findall(attributes))
        fields = []
        for tag, raw in _INPUT.findall(inner):
            a = {k: html.unescape(v) for k, v in _ATTR.findall(raw)}
            if " checked" in raw or raw.rstrip().endswith("checked"):
                a["checked"] = "checked"
            fields.append((tag.lower(), a.get("type", "text").lower(), a))
        action = html.unescape(attrs.get("action") or urlsplit(page_url).path)
        return cls(action=action, method=attrs.get("method", "get").lower(), fields=fields)

    def names(self) -> set[str]:
        return {a.get("name") for _, _, a in self.fields if a.get("name")}

    def fill(self, choose: Callable[[str, list[str]], list[str]] | None = None,
             text: str = "A short answer from a simulated member.") -> dict[str, list[str]]:
        """Values as a person would submit them: hidden fields kept, one option per radio group,
        the chooser's picks for checkboxes (the first option by default), text filled in."""
        data: dict[str, list[str]] = {}
        options: dict[str, list[str]] = {}
        kinds: dict[str, str] = {}
        for tag, kind, a in self.fields:
            name = a.get("name")
            if not name or tag == "button":
                continue
            if kind in ("radio", "checkbox"):
                options.setdefault(name, []).append(a.get("value", "on"))
                kinds[name] = kind
            elif kind == "hidden":
                data.setdefault(name, []).append(a.get("value", ""))
            elif kind not in ("submit", "button", "file"):
                data.setdefault(name, []).append(a.get("value") or text)
        for name, values in options.items():
            picked = choose(name, values) if choose else values[:1]
            data[name] = picked if kinds[name] == "checkbox" else picked[:1]
        return data


class Browser:
    """One simulated member: a cookie jar, a kept-alive connection, and a record of timings."""

    def __init__(self, base: str, samples: list[Sample] | None = None, timeout: float = 30):
        parts = urlsplit(base)
        if parts.hostname not in ALLOWED_HOSTS:
            raise ValueError("the load generator only sends to this machine (127.0.0.1)")
        self.base = base
        self.host, self.port = parts.hostname, parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.samples = samples if samples is not None else []
        self._connection: http.client.HTTPConnection | None = None

    def _send(self, method: str, path: str, body: bytes | None, headers: dict[str, str]):
        for attempt in (1, 2):
            if self._connection is None:
                self._connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self._connection.request(method, path, body=body, headers=headers)
                response = self._connection.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response, data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A kept-alive connection the server had closed: reconnect once, then give up.
                self.close()
                if attempt == 2:
                    raise

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def request(self, method: str, path: str, data: dict | None = None, label: str | None = None,
                follow: bool = True) -> Response:
        url = urljoin(self.base, path)
        body = urlencode(data, doseq=True).encode() if data is not None else None
        for _ in range(5):
            parts = urlsplit(url)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "bench-member"}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if body is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            started = time.perf_counter()
            try:
                raw, payload = self._send(method, target, body, headers)
            except (OSError, http.client.HTTPException) as exc:
                self.samples.append(Sample(label or parts.path, time.perf_counter() - started, 0,
                                           type(exc).__name__))
                raise LoadError(f"{method} {parts.path}: {type(exc).__name__}") from exc
            elapsed = time.perf_counter() - started
            self._store_cookies(raw.headers.get_all("Set-Cookie") or [])
            status = raw.status
            error = f"HTTP {status}" if status >= 500 else None
            self.samples.append(Sample(label or f"{method} {_ID.sub('/<id>', parts.path)}", elapsed,
                                       status, error))
            if follow and status in (301, 302, 303, 307, 308):
                url = urljoin(url, raw.getheader("Location"))
                if status in (301, 302, 303):
                    method, body = "GET", None
                label = None
                continue
            return Response(status, payload.decode("utf-8", "replace"), dict(raw.headers), url)
        raise LoadError(f"too many redirects from {path}")

    def get(self, path: str, **kw) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, data: dict, **kw) -> Response:
        return self.request("POST", path, data=data, **kw)

    def submit(self, page: Response, form: Form, data: dict | None = None, **kw) -> Response:
        values = form.fill() if data is None else data
        if form.method == "post":
            return self.post(urljoin(page.url, form.action), values, **kw)
        return self.get(urljoin(page.url, form.action) + "?" + urlencode(values, doseq=True), **kw)

    def _store_cookies(self, headers: list[str]) -> None:
        for header in headers:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel.value == "" or morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def sign_in(self, email: str, password: str) -> Response:
        page = self.get("/sign-in", label="GET /sign-in")
        response = self.post("/sign-in", {"csrf_token": page.csrf(), "email": email, "password": password},
                             label="POST /sign-in")
        if "/sign-in" in urlsplit(response.url).path:
            raise LoadError("sign-in was refused")
        return response


# --- measuring -------------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class Summary:
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    statuses: dict[int, int] = field(default_factory=dict)
    error_kinds: dict[str, int] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        return {"requests": self.requests, "errors": self.errors, "seconds": round(self.seconds, 2),
                "per_second": round(self.per_second, 1), "p50_ms": round(self.p50_ms, 1),
                "p95_ms": round(self.p95_ms, 1), "p99_ms": round(self.p99_ms, 1),
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
                "error_kinds": self.error_kinds}


def summarise(samples: list[Sample], seconds: float) -> Summary:
    latencies = [s.seconds * 1000 for s in samples]
    statuses: dict[int, int] = {}
    kinds: dict[str, int] = {}
    for s in samples:
        statuses[s.status] = statuses.get(s.status, 0) + 1
        if s.error:
            kinds[s.error] = kinds.get(s.error, 0) + 1
    return Summary(len(samples), sum(1 for s in samples if s.error), seconds,
                   percentile(latencies, 50), percentile(latencies, 95), percentile(latencies, 99),
                   statuses, kinds)


def clients(base: str, count: int, setup: Callable[[Browser], None] | None = None) -> list[Browser]:
    """Browsers ready for hammer(), set up (signed in, say) before anything is timed."""
    browsers = []
    for _ in range(count):
        browser = Browser(base, samples=[])
        if setup:
            setup(browser)
        browsers.append(browser)
    return browsers


def hammer(browsers: list[Browser], path: str, seconds: float, max_requests: int) -> Summary:
    """Closed loop: each client requests `path` back to back until the time or count runs out."""
    samples: list[Sample] = []
    lock = threading.Lock()
    budget = [max_requests]
    for browser in browsers:
        browser.samples.clear()
    deadline = time.monotonic() + seconds

    def loop(browser: Browser) -> None:
        while time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            try:
                response = browser.get(path, label="page", follow=False)
                if response.status != 200:
                    browser.samples[-1].error = f"HTTP {response.status}"
            except LoadError:
                pass

    started = time.perf_counter()
    workers = [threading.Thread(target=loop, args=(b,), daemon=True) for b in browsers]
    for w in workers:
        w.start()
    for w in workers:
        w.join(seconds + 60)
    elapsed = time.perf_counter() - started
    for b in browsers:
        samples.extend(b.samples)
        b.close()  # the next round reconnects; the cookies stay
    return summarise(samples, elapsed)


def run_members(count: int, seconds: float, journey: Callable[[Browser, int, Callable[[], bool]], None],
                base: str, ramp_seconds: float = 10.0, timeout: float = 60.0) -> tuple[Summary, list[str], list[Sample]]:
    """`count` members each repeat `journey` until the deadline: (timings, failures, samples)."""
    deadline = time.monotonic() + ramp_seconds + seconds
    failures: list[str] = []
    browsers = [Browser(base, timeout=timeout) for _ in range(count)]

    def time_left() -> bool:
        return time.monotonic() < deadline

    def member(n: int) -> None:
        # Members arrive over the ramp, not all in the same instant.
        time.sleep(random.uniform(0, ramp_seconds))  # nosec B311 - not security
        rounds = 0
        while time_left() and rounds < 1000:
            rounds += 1
            try:
                journey(browsers[n], n + 1, time_left)
            except LoadError as exc:
                failures.append(str(exc))
                browsers[n].cookies.clear()
                time.sleep(0.2)

    started = time.perf_counter()
    threads = [threading.Thread(target=member, args=(n,), daemon=True) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()) + 60)
    elapsed = time.perf_counter() - started
    samples = [s for b in browsers for s in b.samples]
    for b in browsers:
        b.close()
    return summarise(samples, elapsed), failures, samples
