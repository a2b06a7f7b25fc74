"""The speaker series, as on a phone (390 × 844) and on a desktop (1280 × 900): a participant
registers for a talk with one button and sees the link to join; a member of the public
registers with name and address and confirms through the mailed link. axe runs on every page.
Screenshots go to /tmp/shots-events/."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.browser import check_page
from tests.factories import delivered_link

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-events")  # noqa: S108 (screenshots for people to look at)
ONLINE = "https://meet.example.org/brown-bag"


def _check(page: Page, name: str, width: int):
    check_page(page, SHOTS, f"{name}-{width}")


def _talk(program):
    from kohorte.catalog.models import Event
    from kohorte.events.models import EventSettings

    start = (timezone.now() + timedelta(days=7)).replace(second=0, microsecond=0)
    talk = Event.objects.create(
        program=program,
        kind=Event.Kind.SPEAKER_SERIES,
        title="Brown Bag Lunch: Sprachmodelle im Bürgerservice",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    EventSettings.objects.create(
        event=talk, registration_open=True, capacity=10, open_to_public=True, online_url=ONLINE
    )
    return talk


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)])
def test_participant_registers_and_sees_the_link(
    page: Page, site, django_user_model, width, height
):
    from allauth.account.models import EmailAddress

    from kohorte.catalog.models import Cohort
    from kohorte.teaching import services

    page.set_viewport_size({"width": width, "height": height})
    cohort = Cohort.objects.select_related("program").get(slug="jahrgang-2")
    talk = _talk(cohort.program)
    tara = django_user_model.objects.create_user(
        "tara@bund.example", "pw", first_name="Tara", last_name="Teil"
    )
    EmailAddress.objects.create(user=tara, email=tara.email, verified=True, primary=True)
    services.enrol_participant(cohort, tara)
    page.goto(site + f"/{cohort.program.slug}/speaker-series/")
    page.get_by_role("link", name="Anmeldung und Zugang").first.click()
    expect(page.locator("h1")).to_have_text(talk.title)
    _check(page, "event-anonymous", width)
    page.get_by_role("link", name="Mit Konto anmelden").click()
    page.get_by_label("E-Mail-Adresse").fill("tara@bund.example")
    page.get_by_label("Passwort").fill("pw")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(talk.title)
    expect(page.get_by_text(ONLINE)).to_have_count(0)
    page.get_by_role("button", name="Jetzt anmelden").click()
    expect(page.get_by_text("Sie sind angemeldet.").first).to_be_visible()
    expect(page.get_by_role("link", name=ONLINE)).to_be_visible()
    _check(page, "event-registered", width)


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)])
def test_public_registers_and_confirms_by_mail(page: Page, site, smtp_server, width, height):
    from kohorte.catalog.models import Cohort
    from kohorte.events.models import Registration

    page.set_viewport_size({"width": width, "height": height})
    talk = _talk(Cohort.objects.select_related("program").get(slug="jahrgang-2").program)
    page.goto(site + f"/veranstaltungen/{talk.uid}/")
    page.get_by_label("Vor- und Nachname").fill("Paula Public")
    page.get_by_label("E-Mail-Adresse").fill("paula@example.net")
    page.get_by_role("button", name="Zur Veranstaltung anmelden").click()
    expect(page.locator("h1")).to_have_text("Bitte prüfen Sie Ihr Postfach")
    _check(page, "event-check-mail", width)
    link = delivered_link(smtp_server, "paula@example.net", site, r"https?://\S+/bestaetigen/\S+/")
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Anmeldung bestätigen")
    _check(page, "event-confirm", width)
    page.get_by_role("button", name="Anmeldung bestätigen").click()
    expect(page.locator("h1")).to_have_text("Anmeldung bestätigt")
    _check(page, "event-confirmed", width)
    assert Registration.objects.get(email="paula@example.net").status == "confirmed"
