"""The completion rule is data: changing the rows changes the outcome, no code involved."""

import pytest

from kohorte.catalog import models as m
from kohorte.catalog.completion import evaluate_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule(demo_catalog):
    return m.CompletionRule.objects.select_related("cohort").get(cohort__slug="jahrgang-1")


def _ids(*numbers):
    return set(m.Module.objects.filter(number__in=numbers).values_list("id", flat=True))


def test_completion_four_mandatory_and_one_elective_completes(rule):
    result = evaluate_rule(rule, passed_module_ids=_ids(1, 2, 3, 6, 4), attendance_percent=90)
    assert result.met and result.missing == []
    assert result.ects == 15


def test_completion_missing_elective_is_named(rule):
    result = evaluate_rule(rule, passed_module_ids=_ids(1, 2, 3, 6), attendance_percent=100)
    assert not result.met
    assert result.missing == ["Es fehlt 1 Wahlmodul."]


def test_completion_missing_mandatory_module_is_named(rule):
    result = evaluate_rule(rule, passed_module_ids=_ids(1, 2, 3, 4, 5), attendance_percent=100)
    assert result.missing == [
        "Modul „Governance und Regulierung - die richtigen Rahmenbedingungen“ ist nicht bestanden."
    ]


def test_completion_attendance_threshold_is_data(rule):
    passed = _ids(1, 2, 3, 4, 6)
    assert not evaluate_rule(rule, passed_module_ids=passed, attendance_percent=79).met
    rule.attendance_threshold = 75
    rule.save()
    assert evaluate_rule(rule, passed_module_ids=passed, attendance_percent=79).met


def test_completion_changing_the_rule_rows_changes_the_outcome(rule):
    passed = _ids(1, 2, 3, 6, 4)
    rule.min_electives = 2
    rule.save()
    assert evaluate_rule(rule, passed_module_ids=passed, attendance_percent=100).missing == [
        "Es fehlt 1 Wahlmodul."
    ]
    rule.min_electives = 0
    rule.all_mandatory_required = False
    rule.min_ects = 12
    rule.save()
    rule.required_modules.set(m.Module.objects.filter(number=5))
    result = evaluate_rule(rule, passed_module_ids=_ids(1, 2, 3), attendance_percent=100)
    assert result.missing == [
        "Modul „KI in der Verwaltung - von der Idee zur Umsetzung“ ist nicht bestanden.",
        "9 von 12 ECTS-Punkten erreicht.",
    ]
