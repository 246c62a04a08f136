"""Helpers for driving the system Chromium: starting it, axe-core, keys, focus and widths.

Plain functions on a Selenium driver, so each test reads as a user's steps.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.wait import WebDriverWait

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# GOV.UK's focus colour, $govuk-focus-colour (#ffdd00), as computed styles report it.
FOCUS_YELLOW = "rgb(255, 221, 0)"


def _gone(element) -> bool:
    """The old page's element has left the document: the next page has replaced it.

    Chromium sometimes reports this as "Node with given id does not belong to the document"
    rather than as a stale element, depending on when in the navigation it is asked.
    """
    try:
        return staleness_of(element)(None)
    except WebDriverException as exc:
        if "does not belong to the document" in str(exc):
            return True
        raise


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        return (f"Chromium is not installed ({', '.join(missing)} missing): run "
                "'bash scripts/install-browser' as root, or apt-get install chromium chromium-driver")
    return None


class Browser:
    """One headless Chromium with its own throwaway profile."""

    def __init__(self, base_url: str, javascript: bool = True, width: int = 1280, height: int = 1000):
        # Selenium Manager must never fetch a driver: the service path is explicit, and offline.
        os.environ["SE_OFFLINE"] = "1"
        self.base_url = base_url.rstrip("/")
        self.javascript = javascript
        self.profile = tempfile.mkdtemp(prefix="e2e-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                    f"--user-data-dir={self.profile}", f"--window-size={width},{height}"):
            options.add_argument(arg)
        prefs = {"download.default_directory": str(Path(self.profile) / "downloads"),
                 "download.prompt_for_download": False,
                 "plugins.always_open_pdf_externally": True}
        if not javascript:
            prefs["profile.managed_default_content_settings.javascript"] = 2
        options.add_experimental_option("prefs", prefs)
        service = webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
        self.driver = webdriver.Chrome(service=service, options=options)
        self.driver.set_page_load_timeout(30)
        # Headless downloads go to our folder, so the certificate download can be checked.
        self.driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                                    {"behavior": "allow", "downloadPath": self.downloads})

    @property
    def downloads(self) -> str:
        path = Path(self.profile) / "downloads"
        path.mkdir(exist_ok=True)
        return str(path)

    def quit(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    # Navigation and reading -------------------------------------------------------------

    def get(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    @property
    def path(self) -> str:
        url = self.driver.current_url.split("#", 1)[0]
        return "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"

    def text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    def h1(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "h1").text

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def sign_out(self) -> None:
        self.driver.delete_all_cookies()

    def until_new_page(self, action) -> None:
        """Do `action` (a click, a key) and wait until the page it leads to has loaded."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        action()
        WebDriverWait(self.driver, 15).until(lambda d: _gone(old))
        WebDriverWait(self.driver, 15).until(
            lambda d: d.execute_script("return document.readyState") == "complete")

    def click(self, css: str, text: str | None = None) -> None:
        """Click a link or button (by CSS selector, and its words) and wait for the next page."""
        found = [e for e in self.driver.find_elements(By.CSS_SELECTOR, css)
                 if text is None or re.search(text, e.text or e.get_attribute("value") or "", re.I)]
        assert found, f"on {self.path}: nothing matches {css!r} saying {text!r}"
        self.until_new_page(found[0].click)

    def choose(self, label: str) -> None:
        """Tick the radio or checkbox with this label (by clicking the label, as people do)."""
        labels = [e for e in self.driver.find_elements(By.CSS_SELECTOR, "main label")
                  if re.sub(r"\s+", " ", e.text).strip().lower() == label.lower()]
        assert labels, f"on {self.path}: no radio or checkbox labelled {label!r}"
        labels[0].click()

    def fill(self, field_id: str, text: str) -> None:
        field = self.driver.find_element(By.ID, field_id)
        field.clear()
        field.send_keys(text)

    def has(self, css: str) -> bool:
        return bool(self.driver.find_elements(By.CSS_SELECTOR, css))

    def submit(self) -> None:
        """Press the main form's first submit button."""
        self.click("main form button[type=submit], main form input[type=submit]")

    def sign_in_by_form(self, email: str, password: str) -> None:
        """Sign in with clicks: for tests that are not about the keyboard."""
        self.get("/sign-in")
        self.driver.find_element(By.ID, "email").send_keys(email)
        self.driver.find_element(By.ID, "password").send_keys(password)
        self.submit()
        assert "/sign-in" not in self.path, f"sign-in as the test account failed: {self.h1()}"

    # axe-core ---------------------------------------------------------------------------

    def axe_violations(self) -> list[dict]:
        if not self.js("return typeof window.axe !== 'undefined'"):
            # execute_script is not subject to the page's Content-Security-Policy.
            self.js(AXE.read_text(encoding="utf-8"))
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
            ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " helpUrl: v.helpUrl, nodes: v.nodes.map(n => ({target: n.target.join(' '),"
            " summary: n.failureSummary}))}))))"
            ".catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));",
            AXE_TAGS)
        return result

    # Keys and focus ---------------------------------------------------------------------

    def press(self, *keys: str) -> None:
        """Keys go to whatever has focus, as they do for a person at a keyboard."""
        ActionChains(self.driver).send_keys(*keys).perform()

    def shift_tab(self) -> None:
        ActionChains(self.driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()

    def from_the_top(self) -> None:
        """Make the next Tab start from the top of the page, as after a fresh page load.

        blur() alone would leave the browser's Tab starting point where focus was."""
        self.js("const t = document.createElement('span'); t.tabIndex = -1; document.body.prepend(t);"
                "t.focus(); t.remove(); window.scrollTo(0, 0);")

    def focused(self) -> "Focused":
        info = self.js(_FOCUSED_JS, FOCUS_YELLOW)
        return Focused(**info)

    def focusables(self) -> list[tuple[object, "Focused"]]:
        """(element, description) for everything on the page that takes focus, in Tab order."""
        elements, infos = self.js(_FOCUSABLES_JS, None)
        return [(e, Focused(**i)) for e, i in zip(elements, infos, strict=False)]

    def tab_to(self, matches, description: str, limit: int = 150, backwards: bool = False) -> "Focused":
        """Press Tab (or Shift+Tab) until the focused element matches; check focus is visible each time."""
        seen = []
        for _ in range(limit):
            self.shift_tab() if backwards else self.press(Keys.TAB)
            here = self.focused()
            if here.tag == "body":
                seen.append("(page)")
                if seen[-3:] == ["(page)"] * 3:
                    break  # nothing on the page takes focus
                continue
            assert here.visible_focus, (
                f"on {self.path}: focus is not visible on {here.describe()} "
                f"(outline {here.outline!r}, box-shadow {here.box_shadow!r}, background {here.background!r})")
            if matches(here):
                return here
            seen.append(here.describe())
        heading = self.js("const h = document.querySelector('h1'); return h ? h.innerText : document.title")
        raise AssertionError(f"on {self.path} ({heading!r}): could not reach {description} by "
                             f"{'Shift+Tab' if backwards else 'Tab'}; focus went through: {seen[-40:]}")

    # Widths -----------------------------------------------------------------------------

    def set_css_width(self, width: int, height: int = 900) -> int:
        """Make the page's own width (documentElement.clientWidth) exactly `width` CSS pixels."""
        window = width
        for _ in range(4):
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                        {"width": window, "height": height, "deviceScaleFactor": 1,
                                         "mobile": False})
            client = self.js("return document.documentElement.clientWidth")
            if client == width:
                return client
            window += width - client
        return client

    def clear_css_width(self) -> None:
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def overflowing(self) -> list[str]:
        """The outermost elements sticking out past the right edge, to say why a page scrolls."""
        return self.js(_OVERFLOW_JS)


@dataclass
class Focused:
    tag: str
    text: str
    id: str
    name: str
    type: str
    value: str
    href: str
    classes: str
    label: str
    checked: bool
    in_main: bool
    outline: str
    box_shadow: str
    background: str
    visible_focus: bool

    def describe(self) -> str:
        bits = [self.tag]
        if self.id:
            bits.append(f"#{self.id}")
        if self.type:
            bits.append(f"[{self.type}]")
        words = self.label or self.text or self.value or self.href
        if words:
            bits.append(repr(words[:60]))
        return " ".join(bits)

    def says(self, pattern: str) -> bool:
        return any(re.search(pattern, words.strip(), re.I) for words in (self.text, self.label, self.value) if words)


_DESCRIBE_JS = r"""
const describe = (el, yellow) => {
  // Without a focus colour to look for (clicking, not tabbing), skip the costly styles.
  const cs = yellow ? getComputedStyle(el) : {};
  const norm = s => (s || '').replace(/\s+/g, ' ').trim();
  let label = '';
  if (el.labels && el.labels.length) label = norm(el.labels[0].innerText);
  else if (el.getAttribute && el.getAttribute('aria-label')) label = el.getAttribute('aria-label');
  // GOV.UK radios and checkboxes hide the input and draw the focus ring on the label's ::before.
  let ring = [cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0 ? cs.outlineColor : '',
              cs.boxShadow, cs.backgroundColor].join(' | ');
  if (yellow && el.matches && el.matches('.govuk-radios__input, .govuk-checkboxes__input') && el.nextElementSibling) {
    const before = getComputedStyle(el.nextElementSibling, '::before');
    ring += ' | ' + before.boxShadow + ' | ' + before.outlineColor;
  }
  return {
    tag: el.tagName.toLowerCase(), text: norm(el.innerText).slice(0, 200), id: el.id || '',
    name: el.getAttribute('name') || '', type: el.getAttribute('type') || '',
    value: (el.value !== undefined && el.tagName !== 'BUTTON') ? String(el.value) : (el.value || ''),
    href: el.getAttribute('href') || '', classes: typeof el.className === 'string' ? el.className : '',
    label: label, checked: !!el.checked, in_main: !!(el.closest && el.closest('main')),
    outline: cs.outlineStyle + ' ' + cs.outlineWidth + ' ' + cs.outlineColor,
    box_shadow: cs.boxShadow, background: cs.backgroundColor,
    visible_focus: !!yellow && ring.indexOf(yellow) !== -1,
  };
};
"""

_FOCUSED_JS = _DESCRIBE_JS + r"""
return describe(document.activeElement || document.body, arguments[0]);
"""

# Everything a person could Tab to, in document order (no positive tabindex is used here).
_FOCUSABLES_JS = _DESCRIBE_JS + r"""
const found = [...document.querySelectorAll(
  'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])')]
  .filter(el => !el.disabled && el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden');
return [found, found.map(el => describe(el, arguments[0]))];
"""

_OVERFLOW_JS = r"""
// The outermost elements that stick out past the right edge: each one's parent fits.
const limit = document.documentElement.clientWidth + 0.5;
const found = [];
const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
  (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '');
for (const el of document.body.querySelectorAll('*')) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.right <= limit) continue;
  const parent = el.parentElement;
  if (parent && parent !== document.body && parent.getBoundingClientRect().right > limit) continue;
  found.push(name(el) + ' right=' + Math.round(r.right) + ' in ' + (parent ? name(parent) : '') +
             ' (overflow-x ' + (parent ? getComputedStyle(parent).overflowX : '') + ')');
  if (found.length > 8) break;
}
return found;
"""


def format_violations(path: str, violations: list[dict]) -> str:
    lines = [f"axe-core found {len(violations)} WCAG A/AA violation(s) on {path}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} {v.get('helpUrl', '')}")
        for node in v["nodes"][:10]:
            lines.append(f"    at {node['target']}")
            if node.get("summary"):
                lines.append("      " + node["summary"].replace("\n", "\n      "))
    return "\n".join(lines)
