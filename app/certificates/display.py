"""How a certificate is named and sent: shared by the member's and the officers' pages."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app, make_response

from app.content import current_course
from app.urls import external_url
from app.vocabulary import CertificateHow

if TYPE_CHECKING:
    from app.models import Certificate


def pathway_name(pathway_id: str, level: int | None = None) -> str:
    pathway = current_course().pathways.get(pathway_id)
    title = pathway.title if pathway else pathway_id
    return f"{title} (level {level})" if level else title


def covered(pathway_id: str, level: int, score_percent: int | None, face_to_face: bool) -> tuple[str, ...]:
    """What the certificate's pathway covered, in the words printed on it."""
    course = current_course()
    pathways = course.pathways
    pathway = pathways.get(pathway_id)
    if pathway is None:
        return ()
    if pathway.is_refresher:
        # A refresher keeps the level it renews: it covered that level's modules again.
        pathway_for_level = pathways.for_level(level)
        lines = ["What has changed in the law and the modules since the last certificate"]
        modules = pathway_for_level.module_ids
    else:
        lines, modules = [], pathway.module_ids
    titles = [m.title for m in (course.module(i) for i in modules) if m is not None]
    if titles and not pathway.is_refresher:
        lines.append(f"{len(titles)} modules: {'; '.join(titles)}")
    if not face_to_face:
        for checklist_level in pathway.checklist_levels:
            lines.append(f"The level {checklist_level} self-assessment checklist and an action plan")
        if pathway.assessment:
            passed = f", passed with {score_percent}%" if score_percent is not None else ", passed"
            lines.append(f"The “Test your knowledge” assessment{passed}")
        dilemmas = pathway.dilemmas or pathway.new_dilemmas
        if dilemmas:
            lines.append(f"{dilemmas} “What if...?” {'dilemma' if dilemmas == 1 else 'dilemmas'} worked "
                         f"through against the seven corporate parenting principles")
    return tuple(lines)


def pdf_response(certificate: Certificate):
    # reportlab, segno and the fonts: about 10 MB that a worker loads only once asked for a PDF.
    from app.certificates import pdf

    config = current_app.config
    text = pdf.CertificateText(
        council=config["COUNCIL_NAME"], member=certificate.person.name,
        pathway=pathway_name(certificate.pathway_id, certificate.level),
        completed_on=certificate.completed_on, refresher_due=certificate.refresher_due,
        score_percent=certificate.score_percent, code=certificate.code,
        verify_url=external_url("certificates.verify", code=certificate.code),
        face_to_face=certificate.how == CertificateHow.FACE_TO_FACE,
        covered=covered(certificate.pathway_id, certificate.level, certificate.score_percent,
                        certificate.how == CertificateHow.FACE_TO_FACE),
        signatory_name=config.get("CERTIFICATE_SIGNATORY_NAME", ""),
        signatory_role=config.get("CERTIFICATE_SIGNATORY_ROLE", ""))
    response = make_response(pdf.render(text))
    response.headers["Content-Type"] = "application/pdf"
    filename = f"certificate-{certificate.pathway_id}-{certificate.completed_on.isoformat()}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
