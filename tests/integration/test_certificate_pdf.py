"""The certificate PDF (issue 16): a titled certificate that says what was covered and who signs
it, with a name of any length kept on the page. Read back with pypdf, as a person's PDF reader would."""
import io
from datetime import date

import pypdf
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.certificates import pdf
from app.certificates.display import covered
from app.content import current_course

A4_WIDTH = 595.27
LONG_NAME = ("Councillor Dame Bartholomew-Featherstonehaugh Wolfeschlegelsteinhausenbergerdorff "
             "Montgomery-Smythe of the Royal Borough of Kensington and Chelsea")


def lines_of(data: bytes) -> list[tuple[float, float, float, str]]:
    """(y, x, size, text) for each line of text on the page."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.append((tm[5], tm[4], size, text.strip()))
    [page] = pypdf.PdfReader(io.BytesIO(data)).pages
    page.extract_text(visitor_text=visit)
    return found


def certificate(app, member="Councillor Pat Jones", pathway_id="induction", level=1, score=85, face_to_face=False):
    with app.app_context():
        name = current_course().pathways.get(pathway_id).title
        return pdf.CertificateText(
            council="Test Borough Council", member=member, pathway=f"{name} (level {level})",
            completed_on=date(2026, 11, 22), refresher_due=date(2028, 11, 22), score_percent=score,
            code="HJKMNPQRSTUV", verify_url="http://training.test/verify/HJKMNPQRSTUV",
            face_to_face=face_to_face, covered=covered(pathway_id, level, score, face_to_face),
            signatory_name="Jordan Ellis", signatory_role="Monitoring Officer")


def test_the_certificate_has_a_title_what_was_covered_and_a_signatory(app):
    text = "\n".join(t for *_, t in lines_of(pdf.render(certificate(app))))
    assert "Certificate of completion" in text
    with app.app_context():
        pathway = current_course().pathways.for_level(1)
        titles = [current_course().module(m).title for m in pathway.module_ids]
    assert f"{len(titles)} modules:" in text
    flat = " ".join(text.split())
    for title in titles:
        assert title in flat, title
    assert "The level 1 self-assessment checklist" in flat
    assert "assessment, passed with 85%" in flat
    assert f"{pathway.dilemmas} “What if...?” dilemmas worked through" in flat
    assert "Jordan Ellis" in text and "Monitoring Officer" in text and "Test Borough Council" in text


def test_a_very_long_name_wraps_and_shrinks_inside_the_page(app):
    lines = lines_of(pdf.render(certificate(app, member=LONG_NAME, pathway_id="specialist", level=3)))
    name_lines = [(y, x, size, t) for y, x, size, t in lines if t in LONG_NAME and len(t) > 8]
    assert " ".join(t for *_, t in name_lines) == LONG_NAME   # every word, in order, on the page
    assert len(name_lines) >= 2 and all(size < 28 for _, _, size, _ in name_lines)
    for y, x, size, text in lines:
        font = pdf.BOLD if text in LONG_NAME else pdf.REGULAR  # the Unicode fonts the PDF embeds
        assert x >= 28 and x + stringWidth(text, font, size) <= A4_WIDTH - 28, f"{text!r} runs off the page"
        assert y > 40, f"{text!r} is below the border"
    # Nothing in the body runs into the signature block at the foot of the page.
    signature = next(y for y, _, _, t in lines if t == "Jordan Ellis")
    body = [y for y, _, _, t in lines if t not in ("Jordan Ellis", "Monitoring Officer") and y > signature]
    assert min(body) > signature + 40


def test_a_face_to_face_certificate_says_so_without_a_score(app):
    text = " ".join(t for *_, t in lines_of(pdf.render(certificate(app, score=None, face_to_face=True))))
    assert "at a face-to-face training session" in text
    assert "Assessment score" not in text and "assessment, passed" not in text
    assert "modules:" in text


def test_the_signatory_comes_from_configuration(app, client, auth, councillor):
    from tests.integration.test_certificates import complete_induction, pdf_text

    app.config.update(TODAY=date(2026, 11, 22), CERTIFICATE_SIGNATORY_NAME="Morgan Reyes",
                      CERTIFICATE_SIGNATORY_ROLE="Head of Democratic Services")
    complete_induction(app, councillor)
    auth.sign_in()
    location = client.get("/my-training").headers["Location"]
    certificate_id = location.split("/")[2]
    text = pdf_text(client.get(f"/certificates/{certificate_id}.pdf").data)
    assert "Morgan Reyes" in text and "Head of Democratic Services" in text
    assert "Certificate of completion" in text
