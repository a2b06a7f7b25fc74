"""The demo loader: every brochure fact arrives, loading twice changes nothing, broken files
change nothing and say where they broke."""

from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from kohorte.catalog import models as m
from kohorte.catalog.loader import DEFAULT_DATA_FILE, DataFileError, load_catalog
from tests.factories import DATA_FILES

FACTS_FILE = DATA_FILES / "program-2024.yaml"
BROCHURE = DATA_FILES / "brochure-2024-de.txt"
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def facts():
    # The facts drawn from the customer's brochure (a copy in tests/data).
    assert FACTS_FILE.exists(), f"{FACTS_FILE} is missing: the brochure facts are the test oracle"
    return yaml.safe_load(FACTS_FILE.read_text())


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            m.Program,
            m.Cohort,
            m.Module,
            m.ModuleRun,
            m.Session,
            m.Event,
            m.Person,
            m.Location,
            m.Assumption,
            m.LearningOutcome,
        )
    }


def test_loader_program_facts_match_brochure(facts, demo_catalog):
    program = demo_catalog
    p = facts["program"]
    assert program.title_de == p["title_de"]
    assert program.title_en == p["title_en"]
    assert program.director == p["director"]
    assert program.contact_email == p["contact_email"]
    assert program.fee_eur == Decimal(p["fee_eur"])
    organisers = list(program.organisations.filter(role="organiser").values_list("name", flat=True))
    assert organisers == p["organisers"]
    partners = list(program.organisations.filter(role="partner").values_list("name", flat=True))
    assert [name.split(" (")[0] for name in partners] == [
        name.split(" (")[0] for name in p["partners"]
    ]
    assert program.organisations.get(role="funder").name == p["funder"]
    assert "stellvertretender Referatsleitung" in program.target_group_de
    for level in ("Bund", "Ländern", "Kommunen"):
        assert level in program.highlights.get(title_de__startswith="Behörden").text_de
    assert program.prerequisites_de == "Technische Vorkenntnisse sind ausdrücklich nicht notwendig."
    assert "EMPA" in program.credit_transfer_de
    assert "Reise-/Übernachtungskosten" in program.fee_note_de
    assert program.structure_de.startswith("4 Pflichtmodule + 2 Wahlmodule, jeweils 3 Tage")
    assert (
        program.teaching_languages_de
        == "primär Deutsch, Wahlmodul 4 und einzelne Sessions auf Englisch"
    )


def test_loader_learning_outcomes_match_brochure(facts, demo_catalog, brochure):
    outcomes = list(demo_catalog.learning_outcomes.values_list("text_de", flat=True))
    assert len(outcomes) == len(facts["learning_outcomes_de"]) == 6
    for text in outcomes:
        assert text in brochure
    assert all(demo_catalog.learning_outcomes.values_list("text_en", flat=True))


def test_loader_modules_dates_places_lecturers_match_brochure(facts, demo_catalog, brochure):
    cohort = m.Cohort.objects.get(slug="jahrgang-1")
    assert cohort.name_de == facts["cohort_2024"]["name"]
    assert cohort.seats == facts["program"]["seats"] and cohort.seats_approximate
    assert cohort.applications_close_at.astimezone(
        m.timezone.get_default_timezone()
    ).date() == date(2024, 6, 15)
    assert cohort.decision_on == date.fromisoformat(facts["application"]["decision_by"])
    runs = {r.module.number: r for r in cohort.runs.select_related("module", "location")}
    assert sorted(runs) == [1, 2, 3, 4, 5, 6]
    for expected in facts["cohort_2024"]["modules"]:
        run = runs[expected["n"]]
        assert run.module.title_de == expected["title"]
        assert [run.starts_on.isoformat(), run.ends_on.isoformat()] == expected["dates"]
        assert run.module.language == expected["language"]
        lecturers = [f"{p.first_name} {p.last_name}" for p in run.lecturers.order_by("last_name")]
        assert lecturers == expected["lecturers"]
        if expected["location"] == "online":
            assert run.is_online and run.location is None
        else:
            # one spelling for the place the brochure writes both ways (see the data file)
            assert f"{run.location.name_de}, {run.location.city}" == expected["location"].replace(
                "KI Campus", "KI-Campus"
            )
        # The short description is the brochure's own text.
        assert run.module.short_description_de.replace('"', "") in brochure.replace('"', "")
        assert run.module.short_description_en
        sessions = list(run.sessions.order_by("date"))
        assert sessions[0].date.isoformat() == expected["dates"][0]
        assert len(sessions) == 3
        assert (sessions[0].starts_at, sessions[0].ends_at) == (time(9), time(17))
    assert "Zertifikatsverleihung" in runs[6].note_de


def test_loader_marks_open_questions_as_assumptions(demo_catalog):
    modules = {mod.number: mod for mod in m.Module.objects.filter(program=demo_catalog)}
    assert modules[4].kind == modules[5].kind == "elective"
    assert modules[5].assumption_for("kind") is not None
    for mod in modules.values():
        assert mod.assumption_for("ects") is not None
        assert mod.assumption_for("grading") is not None
    rule = m.CompletionRule.objects.get(cohort__slug="jahrgang-1")
    assert (rule.all_mandatory_required, rule.min_electives) == (True, 1)
    assert rule.assumption_for("min_electives") and rule.assumption_for("attendance_threshold")
    cohort = m.Cohort.objects.get(slug="jahrgang-1")
    assert "Ende April" in cohort.assumption_for("applications_open_at").note_de
    info = m.Event.objects.get(cohort=cohort, kind="info_session")
    assert info.starts_at.month == 5 and "Ende Mai" in info.assumption_for("starts_at").note_de


def test_loader_speaker_series_is_online_at_lunchtime(demo_catalog):
    talks = m.Event.objects.filter(kind="speaker_series", cohort__slug="jahrgang-1")
    assert talks.count() == 3
    for talk in talks:
        local = m.timezone.localtime(talk.starts_at)
        assert talk.format == "online" and 11 <= local.hour <= 13
        assert talk.speakers.exists()


def test_loader_current_cohort_is_open_today(demo_catalog):
    cohort = m.Cohort.objects.get(slug="jahrgang-2")
    assert cohort.applications_are_open()
    runs = list(cohort.runs.select_related("module").order_by("starts_on"))
    assert [r.module.number for r in runs] == [1, 2, 3, 4, 5, 6]
    # The first cohort's rhythm: Wed–Fri, Wed–Fri, Wed–Fri, Mon–Wed, Mon–Wed, Wed–Fri.
    assert [r.starts_on.weekday() for r in runs] == [2, 2, 2, 0, 0, 2]
    assert all(cohort.starts_on <= r.starts_on <= r.ends_on <= cohort.ends_on for r in runs)
    assert cohort.decision_on > cohort.applications_close_at.date()


def test_loader_is_idempotent(demo_catalog):
    before = _counts()
    uids = set(m.Session.objects.values_list("uid", flat=True))
    load_catalog()
    assert _counts() == before
    assert set(m.Session.objects.values_list("uid", flat=True)) == uids


def _broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = DEFAULT_DATA_FILE.read_text()
    assert old in text
    path = tmp_path / "broken.yaml"
    path.write_text(text.replace(old, new, 1))
    return path


def test_loader_broken_value_names_file_and_line_and_changes_nothing(tmp_path, demo_catalog):
    before = _counts()
    title_before = m.Program.objects.get().title_de
    # Late in the file, so that the program and modules were already written when it fails.
    path = _broken_copy(tmp_path, "decision_on: 2024-07-15", "decision_on: 15.07.2024")
    with pytest.raises(DataFileError) as error:
        load_catalog(path)
    line = next(
        i for i, text in enumerate(path.read_text().splitlines(), 1) if "15.07.2024" in text
    )
    assert error.value.path == str(path)
    assert error.value.line == line
    assert "decision_on" in error.value.reason
    assert _counts() == before
    assert m.Program.objects.get().title_de == title_before


def test_loader_yaml_syntax_error_names_line(tmp_path, db):
    path = _broken_copy(tmp_path, "  slug: ki-data-science\n", "  slug: [ki-data-science\n")
    with pytest.raises(DataFileError) as error:
        load_catalog(path)
    assert error.value.line is not None and error.value.line > 10
    assert m.Program.objects.count() == 0


def test_loader_unknown_reference_is_refused(tmp_path, db):
    path = _broken_copy(tmp_path, "lecturers: [simon-munzert]", "lecturers: [simon-munzertt]")
    with pytest.raises(DataFileError, match="unknown entry 'simon-munzertt'"):
        load_catalog(path)
    assert m.Module.objects.count() == 0


def test_loader_invalid_model_data_is_refused(tmp_path, db):
    path = _broken_copy(tmp_path, "ends_on: 2024-09-27", "ends_on: 2024-09-20")
    with pytest.raises(DataFileError, match="invalid modulerun"):
        load_catalog(path)
    assert m.ModuleRun.objects.count() == 0
