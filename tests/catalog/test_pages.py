"""Public pages: their content in German and English, errors in the site's layout."""

import re

import pytest
from django.utils import timezone

from kohorte.catalog import models as m
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db
P = "/ki-data-science"


def text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_root_redirects_to_the_only_program(client, demo_catalog):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == f"{P}/"


def test_overview_shows_at_a_glance_facts_in_german(client, demo_catalog):
    response = client.get(f"{P}/")
    assert response.status_code == 200
    body = text(response)
    cohort = m.Cohort.objects.get(slug="jahrgang-2")
    for fact in [
        "Das Programm auf einen Blick",
        "primär Deutsch, Wahlmodul 4 und einzelne Sessions auf Englisch",
        "ca. 25",
        "4 Pflichtmodule + 2 Wahlmodule, jeweils 3 Tage, Mo-Mi oder Mi-Fr mit Anreisemöglichkeit",
        "Kostenlos (Teilnehmende müssen lediglich für ihre Reise-/Übernachtungskosten aufkommen)",
        "Hertie School und GovTech Campus in Berlin",
        "Jetzt bewerben",
        f"Die Bewerbungsphase für den {cohort.name_de} läuft.",
        "Auswahlentscheidung und Information der Bewerber:innen bis",
        "Annahme",
    ]:
        assert fact in body, fact
    assert 'lang="de"' in response.content.decode()


def test_overview_in_english(client, demo_catalog):
    response = client.get(f"/en{P}/")
    body = text(response)
    assert response.status_code == 200
    assert "AI and Data Science for Public Administration" in body
    assert "The programme at a glance" in body and "Apply now" in body
    assert "about 25" in body
    assert 'lang="en"' in response.content.decode()


def test_language_switch_links_to_same_page_in_other_language(client, demo_catalog):
    de = client.get(f"{P}/curriculum/").content.decode()
    assert f'href="/en{P}/curriculum/" hreflang="en"' in de
    en = client.get(f"/en{P}/curriculum/").content.decode()
    assert f'href="{P}/curriculum/" hreflang="de"' in en


def test_curriculum_lists_every_module_with_dates_place_lecturers(client, demo_catalog):
    body = text(client.get(f"{P}/jahrgaenge/jahrgang-1/"))
    for fragment in [
        "KI und Data Science in der Verwaltung - Eine Einführung",
        "25.–27. September 2024",
        "GovTech Campus, Berlin",
        "Prof. Dr. Gerhard Hammerschmid",
        "Lynn Kaack",
        "Dinah Rabe",
        "Vom Rohstoff zur KI-Anwendung - Der Daten-Lifecycle",
        "16.–18. Oktober 2024",
        "Hertie School, Berlin",
        "Simon Munzert",
        "Deep-Dive in die KI - Das maschinelle Lernen",
        "13.–15. November 2024",
        "AI and Data Science - International Experiences",
        "13.–15. Januar 2025",
        "Keegan McBride",
        "KI in der Verwaltung - von der Idee zur Umsetzung",
        "24.–26. Februar 2025",
        "Chris Schmitz",
        "Governance und Regulierung - die richtigen Rahmenbedingungen",
        "2.–4. April 2025",
        "KI-Campus, Heilbronn",
        "Boris Paal",
        "Markus Siewert",
        "Pflichtmodul",
        "Wahlmodul",
        "Englisch",
        "alle Pflichtmodule erfolgreich absolviert",
        "mindestens 1 Wahlmodul erfolgreich absolviert",
    ]:
        assert fragment in body, fragment
    assert body.count("Pflichtmodul") >= 4


def test_curriculum_in_english_has_translated_titles_and_dates(client, demo_catalog):
    body = text(client.get(f"/en{P}/jahrgaenge/jahrgang-1/"))
    for fragment in [
        "AI and Data Science in Public Administration - An Introduction",
        "25–27 September 2024",
        "13–15 January 2025",
        "Mandatory module",
        "Elective module",
        "AI Campus (KI-Campus), Heilbronn",
    ]:
        assert fragment in body, fragment


def test_curriculum_malformed_cohort_parameter_is_ignored(client, demo_catalog):
    for bad in ["%00", "x" * 500, "<script>", "jahrgang-1'--", "ünïcode"]:
        response = client.get(f"{P}/curriculum/?cohort={bad}")
        assert response.status_code == 200
        assert "2. Jahrgang" in text(response)


def test_curriculum_cohort_parameter_selects_cohort(client, demo_catalog):
    assert (
        "1. Jahrgang 2024-2025"
        in text(client.get(f"{P}/curriculum/?cohort=jahrgang-1")).split("Module und Termine")[0]
    )


def test_module_page_shows_sessions_and_lecturers(client, demo_catalog):
    body = text(client.get(f"{P}/module/international-experiences/?cohort=jahrgang-1"))
    assert "AI and Data Science - International Experiences" in body
    assert "Montag, 13. Januar 2025" in body and "09:00–17:00" in body
    assert "Keegan McBride" in body and "online" in body
    assert "Wahlmodul" in body and "Annahme" in body


def test_person_page_lists_modules(client, demo_catalog):
    body = text(client.get(f"{P}/personen/lynn-kaack/"))
    assert "Lynn Kaack" in body
    assert "Deep-Dive in die KI - Das maschinelle Lernen" in body
    assert "KI und Data Science in der Verwaltung - Eine Einführung" in body


def test_outcomes_apply_series_info_faq_contact_pages(client, demo_catalog):
    assert "ab der Ebene stellvertretender Referatsleitung" in text(client.get(f"{P}/lernziele/"))
    apply = text(client.get(f"{P}/bewerbung/"))
    for fragment in [
        "Lebenslauf",
        "Motivationsschreiben",
        "(1-2 Seiten)",
        "Empfehlungsschreiben",
        "Bewerbung möglich",
        "Auswahlkommission",
    ]:
        assert fragment in apply, fragment
    series = text(client.get(f"{P}/speaker-series/"))
    assert "Brown Bag Lunch" in series and "12:30–13:30 Uhr" in series
    assert "Informationsveranstaltung" in text(client.get(f"{P}/infoveranstaltung/"))
    assert "Brauche ich technische Vorkenntnisse?" in text(client.get(f"{P}/faq/"))
    contact = text(client.get(f"{P}/kontakt/"))
    assert "ki-zertifikat@hertie-school.org" in contact and "Dieter Schwarz Stiftung" in contact


def test_past_cohorts_page(client, demo_catalog):
    body = text(client.get(f"{P}/jahrgaenge/"))
    assert "Vergangene Jahrgänge" in body
    past = body.split("Vergangene Jahrgänge")[1]
    assert "1. Jahrgang 2024-2025" in past and "abgeschlossen" in past


def test_legal_pages_and_accessibility_statement_linked_everywhere(client, demo_catalog):
    for url in [f"{P}/", f"{P}/curriculum/", "/impressum/", "/datenschutz/"]:
        assert 'href="/barrierefreiheit/"' in client.get(url).content.decode()
    body = text(client.get("/barrierefreiheit/"))
    for fragment in [
        "teilweise vereinbar",
        "Nicht barrierefreie Inhalte",
        "Feedback und Kontakt",
        "Schlichtungsstelle",
        "§ 16 BGG",
        "Diese Erklärung wurde am 25. November 2026 erstellt",
        "BITV 2.0",
    ]:
        assert fragment in body, fragment
    assert "2026-11-25" not in body  # no ISO date in running text
    assert "Angaben gemäß § 5 DDG" in text(client.get("/impressum/"))
    assert "Ihre Rechte" in text(client.get("/datenschutz/"))


@pytest.mark.parametrize(
    "url",
    [
        f"{P}/module/gibt-es-nicht/",
        f"{P}/personen/niemand/",
        "/unbekannt/",
        f"{P}/jahrgaenge/gibt-es-nicht/",
        f"{P}/jahrgaenge/nope/kalender.ics",
        f"{P}/module/nope/kalender.ics",
        "/programm-x/curriculum/",
    ],
)
def test_unknown_urls_get_translated_404_in_layout(client, demo_catalog, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Seite nicht gefunden" in text(response)
    assert "Zum Inhalt springen" in text(response)


def test_unknown_url_in_english_gets_english_404(client, demo_catalog):
    response = client.get(f"/en{P}/module/gibt-es-nicht/")
    assert response.status_code == 404 and "Page not found" in text(response)


def test_person_without_teaching_in_program_is_404(client, demo_catalog):
    m.Person.objects.create(slug="fremd", first_name="A", last_name="B")
    assert client.get(f"{P}/personen/fremd/").status_code == 404


def test_post_to_public_page_is_refused(client, demo_catalog):
    assert client.post(f"{P}/").status_code == 405


def test_healthz_touches_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.content == b"ok"


def test_readyz_checks_database(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.content == b"ok"


def test_page_cache_is_invalidated_by_an_edit(client, demo_catalog):
    assert "Brauche ich technische Vorkenntnisse?" in text(client.get(f"{P}/faq/"))
    faq = demo_catalog.faqs.first()
    faq.question_de = "Geänderte Frage?"
    faq.save()
    assert "Geänderte Frage?" in text(client.get(f"{P}/faq/"))


def test_draft_cohort_is_not_public(client, demo_catalog):
    CohortFactory(
        program=demo_catalog,
        slug="entwurf",
        status="draft",
        applications_open_at=timezone.now() - timezone.timedelta(days=1),
    )
    assert client.get(f"{P}/jahrgaenge/entwurf/").status_code == 404
