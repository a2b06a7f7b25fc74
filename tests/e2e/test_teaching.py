"""A participant of the current cohort, as on a phone (390 × 844) and on a desktop (1280 × 900):
logs in and sees "Mein Programm" with her modules, names her supervisor; the supervisor opens
the mailed link and confirms; she gives her practical details, chooses electives (ranked) and makes her private
calendar link;
staff see the release confirmed. axe runs on every page. Screenshots go to /tmp/shots-teaching/."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.browser import check_page, login
from tests.factories import delivered_link

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-teaching")  # noqa: S108 (screenshots for people to look at)


def _check(page: Page, name: str, width: int):
    check_page(page, SHOTS, f"{name}-{width}")


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)])
def test_participant_names_supervisor_who_confirms_then_chooses_electives(
    page: Page, site, smtp_server, django_user_model, width, height
):
    from allauth.account.models import EmailAddress

    from kohorte.accounts.models import Membership
    from kohorte.catalog.models import Cohort
    from kohorte.teaching import services
    from kohorte.teaching.models import ElectiveChoice, Release

    page.set_viewport_size({"width": width, "height": height})
    cohort = Cohort.objects.get(slug="jahrgang-2")
    tara = django_user_model.objects.create_user(
        "tara@bund.example", "pw", first_name="Tara", last_name="Teil"
    )
    staff = django_user_model.objects.create_user("team@example.org", "pw", is_staff=True)
    Membership.objects.create(user=staff, role="staff", program=cohort.program)
    for user in (tara, staff):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    services.enrol_participant(cohort, tara)
    four, five = services.elective_runs(cohort)
    services.set_elective_round(
        cohort,
        actor=staff,
        choices_close_at=timezone.now() + timedelta(days=14),
        capacities={four.pk: 12, five.pk: 12},
    )

    login(page, site, "tara@bund.example")
    page.get_by_role("link", name="Mein Programm").click()
    expect(page.locator("h1")).to_have_text("Mein Programm")
    expect(page.get_by_text("Willkommen, Tara Teil! Sie sind Teilnehmer:in im")).to_be_visible()
    expect(page.get_by_role("heading", name=four.module.title, exact=False)).to_be_visible()
    _check(page, "mein-programm", width)
    page.get_by_label("Name der vorgesetzten Person").fill("Dr. Vera Vorgesetzt")
    page.get_by_label("Funktion").fill("Abteilungsleitung")
    page.get_by_label("Dienstliche E-Mail-Adresse").fill("vera@bund.example")
    page.get_by_role("button", name="Bitte um Bestätigung senden").click()
    expect(
        page.get_by_text("Wir haben Dr. Vera Vorgesetzt um die Bestätigung Ihrer Freistellung")
    ).to_be_visible()
    _check(page, "mein-programm-angefragt", width)

    # the supervisor: the link from the delivered mail, no account
    link = delivered_link(
        smtp_server, "vera@bund.example", site, r"(https?://\S+/freistellung/\S+/)"
    )
    context = page.context.browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    supervisor = context.new_page()
    supervisor.set_viewport_size({"width": width, "height": height})
    supervisor.goto(link)
    expect(supervisor.locator("h1")).to_have_text("Freistellung bestätigen")
    expect(supervisor.get_by_text("Tara Teil nimmt am Programm")).to_be_visible()
    _check(supervisor, "freistellung", width)
    supervisor.get_by_role("button", name="Freistellung bestätigen").click()
    expect(supervisor.locator("h1")).to_have_text("Vielen Dank")
    _check(supervisor, "freistellung-danke", width)
    context.close()
    assert Release.objects.get().status == "confirmed"

    page.reload()
    expect(page.get_by_text("Dr. Vera Vorgesetzt hat Ihre Freistellung am")).to_be_visible()
    page.get_by_label("Ernährung (zum Beispiel vegetarisch, Allergien)").fill("vegetarisch")
    page.get_by_label("Ja, ich reise am Vorabend an").check()
    page.get_by_role("button", name="Angaben speichern").click()
    expect(page.get_by_text("Ihre Angaben sind gespeichert.")).to_be_visible()

    page.get_by_role("link", name="Wahlmodule wählen").click()
    expect(page.locator("h1")).to_have_text("Wahlmodule wählen")
    expect(page.get_by_text("Alle 4 Pflichtmodule + mindestens 1 Wahlmodul.")).to_be_visible()
    _check(page, "wahlmodule", width)
    page.get_by_label(f"{five.module.number}. {five.module.title}").select_option(label="1. Wahl")
    page.get_by_label(f"{four.module.number}. {four.module.title}").select_option(label="2. Wahl")
    page.get_by_role("button", name="Wahl speichern").click()
    expect(page.get_by_text("Ihre Wahl ist gespeichert.")).to_be_visible()
    _check(page, "wahlmodule-gewaehlt", width)
    assert list(ElectiveChoice.objects.values_list("run_id", "rank")) == [
        (five.pk, 1),
        (four.pk, 2),
    ]

    # her calendar: a private link, shown once, with exactly her modules
    page.get_by_role("link", name="Zurück zu Mein Programm").click()
    page.get_by_role("link", name="Persönlicher Kalender").click()
    page.get_by_role("button", name="Kalender-Link anlegen").click()
    url = page.get_by_label("Kalender-Link").input_value()
    _check(page, "kalender", width)
    feed = page.request.get(url.replace("http://testserver", site)).text()
    assert "BEGIN:VTIMEZONE" in feed and "TZID:Europe/Berlin" in feed
    assert f"Modul {five.module.number}:" in feed and f"Modul {four.module.number}:" in feed

    # staff see the release confirmed and the details, only for planning
    page.goto(site + "/konto/logout/")
    page.locator("main form button[type=submit]").click()
    login(page, site, "team@example.org")
    page.get_by_role("link", name="Lehrbetrieb").click()
    _check(page, "staff-lehrbetrieb", width)
    page.get_by_role("link", name=cohort.name).click()
    expect(page.get_by_text("0 Freistellungen sind noch nicht bestätigt.")).to_be_visible()
    expect(page.get_by_role("cell", name="vegetarisch")).to_be_visible()
    _check(page, "staff-teilnehmende", width)
    page.get_by_role("link", name="Wahlmodule", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Wahlmodule –")
    _check(page, "staff-wahlmodule", width)


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)])
def test_supervisor_declines_then_participant_names_her_again(
    page: Page, site, smtp_server, django_user_model, width, height
):
    """The supervisor declines with a reason; the participant reads it on "Mein Programm" and
    asks the same person again; staff see "abgelehnt" and, before the deadline, no lottery."""
    from allauth.account.models import EmailAddress

    from kohorte.accounts.models import Membership
    from kohorte.catalog.models import Cohort
    from kohorte.teaching import services

    page.set_viewport_size({"width": width, "height": height})
    cohort = Cohort.objects.get(slug="jahrgang-2")
    tara = django_user_model.objects.create_user(
        "tara@bund.example", "pw", first_name="Tara", last_name="Teil"
    )
    staff = django_user_model.objects.create_user("team@example.org", "pw", is_staff=True)
    Membership.objects.create(user=staff, role="staff", program=cohort.program)
    for user in (tara, staff):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    participation = services.enrol_participant(cohort, tara)
    services.request_release(
        participation,
        name="Dr. Vera Vorgesetzt",
        role="Abteilungsleitung",
        email="vera@bund.example",
        actor=tara,
    )
    four, five = services.elective_runs(cohort)
    services.set_elective_round(
        cohort,
        actor=staff,
        choices_close_at=timezone.now() + timedelta(days=14),
        capacities={four.pk: 12, five.pk: 12},
    )
    link = delivered_link(
        smtp_server, "vera@bund.example", site, r"(https?://\S+/freistellung/\S+/)"
    )
    page.goto(link)
    page.get_by_text("Freistellung ablehnen", exact=True).first.click()  # the summary
    page.get_by_label("Begründung (freiwillig)").fill("Im März ist die Abteilung unterbesetzt.")
    _check(page, "freistellung-ablehnen", width)
    page.get_by_role("button", name="Freistellung ablehnen").click()
    expect(page.locator("h1")).to_have_text("Vielen Dank")
    expect(page.get_by_text("Sie haben die Freistellung von Tara Teil am")).to_be_visible()
    _check(page, "freistellung-abgelehnt", width)

    login(page, site, "tara@bund.example")
    page.goto(site + "/mein-programm/")
    expect(page.get_by_text("Dr. Vera Vorgesetzt hat Ihre Freistellung am")).to_be_visible()
    expect(page.get_by_text("Im März ist die Abteilung unterbesetzt.")).to_be_visible()
    expect(page.get_by_label("Dienstliche E-Mail-Adresse")).to_have_value("vera@bund.example")
    _check(page, "mein-programm-abgelehnt", width)
    page.get_by_role("button", name="Bitte um Bestätigung senden").click()
    expect(
        page.get_by_text("Wir haben Dr. Vera Vorgesetzt um die Bestätigung Ihrer Freistellung")
    ).to_be_visible()

    page.goto(site + "/konto/logout/")
    page.locator("main form button[type=submit]").click()
    login(page, site, "team@example.org")
    page.goto(site + f"/verwaltung/lehrbetrieb/{cohort.pk}/")
    expect(page.get_by_text("1 Freistellung ist noch nicht bestätigt.")).to_be_visible()
    page.goto(site + f"/verwaltung/lehrbetrieb/{cohort.pk}/wahlmodule/")
    expect(page.get_by_text("danach können Sie die Plätze verlosen")).to_be_visible()
    expect(page.get_by_role("button", name="Plätze jetzt verlosen")).to_have_count(0)
    _check(page, "staff-wahlmodule-offen", width)
