"""The completion report as a Word document (issue 16): Word headings, a title and as-at date,
summary figures, header rows repeated on each page, the chart with alternative text, members."""
import io
from datetime import date, timedelta

import pytest
from docx import Document
from docx.oxml.ns import qn
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Councillor, CouncillorRole
from tests.conftest import make_councillor

OFFICER = "sam.officer@example.gov.uk"


pytestmark = pytest.mark.usefixtures("fast_hashes")  # argon2 at test cost: see conftest


def read(body: bytes):
    return Document(io.BytesIO(body))


def headings(document):
    return [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]


def is_repeated_header(row) -> bool:
    marker = row._tr.trPr.find(qn("w:tblHeader")) if row._tr.trPr is not None else None
    return marker is not None and marker.get(qn("w:val")) in ("true", "1", None)


def test_the_word_report_is_accessible_and_matches_the_filters(app, client, auth, officer):
    old = date.today() - timedelta(days=400)
    make_councillor(app, name="Cllr Ann Ward", email="ann@example.gov.uk", ward="Abbey", party="Green",
                    elected_on=old, password=None)
    make_councillor(app, name="Cllr Bob Hill", email="bob@example.gov.uk", ward="Castle", party="Green",
                    elected_on=old, password=None)
    with app.app_context():
        bob = Councillor.by_email("bob@example.gov.uk")
        bob.roles.append(CouncillorRole(role="board"))
        db.session.commit()
    auth.sign_in(email=OFFICER)
    page = client.get("/officers/report").get_data(as_text=True)
    assert "/officers/report.docx" in page

    response = client.get("/officers/report.docx?ward=Abbey")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response.headers["Content-Disposition"].endswith('.docx"')
    document = read(response.data)
    assert headings(document) == [("Heading 1", "Corporate parenting training: completion report"),
                                  ("Heading 2", "Summary"), ("Heading 2", "Status by role"),
                                  ("Heading 2", "Members")]
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"As at {date.today().strftime('%-d %B %Y')}" in text
    assert "filtered by ward: Abbey" in text

    summary, by_role, members = document.tables
    for table in document.tables:
        assert is_repeated_header(table.rows[0])
        assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)
    assert [c.text for c in summary.rows[1].cells] == ["Overdue", "1"]
    assert by_role.rows[0].cells[0].text == "Role"
    assert [c.text for c in members.rows[0].cells][:6] == ["Name", "Ward", "Party", "Roles", "Required", "Status"]
    assert [r.cells[0].text for r in members.rows[1:]] == ["Cllr Ann Ward"]  # Bob is in Castle

    pictures = document.inline_shapes
    assert len(pictures) == 1
    described = pictures[0]._inline.docPr.get("descr")
    assert "No role: 1 overdue" in described and "table after the chart" in described
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.exported")).one()
        assert event.detail["format"] == "docx"


def test_the_chart_picture_is_a_real_image(app):
    from PIL import Image

    from app.officers import charts
    from app.officers.word import chart_png
    chart = charts.status_by_role([("member", {"overdue": 2, "current": 3})], ("overdue", "current"))
    with app.app_context():
        image = Image.open(io.BytesIO(chart_png(chart)))
    assert image.format == "PNG" and image.size == (round(chart.width * 2), round(chart.height * 2))
    colours = {colour for _, colour in image.getcolors(1_000_000)}
    assert (0xd4, 0x35, 0x1c) in colours and (0x00, 0x70, 0x3c) in colours  # overdue red, current green
