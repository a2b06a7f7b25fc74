"""The completion engine over generated cases: its verdict equals a plain reading of the rule
written here separately, every "missing" sentence names a real gap, and nothing that is met
gets a sentence."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from kohorte.assessments.completion import ModuleState, State, Verdict, judge
from kohorte.catalog.completion import ModuleFacts

DUE = datetime(2027, 1, 5, 22, 59, tzinfo=UTC)  # 5. Januar 2027, 23:59 Uhr in Berlin
TAKEN_STATES = [s for s in State if s != State.NOT_TAKEN]
RISKY = {State.FAILED_RESIT, State.FAILED_FINAL, State.OVERDUE}


@st.composite
def cases(draw):
    count = draw(st.integers(1, 6))
    states = []
    for i in range(count):
        mandatory = draw(st.booleans())
        facts = ModuleFacts(
            i + 1, f"Titel {i + 1}", mandatory, Decimal(draw(st.sampled_from([0, 3, 5])))
        )
        state = draw(st.sampled_from(TAKEN_STATES if mandatory else list(State)))
        due = (
            DUE
            if state in {State.OPEN, State.OVERDUE}
            or (state == State.FAILED_RESIT and draw(st.booleans()))
            else None
        )
        attempt = draw(st.integers(1, 2))
        states.append(
            ModuleState(
                facts,
                state,
                grade="1,3" if state == State.PASSED else "",
                due=due,
                attempt=attempt,
                attempts_left=1 if state == State.FAILED_RESIT else 0,
            )
        )
    threshold = draw(st.integers(0, 100))
    attendance = draw(
        st.one_of(
            st.none(),
            st.just(float(threshold)),  # exactly at the threshold: met
            st.just(threshold - 0.5),  # just below: not met
            st.floats(0, 100),
        )
    )
    return {
        "states": states,
        "required_module_ids": set(draw(st.lists(st.integers(1, count), max_size=2, unique=True))),
        "all_mandatory_required": draw(st.booleans()),
        "min_electives": draw(st.integers(0, 3)),
        "min_ects": draw(
            st.one_of(st.none(), st.sampled_from([Decimal(0), Decimal(5), Decimal(10)]))
        ),
        "attendance_threshold": threshold,
        "attendance_percent": attendance,
        "decided": draw(st.booleans()),
    }


def plain_reading(case):
    """The regulation read word by word: what is needed, what is passed, what can still be."""
    states = case["states"]
    needed = set(case["required_module_ids"]) | (
        {m.module.id for m in states if m.module.mandatory}
        if case["all_mandatory_required"]
        else set()
    )
    passed = {m.module.id for m in states if m.state == State.PASSED}
    possible = {m.module.id for m in states if m.state not in {State.FAILED_FINAL, State.NOT_TAKEN}}
    own_electives = [
        m
        for m in states
        if not m.module.mandatory and m.module.id not in needed and m.state != State.NOT_TAKEN
    ]
    attendance = case["attendance_percent"]
    attendance_ok = attendance is None or attendance >= case["attendance_threshold"]

    def ects(ids):
        return sum((m.module.ects for m in states if m.module.id in ids), Decimal(0))

    electives_short = sum(1 for m in own_electives if m.module.id in passed) < case["min_electives"]
    ects_short = case["min_ects"] is not None and ects(passed) < case["min_ects"]
    met = needed <= passed and not electives_short and not ects_short and attendance_ok
    still = (
        needed <= possible
        and sum(1 for m in own_electives if m.module.id in possible) >= case["min_electives"]
        and (case["min_ects"] is None or ects(possible) >= case["min_ects"])
    )
    gaps = [m for m in states if m.module.id in needed and m.module.id not in passed]
    if electives_short:
        gaps += [m for m in own_electives if m.module.id not in passed]
    if case["decided"]:
        verdict = Verdict.COMPLETED
    elif met:
        verdict = Verdict.MET
    elif not still:
        verdict = Verdict.CANNOT
    elif not attendance_ok or any(m.state in RISKY for m in gaps):
        verdict = Verdict.AT_RISK
    else:
        verdict = Verdict.ON_TRACK
    return verdict, gaps, electives_short, ects_short, not attendance_ok


@given(cases())
def test_engine_verdict_matches_the_plain_reading(case):
    with translation.override("de"):
        judgement = judge(**case)
    assert judgement.verdict == plain_reading(case)[0]


@given(cases())
def test_engine_every_missing_sentence_names_a_real_gap(case):
    with translation.override("de"):
        judgement = judge(**case)
    _verdict, gaps, electives_short, ects_short, attendance_short = plain_reading(case)
    gap_titles = {f"„{m.module.title}“" for m in gaps}
    all_titles = {f"„{m.module.title}“" for m in case["states"]}
    general = []
    for sentence in judgement.missing:
        named = {t for t in all_titles if t in sentence}
        if named:
            assert len(named) == 1 and named <= gap_titles, (sentence, gap_titles)
        else:
            general.append(sentence)
    # every module gap has its sentence, with the deadline where one is set
    for m in gaps:
        sentence = next(s for s in judgement.missing if f"„{m.module.title}“" in s)
        if m.due is not None and m.state in {State.OPEN, State.OVERDUE, State.FAILED_RESIT}:
            assert "5. Januar 2027, 23:59 Uhr" in sentence
        if m.state == State.FAILED_FINAL:
            assert "kann nicht mehr bestanden werden" in sentence
        if m.state == State.FAILED_RESIT:
            assert "Wiederholung" in sentence
        kind = "Pflichtmodul" if m.module.mandatory else "Wahlmodul"
        assert kind in sentence
    # the sentences about no single module: exactly the conditions that fall short
    expected = []
    if electives_short:
        expected.append("Wahlmodul")
    if ects_short:
        expected.append("ECTS-Punkten")
    if attendance_short:
        expected.append("Anwesenheit")
    assert len(general) == len(expected)
    for sentence, word in zip(general, expected, strict=True):
        assert word in sentence
    if judgement.result.met:
        assert judgement.missing == []


def test_engine_attendance_at_the_threshold_is_met_and_below_is_not():
    module = ModuleState(ModuleFacts(1, "Titel 1", True, Decimal(5)), State.PASSED, grade="1,0")
    rule = {
        "states": [module],
        "required_module_ids": set(),
        "all_mandatory_required": True,
        "min_electives": 0,
        "min_ects": None,
        "attendance_threshold": 80,
    }
    with translation.override("de"):
        at = judge(attendance_percent=80.0, **rule)
        below = judge(attendance_percent=79.9, **rule)
    assert at.verdict == Verdict.MET and at.missing == []
    assert below.verdict == Verdict.AT_RISK
    assert below.missing == ["Die Anwesenheit liegt bei 79,9 %, unter der Schwelle von 80 %."]


def test_engine_open_elective_names_module_and_deadline():
    states = [
        ModuleState(ModuleFacts(1, "Grundlagen", True, Decimal(3)), State.PASSED, grade="1,7"),
        ModuleState(
            ModuleFacts(2, "KI in der Verwaltung", False, Decimal(3)),
            State.OPEN,
            due=DUE + timedelta(0),
        ),
    ]
    with translation.override("de"):
        judgement = judge(
            states=states,
            required_module_ids=set(),
            all_mandatory_required=True,
            min_electives=1,
            min_ects=None,
            attendance_threshold=80,
            attendance_percent=None,
        )
    assert judgement.verdict == Verdict.ON_TRACK
    assert judgement.missing == [
        "Es fehlt noch 1 bestandenes Wahlmodul.",
        "Es fehlt noch: die Prüfungsleistung im Wahlmodul „KI in der Verwaltung“, fällig am "
        "5. Januar 2027, 23:59 Uhr.",
    ]
    assert judgement.done == [
        "Pflichtmodul „Grundlagen“ bestanden (1,7).",
        "3 ECTS-Punkte erreicht.",
    ]


def test_engine_failed_without_attempts_cannot_complete():
    states = [
        ModuleState(ModuleFacts(1, "Governance", True, Decimal(3)), State.FAILED_FINAL, attempt=2),
    ]
    with translation.override("de"):
        judgement = judge(
            states=states,
            required_module_ids=set(),
            all_mandatory_required=True,
            min_electives=0,
            min_ects=None,
            attendance_threshold=80,
            attendance_percent=95.0,
        )
    assert judgement.verdict == Verdict.CANNOT
    assert judgement.missing == [
        "Das Pflichtmodul „Governance“ kann nicht mehr bestanden werden: Auch der 2. Versuch "
        "ist nicht bestanden."
    ]
