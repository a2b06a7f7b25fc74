"""Every sentence the optimiser writes about a person, in German and English, on hard cases,
and the demo's cohort (cap 3 per authority)."""

import pytest

from kohorte.selection.engine.cohort import Applicant, Constraints, explain, solve
from kohorte.selection.explanations import sentence


def details(applicants, c, seed=0):
    result = solve(applicants, c, seed=seed)
    why = explain(applicants, c, result)
    return {
        key: {
            "selected": e.selected,
            "reason": e.reason,
            "margin": e.margin,
            "needed": e.needed,
            "blocked_by": e.blocked_by,
            "facts": e.facts,
        }
        for key, e in why.items()
    }


def both(detail, lock_reason=""):
    return sentence(detail, lock_reason, language="de"), sentence(
        detail, lock_reason, language="en"
    )


def test_the_cap_per_authority_is_named_not_the_seats():
    # three colleagues of one authority are in; a fourth scores above the lowest selected
    applicants = [
        Applicant("s1", 4.8, "bund", "Statistisches Bundesamt"),
        Applicant("s2", 4.7, "bund", "statistisches bundesamt"),
        Applicant("s3", 4.6, "bund", "Statistisches  Bundesamt "),
        Applicant("s4", 4.5, "bund", "Statistisches Bundesamt"),
        Applicant("o1", 4.0, "land", "LfSt"),
        Applicant("o2", 3.0, "land", "LfD"),
    ]
    d = details(applicants, Constraints(seats=4, max_per_authority=3))
    assert d["s4"]["blocked_by"] == ["max_per_authority"]
    assert both(d["s4"]) == (
        "Nicht ausgewählt. Mit 0,11 Punkten mehr wäre die Person im Vorschlag; es hält sie "
        "heraus: 3 Personen derselben Behörde sind ausgewählt; höchstens 3 je Behörde.",
        "Not selected. With 0.11 more points this person would be in the proposal; what keeps "
        "them out: 3 people from the same authority are selected; at most 3 per authority.",
    )
    assert both(d["o2"]) == (
        "Nicht ausgewählt. Mit 1,01 Punkten mehr wäre die Person im Vorschlag; es hält sie "
        "heraus: die Zahl der Plätze (4 Plätze, alle vergeben).",
        "Not selected. With 1.01 more points this person would be in the proposal; what keeps "
        "them out: the number of seats (4 seats, all taken).",
    )
    # o1 could fall by 1.00 before o2 (3.00) would take the place; s4 cannot (the cap)
    assert both(d["o1"]) == (
        "Ausgewählt mit einem Abstand von 1,00 Punkten: um so viel könnte die kalibrierte Note "
        "sinken, bevor eine andere Auswahl besser wäre.",
        "Selected with a margin of 1.00 points: the calibrated score could fall by this much "
        "before another selection would be better.",
    )


def test_level_and_gender_bounds_and_the_lottery():
    applicants = [
        Applicant("k1", 4.0, "kommune", "Stadt A", "female"),
        Applicant("k2", 3.9, "kommune", "Stadt B", "female"),
        Applicant("b1", 2.0, "bund", "BMI", "male"),
        Applicant("l1", 3.5, "land", "LfSt", "male"),
        Applicant("l2", 3.5, "land", "LfD", "male"),
    ]
    c = Constraints(
        seats=3, level_min={"bund": 1}, level_max={"kommune": 1}, gender_max={"male": 2}
    )
    d = details(applicants, c, seed=4)
    assert d["k2"]["blocked_by"] == ["level_max:kommune"]
    assert both(d["k2"]) == (
        "Nicht ausgewählt. Mit 0,11 Punkten mehr wäre die Person im Vorschlag; es hält sie "
        "heraus: 1 Person der Ebene „Kommune“ ist ausgewählt; höchstens 1.",
        "Not selected. With 0.11 more points this person would be in the proposal; what keeps "
        "them out: 1 person at the level “Local (Kommune)” is selected; at most 1.",
    )
    # l1 and l2 tie: the lottery decides, and that is what the sentence says
    out = "l1" if d["l1"]["selected"] is False else "l2"
    assert d[out]["blocked_by"] == ["lottery"]
    assert both(d[out]) == (
        "Nicht ausgewählt. Mit 0,01 Punkten mehr wäre die Person im Vorschlag; es hält sie "
        "heraus: das Los unter gleich guten Vorschlägen.",
        "Not selected. With 0.01 more points this person would be in the proposal; what keeps "
        "them out: the lottery among equally good proposals.",
    )
    # b1 is in only for the federal minimum
    assert d["b1"]["reason"] == "required"
    assert both(d["b1"])[0] == (
        "Ausgewählt, weil ohne diese Person die Mindestzahl für die Ebene „Bund“ nicht "
        "einzuhalten wäre."
    )


@pytest.mark.django_db
def test_the_demo_cohort_names_the_cap_per_authority(settings, tmp_path):
    """Issue 12: in the demo (cap 3 per authority) applicants scoring above the lowest selected
    person, with three colleagues of their authority selected, were told "die Zahl der
    Plätze"."""
    settings.DATA_DIR = tmp_path
    from kohorte.catalog.models import Cohort
    from kohorte.demo import load_demo
    from kohorte.selection.engine.cohort import _authority_key
    from kohorte.selection.models import Proposal

    load_demo()
    proposal = Proposal.current(Cohort.objects.get(slug="jahrgang-2"))
    data = proposal.data
    result = data["result"]
    rows = {r["id"]: r for r in data["applicants"]}
    selected = [rows[k] for k in result["selected"]]
    lowest = min(r["score"] for r in selected)
    capped = []
    for key, detail in result["details"].items():
        row = rows[key]
        if detail["selected"] or detail["reason"] != "score" or row["score"] <= lowest:
            continue
        colleagues = sum(
            _authority_key(r["authority"]) == _authority_key(row["authority"]) for r in selected
        )
        assert colleagues == 3, key  # above the lowest selected: only the cap keeps them out
        assert "max_per_authority" in detail["blocked_by"]
        assert detail["facts"]["max_per_authority"]["count"] == 3
        assert (
            "3 Personen derselben Behörde sind ausgewählt; höchstens 3 je Behörde"
            in result["explanations"][key]
        )
        assert "die Zahl der Plätze" not in result["explanations"][key]
        capped.append(key)
    assert len(capped) >= 2


@pytest.mark.parametrize(
    ("offset", "words"),
    [
        (0.4298, "bewertet 0,43 Punkte über"),
        (-0.4251, "bewertet 0,43 Punkte unter"),
        (0.4649, "bewertet 0,46 Punkte über"),
        (-0.0999, "bewertet wie die Kolleg:innen"),
    ],
)
def test_the_offset_sentence_rounds_as_the_table_does(offset, words):
    """The reliability page's sentence and its table show the same number (the table rounds)."""
    from kohorte.selection.explanations import offset_sentence
    from kohorte.selection.templatetags.selection import points

    text = offset_sentence("Karl Kessler", offset, 12)
    assert f"Karl Kessler {words}" in text
    if "Punkte" in words:
        assert points(abs(offset)) in text


def test_the_margin_in_a_sentence_is_rounded_not_cut():
    detail = {"reason": "score", "selected": True, "margin": 0.2999, "blocked_by": []}
    assert "Abstand von 0,30 Punkten" in sentence(detail, language="de")
