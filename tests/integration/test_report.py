"""The completion report: filters, sorting, the summary and charts, exports, and its query count."""
import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import event, select

from app.extensions import db
from app.models import AuditEvent, Certificate, Councillor, CouncillorRole, ModuleRead, QuizAttempt, ScenarioRun
from app.officers import charts, exports, report

TODAY = date(2026, 6, 1)


pytestmark = pytest.mark.usefixtures("fast_hashes")  # argon2 at test cost: see conftest


@pytest.fixture
def today(app):
    app.config["TODAY"] = TODAY
    return TODAY


def member(app, name, ward=None, party=None, roles=("member",), certificate=None, read=False,
           score=None, dilemmas=0, active=True):
    """A councillor; certificate is (completed_on, refresher_due, level)."""
    with app.app_context():
        person = Councillor(name=name, email=f"{name.lower().replace(' ', '.')}@example.gov.uk",
                            ward=ward, party=party, active=active)
        db.session.add(person)
        db.session.flush()
        for role in roles:
            db.session.add(CouncillorRole(person_id=person.id, role=role, assigned_on=date(2025, 1, 1)))
        if certificate:
            completed, due, level = certificate
            db.session.add(Certificate(person_id=person.id, pathway_id={1: "induction", 2: "targeted", 3: "specialist"}[level],
                                       level=level, completed_on=completed, refresher_due=due,
                                       code=f"C{person.id:011d}", score_percent=score))
        if read:
            db.session.add(ModuleRead(person_id=person.id, module_id="principles", content_fingerprint="x"))
        if score is not None:
            db.session.add(QuizAttempt(person_id=person.id, quiz="assessment", status="submitted",
                                       question_ids=[], answers={}, score_percent=score, passed=score >= 80,
                                       submitted_at=datetime(2026, 1, 1)))
        for n in range(dilemmas):
            db.session.add(ScenarioRun(person_id=person.id, scenario_id=f"dilemma-{n}", status="finished"))
        db.session.commit()
        return person.id


@pytest.fixture
def council(app, today):
    """Five members, one at each status, and a deactivated one."""
    return {
        "current": member(app, "Ann Current", "Abbey", "Green", certificate=(date(2025, 1, 10), date(2027, 1, 10), 1),
                          score=92, dilemmas=3),
        "due soon": member(app, "Bob Duesoon", "Castle", "Labour", roles=("member", "board"),
                           certificate=(date(2024, 7, 15), date(2026, 7, 15), 2), score=81, dilemmas=2),
        "overdue": member(app, "Cat Overdue", "Abbey", "Labour", certificate=(date(2024, 5, 1), date(2026, 5, 1), 1)),
        "in progress": member(app, "Dan Started", "Castle", "Green", read=True, score=60),
        "not started": member(app, "Eve Nothing", None, None, roles=()),
        "gone": member(app, "Fay Gone", "Abbey", "Green", active=False),
    }


@pytest.fixture
def signed_in(client, auth, officer):
    auth.sign_in(email="sam.officer@example.gov.uk")


def names_in_order(page: str) -> list[str]:
    table = page.split('class="govuk-table app-report-table"')[1]
    return [cell.split("</a>")[0].split(">")[-1] for cell in table.split('href="/officers/members/')[1:]]


# --- building the report (no request) ----------------------------------------------------------

def test_one_row_per_active_member_with_their_status(app, council):
    with app.app_context():
        data = report.build(report.Filters())
    assert [r.name for r in data.rows] == ["Ann Current", "Bob Duesoon", "Cat Overdue", "Dan Started", "Eve Nothing"]
    assert {r.name: r.status for r in data.rows} == {
        "Ann Current": "current", "Bob Duesoon": "due soon", "Cat Overdue": "overdue",
        "Dan Started": "in progress", "Eve Nothing": "not started"}
    assert data.counts == {s: 1 for s in report.STATUS_VALUES}
    ann = data.rows[0]
    assert (ann.last_completed, ann.refresher_due, ann.best_score, ann.dilemmas_done) == (
        date(2025, 1, 10), date(2027, 1, 10), 92, 3)
    assert data.rows[1].required_level == 2 and data.rows[1].roles == ("member", "board")
    assert data.total_active == 5 and data.wards == ["Abbey", "Castle"]


@pytest.mark.parametrize("args, expected", [
    ({"status": "overdue"}, ["Cat Overdue"]),
    ({"status": "due-soon"}, ["Bob Duesoon"]),
    ({"ward": "abbey"}, ["Cat Overdue", "Ann Current"]),  # the page's order: most urgent first
    ({"party": "Labour", "ward": "Castle"}, ["Bob Duesoon"]),
    ({"role": "board"}, ["Bob Duesoon"]),
    ({"role": "none"}, ["Eve Nothing"]),
    ({"due_within": "60"}, ["Cat Overdue", "Bob Duesoon"]),   # overdue counts as due, and comes first
    ({"due_within": "0"}, ["Cat Overdue"]),
])
def test_filters(app, council, args, expected):
    filters, errors = report.parse_filters(args)
    assert errors == []
    with app.app_context():
        assert [r.name for r in report.build(filters).rows] == expected


def test_bad_filters_are_reported():
    _, errors = report.parse_filters({"status": "asleep", "role": "mayor", "due_within": "soon"})
    assert [field for field, _ in errors] == ["filter-status", "filter-role", "filter-due-within"]


@pytest.mark.parametrize("column, direction, expected", [
    ("status", "asc", ["Cat Overdue", "Bob Duesoon", "Eve Nothing", "Dan Started", "Ann Current"]),
    ("refresher_due", "asc", ["Cat Overdue", "Bob Duesoon", "Ann Current", "Dan Started", "Eve Nothing"]),
    ("refresher_due", "desc", ["Ann Current", "Bob Duesoon", "Cat Overdue", "Dan Started", "Eve Nothing"]),
    ("score", "desc", ["Ann Current", "Bob Duesoon", "Dan Started", "Cat Overdue", "Eve Nothing"]),
    ("ward", "desc", ["Bob Duesoon", "Dan Started", "Ann Current", "Cat Overdue", "Eve Nothing"]),
    ("name", "desc", ["Eve Nothing", "Dan Started", "Cat Overdue", "Bob Duesoon", "Ann Current"]),
])
def test_sorting_keeps_empty_values_last(app, council, column, direction, expected):
    with app.app_context():
        rows = report.build(report.Filters(sort=column, direction=direction)).rows
    assert [r.name for r in rows] == expected


def test_urgency_puts_the_longest_overdue_first_then_due_soonest_then_never_started_past_deadline(app, council):
    with app.app_context():
        db.session.add(Councillor(name="Ned Neverstarted", email="ned@example.gov.uk", elected_on=date(2025, 5, 1)))
        db.session.add(Councillor(name="Old Overdue", email="old@example.gov.uk"))
        db.session.flush()
        old = db.session.scalar(select(Councillor.id).where(Councillor.name == "Old Overdue"))
        db.session.add(Certificate(person_id=old, pathway_id="induction", level=1, completed_on=date(2023, 1, 1),
                                   refresher_due=date(2025, 1, 1), code="OLDOVERDUE01"))
        db.session.commit()
        rows = report.build(report.Filters(sort="urgency")).rows
    assert [r.name for r in rows] == ["Old Overdue", "Cat Overdue", "Bob Duesoon", "Ned Neverstarted",
                                      "Ann Current", "Dan Started", "Eve Nothing"]
    assert [r.urgency for r in rows][:4] == [report.OVERDUE, report.OVERDUE, report.DUE_SOON,
                                             report.NOT_STARTED_PAST_DEADLINE]


def test_completions_are_counted_by_month(app, council):
    with app.app_context():
        by_month = dict(report.build(report.Filters()).by_month)
    assert len(by_month) == 12 and min(by_month) == date(2025, 7, 1) and max(by_month) == date(2026, 6, 1)
    assert sum(by_month.values()) == 0  # every certificate in the fixture is older than a year
    member(app, "Gil New", certificate=(date(2026, 3, 4), date(2028, 3, 4), 1))
    with app.app_context():
        assert dict(report.build(report.Filters()).by_month)[date(2026, 3, 1)] == 1


# --- the page ----------------------------------------------------------------------------------

URGENCY_ORDER = ["Cat Overdue", "Bob Duesoon", "Ann Current", "Dan Started", "Eve Nothing"]


def test_report_page_summary_charts_and_table(app, client, signed_in, council):
    response = client.get("/officers/report")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "5 of 5 active members" in page and "Fay Gone" not in page
    assert page.count('role="img"') == 2 and "<title id=\"chart-roles-title\">Status by role</title>" in page
    assert "Status by role, as a table" in page and "Certificates issued each month, as a table" in page
    assert "style=" not in page.split('id="main-content"')[1]
    # Most urgent first by default (issue 16); the Name column sorts by name.
    assert names_in_order(page) == URGENCY_ORDER
    assert "sorted by urgency (ascending)" in page
    assert 'aria-sort="none"><a class="govuk-link app-sort-link" href="/officers/report?sort=name">Name' in page
    assert "Induction (level 1)" in page


def test_filtering_and_sorting_through_the_page(client, signed_in, council):
    page = client.get("/officers/report?ward=Abbey&sort=status&direction=desc").get_data(as_text=True)
    assert names_in_order(page) == ["Ann Current", "Cat Overdue"]
    assert "2 of 5 active members" in page and "filtered by ward: Abbey" in page
    assert 'aria-sort="descending"' in page
    # The export links carry the same filters.
    assert 'href="/officers/report.csv?ward=Abbey&amp;sort=status&amp;direction=desc"' in page


def test_a_bad_filter_is_a_400_with_an_error_summary(client, signed_in, council):
    response = client.get("/officers/report?due_within=soon")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Due within must be a whole number of days" in page and 'href="#filter-due-within"' in page


def test_the_report_pages_through_a_large_council(app, client, signed_in, today):
    with app.app_context():
        db.session.add_all([Councillor(name=f"Member {n:03d}", email=f"m{n}@example.gov.uk") for n in range(205)])
        db.session.commit()
    page = client.get("/officers/report").get_data(as_text=True)
    assert "page 1 of 2" in page and "Member 199" in page and "Member 200" not in page
    page = client.get("/officers/report?page=2").get_data(as_text=True)
    assert "Member 204" in page and "Member 000" not in page


def test_exports_of_a_large_council_stream_every_member_once(app, client, signed_in, today):
    with app.app_context():
        db.session.add_all([Councillor(name=f"Member {n:04d}", email=f"m{n}@example.gov.uk") for n in range(1234)])
        db.session.commit()
    response = client.get("/officers/report.csv", buffered=False)  # as a server sends it
    assert response.is_streamed
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))[1:]
    assert [r[1] for r in rows] == [f"Member {n:04d}" for n in range(1234)]
    sheet = load_workbook(io.BytesIO(client.get("/officers/report.xlsx").get_data()))["Completion report"]
    assert [row[1].value for row in sheet.iter_rows(min_row=2)] == [f"Member {n:04d}" for n in range(1234)]
    pdf = PdfReader(io.BytesIO(client.get("/officers/report.pdf").get_data()))
    names = [line.split(" ")[1] for page in pdf.pages for line in page.extract_text().splitlines()
             if line.startswith("Member ") and line.split(" ")[1].isdigit()]
    assert names == [f"{n:04d}" for n in range(1234)]  # every member once, in order, across the pages


# --- a fixed number of queries -----------------------------------------------------------------

def count_queries(app, action) -> int:
    statements = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            action()
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def test_the_report_and_its_exports_use_the_same_number_of_queries_for_5_or_50_members(app, client, signed_in, today):
    def add(count, start):
        for n in range(start, start + count):
            member(app, f"Member {n}", ward=f"Ward {n % 4}", party="Green", roles=("member", "board") if n % 2 else ("member",),
                   certificate=(date(2025, 2, 1), date(2027, 2, 1), 1) if n % 3 else None,
                   read=bool(n % 2), score=70 + n % 30, dilemmas=n % 3)

    def measure():
        return [count_queries(app, lambda url=url: client.get(url)) for url in
                ("/officers/report", "/officers/report.csv", "/officers/report.xlsx", "/officers/report.pdf")]

    add(5, 0)
    small = measure()
    add(45, 5)
    large = measure()
    assert large == small, f"queries grew with members: {small} -> {large}"


# --- exports -----------------------------------------------------------------------------------

def test_csv_export_of_the_filtered_report(app, client, signed_in, council):
    response = client.get("/officers/report.csv?ward=Abbey")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset (review m16)
    assert 'filename="completion-report-2026-06-01-abbey.csv"' in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == list(exports.HEADINGS)
    assert [r[1] for r in rows[1:]] == ["Cat Overdue", "Ann Current"]  # the page's order: most urgent first
    assert rows[2][7:10] == ["Current", "2025-01-10", "2027-01-10"]
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.exported")).one()
        assert event.detail == {"format": "csv", "rows": 2, "filter_ward": "Abbey"}


def test_xlsx_export_has_a_bold_header_widths_and_real_dates(client, signed_in, council):
    response = client.get("/officers/report.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["Completion report"]
    assert [c.value for c in sheet[1]] == list(exports.HEADINGS)
    assert all(c.font.bold for c in sheet[1])
    assert sheet.column_dimensions["B"].width == 30
    assert sheet.auto_filter.ref == "A1:M6"  # filter buttons on the header row (review m16)
    ann = next([c.value for c in row] for row in sheet.iter_rows(min_row=2) if row[1].value == "Ann Current")
    assert ann[1] == "Ann Current" and isinstance(ann[8], datetime) and ann[8].date() == date(2025, 1, 10)
    assert sheet.max_row == 6
    summary = book["Summary"]
    assert summary["A1"].value == "Test Borough Council"


def test_excel_summary_sheet_counts_the_same_members_as_its_rows(app, client, signed_in, council):
    # Excel and PDF read the summary and the rows from one statement: they must agree.
    for query, names in (("", ["Cat Overdue", "Bob Duesoon", "Eve Nothing", "Dan Started", "Ann Current"]),
                         ("?ward=Abbey", ["Cat Overdue", "Ann Current"])):
        book = load_workbook(io.BytesIO(client.get(f"/officers/report.xlsx{query}").data))
        rows = [[c.value for c in row] for row in book["Completion report"].iter_rows(min_row=2)]
        assert sorted(r[1] for r in rows) == sorted(names)
        counts = {row[0].value: row[1].value for row in book["Summary"].iter_rows()
                  if row[0].value in ("Overdue", "Due soon", "Not started", "In progress", "Current", "Total")}
        assert counts["Total"] == len(rows)
        for status in ("Overdue", "Due soon", "Not started", "In progress", "Current"):
            assert counts[status] == sum(1 for r in rows if r[7] == status), (query, status)


def test_pdf_export_is_an_a4_landscape_committee_summary(client, signed_in, council):
    response = client.get("/officers/report.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    pdf = PdfReader(io.BytesIO(response.data))
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    text = "\n".join(p.extract_text() for p in pdf.pages)
    for expected in ("Test Borough Council", "completion report", "1 June 2026", "Members by status",
                     "Status by role", "Certificates issued each month", "Ann Current", "Eve Nothing"):
        assert expected in text
    # Dates as the pages write them, and a due date for everyone who has one (review m16).
    assert "Due by" in text and "10 Jan 2027" in text and "/2027" not in text


def test_unknown_export_format_is_not_found(client, signed_in):
    assert client.get("/officers/report.odt").status_code == 404


PAYLOADS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+SUM(1,2)", "-2+3", "@cmd", "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>']


def test_exports_escape_formulas_and_markup(app, client, signed_in, today):
    for n, payload in enumerate(PAYLOADS):
        member(app, f"Member {n} {payload}" if payload[0] not in "=+-@" else payload, ward=payload, party=payload)
    rows = list(csv.reader(io.StringIO(client.get("/officers/report.csv").data.decode("utf-8-sig"))))[1:]
    for row in rows:
        for cell in row[1:5]:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in [r[1] for r in rows]
    sheet = load_workbook(io.BytesIO(client.get("/officers/report.xlsx").data))["Completion report"]
    for row in sheet.iter_rows(min_row=2):
        for cell in row[1:5]:
            assert cell.data_type == "s"
    assert "=HYPERLINK(\"http://evil.example\",\"x\")" in [row[1].value for row in sheet.iter_rows(min_row=2)]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(client.get("/officers/report.pdf").data)).pages)
    assert "<script>alert(1)</script>" in text  # drawn as the letters typed, never interpreted
    page = client.get("/officers/report").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<img src=x" not in page


# Welsh, Polish and Vietnamese names, and every Latin Extended-A, Greek and Cyrillic capital and
# small letter: more letters than one of a PDF font's subsets holds (256), so the table's text
# goes across several, and back (the wards are the names in reverse order).
LETTERS = [chr(c) for c in (*range(0x100, 0x180), *range(0x391, 0x3A2), *range(0x3A3, 0x3AA), *range(0x3B1, 0x3CA), *range(0x410, 0x450))]
SCRIPT_NAMES = ["Siân Ŵyn", "Ŷates-Łukasz", "Nguyễn Thị Minh"] + [
    "".join(LETTERS[n:n + 26]) for n in range(0, len(LETTERS), 26)]


def test_exports_keep_names_in_any_script(app, client, signed_in, today):
    for name, ward in zip(SCRIPT_NAMES, reversed(SCRIPT_NAMES), strict=True):
        member(app, name, ward=ward, party="Plaid Cymru")
    member(app, "محمد علي", ward="Castle")
    rows = list(csv.reader(io.StringIO(client.get("/officers/report.csv").data.decode("utf-8-sig"))))[1:]
    assert sorted(r[1] for r in rows) == sorted([*SCRIPT_NAMES, "محمد علي"])
    sheet = load_workbook(io.BytesIO(client.get("/officers/report.xlsx").data))["Completion report"]
    assert sorted(row[1].value for row in sheet.iter_rows(min_row=2)) == sorted([*SCRIPT_NAMES, "محمد علي"])
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(client.get("/officers/report.pdf").data)).pages)
    for name in SCRIPT_NAMES:
        assert text.count(name) == 2, name  # as a name and as a ward
    assert any("\u0600" <= c <= "\u06ff" or "\ufe70" <= c <= "\ufeff" for c in text)
    assert "\ufffd" not in text and "\u25a0" not in text


# --- the command line --------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, magic", [("csv", b"\xef\xbb\xbf"), ("xlsx", b"PK"), ("pdf", b"%PDF")])
def test_report_export_command(app, runner, council, tmp_path, fmt, magic):
    output = tmp_path / f"report.{fmt}"
    result = runner.invoke(args=["report", "export", "--format", fmt, "--output", str(output),
                                 "--status", "overdue"])
    assert result.exit_code == 0, result.output
    assert "Wrote 1 member(s)" in result.output
    assert output.read_bytes().startswith(magic)
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "report.exported"))["format"] == fmt


def test_report_export_command_refuses_bad_filters(runner, tmp_path):
    result = runner.invoke(args=["report", "export", "--format", "csv", "--output", str(tmp_path / "r.csv"),
                                 "--due-within", "lots"])
    assert result.exit_code == 2 and "whole number of days" in result.output


# --- charts on their own -----------------------------------------------------------------------

def test_charts_are_accessible_svg_without_style_attributes():
    chart = charts.status_by_role([("member", {"current": 3, "overdue": 1}), ("board", {"due soon": 2})],
                                  report.STATUS_VALUES)
    svg = str(charts.to_svg(chart, "c"))
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-labelledby="c-title c-desc"' in svg
    assert "style=" not in svg and "<script" not in svg
    assert svg.count("<rect") == 5 + 3  # five legend keys, three bar segments
    months = charts.completions_over_time([(date(2026, m, 1), m) for m in range(1, 13)])
    assert str(charts.to_svg(months, "m")).count("<rect") == 12
    assert [charts._nice_max(n) for n in (0, 7, 9, 60, 130, 17000)] == [1, 8, 10, 60, 200, 20000]


def test_excel_holds_awkward_text_exactly_and_every_part_is_well_formed_xml(app, client, signed_in, today):
    import zipfile

    from defusedxml import ElementTree

    awkward = ["Ann <b>Bold</b> & Co", "  Leading and trailing  ", "Zoë \u201cquoted\u201d", "Tab\there"]
    for n, name in enumerate(awkward):
        member(app, name, ward=f"Ward {n} & <x>", party=" Party ")
    data = client.get("/officers/report.xlsx").data
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for part in book.namelist():
            if part.endswith((".xml", ".rels")):
                ElementTree.fromstring(book.read(part))  # raises on anything not well formed
    sheet = load_workbook(io.BytesIO(data))["Completion report"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert sorted(r[1] for r in rows) == sorted(awkward)
    assert sorted(r[2] for r in rows) == [f"Ward {n} & <x>" for n in range(len(awkward))]
    assert {r[3] for r in rows} == {" Party "}
    assert sheet.auto_filter.ref == f"A1:M{len(awkward) + 1}"
