"""Issue 12, items 6 and 8: the reliability page's charts, the committee report's lists, and
gender shown to the chair only where a gender bound is set."""

import csv
import io
import math
import re
from collections import Counter

import pytest
from pypdf import PdfReader

from kohorte.selection import services
from kohorte.selection.engine.offsets import offset_stderr
from kohorte.selection.portal import waitlist_order
from kohorte.selection.ranking import ranking_rows
from kohorte.selection.report import _share
from tests.factories import review_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(committee):
    cohort = committee["cohort"]
    services.assign_reviewers(cohort, actor=committee["chair"], seed=1)
    review_all(cohort)
    services.set_constraints(cohort, actor=committee["chair"], values={"seats": 5})
    proposal = services.propose(cohort, actor=committee["chair"], seed=1)
    services.explain(proposal.pk)
    services.follow_proposal(cohort, actor=committee["chair"])
    return proposal


def test_offset_stderr_is_the_diagonal_of_the_ridge_covariance():
    # two applications, both reviewed by r1 and r2: system [[2,-1],[-1,2]], inverse diag 2/3
    triples = [("a1", "r1", 3.0), ("a1", "r2", 4.0), ("a2", "r1", 2.0), ("a2", "r2", 4.0)]
    se = offset_stderr(triples, shrinkage=1.0, sigma=0.6)
    assert se == pytest.approx({"r1": 0.6 * math.sqrt(2 / 3), "r2": 0.6 * math.sqrt(2 / 3)})
    # a third reviewer on one application only is less certain than the other two
    se = offset_stderr([*triples, ("a1", "r3", 5.0)], shrinkage=1.0, sigma=0.6)
    assert se["r3"] > se["r1"]


def test_reliability_page_draws_accessible_charts_with_the_numbers(client, committee, decided):
    cohort = committee["cohort"]
    client.force_login(committee["chair"])
    html = client.get(f"/verwaltung/auswahl/{cohort.pk}/zuverlaessigkeit/").content.decode()
    svgs = re.findall(r"<svg [^>]*>.*?</svg>", html, re.S)
    assert len(svgs) == 2
    offsets, scores = svgs
    assert 'role="img" aria-labelledby="chart-offsets-title chart-offsets-desc"' in offsets
    assert (
        '<title id="chart-offsets-title">Abweichung je Mitglied mit 95-%-Bereich</title>' in offsets
    )
    assert '<title id="chart-scores-title">Verteilung der Noten je Mitglied</title>' in scores
    # one point and one interval per reviewer; the text alternative names each one
    assert offsets.count("<circle") == 5
    desc = re.search(r'<desc id="chart-offsets-desc">(.*?)</desc>', offsets).group(1)
    assert re.search(r"Rita0 Richter: -?\d,\d\d \(95-%-Bereich -?\d,\d\d bis -?\d,\d\d\)\.", desc)
    sdesc = re.search(r'<desc id="chart-scores-desc">(.*?)</desc>', scores).group(1)
    assert re.search(r"Rita4 Richter: \d+ Gutachten, niedrigste Note \d,\d\d", sdesc)
    for svg in svgs:
        assert "style=" not in svg and "<script" not in svg
    # the numbers as a table, one row per reviewer
    table = html[html.index("Die Zahlen der Diagramme") :]
    for i in range(5):
        assert f'<th scope="row" class="kern-table__cell">Rita{i} Richter</th>' in table


def test_report_lists_cohort_and_waiting_list_in_order_and_drops_empty_tables(
    client, committee, decided
):
    cohort = committee["cohort"]
    client.force_login(committee["chair"])
    pdf = client.get(f"/verwaltung/auswahl/{cohort.pk}/bericht.pdf").content
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    rows = ranking_rows(cohort, viewer=committee["chair"])
    admitted = sorted((r for r in rows if r.decision == "admit"), key=lambda r: (r.rank, r.name))
    waiting = {r.pk: r for r in rows}
    waiting = [waiting[pk] for pk in waitlist_order(cohort)]
    assert admitted and waiting
    text = " ".join(text.split())  # the PDF's line breaks are layout, not content
    start = text.index("Zugelassene Teilnehmer:innen")
    middle = text.index("Warteliste", start)
    cohort_part = text[start:middle]
    positions = [cohort_part.index(r.name) for r in admitted]
    assert positions == sorted(positions)
    waiting_part = text[middle : text.index("Zusammensetzung der Zusagen")]
    positions = [waiting_part.index(r.name) for r in waiting]
    assert positions == sorted(positions)
    # no gender bound: no gender table; all authority kinds alike: still one real row
    assert "Geschlecht" not in text
    assert "nach Art der Behörde" in text


def test_share_drops_a_table_of_only_not_given():
    choices = [("female", "weiblich"), ("male", "männlich")]
    assert _share(Counter({"": 25}), choices, 25) == []
    assert _share(Counter({"female": 3, "": 1}), choices, 4) == [
        {"label": "weiblich", "n": 3, "percent": 75},
        {"label": "–", "n": 1, "percent": 25},
    ]


def test_chair_sees_gender_only_where_a_gender_bound_is_set(client, committee, decided):
    cohort, chair = committee["cohort"], committee["chair"]
    client.force_login(chair)
    base = f"/verwaltung/auswahl/{cohort.pk}/rangliste/"

    def seen():
        html = client.get(base).content.decode()
        header = next(
            csv.reader(
                io.StringIO(client.get(base.rstrip("/") + ".csv").content.decode("utf-8-sig")),
                delimiter=";",
            )
        )
        return (
            '<th scope="col" class="kern-table__header">Geschlecht</th>' in html,
            'name="gender"' in html,
            "Geschlecht" in header,
        )

    assert seen() == (False, False, False)
    services.set_constraints(cohort, actor=chair, values={"seats": 5, "gender_min": {"female": 1}})
    assert seen() == (True, True, True)
    pdf = client.get(f"/verwaltung/auswahl/{cohort.pk}/bericht.pdf").content
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "nach Geschlecht (freiwillige Angabe)" in text
