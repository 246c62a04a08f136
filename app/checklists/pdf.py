"""The action plan as an A4 PDF with real, selectable text (reportlab)."""
from __future__ import annotations

from datetime import date
from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app import formatting
from app import pdf_fonts
from app.checklists.plan import ActionPlan
from app.checklists.progress import PRIORITIES

TITLE = "Corporate parenting action plan"
MARGIN = 18 * mm
BLACK = colors.HexColor("#0b0c0c")
GREY = colors.HexColor("#505a5f")
BORDER = colors.HexColor("#b1b4b6")


long_date = formatting.long_date


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()["Normal"]
    regular, bold = pdf_fonts.fonts().body, pdf_fonts.fonts().heading
    body = ParagraphStyle("body", parent=base, fontName=regular, fontSize=10.5, leading=14,
                          textColor=BLACK, alignment=TA_LEFT)
    return {
        "council": ParagraphStyle("council", parent=body, fontName=bold, fontSize=12),
        "title": ParagraphStyle("title", parent=body, fontName=bold, fontSize=22,
                                leading=27, spaceBefore=4, spaceAfter=8),
        "body": body,
        "cell": ParagraphStyle("cell", parent=body, fontSize=9.5, leading=12.5),
        "head": ParagraphStyle("head", parent=body, fontName=bold, fontSize=9.5,
                               leading=12.5),
        "from": ParagraphStyle("from", parent=body, fontSize=8.5, leading=11, textColor=GREY,
                               spaceBefore=3),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    # Member text is plain: escaped (by markup), in fonts that have its characters, line breaks kept.
    bold = style.fontName == pdf_fonts.fonts().heading
    return Paragraph("<br/>".join(pdf_fonts.markup(line, bold) for line in text.split("\n")), style)


def draw_action_plan(plan: ActionPlan, *, council_name: str, member_name: str,
                     on: date) -> bytes:
    s = _styles()
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN, bottomMargin=MARGIN + 6 * mm,
                            title=f"{TITLE}: {member_name}", author=council_name,
                            subject="Actions from the levels 1 to 3 corporate parenting checklists",
                            creator=council_name, lang="en-GB")
    story = [
        _p(council_name, s["council"]),
        _p(TITLE, s["title"]),
        _p(f"For {member_name}", s["body"]),
        _p(f"Produced on {long_date(on)}", s["body"]),
        _p(f"Checklist questions answered: {plan.answered} of {plan.total}", s["body"]),
        Spacer(1, 6 * mm),
    ]
    if not plan.items:
        story.append(_p("There are no actions in this plan yet. Actions come from the checklist "
                        "questions you answer partly, no or not sure.", s["body"]))
    else:
        rows = [[_p(h, s["head"]) for h in ("Priority", "What I will do", "By when", "Who can help")]]
        for item in plan.items:
            what = [_p(item.what, s["cell"]),
                    _p(f"Level {item.checklist.level}, question {item.number}: "
                       f"{item.answer.question_text} (answered: {item.answer.answer_label.lower()})",
                       s["from"])]
            rows.append([
                _p(PRIORITIES.get(item.priority or "", "Not set"), s["cell"]),
                what,
                _p(long_date(item.by_when) if item.by_when else "No date", s["cell"]),
                _p(item.who_can_help or "", s["cell"]),
            ])
        width = A4[0] - 2 * MARGIN
        table = Table(rows, colWidths=[20 * mm, width - 20 * mm - 30 * mm - 40 * mm, 30 * mm, 40 * mm],
                      repeatRows=1)
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, 0), 1.5, BLACK),
            ("LINEBELOW", (0, 1), (-1, -1), 0.5, BORDER),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ("TOPPADDING", (0, 0), (-1, -1), 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ]))
        story.append(table)

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFillColor(GREY)
        pdf_fonts.draw(canvas, MARGIN, MARGIN, f"{TITLE} for {member_name}, {council_name}", 8.5)
        canvas.setFont(pdf_fonts.fonts().body, 8.5)
        canvas.drawRightString(A4[0] - MARGIN, MARGIN, f"Page {document.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
