"""The completion report as CSV, Excel and a PDF summary for a committee report.

Each renderer takes a report summary and the members' rows as an iterator (report.build_export,
read from the database a batch at a time) and yields the file in pieces, so the page streams it
and the command line writes it, and memory does not grow with the council: CSV is written a
thousand rows at a time, Excel's member rows a thousand at a time into the workbook XlsxWriter
made (app/officers/sheet_rows.py) in a temporary file, and the PDF's members table takes a page
of rows at a time.
"""
from __future__ import annotations

import csv
import io
import re
import tempfile
from datetime import date
from itertools import islice
from typing import Iterable, Iterator

from flask import current_app

from app import pdf_fonts
from app.formatting import long_date
from app.officers import charts, sheet_rows
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


CHUNK_ROWS = 1000
FILE_CHUNK = 64 * 1024
STATUS_WORDS = {status: status.capitalize() for status in STATUS_VALUES}


class _Words:
    """The roles and pathway of a row in words, worked out once per distinct value: a council
    has a handful of each, and 17,000 rows asked for them one by one."""

    def __init__(self, clean=lambda text: text):
        self.clean = clean
        self._roles: dict[tuple[str, ...], str] = {}
        self._pathways: dict[str, str] = {}

    def roles(self, row: Row) -> str:
        words = self._roles.get(row.roles)
        if words is None:
            words = self._roles[row.roles] = self.clean(row.role_labels)
        return words

    def pathway(self, row: Row) -> str:
        words = self._pathways.get(row.required_pathway)
        if words is None:
            words = self._pathways[row.required_pathway] = self.clean(_pathway_name(row.required_pathway))
        return words


def _file_chunks(file) -> Iterator[bytes]:
    file.seek(0)
    while chunk := file.read(FILE_CHUNK):
        yield chunk


def safe_cell(value: str | None) -> str | None:
    """A text cell a spreadsheet will show as text, never run as a formula."""
    if value and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_values(rows: Iterable[Row]) -> Iterator[tuple]:
    # The csv module writes None as an empty cell and a date as 2026-11-28 itself; only text a
    # member or officer typed needs protecting, and the words for roles and pathways are
    # protected once each.
    words = _Words(safe_cell)
    for r in rows:
        yield (r.member_id, safe_cell(r.name), safe_cell(r.ward), safe_cell(r.party), words.roles(r),
               words.pathway(r), r.required_level, STATUS_WORDS[r.status], r.last_completed,
               r.refresher_due, r.due_by, r.best_score, r.dilemmas_done)


def to_csv(report: Report, rows: Iterable[Row]) -> Iterator[bytes]:
    buffer = io.StringIO()
    # The byte order mark makes Excel read the file as UTF-8 (names with accents survive).
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(HEADINGS)
    values = _csv_values(rows)
    while True:
        batch = list(islice(values, CHUNK_ROWS))
        writer.writerows(batch)
        yield buffer.getvalue().encode("utf-8")
        if len(batch) < CHUNK_ROWS:
            return
        buffer.seek(0)
        buffer.truncate()


WIDTHS = (10, 30, 22, 22, 34, 18, 10, 14, 14, 14, 14, 12, 10)
# Characters Excel cannot hold (XML 1.0 forbids them; tab, line feed and carriage return are allowed).
EXCEL_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Excel counts days from 30 December 1899 (for every date after February 1900).
EXCEL_EPOCH = date(1899, 12, 30).toordinal()


def excel_text(value: str | None) -> str | None:
    """Text without the characters Excel cannot hold (a control character pasted from Word), so
    one member's details cannot break the export for the whole council (security review, MEDIUM-5)."""
    if value and not value.isprintable():
        return EXCEL_ILLEGAL.sub("", value)
    return value


def to_xlsx(report: Report, rows: Iterable[Row]) -> Iterator[bytes]:
    import xlsxwriter

    # XlsxWriter makes the workbook with one sample member (app/officers/sheet_rows.py says why);
    # every member's row is then written into it on its way to a temporary file, so memory does
    # not grow with the council. Text is always written as text, never as a formula or a link,
    # whatever it starts with.
    built = io.BytesIO()
    workbook = xlsxwriter.Workbook(built, {"in_memory": True, "strings_to_formulas": False,
                                           "strings_to_urls": False, "strings_to_numbers": False})
    bold = workbook.add_format({"bold": True})
    day = _members_sheet(workbook, bold, report.matched)
    _summary_sheet(workbook, bold, report)
    workbook.close()
    with tempfile.TemporaryFile() as file:
        sheet_rows.replace_rows(built.getvalue(), "xl/worksheets/sheet1.xml", LAST_COLUMN,
                                _member_rows(rows, day.xf_index), report.matched, file)
        yield from _file_chunks(file)


LAST_COLUMN = sheet_rows.COLUMNS[len(HEADINGS) - 1]


def _members_sheet(workbook, bold, count: int):
    """The members sheet with its header and one sample row; returns the date format."""
    sheet = workbook.add_worksheet("Completion report")
    for column, width in enumerate(WIDTHS):
        # Set in pixels (7 a character) so the file holds the widths themselves, as Excel shows them.
        sheet.set_column_pixels(column, column, width * 7)
    sheet.freeze_panes(1, 2)
    sheet.write_row(0, 0, HEADINGS, bold)
    day = workbook.add_format({"num_format": "d mmm yyyy"})
    # The sample puts the date format in the workbook's styles; its row is replaced.
    sheet.write_number(1, 8, 0, day)
    # Officers filter and sort in Excel too (review m16): the header row gets filter buttons over
    # every member's row. The count comes from the same statement as the rows.
    sheet.autofilter(0, 0, count, len(HEADINGS) - 1)
    return day


def _member_rows(rows: Iterable[Row], day_style: int) -> Iterator[str]:
    text, number, row_xml = sheet_rows.text_cell, sheet_rows.number_cell, sheet_rows.row_xml
    words = _Words(excel_text)
    letters = sheet_rows.COLUMNS
    # A cell at a time, each by its own type; empty cells are not written at all.
    for n, r in enumerate(rows, start=2):
        ref = [f"{letter}{n}" for letter in letters[:len(HEADINGS)]]  # this row's cell in each column
        cells = [number(ref[0], r.member_id), text(ref[1], excel_text(r.name) or "")]
        for column, words_in in ((2, r.ward), (3, r.party)):
            if words_in:
                cells.append(text(ref[column], excel_text(words_in) or ""))
        if r.roles:
            cells.append(text(ref[4], words.roles(r)))
        cells += [text(ref[5], words.pathway(r)), number(ref[6], r.required_level),
                  text(ref[7], STATUS_WORDS[r.status])]
        for column, day in ((8, r.last_completed), (9, r.refresher_due), (10, r.due_by)):
            if day is not None:
                cells.append(number(ref[column], day.toordinal() - EXCEL_EPOCH, day_style))
        if r.best_score is not None:
            cells.append(number(ref[11], r.best_score))
        cells.append(number(ref[12], r.dilemmas_done))
        yield row_xml(n, cells)


def _summary_sheet(workbook, bold, report: Report) -> None:
    summary = workbook.add_worksheet("Summary")
    summary.set_column_pixels(0, 0, 40 * 7)
    summary.set_column_pixels(1, 6, 14 * 7)
    lines: list[list] = [
        [(current_app.config["COUNCIL_NAME"], bold)],
        ["Corporate parenting training: completion report"],
        ["As at", (report.today, workbook.add_format({"num_format": "d mmmm yyyy"}))],
        ["Filters", excel_text("; ".join(report.filters.describe())) or "None: every active member"],
        [],
        [("Status", bold), ("Members", bold)],
        *([STATUS_WORDS[status], report.counts[status]] for status in STATUS_VALUES),
        ["Total", report.matched],
        [],
        [(heading, bold) for heading in ("Role", *STATUS_WORDS.values())],
        *([_role_name(role), *(counts[s] for s in STATUS_VALUES)] for role, counts in report.by_role),
        [],
        [("Month", bold), ("Certificates issued", bold)],
    ]
    month = workbook.add_format({"num_format": "mmmm yyyy"})
    lines += [[(first_day, month), count] for first_day, count in report.by_month]
    for n, line in enumerate(lines):
        for column, cell in enumerate(line):
            value, style = cell if isinstance(cell, tuple) else (cell, None)
            if isinstance(value, date):
                summary.write_datetime(n, column, value, style)
            elif isinstance(value, str):
                summary.write_string(n, column, value, style)
            else:
                summary.write_number(n, column, value, style)


def _role_name(role: str) -> str:
    from app.roles import role_label

    return "No role" if role == "none" else role_label(role)


class _Days:
    """"7 Aug 2026", as the web pages write dates (review m16), short enough for the column: each
    distinct date written once."""

    def __init__(self):
        self._words: dict[date | None, str] = {None: ""}

    def __call__(self, value: date | None) -> str:
        words = self._words.get(value)
        if words is None:
            words = self._words[value] = f"{value.day} {value:%b %Y}"  # type: ignore[union-attr]
        return words


LEVEL_WORDS = {level: f"Level {level}" for level in range(1, 10)}


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
    day = _Days()
    cells = ((drawable(_fit(r.name, 44)), drawable(_fit(r.ward or "", 28)), drawable(_fit(r.party or "", 24)),
              LEVEL_WORDS[r.required_level], STATUS_WORDS[r.status], day(r.last_completed), day(r.deadline),
              "" if r.best_score is None else f"{r.best_score}%", str(r.dilemmas_done)) for r in rows)
    # "Due by" is the induction deadline or the refresher date, so a member who never finished
    # still shows when they should have (review m16).
    story.append(MemberTable(("Name", "Ward", "Party", "Required", "Status", "Last completed",
                              "Due by", "Score", "Dilemmas"),
                             [c * mm for c in (64, 44, 38, 18, 22, 26, 26, 14, 16)], cells, report.matched))

    footer_words = pdf_fonts.fonts().runs(pdf_fonts.prepare(
        f"{council}: corporate parenting training, {long_date(report.today)}"))
    footer_code: list[str] = []

    def footer(canvas, document):
        # The same words on every page: set once as PDF text, then repeated (with the page number).
        if not footer_code:
            text = canvas.beginText(margin, 8 * mm)
            for font, chunk in footer_words:
                text.setFont(font, 8)
                text.textOut(chunk)
            footer_code.append(text.getCode())
        canvas.saveState()
        canvas.addLiteral(footer_code[0])
        canvas.setFont(regular, 8)
        canvas.drawRightString(page_size[0] - margin, 8 * mm, f"Page {document.page}")
        canvas.restoreState()

    with buffer:
        doc.build(story, onFirstPage=footer, onLaterPages=footer)
        yield from _file_chunks(buffer)


ASCII_PRINTABLE = "".join(chr(code) for code in range(32, 127))


class _TableText:
    """The members table's text as PDF operators, for one document.

    reportlab's text objects encode each string character by character into the font's subsets
    (TTFont.splitString), and that took most of the PDF's time. Here each distinct string is
    encoded once (the table repeats the same statuses, dates and wards thousands of times), plain
    ASCII not at all when the font keeps ASCII as it is, and a page's column is written as the
    operators a text object writes (Tf, Tj, T*).
    """

    REMEMBERED = 5000

    def __init__(self, font_name: str, size: float, leading: float):
        from reportlab.pdfbase import pdfmetrics

        self.font = pdfmetrics.getFont(font_name)
        self.dynamic = getattr(self.font, "_dynamicFont", False)  # TrueType, subset as used
        self.size, self.leading = size, leading
        self.doc = None
        # text -> (its first subset, its last subset, its operators after the first Tf)
        self._shown: dict[str, tuple[int, int, str]] = {}
        self._font_for: dict[int, str] = {}
        self._ascii_as_is = False

    def column(self, canvas, x: float, y: float, texts: Iterable[str]) -> str:
        """Operators that draw texts one under another, the first with its baseline at (x, y)."""
        if not self.dynamic:  # no Unicode font installed: let reportlab encode as usual
            text = canvas.beginText(x, y)
            text.setFont(self.font.fontName, self.size, leading=self.leading)
            for value in texts:
                text.textLine(value)
            return text.getCode()
        self._start(canvas)
        shown, encode, font_for = self._shown, self._encode, self._font_for
        code = [f"BT 1 0 0 1 {x:.2f} {y:.2f} Tm {self.leading:g} TL"]
        current = None
        for value in texts:
            first, last, operators = shown.get(value) or encode(value)
            if first != current:
                code.append(font_for[first])
            code.append(operators)
            current = last
        code.append("ET")
        return "\n".join(code)

    def _start(self, canvas) -> None:
        # splitString needs the document whose subsets it adds to (canvas._doc, as reportlab's
        # own text objects use it).
        if self.doc is not canvas._doc:
            self.doc = canvas._doc
            self._shown.clear()
            self._font_for.clear()
            self._ascii_as_is = self.font.splitString(ASCII_PRINTABLE, self.doc) == [(0, ASCII_PRINTABLE.encode())]

    def _encode(self, value: str) -> tuple[int, int, str]:
        from reportlab.lib.rl_accel import escapePDF

        if len(self._shown) >= self.REMEMBERED:
            self._shown.clear()  # names rarely repeat: memory must not grow with the council
        if self._ascii_as_is and value.isascii() and value.isprintable():
            chunks = [(0, value)]
        else:
            chunks = self.font.splitString(value, self.doc) or [(0, b"")]
        parts = []
        for n, (subset, chunk) in enumerate(chunks):
            if subset not in self._font_for:
                name = self.font.getSubsetInternalName(subset, self.doc)
                self._font_for[subset] = f"{name} {self.size:g} Tf"
            if n:
                parts.append(self._font_for[subset])
            parts.append(f"({escapePDF(chunk)}) Tj")
        shown = self._shown[value] = (chunks[0][0], chunks[-1][0], " ".join(parts) + " T*")
        return shown


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

        def __init__(self, header, widths, source: Iterator[tuple], count: int, rows: list | None = None,
                     text: _TableText | None = None):
            super().__init__()
            self.header, self.widths, self.source = header, widths, source
            self.rows = rows          # this page's rows, once taken from the source
            self.count = len(rows) if rows is not None else count
            self.text = text or _TableText(pdf_fonts.fonts().body, self.font_size, self.row_height)

        def wrap(self, available_width, available_height):
            return sum(self.widths), self.row_height * (self.count + 1)

        def split(self, available_width, available_height):
            fits = int(available_height // self.row_height) - 1
            if fits < 1:
                return []
            if fits >= self.count:
                return [self]
            if self.rows is not None:
                return [MemberTable(self.header, self.widths, self.source, 0, self.rows[:fits], self.text),
                        MemberTable(self.header, self.widths, self.source, 0, self.rows[fits:], self.text)]
            page = list(islice(self.source, fits))
            return [MemberTable(self.header, self.widths, self.source, 0, page, self.text),
                    MemberTable(self.header, self.widths, self.source, self.count - len(page), text=self.text)]

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
                canvas.addLiteral(self.text.column(canvas, left + 2, baseline - self.row_height,
                                                   (row[column] for row in rows)))
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
    """The file in pieces: report and rows from report.build_export() (or, for a CSV, which has no
    summary, report.build_summary(counts=False) and report.stream())."""
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
