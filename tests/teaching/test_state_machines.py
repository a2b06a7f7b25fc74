"""One door per state (issue 10, item 3) for teaching: a release moves only through
``set_release_status``, an elective round only through ``allocate_electives``; every illegal
move is refused and writes no audit row."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kohorte.core.models import AuditLog
from kohorte.core.tokens import new_token
from kohorte.teaching import services
from kohorte.teaching.models import ElectiveRound, Release

pytestmark = pytest.mark.django_db


def _illegal(table) -> list[tuple[str, str]]:
    return [(old, new) for old in table for new in table if new not in table[old]]


RELEASE_ILLEGAL = _illegal(Release.TRANSITIONS)


def test_the_tables_are_complete():
    assert set(Release.TRANSITIONS) == set(Release.Status.values)
    assert set(ElectiveRound.TRANSITIONS) == set(ElectiveRound.Status.values)
    # 25 pairs; allowed: requested → reminded/confirmed/replaced/declined,
    # reminded → confirmed/replaced/declined; confirmed, replaced and declined are final
    assert len(RELEASE_ILLEGAL) == 18
    assert ("declined", "confirmed") in RELEASE_ILLEGAL
    assert ("declined", "requested") in RELEASE_ILLEGAL
    assert _illegal(ElectiveRound.TRANSITIONS) == [
        ("open", "open"),
        ("allocated", "open"),
        ("allocated", "allocated"),
    ]


@pytest.mark.parametrize(("old", "new"), RELEASE_ILLEGAL)
def test_release_refuses_every_illegal_transition(participant, old, new):
    release = Release.objects.create(
        participation=participant,
        supervisor_name="Dr. Vera Vorgesetzt",
        supervisor_email="vera@bund.example",
        supervisor_role="Referatsleiterin",
        token_hash=new_token()[1],
        status=old,
        expires_at=timezone.now() + timedelta(days=28),
    )
    before = AuditLog.objects.count()
    with pytest.raises(ValidationError):
        services.set_release_status(release, new, action="teaching.release_confirmed", actor=None)
    release.refresh_from_db()
    assert release.status == old
    assert AuditLog.objects.count() == before


def test_an_allocated_round_is_never_allocated_again(cohort, participant):
    now = timezone.now()
    services.set_elective_round(
        cohort, actor=None, choices_close_at=now + timedelta(days=1), capacities={}
    )
    services.allocate_electives(cohort, actor=None, seed=7, now=now + timedelta(days=2))
    before = AuditLog.objects.count()
    with pytest.raises(ValidationError, match=r"Die Plätze sind bereits vergeben\."):
        services.allocate_electives(cohort, actor=None, seed=8, now=now + timedelta(days=3))
    round_ = ElectiveRound.objects.get(cohort=cohort)
    assert (round_.status, round_.seed) == ("allocated", 7)
    assert AuditLog.objects.count() == before
