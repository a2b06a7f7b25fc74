"""The staff completion matrix, made fast (issue 14's benchmark): the rows written in one pass
equal the template loop they replaced, attendance counted in SQL equals counting the marks,
shared states and judgements give every person the verdict of their own standing, and the page
reads the rule and the runs once."""

import random
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from kohorte.assessments import services
from kohorte.assessments.completion import (
    Cell,
    Judgement,
    Standing,
    State,
    Verdict,
    standing,
    standings,
)
from kohorte.assessments.views.progress import matrix_rows_html
from kohorte.catalog.completion import CompletionResult
from kohorte.catalog.models import Session
from kohorte.teaching.models import Attendance
from kohorte.teaching.services import enrol_participant
from kohorte.teaching.services.attendance import Rate, attendance_summaries

from .test_completion import attend, complete_all, grade

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cohort, team):
    """An assessment per run of the cohort (due in a week), as in test_completion."""
    runs = list(cohort.runs.select_related("module").order_by("starts_on", "pk"))
    due = timezone.now() + timedelta(days=7)
    assessments = {
        r.pk: services.create_assessment(r, actor=team, kind="paper", task="t", due_at=due)
        for r in runs
    }
    return {
        "runs": runs,
        "mandatory": [r for r in runs if r.module.kind == "mandatory"],
        "electives": [r for r in runs if r.module.kind != "mandatory"],
        "assessments": assessments,
    }


# the table rows of assessments/completion_matrix.html before they were written in Python
OLD_LOOP = """{% load i18n %}{% for s in rows %}
  <tr class="kern-table__row">
    <th scope="row" class="kern-table__cell"><a class="kern-link" href="{{ person_base }}{{ s.participation.pk }}/">{{ s.participation.name }}</a></th>
    {{ s.cells_html }}
    <td class="kern-table__cell">{% if s.attendance.rate is None %}{% translate "noch nicht erfasst" %}{% else %}{{ s.attendance.rate|floatformat:0 }} %{% if s.attendance.below %} ({% translate "unter der Schwelle" %}){% endif %}{% endif %}</td>
    <td class="kern-table__cell">{{ s.judgement.result.ects|floatformat:"-1" }}</td>
    <td class="kern-table__cell">{% if s.badge %}<strong class="kern-badge kern-badge--{{ s.badge }} kern-badge--small">{{ s.judgement.verdict_label }}</strong>{% else %}{{ s.judgement.verdict_label }}{% endif %}</td>
  </tr>
  {% endfor %}"""

WORDS = ["bestanden", "bestanden (1,3)", "nicht belegt", "offen bis 5. Januar 2027", "<b>&</b>"]


def _standing(rng, pk):
    rate = Rate(
        attended=rng.choice([0, 1, 2, 13]),
        excused=rng.choice([0, 1]),
        absent=rng.choice([0, 0, 1, 3]),
        threshold=rng.choice([None, 80]),
    )
    result = CompletionResult(met=False, ects=rng.choice([Decimal(0), Decimal("7.5"), 15]))
    cells = [Cell(run, State.PASSED, rng.choice(WORDS)) for run in range(6)]
    person = SimpleNamespace(pk=pk, name=rng.choice(["Tara Teil", "<script>x</script> O'Neil"]))
    return Standing(person, Judgement(rng.choice(list(Verdict)), result), cells, rate, None)


@pytest.mark.parametrize("language", ["de", "en"])
def test_matrix_rows_html_writes_what_the_template_loop_wrote(language):
    rng = random.Random(14)
    rows = [_standing(rng, pk) for pk in range(1, 80)]
    for s in rows:  # the cells as the view joined them before
        s.cells_html = mark_safe(
            "".join(format_html('<td class="kern-table__cell">{}</td>', c.words) for c in s.cells)
        )
    base = "/verwaltung/abschluss/3/"
    with translation.override(language):
        expected = Template(OLD_LOOP).render(Context({"rows": rows, "person_base": base}))
        assert matrix_rows_html(rows, base) == expected
    assert "&lt;script&gt;" in expected and "&lt;b&gt;&amp;&lt;/b&gt;" in expected
    assert ("below the threshold" in expected) == (language == "en")
    assert matrix_rows_html([], base) == ""


def test_attendance_counted_in_sql_equals_counting_the_marks(cohort, participant, world):
    statuses = [s.value for s in Attendance.Status]
    rng = random.Random(3)
    for session in Session.objects.filter(run__in=world["runs"][:3]):
        status = rng.choice(statuses)
        Attendance.objects.create(
            session=session,
            participation=participant,
            status=status,
            reason="krank" if status == "excused" else "",
            source="staff",
            recorded_at=timezone.now(),
        )
    expected_by_run: dict[int, Rate] = {}
    expected = Rate(threshold=80)
    for status, run_id in Attendance.objects.values_list("status", "session__run_id"):
        expected.add(status)
        expected_by_run.setdefault(run_id, Rate(threshold=80)).add(status)
    assert expected.counted and expected.excused + expected.counted > 3
    summary = attendance_summaries(cohort, 80)[participant.pk]
    assert summary.overall == expected and summary.by_run == expected_by_run
    overall_only = attendance_summaries(cohort, 80, by_run=False)[participant.pk]
    assert overall_only.overall == expected and overall_only.by_run == {}


def test_shared_states_and_judgements_give_each_person_their_own_verdict(
    world, cohort, participant, other_participant, team, django_user_model
):
    complete_all(world, participant)
    complete_all(world, other_participant, elective=1)
    attend(other_participant, world["mandatory"][0], ["absent", "absent", "present"])
    past = timezone.now() - timedelta(days=1)
    people = [participant, other_participant]
    for i in range(8):
        user = django_user_model.objects.create_user(f"s{i}@bund.example", "x", last_name=f"S{i}")
        p = enrol_participant(cohort, user, actor=user)
        people.append(p)
        if i % 3 == 0:
            complete_all(world, p, elective=i % 2)
        elif i % 3 == 1:
            grade(world["assessments"][world["mandatory"][0].pk], p, "failed")
    world["assessments"][world["mandatory"][1].pk].__class__.objects.filter(
        pk=world["assessments"][world["mandatory"][1].pk].pk
    ).update(due_at=past)
    together = {s.participation.pk: s for s in standings(cohort, sentences=False)}
    verdicts = set()
    for p in people:
        alone = standing(p)
        mine = together[p.pk]
        verdicts.add(mine.verdict)
        assert mine.verdict == alone.verdict, p
        assert [c.words for c in mine.cells] == [c.words for c in alone.cells]
        assert mine.judgement.result == alone.judgement.result
        assert mine.attendance.rate == alone.attendance.rate
    assert {Verdict.MET, Verdict.AT_RISK} <= verdicts and len(verdicts) >= 3


def test_matrix_reads_the_rule_and_the_runs_once(client, world, cohort, participant, team):
    complete_all(world, participant)
    client.force_login(team)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(f"/verwaltung/abschluss/{cohort.pk}/").content.decode()
    assert "Tara Teil" in body
    sql = [q["sql"] for q in queries.captured_queries]
    runs = [q for q in sql if q.startswith('SELECT "catalog_modulerun"."id"')]
    rules = [q for q in sql if 'FROM "catalog_completionrule"' in q]
    assert len(runs) == 1 and len(rules) == 1
