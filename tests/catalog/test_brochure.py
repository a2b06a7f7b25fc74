"""Issue 11.5: the public pages say what the brochure says, mark only what it does not say,
and the calendars tell the truth about their own time stamps and invented entries."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from kohorte.catalog import models as m

pytestmark = pytest.mark.django_db
P = "/ki-data-science"


def text(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_cohort_2024_page_shows_brochure_deadline_and_decision_date(client, demo_catalog):
    body = text(client.get(f"{P}/jahrgaenge/jahrgang-1/"))
    # The brochure: applications from the end of April until 15 June 2024, decision by 15 July.
    assert "Bewerbungszeitraum 29. April 2024 bis 15. Juni 2024" in body
    assert "Auswahlentscheidung und Information der Bewerber:innen bis 15. Juli 2024" in body
    assert "ca. 25 Plätze" in body
    en = text(client.get(f"/en{P}/jahrgaenge/jahrgang-1/"))
    assert "29 April 2024 to 15 June 2024" in en
    assert "by 15 July 2024" in en


def test_apply_page_honours_cohort_parameter(client, demo_catalog):
    body = text(client.get(f"{P}/bewerbung/?cohort=jahrgang-1"))
    assert "1. Jahrgang 2024-2025" in body
    assert "29. April 2024, 00:00 Uhr bis 15. Juni 2024, 23:59 Uhr (Berliner Zeit)" in body
    assert "bis 15. Juli 2024" in body and "Bewerbungsfrist abgelaufen" in body
    # An unknown cohort falls back to the featured one, never an error.
    current = m.Cohort.objects.get(slug="jahrgang-2")
    assert current.name_de in text(client.get(f"{P}/bewerbung/?cohort=nope"))


def test_brochure_facts_carry_no_assumption_mark(demo_catalog):
    module4 = m.Module.objects.get(program=demo_catalog, number=4)
    assert module4.kind == "elective" and module4.assumption_for("kind") is None
    for cohort in m.Cohort.objects.filter(program=demo_catalog):
        assert cohort.seats == 25 and cohort.seats_approximate
        assert cohort.assumption_for("seats") is None


def test_module_4_page_has_no_assumption_on_its_kind(client, demo_catalog):
    html = client.get(f"{P}/module/international-experiences/").content.decode()
    kind_row = re.search(r"<dt>Modulart</dt><dd>(.*?)</dd>", html).group(1)
    assert kind_row == "Wahlmodul"


def test_invented_talks_and_assumed_host_are_marked_everywhere(client, demo_catalog):
    talks = text(client.get(f"{P}/speaker-series/"))
    assert talks.count("Annahme") >= 3
    assert "ist ein erfundenes Beispiel der Demo" in talks
    person = text(client.get(f"{P}/personen/dinah-rabe/"))
    assert "Brown Bag Lunch" in person and "erfundenes Beispiel der Demo" in person
    host = text(client.get(f"{P}/personen/gerhard-hammerschmid/"))
    assert "Online-Informationsveranstaltung" in host
    assert "der Programmleiter als Gastgeber ist eine Annahme der Demo" in host
    info = text(client.get(f"{P}/infoveranstaltung/"))
    assert "der Programmleiter als Gastgeber ist eine Annahme der Demo" in info


def _calendar(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return [c for c in Calendar.from_ical(response.content).walk("VEVENT")]


def test_ical_description_marks_invented_talks_and_assumed_host(client, demo_catalog):
    events = _calendar(client, f"{P}/jahrgaenge/jahrgang-1/kalender.ics")
    by_summary = {str(e["SUMMARY"]): str(e["DESCRIPTION"]) for e in events}
    talk = by_summary["Brown Bag Lunch: KI-Verordnung in der Praxis"]
    assert "Annahme: Die Broschüre kündigt regelmäßige Mittagstermine an" in talk
    info = by_summary["Online-Informationsveranstaltung"]
    assert "Annahme: Wer die Informationsveranstaltung leitet" in info
    assert "Annahme: Die Broschüre sagt „Ende Mai“" in info


def test_ical_dtstamp_is_generation_time_never_future(client, demo_catalog):
    before = timezone.now().replace(microsecond=0)
    for url in [f"{P}/jahrgaenge/jahrgang-2/kalender.ics", f"{P}/module/einfuehrung/kalender.ics"]:
        for event in _calendar(client, url):
            stamp = event["DTSTAMP"].dt
            assert before - timedelta(seconds=1) <= stamp <= timezone.now() + timedelta(seconds=1)


def test_english_ical_links_to_english_pages(client, demo_catalog):
    events = _calendar(client, f"{P}/jahrgaenge/jahrgang-1/kalender.ics?lang=en")
    urls = {str(e["URL"]) for e in events}
    assert f"http://testserver/en{P}/module/einfuehrung/" in urls
    assert f"http://testserver/en{P}/speaker-series/" in urls
    assert all("/en/" in u for u in urls)
    german = {str(e["URL"]) for e in _calendar(client, f"{P}/jahrgaenge/jahrgang-1/kalender.ics")}
    assert f"http://testserver{P}/module/einfuehrung/" in german


def test_public_status_words_stay_internal(client, demo_catalog):
    body = text(client.get(f"{P}/jahrgaenge/"))
    assert "veröffentlicht" not in body
    assert "Bewerbung möglich" in body and "abgeschlossen" in body


def test_english_module_text_reads_as_english(client, demo_catalog):
    body = text(client.get(f"/en{P}/module/einfuehrung/"))
    for tell_tale in ["growing need of", "prepares a sober look", "Kind:"]:
        assert tell_tale not in body
    assert "Module type" in body
    apply = text(client.get(f"/en{P}/bewerbung/"))
    assert "Questions first?" not in apply
