"""What a reviewer may see of an application. Reviewer templates get only this view, never
the Application itself, so a hidden field cannot slip into a page, a title or an export.

Gender is never part of it, whatever the blind settings say: applicants consent to its use for
the balance of the cohort, not for the review."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from kohorte.selection.models import Assignment, BlindField, SelectionSettings

HIDDEN = "—"


@dataclass
class ApplicationView:
    code: str  # what stands in for the name, also in the URL (the assignment's number)
    name: str
    email: str
    phone: str
    authority: str
    unit: str
    level: str
    authority_kind: str
    unit_kind: str
    job_title: str
    leadership: str
    team_size: str
    ai_involvement: str
    eligible: bool
    referees: list[str]
    documents: list[tuple[int, str, str]]  # (pk, label, file name shown)
    hidden: set[str]


def application_view(assignment: Assignment, settings_: SelectionSettings) -> ApplicationView:
    a = assignment.application
    hidden = settings_.hidden()
    code = assignment.code

    def show(field: str, value) -> str:
        return HIDDEN if field in hidden else (str(value) if value not in (None, "") else "–")

    documents = []
    for number, d in enumerate(a.documents.filter(is_current=True).order_by("kind", "pk"), start=1):
        label = str(d.get_kind_display())
        shown = (
            f"{code}-{d.kind}-{number}.pdf"
            if BlindField.NAME in hidden or BlindField.REFEREE in hidden
            else d.original_name
        )
        documents.append((d.pk, label, shown))
    referees = [
        (
            _("Empfehlung: %(status)s") % {"status": r.get_status_display()}
            if BlindField.REFEREE in hidden
            else f"{r.name} ({r.role}, {r.authority}): {r.get_status_display()}"
        )
        for r in a.referee_requests.exclude(status="replaced")
    ]
    name = " ".join(p for p in (a.academic_title, a.first_name, a.last_name) if p)
    return ApplicationView(
        code=code,
        name=code if BlindField.NAME in hidden else name,
        email=show(BlindField.CONTACT, a.applicant.email),
        phone=show(BlindField.CONTACT, a.phone),
        authority=show(BlindField.AUTHORITY, a.authority),
        unit=show(BlindField.AUTHORITY, a.unit_name),
        level=str(a.get_federal_level_display() or "–"),
        authority_kind=str(a.get_authority_kind_display() or "–"),
        unit_kind=str(a.get_unit_kind_display() or "–"),
        job_title=a.job_title or "–",
        leadership=str(a.get_leadership_level_display() or "–"),
        team_size=str(a.team_size) if a.team_size is not None else "–",
        ai_involvement=a.ai_involvement or "–",
        eligible=a.is_eligible,
        referees=referees,
        documents=documents,
        hidden=hidden,
    )
