"""The demo: one account per role, the outbox with mails, applicants in every state."""

from collections import Counter

import pytest

from kohorte.admissions.models import Application
from kohorte.comms.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_demo_loads_everything_once(client, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    from kohorte.demo import load_demo

    logins = load_demo()
    roles = [role for role, _email, _password in logins]
    assert roles == [
        "staff",
        "reviewer",
        "chair",
        "lecturer",
        "applicant",
        "participant",
        "referee link",
    ]
    current = Application.objects.filter(cohort__slug="jahrgang-2")
    states = Counter((a.status, a.is_complete, a.is_eligible) for a in current)
    assert states[("draft", False, True)] == 18  # partial drafts (a CV only) and letters pending
    assert states[("draft", True, True)] == 8
    assert states[("submitted", True, True)] == 40
    assert states[("submitted", True, False)] == 6  # flagged, not rejected
    assert states[("withdrawn", True, True)] == 6
    assert OutboxMessage.objects.filter(event_key="application.submitted").count() == 52
    _assert_selection_demo()
    link = logins[-1][1]
    page = client.get(link.replace("http://127.0.0.1:8000", ""))
    assert page.status_code == 200
    body = page.content.decode()
    assert '<h1 class="kern-heading-x-large">Empfehlungsschreiben hochladen</h1>' in body
    assert "Schreiben hochladen" in body and "Sie brauchen kein Konto." in body
    before = Application.objects.count(), OutboxMessage.objects.count()
    assert load_demo()[-1][1] == link  # idempotent, and the link is printed again
    assert (Application.objects.count(), OutboxMessage.objects.count()) == before


def _assert_selection_demo():
    from kohorte.catalog.models import Cohort
    from kohorte.selection.models import Assignment, Decision, Offer, Proposal

    current, past = Cohort.objects.get(slug="jahrgang-2"), Cohort.objects.get(slug="jahrgang-1")
    # the current cohort: complete reviews, an explained proposal, decisions, one departure
    assert current.proposals.get().state == Proposal.State.EXPLAINED
    reviewed = Assignment.objects.filter(application__cohort=current).exclude(
        reviewer__email="gutachterin@example.org"
    )
    assert reviewed.count() == 40 * 3 and not reviewed.filter(review__submitted_at=None).exists()
    decisions = Decision.objects.filter(application__cohort=current, is_current=True)
    # the six applications still waiting for the demo reviewer have fewer reviews than
    # required: following the proposal leaves them for a decision of their own, with a reason
    assert decisions.count() == 40 and sum(d.departs for d in decisions) == 1
    # the demo reviewer has open assignments to try
    assert (
        Assignment.objects.filter(
            reviewer__email="gutachterin@example.org", review__isnull=True
        ).count()
        == 6
    )
    # the 2024 cohort is selected: 25 participants, one declined and replaced
    assert past.participations.count() == 25
    assert Offer.objects.filter(application__cohort=past, status="declined").count() == 1
    _assert_teaching_demo(past)


def _assert_teaching_demo(past):
    from kohorte.teaching.models import ElectivePlace, Release

    releases = Release.objects.filter(participation__cohort=past)
    assert releases.filter(status="confirmed").count() == 24
    assert releases.filter(status="requested").count() == 1
    tara = past.participations.get(user__email="teilnehmerin@example.org")
    assert tara.user.get_full_name() == "Tara Teilnehmer" and tara.elective_places.exists()
    assert past.elective_round.status == "allocated" and past.elective_round.seed == 2024
    for run in past.runs.filter(module__kind="elective"):
        assert ElectivePlace.objects.filter(run=run).count() <= run.elective_capacity.capacity
    # every participant has at least one elective (capacity 2 × 18 for 25 people)
    assert not past.participations.filter(elective_places__isnull=True).exists()
    _assert_lecturing_demo(past)
    _assert_credentials_demo(tara)


def _assert_credentials_demo(tara):
    """The demo login completed: she holds a signed transcript and a valid certificate; one
    certificate of the cohort was re-issued, one revoked."""
    from kohorte.assessments.models import Transcript
    from kohorte.credentials.models import Certificate

    assert Transcript.objects.filter(participation=tara).exists()
    mine = Certificate.objects.get(participation=tara, status="valid")
    assert mine.pdf_name and mine.credential_jwt
    cohort = Certificate.objects.filter(participation__cohort=tara.cohort)
    assert cohort.filter(status="superseded").count() == 1
    assert cohort.filter(status="revoked").count() == 1


def _assert_lecturing_demo(past):
    from django.utils import timezone

    from kohorte.accounts.models import User
    from kohorte.teaching.access import lecturer_runs
    from kohorte.teaching.models import Material

    dora = User.objects.get(email="dozentin@example.org")
    runs = lecturer_runs(dora).order_by("cohort__starts_on", "module__number")
    assert [(r.cohort.slug, r.module.number) for r in runs] == [
        ("jahrgang-1", 1),
        ("jahrgang-1", 3),
        ("jahrgang-1", 5),
        ("jahrgang-2", 2),
    ]
    materials = Material.objects.filter(run__cohort=past)
    assert set(materials.values_list("run__module__number", flat=True)) == {1, 2, 3, 4, 5, 6}
    assert materials.filter(kind="link").count() == 2
    assert materials.filter(released_at__gt=timezone.now()).count() == 1
