"""iCal feeds, parsed back with icalendar."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
P = "/ki-data-science"


def _events(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(response.content)
    return cal, [c for c in cal.walk("VEVENT")]


def test_cohort_calendar_has_every_day_and_talk(client, demo_catalog):
    cal, events = _events(client.get(f"{P}/jahrgaenge/jahrgang-1/kalender.ics"))
    # 6 modules x 3 days, plus the info session and 3 speaker-series talks.
    assert len(events) == 18 + 4
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    first = min(events, key=lambda e: e["DTSTART"].dt)
    assert first["DTSTART"].params["TZID"] == "Europe/Berlin"
    starts = sorted(e["DTSTART"].dt for e in events if str(e["SUMMARY"]).startswith("Modul"))
    assert starts[0] == datetime(2024, 9, 25, 9, 0, tzinfo=BERLIN)
    assert starts[-1] == datetime(2025, 4, 4, 9, 0, tzinfo=BERLIN)
    module1 = [e for e in events if str(e["SUMMARY"]).startswith("Modul 1:")]
    assert [e["DTSTART"].dt.date() for e in module1] == [
        date(2024, 9, 25),
        date(2024, 9, 26),
        date(2024, 9, 27),
    ]
    assert module1[0]["DTEND"].dt.time() == time(17, 0)
    assert str(module1[0]["LOCATION"]) == "GovTech Campus, Berlin"
    assert "Dozierende: Prof. Dr. Gerhard Hammerschmid, Lynn Kaack, Dinah Rabe" in str(
        module1[0]["DESCRIPTION"]
    )
    online = [e for e in events if str(e["SUMMARY"]).startswith("Modul 4:")]
    assert {str(e["LOCATION"]) for e in online} == {"online"}
    for event in events:
        assert str(event["LOCATION"]) and str(event["DESCRIPTION"])
    talks = [e for e in events if "Brown Bag" in str(e["SUMMARY"])]
    assert talks[0]["DTSTART"].dt.hour == 12


def test_calendar_uids_are_stable_across_exports(client, demo_catalog):
    from kohorte.catalog.loader import load_catalog

    url = f"{P}/jahrgaenge/jahrgang-1/kalender.ics"
    _, first = _events(client.get(url))
    load_catalog()  # a re-load must not change the UIDs either
    _, second = _events(client.get(url))
    uids = [str(e["UID"]) for e in first]
    assert len(set(uids)) == len(uids)
    assert uids == [str(e["UID"]) for e in second]


def test_calendar_in_english(client, demo_catalog):
    _, events = _events(client.get(f"{P}/jahrgaenge/jahrgang-1/kalender.ics?lang=en"))
    assert any(
        str(e["SUMMARY"]) == "Module 2: From Raw Material to AI Application - The Data Lifecycle"
        for e in events
    )


def test_module_calendar_spans_cohorts(client, demo_catalog):
    _, events = _events(client.get(f"{P}/module/einfuehrung/kalender.ics"))
    assert len(events) == 6
    assert {e["DTSTART"].dt.year for e in events} >= {2024}


def test_empty_cohort_gives_valid_empty_calendar(client, demo_catalog):
    CohortFactory(program=demo_catalog, slug="leer")
    cal, events = _events(client.get(f"{P}/jahrgaenge/leer/kalender.ics"))
    assert events == []
    assert cal["VERSION"] == "2.0"


def test_vtimezone_covers_the_years_of_the_events(client, demo_catalog):
    """Not icalendar's default span 1970–2038: the zone's rules from the first event's year to
    the last one's."""
    response = client.get(f"{P}/jahrgaenge/jahrgang-1/kalender.ics")
    cal, events = _events(response)
    (zone,) = cal.walk("VTIMEZONE")
    starts = [sub["DTSTART"].dt for sub in zone.subcomponents]
    years = {e["DTSTART"].dt.year for e in events}
    assert min(starts).year == min(years)
    assert (min(starts).month, min(starts).day) == (1, 1)
    assert max(s.year for s in starts) <= max(years)
    assert response.content.index(b"BEGIN:VTIMEZONE") < response.content.index(b"BEGIN:VEVENT")
