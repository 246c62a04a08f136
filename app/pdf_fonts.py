"""Unicode fonts for the PDFs: certificates, action plans and the committee report.

reportlab's built-in Helvetica only has the Windows-1252 characters, so a Welsh ŵ, a Polish Ł, a
Vietnamese ễ or an Arabic name came out as black boxes (security review, MEDIUM-4). These
TrueType fonts are installed at set-up from Debian's packages (scripts/install-fonts), never kept
in the repository:

- DejaVu Sans Condensed (fonts-dejavu-extra) and DejaVu Sans (fonts-dejavu-core): Latin, Greek,
  Cyrillic, Arabic, Hebrew and many symbols;
- Noto Sans and its script families (fonts-noto-core), when installed, for what DejaVu lacks.

Each character is drawn in the first font that has it; one that no font has becomes U+FFFD,
so the text says something is missing rather than showing a box. Arabic and Hebrew are shaped
and put in visual order (arabic-reshaper, python-bidi), as reportlab does neither.
"""
from __future__ import annotations

import logging
import os
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

FONT_DIRS = [Path(p) for p in os.environ.get("PDF_FONT_DIRS", "").split(":") if p] + [
    Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/opentype/noto"), Path("/usr/local/share/fonts")]
# (regular, bold) file names in order of preference; the first pair found is the main font.
FAMILIES = [
    # Condensed first: about as wide as Helvetica, so layouts made for it still fit.
    ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"),
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    ("NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf"),
    ("NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf"),
    ("NotoSansGurmukhi-Regular.ttf", "NotoSansGurmukhi-Bold.ttf"),
    ("NotoSansGujarati-Regular.ttf", "NotoSansGujarati-Bold.ttf"),
    ("NotoSansTamil-Regular.ttf", "NotoSansTamil-Bold.ttf"),
    ("NotoSansSymbols2-Regular.ttf", "NotoSansSymbols2-Regular.ttf"),
]
MISSING = "\ufffd"


def _find(name: str) -> Path | None:
    for folder in FONT_DIRS:
        path = folder / name
        if path.is_file():
            return path
    return None


class Fonts:
    """The installed fonts: regular and bold names, main first, and what each can draw.

    A font is read from its file (3.6 MB of a worker each) when text first needs it: the main
    pair draws nearly every name, and a fallback is read only for a character the fonts before
    it lack, so the first font that has a character still draws it.
    """

    def __init__(self):
        self.regular: list[str] = []
        self.bold: list[str] = []
        self._paths: dict[str, Path] = {}
        self._covers: dict[str, dict[int, int]] = {}
        self._lock = threading.Lock()
        for regular_file, bold_file in FAMILIES:
            regular_path, bold_path = _find(regular_file), _find(bold_file)
            if regular_path is None:
                continue
            bold_path = bold_path or regular_path
            self._paths.update({regular_path.stem: regular_path, bold_path.stem: bold_path})
            self.regular.append(regular_path.stem)
            self.bold.append(bold_path.stem)
        if not self.regular:
            log.warning("no Unicode font found (run scripts/install-fonts): PDFs fall back to Helvetica")

    def covers(self, name: str) -> dict[int, int]:
        """The characters the font can draw (as code points), reading and registering it first."""
        covers = self._covers.get(name)
        if covers is None:
            # reportlab (with PIL) loads here, not when a page module imports this one.
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            with self._lock:
                if name not in pdfmetrics.getRegisteredFontNames():
                    pdfmetrics.registerFont(TTFont(name, str(self._paths[name])))
                covers = self._covers[name] = pdfmetrics.getFont(name).face.charToGlyph
        return covers

    @property
    def body(self) -> str:
        if not self.regular:
            return "Helvetica"
        self.covers(self.regular[0])
        return self.regular[0]

    @property
    def heading(self) -> str:
        if not self.bold:
            return "Helvetica-Bold"
        self.covers(self.bold[0])
        return self.bold[0]

    def runs(self, text: str, bold: bool = False) -> list[tuple[str, str]]:
        """The text as (font name, characters) runs, each in a font that can draw it."""
        names = self.bold if bold else self.regular
        if not names:
            return [("Helvetica-Bold" if bold else "Helvetica", text)]
        runs: list[tuple[str, str]] = []
        for character in text:
            font = next((n for n in names if ord(character) in self.covers(n)), None)
            if font is None:
                font = names[0]
                character = MISSING if ord(MISSING) in self.covers(font) else "?"
            if runs and runs[-1][0] == font:
                runs[-1] = (font, runs[-1][1] + character)
            else:
                runs.append((font, character))
        return runs


@lru_cache(maxsize=1)
def fonts() -> Fonts:
    return Fonts()


def visual(text: str) -> str:
    """Right-to-left text (Arabic, Hebrew) shaped and in the order it is drawn; others as given."""
    if not any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return text
    import arabic_reshaper
    from bidi import get_display

    return get_display(arabic_reshaper.reshape(text))


def prepare(text: str) -> str:
    """Text ready to draw: NFC (so ŵ is one character when the font has it), shaped, in order."""
    return visual(unicodedata.normalize("NFC", text))


def width(text: str, size: float, bold: bool = False) -> float:
    from reportlab.pdfbase import pdfmetrics

    return sum(pdfmetrics.stringWidth(chunk, font, size) for font, chunk in fonts().runs(prepare(text), bold))


def draw(canvas, x: float, y: float, text: str, size: float, bold: bool = False, centred: bool = False) -> None:
    """Draw one line on a canvas, switching font where the main one lacks a character."""
    from reportlab.pdfbase import pdfmetrics

    text = prepare(text)
    if centred:
        x -= width(text, size, bold) / 2
    for font, chunk in fonts().runs(text, bold):
        canvas.setFont(font, size)
        canvas.drawString(x, y, chunk)
        x += pdfmetrics.stringWidth(chunk, font, size)


def markup(text: str, bold: bool = False) -> str:
    """Escaped Platypus paragraph markup for text, with <font> runs where a fallback is needed."""
    from xml.sax.saxutils import escape

    runs = fonts().runs(prepare(text), bold)
    main = (fonts().heading if bold else fonts().body)
    return "".join(escape(chunk) if font == main else f'<font face="{font}">{escape(chunk)}</font>'
                   for font, chunk in runs)


def in_main_font(text: str) -> str:
    """Text for a fast one-font table: shaped, and any character the main font lacks replaced."""
    if text.isascii():
        return text
    if not fonts().regular:
        return prepare(text)
    covers = fonts().covers(fonts().body)
    text = prepare(text)
    return "".join(c if ord(c) in covers else (MISSING if ord(MISSING) in covers else "?") for c in text)
