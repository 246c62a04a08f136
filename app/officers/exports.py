"""The completion report as CSV, Excel and a PDF summary for a committee report.

Each renderer takes a report summary (report.build_summary) and the members' rows as an iterator
(report.stream, read from the database a batch at a time) and yields the file in pieces, so the
page streams it and the command line writes it, and memory does not grow with the council: CSV
is written a few hundred rows at a time, Excel through openpyxl's write-only sheets into a
temporary file, and the PDF's members table takes a page of rows at a time.
"""
from __future__ import annotations

import csv
import io
import tempfile
from datetime import date
from itertools import islice
from typing import Iterable, Iterator

from flask import current_app

from app import pdf_fonts
from app.formatting import long_date
from app.officers import charts
from app.officers.report import STATUS_VALUES, Report, Row

HEADINGS = ("Member id", "Name", "Ward", "Party", "Roles", "Required pathway", "Required level",
            "Status", "Last completed", "Refresher due", "Must finish by", "Best assessment score",
            "Dilemmas done")
# Characters that make a spreadsheet treat a cell as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _pathway_name(pathway_id: str) -> str:
    from app.officers.display import pathway_name

    return pathway_name(pathway_id)


CHUNK_ROWS = 500
FILE_CHUNK = 64 * 1024


def _values(rows: Iterable[Row]) -> Iterator[tuple]:
    names: dict[str, str] = {}
    for r in rows:
        if r.required_pathway not in names:
            names[r.required_pathway] = _pathway_name(r.required_pathway)
        yield (r.member_id, r.name, r.ward or "", r.party or "", r.role_labels,
               names[r.required_pathway], r.required_level, r.status.capitalize(),
               r.last_completed, r.refresher_due, r.due_by, r.best_score, r.dilemmas_done)


def _file_chunks(file) -> Iterator[bytes]:
    file.seek(0)
    while chunk := file.read(FILE_CHUNK):
        yield chunk


def safe_cell(value: str) -> str:
    """A text cell a spreadsheet will show as text, never run as a formula."""
    if value and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(report: Report, rows: Iterable[Row]) -> Iterator[bytes]:
    buffer = io.StringIO()
    # The byte order mark makes Excel read the file as UTF-8 (names with accents survive).
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(HEADINGS)
    for n, values in enumerate(_values(rows), start=1):
        writer.writerow([safe_cell(v) if isinstance(v, str) else (v.isoformat() if isinstance(v, date)
                                                                  else "" if v is None else v)
                         for v in values])
        if n % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


WIDTHS = (10, 30, 22, 22, 34, 18, 10, 14, 14, 14, 14, 12, 10)


def to_xlsx(report: Report, rows: Iterable[Row]) -> Iterator[bytes]:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Completion report")
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C2"
    # Officers filter and sort in Excel too (review m16): the header row gets filter buttons.
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADINGS))}{report.matched + 1}"
    bold = Font(bold=True)

    def header(values):
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value)
            cell.font = bold
            cells.append(cell)
        return cells

    sheet.append(header(HEADINGS))

    def text(value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"  # text, never a formula, whatever it starts with
        return cell

    # One formatted date cell per column, given each row's date in turn: openpyxl writes a cell
    # as soon as it is appended, and making a styled cell per date was a fifth of the time.
    date_cells: dict[int, WriteOnlyCell] = {}

    def dated(column: int, value: date) -> WriteOnlyCell:
        cell = date_cells.get(column)
        if cell is None:
            cell = date_cells[column] = WriteOnlyCell(sheet)
            cell.number_format = "d mmm yyyy"
        cell.value = value
        return cell

    # Plain values are several times faster to write than cell objects, so only the cells that
    # need a format (dates) or protection (text openpyxl would take as a formula) get one; an
    # empty cell is not written at all.
    # Characters Excel cannot hold (a control character pasted from Word) are left out, so one
    # member's details cannot break the export for the whole council (security review, MEDIUM-5).
    for raw in _values(rows):
        values = [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in raw]
        sheet.append([dated(n, v) if isinstance(v, date)
                      else (text(v) if v.startswith("=") else v) if isinstance(v, str) and v
                      else None if v == "" else v for n, v in enumerate(values)])

    summary = workbook.create_sheet("Summary")
    summary.column_dimensions["A"].width = 40
    for letter in "BCDEFG":
        summary.column_dimensions[letter].width = 14
    summary.append(header([current_app.config["COUNCIL_NAME"]]))
    summary.append(["Corporate parenting training: completion report"])
    date_cell = WriteOnlyCell(summary, report.today)
    date_cell.number_format = "d mmmm yyyy"
    summary.append(["As at", date_cell])
    summary.append(["Filters", ILLEGAL_CHARACTERS_RE.sub("", "; ".join(report.filters.describe()))
                    or "None: every active member"])
    summary.append([])
    summary.append(header(["Status", "Members"]))
    for status in STATUS_VALUES:
        summary.append([status.capitalize(), report.counts[status]])
    summary.append(["Total", report.matched])
    summary.append([])
    summary.append(header(["Role", *(s.capitalize() for s in STATUS_VALUES)]))
    for role, counts in report.by_role:
        summary.append([_role_name(role), *(counts[s] for s in STATUS_VALUES)])
    summary.append([])
    summary.append(header(["Month", "Certificates issued"]))
    for month, count in report.by_month:
        cell = WriteOnlyCell(summary, month)
        cell.number_format = "mmmm yyyy"
        summary.append([cell, count])

    # openpyxl's write-only sheets are already on disk; the finished file goes there too.
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        yield from _file_chunks(file)


def _role_name(role: str) -> str:
    from app.roles import role_label

    return "No role" if role == "none" else role_label(role)


def _day(value: date | None) -> str:
    # "7 Aug 2026", as the web pages write dates (review m16), short enough for the column.
    return f"{value.day} {value:%b %Y}" if value else ""


def to_pdf(report: Report, rows: Iterable[Row]) -> Iterator[bytes]:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import (KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table,
                                    TableStyle)

    MemberTable = _member_table_class()
    council = current_app.config["COUNCIL_NAME"]
    buffer = tempfile.TemporaryFile()
    page_size = landscape(A4)
    margin = 15 * mm
    doc = SimpleDocTemplate(buffer, pagesize=page_size, leftMargin=margin, rightMargin=margin,
                            topMargin=margin, bottomMargin=margin,
                            title=f"Corporate parenting training: completion report, {council}",
                            author=council, subject="Councillors' corporate parenting training")
    styles = getSampleStyleSheet()
    regular, bold = pdf_fonts.fonts().body, pdf_fonts.fonts().heading
    for style in styles.byName.values():
        # Unicode TrueType fonts, so names in any script print (security review, MEDIUM-4).
        if hasattr(style, "fontName"):
            style.fontName = bold if "Bold" in style.fontName or style.name.startswith(("Heading", "Title")) \
                else regular
    width = page_size[0] - 2 * margin
    story = [
        Paragraph(pdf_fonts.markup(council, bold=True), styles["Title"]),
        Paragraph("Corporate parenting training: completion report", styles["Heading1"]),
        Paragraph(f"As at {long_date(report.today)}. "
                  f"{report.matched} of {report.total_active} active members"
                  + (f" ({pdf_fonts.markup('; '.join(report.filters.describe()))})." if report.filters.describe()
                     else "."), styles["Normal"]),
        Spacer(1, 4 * mm),
    ]
    header_style = TableStyle([
        ("FONT", (0, 0), (-1, 0), bold, 9),
        ("FONT", (0, 1), (-1, -1), regular, 9),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#b1b4b6")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ])
    counts = [["Status", "Members"]] + [[s.capitalize(), str(report.counts[s])] for s in STATUS_VALUES] \
        + [["Total", str(report.matched)]]
    counts_table = Table(counts, colWidths=[45 * mm, 25 * mm], hAlign="LEFT")
    counts_table.setStyle(header_style)
    story += [Paragraph("Members by status", styles["Heading2"]), counts_table, Spacer(1, 4 * mm)]
    story.append(KeepTogether([Paragraph("Status by role", styles["Heading2"]),
                               charts.to_drawing(charts.status_by_role(report.by_role, STATUS_VALUES),
                                                 min(width, 200 * mm))]))
    story.append(KeepTogether([Paragraph("Certificates issued each month", styles["Heading2"]),
                               charts.to_drawing(charts.completions_over_time(report.by_month),
                                                 min(width, 200 * mm))]))
    story.append(Paragraph("Members", styles["Heading2"]))
    drawable = pdf_fonts.in_main_font
    cells = ((drawable(_fit(r.name, 44)), drawable(_fit(r.ward or "", 28)), drawable(_fit(r.party or "", 24)),
              f"Level {r.required_level}",
              r.status.capitalize(), _day(r.last_completed), _day(r.deadline),
              "" if r.best_score is None else f"{r.best_score}%", str(r.dilemmas_done)) for r in rows)
    # "Due by" is the induction deadline or the refresher date, so a member who never finished
    # still shows when they should have (review m16).
    story.append(MemberTable(("Name", "Ward", "Party", "Required", "Status", "Last completed",
                              "Due by", "Score", "Dilemmas"),
                             [c * mm for c in (64, 44, 38, 18, 22, 26, 26, 14, 16)], cells, report.matched))

    def footer(canvas, document):
        canvas.saveState()
        pdf_fonts.draw(canvas, margin, 8 * mm, f"{council}: corporate parenting training, "
                                               f"{long_date(report.today)}", 8)
        canvas.setFont(regular, 8)
        canvas.drawRightString(page_size[0] - margin, 8 * mm, f"Page {document.page}")
        canvas.restoreState()

    with buffer:
        doc.build(story, onFirstPage=footer, onLaterPages=footer)
        yield from _file_chunks(buffer)


def _member_table_class():
    from reportlab.lib.colors import HexColor, black
    from reportlab.platypus import Flowable

    class MemberTable(Flowable):
        """A plain table drawn straight onto the page, a page of rows at a time.

        reportlab's Table measures every cell and takes minutes for 17,000 members; fixed-height
        rows of pre-shortened text draw in well under a second, with the header repeated on
        every page. The rows come from an iterator and each page takes only the rows that fit
        on it, so the whole council is never in memory at once.
        """

        row_height = 12
        font_size = 8

        def __init__(self, header, widths, source: Iterator[tuple], count: int, rows: list | None = None):
            super().__init__()
            self.header, self.widths, self.source = header, widths, source
            self.rows = rows          # this page's rows, once taken from the source
            self.count = len(rows) if rows is not None else count

        def wrap(self, available_width, available_height):
            return sum(self.widths), self.row_height * (self.count + 1)

        def split(self, available_width, available_height):
            fits = int(available_height // self.row_height) - 1
            if fits < 1:
                return []
            if fits >= self.count:
                return [self]
            if self.rows is not None:
                return [MemberTable(self.header, self.widths, self.source, 0, self.rows[:fits]),
                        MemberTable(self.header, self.widths, self.source, 0, self.rows[fits:])]
            page = list(islice(self.source, fits))
            return [MemberTable(self.header, self.widths, self.source, 0, page),
                    MemberTable(self.header, self.widths, self.source, self.count - len(page))]

        def draw(self):
            canvas = self.canv
            lefts = [sum(self.widths[:i]) for i in range(len(self.widths))]
            width = sum(self.widths)
            top = self.row_height * (self.count + 1)
            text = canvas.beginText()
            text.setFont(pdf_fonts.fonts().heading, self.font_size)
            baseline = top - self.row_height + 3
            for left, value in zip(lefts, self.header, strict=False):
                text.setTextOrigin(left + 2, baseline)
                text.textOut(value)
            canvas.drawText(text)
            rows = self.rows if self.rows is not None else list(islice(self.source, self.count))
            for column, left in enumerate(lefts):
                # A column at a time, one line per row: no per-cell positioning or measuring.
                text = canvas.beginText(left + 2, baseline - self.row_height)
                text.setFont(pdf_fonts.fonts().body, self.font_size, leading=self.row_height)
                for row in rows:
                    text.textLine(row[column])
                canvas.drawText(text)
            canvas.setStrokeColor(black)
            canvas.setLineWidth(0.8)
            canvas.line(0, top - self.row_height, width, top - self.row_height)
            canvas.setStrokeColor(HexColor("#b1b4b6"))
            canvas.setLineWidth(0.25)
            canvas.lines([(0, y, width, y) for y in
                          (top - self.row_height * n for n in range(2, self.count + 2))])

    return MemberTable


def escape(text: str) -> str:
    """Text for a reportlab Paragraph, which reads a little XML-like markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def to_docx(report: Report, rows: Iterable[Row]) -> Iterator[bytes]:
    from app.officers.word import to_docx as word

    # python-docx builds the whole document in memory: a committee paper, not a data export.
    yield word(report, rows)


RENDERERS = {"csv": to_csv, "xlsx": to_xlsx, "pdf": to_pdf, "docx": to_docx}


def render(fmt: str, report: Report, rows: Iterable[Row]) -> Iterator[bytes]:
    """The file in pieces: report from report.build_summary(), rows from report.stream()."""
    return RENDERERS[fmt](report, rows)


def filename(fmt: str, today: date, filters=None) -> str:
    """completion-report-2026-11-28.csv, or ...-2026-11-28-overdue-castle.csv when filtered (m16)."""
    import re

    words = []
    if filters is not None:
        for value in (filters.status, filters.ward, filters.party, filters.role,
                      f"due-within-{filters.due_within}" if filters.due_within is not None else "",
                      getattr(filters, "needs", "")):
            slug = re.sub(r"[^a-z0-9]+", "-", str(value or "").lower()).strip("-")[:30]
            if slug:
                words.append(slug)
    return "-".join(["completion-report", today.isoformat(), *words]) + f".{fmt}"
