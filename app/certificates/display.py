"""How a certificate is named and sent: shared by the member's and the officers' pages."""
from __future__ import annotations

from flask import current_app, make_response, url_for

from app.certificates import pdf
from app.content import current_course
from app.models import Certificate


def pathway_name(pathway_id: str, level: int | None = None) -> str:
    pathway = current_course().pathways.get(pathway_id)
    title = pathway.title if pathway else pathway_id
    return f"{title} (level {level})" if level else title


def pdf_response(certificate: Certificate):
    text = pdf.CertificateText(
        council=current_app.config["COUNCIL_NAME"], member=certificate.person.name,
        pathway=pathway_name(certificate.pathway_id, certificate.level),
        completed_on=certificate.completed_on, refresher_due=certificate.refresher_due,
        score_percent=certificate.score_percent, code=certificate.code,
        verify_url=url_for("certificates.verify", code=certificate.code, _external=True),
        face_to_face=certificate.how == "face-to-face")
    response = make_response(pdf.render(text))
    response.headers["Content-Type"] = "application/pdf"
    filename = f"certificate-{certificate.pathway_id}-{certificate.completed_on.isoformat()}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
