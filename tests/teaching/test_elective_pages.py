"""The elective pages: the lottery only after the deadline (said in words before it), and the
same number of queries at one and at many participants and choices."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kohorte.accounts.models import Membership
from kohorte.core.models import AuditLog
from kohorte.teaching import services
from kohorte.teaching.models import ElectiveRound

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
CLOSE = datetime(2099, 1, 5, 23, 59, tzinfo=BERLIN)


@pytest.fixture
def programme_staff(cohort, staff):
    Membership.objects.create(user=staff, role="staff", program=cohort.program)
    return staff


def _round(cohort, staff, close=CLOSE, places=30):
    four, five = services.elective_runs(cohort)
    services.set_elective_round(
        cohort, actor=staff, choices_close_at=close, capacities={four.pk: places, five.pk: places}
    )
    return four, five


def _enrol(cohort, django_user_model, start, n):
    return [
        services.enrol_participant(
            cohort,
            django_user_model.objects.create_user(
                f"t{i}@bund.example", "x", first_name=f"T{i}", last_name="Teil"
            ),
            actor=None,
        )
        for i in range(start, start + n)
    ]


def test_before_the_deadline_the_page_says_when_and_offers_no_lottery(
    cohort, client, programme_staff
):
    _round(cohort, programme_staff)
    client.force_login(programme_staff)
    url = f"/verwaltung/lehrbetrieb/{cohort.pk}/wahlmodule/"
    page = client.get(url).content.decode()
    assert "Die Wahl ist bis 5. Januar 2099, 23:59 Uhr offen; danach können Sie die Plätze" in (
        " ".join(page.split())
    )
    assert 'value="allocate"' not in page and "Plätze jetzt verlosen" not in page
    # a forged POST is refused by the service with the same words
    response = client.post(url, {"action": "allocate"}, follow=True)
    text = " ".join(response.content.decode().split())
    assert "Die Wahl läuft noch bis 5. Januar 2099, 23:59 Uhr; danach können Sie die Plätze" in text
    assert ElectiveRound.objects.get(cohort=cohort).status == "open"
    assert not AuditLog.objects.filter(action="teaching.electives_allocated").exists()


def test_the_service_refuses_a_lottery_before_the_deadline(cohort, programme_staff):
    _round(cohort, programme_staff)
    with pytest.raises(ValidationError) as error:
        services.allocate_electives(cohort, actor=programme_staff, seed=1)
    assert error.value.messages == [
        "Die Wahl läuft noch bis 5. Januar 2099, 23:59 Uhr; danach können Sie die Plätze verlosen."
    ]
    services.allocate_electives(cohort, actor=programme_staff, seed=1, now=CLOSE)
    assert ElectiveRound.objects.get(cohort=cohort).status == "allocated"


def test_after_the_deadline_the_button_is_there(cohort, client, programme_staff):
    _round(cohort, programme_staff, close=timezone.now() - timedelta(minutes=1))
    client.force_login(programme_staff)
    page = client.get(f"/verwaltung/lehrbetrieb/{cohort.pk}/wahlmodule/").content.decode()
    assert "Plätze jetzt verlosen" in page and "zu Ende gegangen" in page


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _choose_all(people, four, five):
    for i, p in enumerate(people):
        runs = [four.pk, five.pk] if i % 2 else [five.pk]
        services.choose_electives(p, runs, actor=p.user)


def test_participant_elective_page_queries_do_not_grow(
    cohort, client, programme_staff, django_user_model
):
    four, five = _round(cohort, programme_staff, close=timezone.now() + timedelta(days=1))
    (first,) = _enrol(cohort, django_user_model, 0, 1)
    _choose_all([first], four, five)
    client.force_login(first.user)
    one = _count(client, "/mein-programm/wahlmodule/")
    others = _enrol(cohort, django_user_model, 1, 30)
    _choose_all(others, four, five)
    services.choose_electives(first, [four.pk, five.pk], actor=first.user)
    assert _count(client, "/mein-programm/wahlmodule/") == one
    # after the lottery, with places
    ElectiveRound.objects.filter(cohort=cohort).update(
        choices_close_at=timezone.now() - timedelta(minutes=1)
    )
    services.allocate_electives(cohort, actor=programme_staff, seed=3)
    page = client.get("/mein-programm/wahlmodule/").content.decode()
    assert "Ihre Plätze" in page
    assert _count(client, "/mein-programm/wahlmodule/") <= one + 1


def test_staff_elective_page_queries_do_not_grow(
    cohort, client, programme_staff, django_user_model
):
    four, five = _round(cohort, programme_staff, close=timezone.now() + timedelta(days=1))
    _choose_all(_enrol(cohort, django_user_model, 0, 1), four, five)
    client.force_login(programme_staff)
    url = f"/verwaltung/lehrbetrieb/{cohort.pk}/wahlmodule/"
    open_one = _count(client, url)
    _choose_all(_enrol(cohort, django_user_model, 1, 30), four, five)
    assert _count(client, url) == open_one
    ElectiveRound.objects.filter(cohort=cohort).update(
        choices_close_at=timezone.now() - timedelta(minutes=1)
    )
    services.allocate_electives(cohort, actor=programme_staff, seed=3)
    page = client.get(url).content.decode()
    assert "Ausgeloste Reihenfolge" in page and "T30 Teil" in page


def test_staff_elective_page_queries_after_the_lottery_do_not_grow(
    cohort, client, programme_staff, django_user_model
):
    four, five = _round(
        cohort, programme_staff, close=timezone.now() + timedelta(days=1), places=40
    )
    people = _enrol(cohort, django_user_model, 0, 1)
    _choose_all(people, four, five)
    ElectiveRound.objects.filter(cohort=cohort).update(
        choices_close_at=timezone.now() - timedelta(minutes=1)
    )
    services.allocate_electives(cohort, actor=programme_staff, seed=3)
    client.force_login(programme_staff)
    url = f"/verwaltung/lehrbetrieb/{cohort.pk}/wahlmodule/"
    one = _count(client, url)
    more = _enrol(cohort, django_user_model, 1, 30)
    for p in more:
        services.grant_place(p, five, actor=programme_staff, reason="nachgerückt")
    assert _count(client, url) == one
    # the page's own queries plus the header's (session, user, "Mein Programm", "Meine Lehre")
    assert one == 17
