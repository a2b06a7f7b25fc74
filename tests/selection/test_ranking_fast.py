"""The ranking's fast path (issue 12, item 9) gives what the reference computation gives.

``ranking_page`` (only the page's rows, a per-process table) against ``ranking_rows`` +
``filter_rows`` (every row, the code the committee report and the exports use);
``committee_numbers`` (raw rows, a per-process object) against the ORM query and the fit;
``table_rows_html`` against the template loop the ranking page used before. Random data with
many exact ties and near-ties (scores on a coarse grid, a hundredth apart)."""

import itertools
import random
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import FloatField
from django.db.models.functions import Cast
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from kohorte.accounts.models import User
from kohorte.admissions.models import Application
from kohorte.selection import scoring
from kohorte.selection.engine import calibration
from kohorte.selection.models import Assignment, Conflict, Decision, Lock, Review
from kohorte.selection.ranking import (
    Row,
    filter_rows,
    points,
    ranking_page,
    ranking_rows,
    table_rows_html,
)
from kohorte.selection.templatetags.selection import points as points_filter

pytestmark = pytest.mark.django_db

# the ranking table's body as ranking.html wrote it before the fast path (its loop, verbatim)
OLD_LOOP = """{% load i18n selection %}{% for r in page %}
  <tr class="kern-table__row">
    <td class="kern-table__cell num">{{ r.rank|default:"–" }}</td>
    <td class="kern-table__cell"><a class="kern-link" href="{% url 'selection:application' cohort_id=cohort.pk pk=r.pk %}">{{ r.name }}</a>{% if r.lock %} <span class="tag">{% if r.lock == "in" %}{% translate "gesetzt" %}{% else %}{% translate "ausgeschlossen" %}{% endif %}</span>{% endif %}</td>
    <td class="kern-table__cell">{{ r.authority|default:"–" }}</td>
    <td class="kern-table__cell">{{ r.level_label|default:"–" }}</td>{% if show_gender %}
    <td class="kern-table__cell">{{ r.gender_label|default:"–" }}</td>{% endif %}
    <td class="kern-table__cell">{% if r.eligible %}{% translate "erfüllt" %}{% else %}<strong>{% translate "nicht erfüllt" %}</strong>{% endif %}</td>
    <td class="kern-table__cell num">{{ r.reviews }}</td>
    <td class="kern-table__cell num">{{ r.raw|points }}</td>
    <td class="kern-table__cell num">{% if r.calibrated is not None %}<strong>{{ r.calibrated|points }}</strong> ± {{ r.stderr|points }}{% else %}–{% endif %}</td>
    <td class="kern-table__cell num">{{ r.spread|points }}{% if r.flagged %} <strong class="tag tag--warn">{% translate "diskutieren" %}</strong>{% endif %}</td>
    <td class="kern-table__cell">{{ r.decision_label|default:"–" }}</td>
  </tr>
  {% endfor %}"""


def _random_cohort(cohort, chair, reviewers, rng, n=90):
    """``n`` submitted applications (a few ineligible, without a name, withdrawn), 2–3 reviews
    each on a coarse grid with near-ties, some without reviews; decisions, locks and
    conflicts of the chair."""
    now = timezone.now()
    users = User.objects.bulk_create(
        User(email=f"zufall{i}@bund.example", password="!") for i in range(n)
    )
    applications = Application.objects.bulk_create(
        Application(
            cohort=cohort,
            applicant=u,
            status="withdrawn" if i % 29 == 0 else "submitted",
            first_name="" if i % 31 == 0 else f"Vor{i % 7}",
            last_name="" if i % 31 == 0 else f"Name <{i % 11}> & Co",
            authority=rng.choice(["Amt A", "Amt „B“", "", "Stadt O'Hara"]),
            federal_level=rng.choice(["bund", "land", "kommune"]),
            authority_kind="obere",
            leadership_level=3,
            gender=rng.choice(["female", "male", ""]),
            submitted_at=now,
            is_complete=True,
            is_eligible=rng.random() > 0.2,
        )
        for i, u in enumerate(users)
    )
    grid = [Decimal("2.50"), Decimal("3.00"), Decimal("3.01"), Decimal("3.50"), Decimal("4.00")]
    for i, application in enumerate(applications):
        if i % 13 == 5:
            continue  # no review yet: no score, no rank
        for reviewer in rng.sample(reviewers, rng.choice([1, 2, 3, 3])):
            assignment = Assignment.objects.create(application=application, reviewer=reviewer)
            Review.objects.create(
                assignment=assignment,
                confidence=2,
                total=rng.choice(grid),
                submitted_at=None if rng.random() < 0.05 else now,
            )
        if i % 9 == 0:
            Decision.objects.create(
                application=application,
                outcome=rng.choice(["admit", "waitlist", "reject"]),
                proposed=rng.choice(["admit", "reject", ""]),
                decided_by=chair,
            )
        if i % 17 == 0:
            Lock.objects.create(
                application=application,
                kind=rng.choice(["in", "out"]),
                reason="x",
                created_by=chair,
            )
        if i % 19 == 3:
            Conflict.objects.create(
                application=application, reviewer=chair, source="declared", reason="x"
            )
    return applications


FILTERS = [
    {},
    {"sort": "-raw"},
    {"sort": "-spread", "per_page": 10},
    {"sort": "name", "per_page": 10},
    {"sort": "level"},
    {"level": "land", "sort": "-calibrated"},
    {"gender": "female", "eligible": "no"},
    {"eligible": "yes", "flagged": "yes"},
    {"decision": "none", "per_page": 10},
    {"decision": "admit"},
    {"q": "name <3", "sort": "name"},
    {"q": "o'hara", "per_page": 10},
    {"q": "nichts dergleichen"},
]


def _reference(cohort, viewer, filters, page_number):
    hidden = set(Conflict.objects.filter(reviewer=viewer).values_list("application_id", flat=True))
    rows = ranking_rows(cohort, viewer=viewer)
    visible = [r for r in rows if r.pk not in hidden]
    shown = filter_rows(visible, filters)
    page = Paginator(shown, filters.get("per_page") or 50).get_page(page_number)
    return list(page), len(shown), len(rows) - len(visible), page.number


def test_ranking_page_equals_the_reference_rows_on_random_data_with_ties(committee):
    cohort, chair = committee["cohort"], committee["chair"]
    rng = random.Random(12)
    _random_cohort(cohort, chair, committee["reviewers"], rng)
    checked = 0
    for viewer, filters, page_number in itertools.product(
        [chair, committee["reviewers"][0]], FILTERS, [None, "2", "3", "99"]
    ):
        expected, count, hidden, number = _reference(cohort, viewer, filters, page_number)
        found = ranking_page(cohort, viewer, filters, page_number)
        assert (found.count, found.hidden, found.page.number) == (count, hidden, number)
        assert list(found.page) == expected, (filters, page_number)
        checked += len(expected)
    assert checked > 500
    ranks = [r.rank for r in ranking_page(cohort, chair, {"per_page": 250}, None).page]
    assert len(ranks) - len(set(ranks)) > 10  # ties share ranks ("1, 2, 2, 4")
    assert None in ranks  # and applications without a review have none


def test_ranking_page_follows_every_change_after_caching(committee):
    """The per-process caches see a changed review, name, decision, lock and conflict."""
    cohort, chair = committee["cohort"], committee["chair"]
    _random_cohort(cohort, chair, committee["reviewers"], random.Random(3), n=40)

    def same():
        found = ranking_page(cohort, chair, {"per_page": 250}, None)
        expected, count, hidden, _number = _reference(cohort, chair, {"per_page": 250}, None)
        assert (list(found.page), found.count, found.hidden) == (expected, count, hidden)
        return {r.pk: r for r in found.page}

    rows = same()
    review = (
        Review.objects.filter(submitted_at__isnull=False, assignment__application__in=rows)
        .order_by("pk")
        .first()
    )
    review.total = Decimal("1.00") if review.total != Decimal("1.00") else Decimal("5.00")
    review.save()
    assert (
        same()[review.assignment.application_id].raw != rows[review.assignment.application_id].raw
    )
    application = Application.objects.filter(status="submitted").order_by("pk")[3]
    application.last_name = "Umbenannt"
    application.save(update_fields=["last_name"])  # no updated_at: compared, not timestamped
    assert same()[application.pk].name.startswith("Umbenannt, ")
    Decision.objects.filter(application=application).update(is_current=False)
    Decision.objects.create(application=application, outcome="reject", decided_by=chair)
    assert same()[application.pk].decision_label == "Absage"
    Lock.objects.update_or_create(
        application=application, defaults={"kind": "in", "reason": "x", "created_by": chair}
    )
    assert same()[application.pk].lock == "in"
    Conflict.objects.create(application=application, reviewer=chair, source="declared", reason="")
    assert application.pk not in same()


def test_committee_numbers_equal_the_orm_query_and_fit(committee):
    cohort, chair = committee["cohort"], committee["chair"]
    _random_cohort(cohort, chair, committee["reviewers"], random.Random(7), n=60)
    triples = list(
        Review.objects.filter(assignment__application__cohort=cohort, submitted_at__isnull=False)
        .annotate(total_float=Cast("total", FloatField()))
        .values_list("assignment__application_id", "assignment__reviewer_id", "total_float")
    )
    fit = calibration.fit(triples, shrinkage=1.0)
    numbers = scoring.committee_numbers(cohort)
    assert numbers.triples == triples
    assert numbers.calibrated == fit.quality and numbers.raw == fit.raw  # exactly, not approx
    assert numbers.stderr == fit.stderr and numbers.offset == fit.offset
    # kept while nothing changes (the same object); recomputed after a change or cache.clear()
    assert scoring.committee_numbers(cohort) is numbers
    cache.clear()
    again = scoring.committee_numbers(cohort)
    assert again is not numbers and again.calibrated == numbers.calibrated
    review = Review.objects.filter(submitted_at__isnull=False).first()
    review.total = Decimal("1.00") if review.total != Decimal("1.00") else Decimal("5.00")
    review.save()
    changed = scoring.committee_numbers(cohort)
    assert changed is not again
    assert (
        changed.raw[review.assignment.application_id] != again.raw[review.assignment.application_id]
    )


def _row(rng, pk):
    calibrated = rng.choice([None, rng.uniform(-0.5, 5.5), 2.675, 0.005, -0.004, 3.0])
    return Row(
        pk=pk,
        name=rng.choice(["Müller, Anna", "O'Hara <b>&amp;</b>", "", "x"]),
        authority=rng.choice(["", "Amt „B“ & Co", "<script>"]),
        level="bund",
        level_label=rng.choice(["", "Bund"]),
        authority_kind="",
        gender="",
        gender_label=rng.choice(["", "weiblich", "divers"]),
        eligible=rng.random() < 0.5,
        reviews=rng.randrange(5),
        raw=rng.choice([None, rng.uniform(1, 5), 1.005]),
        calibrated=calibrated,
        stderr=None if calibrated is None else rng.uniform(0, 1),
        spread=rng.choice([None, 0.0, rng.uniform(0, 4)]),
        flagged=rng.random() < 0.3,
        decision="",
        decision_label=rng.choice(["", "Zusage", "Warteliste"]),
        proposed="",
        lock=rng.choice(["", "in", "out"]),
        hidden=False,
        rank=rng.choice([None, 1, 7, 1234]),
    )


@pytest.mark.parametrize("show_gender", [True, False])
@pytest.mark.parametrize("language", ["de", "en"])
def test_table_rows_html_writes_what_the_template_loop_wrote(committee, language, show_gender):
    cohort = committee["cohort"]
    rng = random.Random(4)
    rows = [_row(rng, pk) for pk in range(1, 120)]
    context = {"page": rows, "cohort": cohort, "show_gender": show_gender}
    with translation.override(language):
        expected = Template(OLD_LOOP).render(Context(context))
        assert table_rows_html(rows, cohort.pk, show_gender=show_gender) == expected
    assert ('<td class="kern-table__cell">weiblich</td>' in expected) == show_gender
    assert "&lt;script&gt;" in expected and ("/en/" in expected) == (language == "en")


def test_points_equals_the_points_filter():
    rng = random.Random(5)
    values = [rng.uniform(-10, 10) for _ in range(5000)]
    values += [k / 1000 for k in range(-2000, 6000)] + [2.675, 1.005, -0.004, -0.0, 0.0, 999.995]
    for language, separator in (("de", ","), ("en", ".")):
        with translation.override(language):
            for value in [*values, None]:
                assert points(value, separator) == points_filter(value), value


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_ranking_costs_the_same_queries_at_one_row_and_at_a_thousand(
    client, committee, django_user_model
):
    cohort, chair = committee["cohort"], committee["chair"]
    Application.objects.filter(cohort=cohort).exclude(pk=committee["applications"][0].pk).delete()
    client.force_login(chair)
    url = f"/verwaltung/auswahl/{cohort.pk}/rangliste/?per_page=250"
    cold_one = _count(client, url)  # the first request computes the numbers
    one = _count(client, url)
    assert "1 Bewerbung " in client.get(url).content.decode()
    _random_cohort(cohort, chair, committee["reviewers"], random.Random(8), n=1000)
    cold_many = _count(client, url)  # the reviews changed: computed again
    many = _count(client, url + "&seite=4")
    assert (cold_many, many) == (cold_one, one) and cold_one == one + 1  # the reviews' query
    body = client.get(url + "&seite=4").content.decode()
    count = ranking_page(cohort, chair, {}, None).count
    assert count > 900 and f"{count} Bewerbungen" in body
    assert body.count('<tr class="kern-table__row">') == 1 + count - 3 * 250  # head + rows
