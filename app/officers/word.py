"""The completion report as a Word document an officer pastes into a committee report.

Published committee papers must be accessible (PSBAR), so the document uses Word's own heading
styles, tables whose first row is a header repeated on every page, and the chart as a picture
with alternative text that says what it shows (the table after it gives the figures).
"""
from __future__ import annotations

import io
from typing import Iterable

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from flask import current_app
from PIL import Image, ImageDraw, ImageFont

from app.officers import charts
from app.officers.report import STATUS_VALUES, Report, Row
from app.roles import role_label

FONT_FILES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
              "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
MEMBER_HEADINGS = ("Name", "Ward", "Party", "Roles", "Required", "Status", "Must finish by", "Last completed",
                   "Refresher due")


def _font(size: float, bold: bool):
    try:
        return ImageFont.truetype(FONT_FILES[1 if bold else 0], round(size))
    except OSError:  # no DejaVu on this machine: Pillow's own font, still legible
        return ImageFont.load_default(size=round(size))


def chart_png(chart: charts.Chart, scale: float = 2.0) -> bytes:
    """The chart drawn as a PNG (Word cannot show SVG everywhere), at twice its size for print."""
    image = Image.new("RGB", (round(chart.width * scale), round(chart.height * scale)), "white")
    draw = ImageDraw.Draw(image)
    for line in chart.lines:
        draw.line([(line.x1 * scale, line.y1 * scale), (line.x2 * scale, line.y2 * scale)],
                  fill=line.colour, width=max(1, round(scale)))
    for rect in chart.rects:
        draw.rectangle([rect.x * scale, rect.y * scale, (rect.x + rect.width) * scale,
                        (rect.y + rect.height) * scale], fill=rect.fill)
    anchors = {"start": "ls", "middle": "ms", "end": "rs"}  # left/middle/right at the baseline
    for label in chart.labels:
        draw.text((label.x * scale, label.y * scale), label.text, fill=charts.TEXT,
                  font=_font(label.size * scale, label.bold), anchor=anchors[label.anchor])
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _repeat_header(row) -> None:
    # <w:tblHeader/>: Word repeats the row on each page and screen readers announce it as headers.
    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)


def _table(document, headings, rows, widths=None):
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    header = table.rows[0]
    _repeat_header(header)
    for cell, text in zip(header.cells, headings, strict=True):
        run = cell.paragraphs[0].add_run(str(text))
        run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = "" if value is None else str(value)
    if widths:
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=False):
                cell.width = Cm(width)
    return table


def _day(value) -> str:
    return value.strftime("%-d %B %Y") if value else ""


def _alt_text(shape, title: str, description: str) -> None:
    properties = shape._inline.docPr
    properties.set("title", title)
    properties.set("descr", description)


def chart_description(report: Report) -> str:
    """The role chart in words, for its alternative text: each role's figures, worst status first."""
    parts = []
    for role, counts in report.by_role:
        name = "No role" if role == "none" else role_label(role)
        figures = ", ".join(f"{counts.get(s, 0)} {s}" for s in STATUS_VALUES if counts.get(s, 0))
        parts.append(f"{name}: {figures or 'no members'}")
    return ("Stacked bar chart of the members of each council role by training status. "
            + "; ".join(parts) + ". The table after the chart gives the same figures.")


def to_docx(report: Report, rows: Iterable[Row]) -> bytes:
    from app.officers.display import pathway_name

    council = current_app.config["COUNCIL_NAME"]
    document = Document()
    document.core_properties.title = f"Corporate parenting training: completion report, {council}"
    document.core_properties.language = "en-GB"
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(2)

    document.add_heading("Corporate parenting training: completion report", level=1)
    document.add_paragraph(f"{council}. As at {_day(report.today)}.")
    described = report.filters.describe()
    document.add_paragraph(f"Members shown: {report.matched} of {report.total_active} active members"
                           + (f", filtered by {'; '.join(described)}." if described else "."))

    document.add_heading("Summary", level=2)
    _table(document, ("Status", "Members"),
           [(s.capitalize(), report.counts.get(s, 0)) for s in STATUS_VALUES] + [("Total", report.matched)],
           widths=(6, 3))

    document.add_heading("Status by role", level=2)
    if report.by_role:
        chart = charts.status_by_role(report.by_role, STATUS_VALUES)
        picture = document.add_picture(io.BytesIO(chart_png(chart)), width=Cm(16))
        _alt_text(picture, chart.title, chart_description(report))
        _table(document, ("Role",) + tuple(s.capitalize() for s in STATUS_VALUES),
               [("No role" if role == "none" else role_label(role),)
                + tuple(counts.get(s, 0) for s in STATUS_VALUES) for role, counts in report.by_role])
    else:
        document.add_paragraph("No members match these filters.")

    document.add_heading("Members", level=2)
    names: dict[str, str] = {}
    cells = []
    for r in rows:
        names.setdefault(r.required_pathway, pathway_name(r.required_pathway))
        cells.append((r.name, r.ward or "", r.party or "", r.role_labels,
                     f"{names[r.required_pathway]} (level {r.required_level})", r.status.capitalize(),
                     _day(r.due_by) if r.status != "current" else "", _day(r.last_completed),
                     _day(r.refresher_due)))
    if cells:
        _table(document, MEMBER_HEADINGS, cells)
    else:
        document.add_paragraph("No members match these filters.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
