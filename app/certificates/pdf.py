"""The certificate as a PDF: A4, selectable text, and a QR code that opens the verification page."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import segno
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.certificates.codes import display
from app.certificates.dates import long_date

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


def _fit(canvas: Canvas, text: str, font: str, size: float, width: float) -> float:
    # Long names shrink rather than run off the page.
    while size > 10 and canvas.stringWidth(text, font, size) > width:
        size -= 1
    return size


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


def render(cert: CertificateText) -> bytes:
    buffer = io.BytesIO()
    width, height = A4
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"Corporate parenting certificate: {cert.member}")
    canvas.setAuthor(cert.council)
    canvas.setSubject(f"{cert.pathway}, completed {long_date(cert.completed_on)}")
    canvas.setCreator("Corporate parenting training")

    margin = 20 * mm
    text_width = width - 2 * margin
    canvas.setStrokeColor(BLUE)
    canvas.setLineWidth(3)
    canvas.rect(margin / 2, margin / 2, width - margin, height - margin)

    y = height - 40 * mm
    canvas.setFillColor(BLUE)
    size = _fit(canvas, cert.council, "Helvetica-Bold", 22, text_width)
    canvas.setFont("Helvetica-Bold", size)
    canvas.drawCentredString(width / 2, y, cert.council)

    y -= 25 * mm
    canvas.setFillColor(BLACK)
    canvas.setFont("Helvetica", 16)
    canvas.drawCentredString(width / 2, y, "This certifies that")
    y -= 16 * mm
    size = _fit(canvas, cert.member, "Helvetica-Bold", 28, text_width)
    canvas.setFont("Helvetica-Bold", size)
    canvas.drawCentredString(width / 2, y, cert.member)
    y -= 14 * mm
    canvas.setFont("Helvetica", 16)
    canvas.drawCentredString(width / 2, y, "has completed corporate parenting training:")
    y -= 14 * mm
    size = _fit(canvas, cert.pathway, "Helvetica-Bold", 22, text_width)
    canvas.setFont("Helvetica-Bold", size)
    canvas.drawCentredString(width / 2, y, cert.pathway)
    if cert.face_to_face:
        y -= 9 * mm
        canvas.setFont("Helvetica", 12)
        canvas.drawCentredString(width / 2, y, "at a face-to-face training session")

    y -= 22 * mm
    rows = [("Completed on", long_date(cert.completed_on)),
            ("Refresher due by", long_date(cert.refresher_due))]
    if cert.score_percent is not None:
        rows.append(("Assessment score", f"{cert.score_percent}%"))
    rows.append(("Verification code", display(cert.code)))
    for label, value in rows:
        canvas.setFont("Helvetica", 13)
        canvas.setFillColor(GREY)
        canvas.drawRightString(width / 2 - 4 * mm, y, label)
        canvas.setFont("Helvetica-Bold", 13)
        canvas.setFillColor(BLACK)
        canvas.drawString(width / 2 + 4 * mm, y, value)
        y -= 9 * mm

    qr_size = 40 * mm
    qr_y = 35 * mm
    _qr(canvas, cert.verify_url, (width - qr_size) / 2, qr_y, qr_size)
    canvas.setFont("Helvetica", 10)
    canvas.setFillColor(GREY)
    canvas.drawCentredString(width / 2, qr_y - 6 * mm, "Check this certificate is genuine at")
    canvas.setFillColor(BLUE)
    size = _fit(canvas, cert.verify_url, "Helvetica", 10, text_width)
    canvas.setFont("Helvetica", size)
    canvas.drawCentredString(width / 2, qr_y - 11 * mm, cert.verify_url)
    url_width = canvas.stringWidth(cert.verify_url, "Helvetica", size)
    canvas.linkURL(cert.verify_url, ((width - url_width) / 2, qr_y - 13 * mm, (width + url_width) / 2,
                                     qr_y - 8 * mm), relative=0)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
