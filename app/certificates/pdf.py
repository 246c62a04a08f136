"""The certificate as a PDF: A4, selectable text, and a QR code that opens the verification page."""
from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import date

import segno
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from app import pdf_fonts
from app.certificates.codes import display
from app.certificates.dates import long_date

# Unicode TrueType fonts (security review, MEDIUM-4): Helvetica printed ŵ, Ł, ễ and Arabic as boxes.
REGULAR = pdf_fonts.fonts().body
BOLD = pdf_fonts.fonts().heading

BLUE = HexColor("#1d70b8")
BLACK = HexColor("#0b0c0c")
GREY = HexColor("#505a5f")


@dataclass(frozen=True)
class CertificateText:
    council: str
    member: str
    pathway: str           # 'Induction (level 1)'
    completed_on: date
    refresher_due: date
    score_percent: int | None
    code: str
    verify_url: str
    face_to_face: bool = False
    covered: tuple[str, ...] = ()      # what the pathway covered, one line each
    signatory_name: str = ""
    signatory_role: str = ""


def _fit(canvas: Canvas, text: str, font: str, size: float, width: float) -> float:
    # Long names shrink rather than run off the page.
    while size > 10 and canvas.stringWidth(text, font, size) > width:
        size -= 1
    return size


def _break_word(word: str, font: str, size: float, width: float) -> list[str]:
    """A single word wider than the line, cut into pieces that fit (a name with no spaces)."""
    pieces, current = [], ""
    for char in word:
        if current and stringWidth(current + char, font, size) > width:
            pieces.append(current)
            current = ""
        current += char
    return pieces + [current]


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    for line in simpleSplit(text, font, size, width):
        lines.extend(_break_word(line, font, size, width) if stringWidth(line, font, size) > width else [line])
    return lines


def fit_lines(text: str, font: str, size: float, width: float, max_lines: int = 2,
              smallest: float = 12) -> tuple[float, list[str]]:
    """The largest size (down to `smallest`) at which the text wraps into max_lines; a name
    longer still keeps the smallest size and takes the lines it needs."""
    while size > smallest:
        lines = wrap(text, font, size, width)
        if len(lines) <= max_lines:
            return size, lines
        size -= 1
    return smallest, wrap(text, font, smallest, width)


def _qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    """The QR code drawn as vector squares, so it prints sharp at any size."""
    qr = segno.make(url, error="m")
    rows = list(qr.matrix_iter(scale=1, border=2))
    cell = size / len(rows)
    canvas.setFillColor(BLACK)
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                canvas.rect(x + c * cell, y + size - (r + 1) * cell, cell, cell, stroke=0, fill=1)


def _centred_lines(canvas: Canvas, lines: list[str], font: str, size: float, x: float, y: float,
                   leading: float) -> float:
    canvas.setFont(font, size)
    for line in lines:
        canvas.drawCentredString(x, y, line)
        y -= leading
    return y


def render(cert: CertificateText) -> bytes:
    # Names shaped (Arabic) and in drawing order, with any character the font lacks replaced.
    drawable = pdf_fonts.in_main_font
    cert = replace(cert, council=drawable(cert.council), member=drawable(cert.member),
                   pathway=drawable(cert.pathway), signatory_name=drawable(cert.signatory_name),
                   signatory_role=drawable(cert.signatory_role))
    buffer = io.BytesIO()
    width, height = A4
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"Corporate parenting certificate: {cert.member}")
    canvas.setAuthor(cert.council)
    canvas.setSubject(f"{cert.pathway}, completed {long_date(cert.completed_on)}")
    canvas.setCreator("Corporate parenting training")

    margin = 20 * mm
    text_width = width - 2 * margin - 10 * mm
    middle = width / 2
    canvas.setStrokeColor(BLUE)
    canvas.setLineWidth(3)
    canvas.rect(margin / 2, margin / 2, width - margin, height - margin)
    canvas.setLineWidth(0.75)
    canvas.rect(margin / 2 + 3 * mm, margin / 2 + 3 * mm, width - margin - 6 * mm, height - margin - 6 * mm)

    y = height - 32 * mm
    canvas.setFillColor(BLUE)
    size, lines = fit_lines(cert.council, BOLD, 20, text_width, max_lines=2)
    y = _centred_lines(canvas, lines, BOLD, size, middle, y, size * 1.2)

    y -= 10 * mm
    canvas.setFillColor(BLACK)
    y = _centred_lines(canvas, ["Certificate of completion"], BOLD, 34, middle, y, 34)
    canvas.setFont(REGULAR, 14)
    canvas.setFillColor(GREY)
    canvas.drawCentredString(middle, y, "Corporate parenting training for councillors")

    y -= 18 * mm
    canvas.setFillColor(BLACK)
    canvas.setFont(REGULAR, 15)
    canvas.drawCentredString(middle, y, "This certifies that")
    y -= 14 * mm
    size, lines = fit_lines(cert.member, BOLD, 28, text_width, max_lines=2, smallest=14)
    y = _centred_lines(canvas, lines, BOLD, size, middle, y, size * 1.15)
    y -= 4 * mm
    canvas.setFont(REGULAR, 15)
    canvas.drawCentredString(middle, y, "has completed corporate parenting training:" if not cert.face_to_face
                             else "has completed, at a face-to-face training session,")
    y -= 11 * mm
    canvas.setFillColor(BLUE)
    size, lines = fit_lines(cert.pathway, BOLD, 22, text_width, max_lines=2)
    y = _centred_lines(canvas, lines, BOLD, size, middle, y, size * 1.2)

    if cert.covered:
        y -= 4 * mm
        canvas.setFillColor(BLACK)
        canvas.setFont(BOLD, 12)
        canvas.drawCentredString(middle, y, "What the training covered")
        y -= 6 * mm
        canvas.setFillColor(GREY)
        for item in cert.covered:
            y = _centred_lines(canvas, wrap(item, REGULAR, 10.5, text_width - 10 * mm), REGULAR, 10.5,
                               middle, y, 13)
            y -= 1.5 * mm

    y -= 5 * mm
    rows = [("Completed on", long_date(cert.completed_on)),
            ("Refresher due by", long_date(cert.refresher_due))]
    if cert.score_percent is not None:
        rows.append(("Assessment score", f"{cert.score_percent}%"))
    rows.append(("Verification code", display(cert.code)))
    for label, value in rows:
        canvas.setFont(REGULAR, 12)
        canvas.setFillColor(GREY)
        canvas.drawRightString(middle - 4 * mm, y, label)
        canvas.setFont(BOLD, 12)
        canvas.setFillColor(BLACK)
        canvas.drawString(middle + 4 * mm, y, value)
        y -= 7.5 * mm

    # The signature block, bottom left; the QR code to check the certificate, bottom right.
    left = margin + 4 * mm
    sign_y = 40 * mm
    canvas.setStrokeColor(BLACK)
    canvas.setLineWidth(0.75)
    canvas.line(left, sign_y + 8 * mm, left + 75 * mm, sign_y + 8 * mm)
    canvas.setFillColor(BLACK)
    block = [(cert.signatory_name, BOLD), (cert.signatory_role, REGULAR),
             (cert.council, REGULAR)]
    line_y = sign_y + 3 * mm
    for text, font in block:
        if not text:
            continue
        size = _fit(canvas, text, font, 11, 75 * mm)
        canvas.setFont(font, size)
        canvas.drawString(left, line_y, text)
        line_y -= 5 * mm

    qr_size = 34 * mm
    qr_x = width - margin - 4 * mm - qr_size
    qr_y = 28 * mm
    _qr(canvas, cert.verify_url, qr_x, qr_y, qr_size)
    canvas.setFont(REGULAR, 9)
    canvas.setFillColor(GREY)
    canvas.drawCentredString(qr_x + qr_size / 2, qr_y - 4 * mm, "Check this certificate is genuine at")
    canvas.setFillColor(BLUE)
    size = _fit(canvas, cert.verify_url, REGULAR, 9, width - 2 * margin)
    url_width = canvas.stringWidth(cert.verify_url, REGULAR, size)
    url_x = min(qr_x + qr_size / 2 + url_width / 2, width - margin) - url_width
    canvas.setFont(REGULAR, size)
    canvas.drawString(url_x, qr_y - 8.5 * mm, cert.verify_url)
    canvas.linkURL(cert.verify_url, (url_x, qr_y - 10 * mm, url_x + url_width, qr_y - 5.5 * mm), relative=0)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
