"""The committee's and the chair's pages: blind mode, conflicts, access, constant queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kohorte.accounts.models import Membership
from kohorte.comms.models import OutboxMessage
from kohorte.selection import services
from kohorte.selection.models import Assignment, Conflict
from tests.factories import CohortFactory, make_applications, review_all

pytestmark = pytest.mark.django_db

HIDDEN = {
    "name": ["Henriette", "Verborgen-Hinz"],
    "contact": ["henriette@geheim.example", "030 999 123"],
    "authority": ["Geheimamt für Tarnung", "Referat Unsichtbar"],
    "referee": ["Rolf Referenzmann", "Empfehlungsbehörde Nord"],
}


def _leaks(text: str) -> list[str]:
    found = [v for values in HIDDEN.values() for v in values if v in text]
    if re.search(r"\bdivers\b", text):
        found.append("gender")
    return found


def test_blind_mode_leaks_nothing_a_reviewer_can_reach(client, committee, blind_application):
    cohort = committee["cohort"]
    reviewer = blind_application.assignments.first().reviewer
    client.force_login(reviewer)
    visited = set()
    queue = ["/kommission/"]
    while queue:
        url = queue.pop()
        if url in visited:
            continue
        visited.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        headers = " ".join(f"{k}: {v}" for k, v in response.items())
        assert not _leaks(headers), (url, _leaks(headers))
        if response.get("Content-Type", "").startswith("text/html"):
            body = response.content.decode()
            assert not _leaks(body), (url, _leaks(body))
            for link in re.findall(r'href="(/[^"]*)"', body):
                if link.startswith(("/kommission/", "/en/kommission/")):
                    queue.append(link.replace("&amp;", "&"))
        elif "csv" in response.get("Content-Type", ""):
            assert not _leaks(response.content.decode("utf-8-sig"))
    own = blind_application.assignments.get(reviewer=reviewer)
    assert f"/kommission/{cohort.pk}/{own.pk}/" in visited  # the review page itself was crawled
    assert any("/unterlagen/" in u for u in visited)  # and the documents
    # a draft saved and an error shown: still nothing
    response = client.post(f"/kommission/{cohort.pk}/{own.pk}/", {"submit": "1"})
    assert response.status_code == 200 and not _leaks(response.content.decode())
    assert "Bitte vergeben Sie" in response.content.decode()
    # the reviewer's mails
    for message in OutboxMessage.objects.filter(recipient_email=reviewer.email):
        assert not _leaks(message.subject + message.body_text)


def test_without_blind_mode_the_reviewer_sees_the_name(client, committee, blind_application):
    settings_ = committee["cohort"].selection_settings
    settings_.blind_review = False
    settings_.save()
    assignment = blind_application.assignments.first()
    client.force_login(assignment.reviewer)
    body = client.get(f"/kommission/{committee['cohort'].pk}/{assignment.pk}/").content.decode()
    assert "Verborgen-Hinz" in body and "Geheimamt für Tarnung" in body


def test_reviewer_cannot_open_a_conflicting_or_foreign_application(client, committee):
    cohort = committee["cohort"]
    services.assign_reviewers(cohort, actor=committee["chair"], seed=2)
    reviewer = committee["reviewers"][1]
    mine = Assignment.objects.filter(reviewer=reviewer).first()
    foreign = Assignment.objects.exclude(application__assignments__reviewer=reviewer).first()
    client.force_login(reviewer)
    assert client.get(f"/kommission/{cohort.pk}/{mine.pk}/").status_code == 200
    assert client.get(f"/kommission/{cohort.pk}/{foreign.pk}/").status_code == 404
    # declaring a conflict takes the application away, also by its old URL
    response = client.post(f"/kommission/{cohort.pk}/{mine.pk}/befangen/", {"reason": "Nachbar"})
    assert response.status_code == 302
    assert client.get(f"/kommission/{cohort.pk}/{mine.pk}/").status_code == 404
    for a in Assignment.objects.filter(application=mine.application):
        assert client.get(f"/kommission/{cohort.pk}/{a.pk}/").status_code == 404
    # a conflicted chair does not see the application's numbers either
    Conflict.objects.create(
        application=mine.application, reviewer=committee["chair"], source="declared", reason="x"
    )
    client.force_login(committee["chair"])
    assert (
        client.get(f"/verwaltung/auswahl/{cohort.pk}/bewerbung/{mine.application.pk}/").status_code
        == 404
    )


def test_save_and_next_goes_to_the_next_open_assignment(client, committee):
    cohort = committee["cohort"]
    services.assign_reviewers(cohort, actor=committee["chair"], seed=2)
    reviewer = committee["reviewers"][2]
    first, second = Assignment.objects.filter(reviewer=reviewer).order_by("pk")[:2]
    client.force_login(reviewer)
    data = {f"score_{c.pk}": "4" for c in cohort.criteria.all()} | {"confidence": "2", "submit": ""}
    response = client.post(f"/kommission/{cohort.pk}/{first.pk}/", data)
    assert response.status_code == 302 and response["Location"].endswith(f"/{second.pk}/")
    first.refresh_from_db()
    assert first.review.submitted_at is not None and float(first.review.total) == 4.0


def _steer_urls(cohort, application, proposal):
    base = f"/verwaltung/auswahl/{cohort.pk}/"
    return [
        base,
        base + "zuteilungen/",
        base + "rangliste/",
        base + "rangliste.csv",
        base + "rangliste.xlsx",
        base + "zuverlaessigkeit/",
        base + "vorschlag/",
        base + f"vorschlag/{proposal.pk}.json",
        base + f"vorschlag/{proposal.pk}/fortschritt/",
        base + f"bewerbung/{application.pk}/",
        base + "entscheidungen/",
        base + "angebote/",
        base + "bericht.pdf",
    ]


@pytest.fixture
def decided(committee):
    cohort = committee["cohort"]
    services.assign_reviewers(cohort, actor=committee["chair"], seed=1)
    review_all(cohort)
    proposal = services.propose(cohort, actor=committee["chair"], seed=1)
    services.explain(proposal.pk)
    services.follow_proposal(cohort, actor=committee["chair"])
    return proposal


@pytest.mark.parametrize(
    "role", ["anonymous", "applicant", "reviewer", "lecturer", "other_staff", "other_chair"]
)
def test_steering_pages_refuse_everyone_else(client, committee, decided, django_user_model, role):
    cohort = committee["cohort"]
    urls = _steer_urls(cohort, committee["applications"][0], decided)
    if role != "anonymous":
        user = {
            "applicant": lambda: committee["applications"][0].applicant,
            "reviewer": lambda: committee["reviewers"][0],
        }.get(role, lambda: django_user_model.objects.create_user(f"{role}@example.org", "x"))()
        other = CohortFactory()
        if role == "lecturer":
            Membership.objects.create(user=user, role="lecturer", cohort=cohort)
        if role == "other_staff":
            user.is_staff = True
            user.save()
            Membership.objects.create(user=user, role="staff", program=other.program)
        if role == "other_chair":
            Membership.objects.create(user=user, role="chair", cohort=other)
        client.force_login(user)
    for url in urls:
        response = client.get(url)
        assert response.status_code in {302, 404}, (role, url, response.status_code)
        if response.status_code == 302:
            assert "/login/" in response["Location"]
        assert b"Nachname1" not in response.content
    # and writes
    response = client.post(
        f"/verwaltung/auswahl/{cohort.pk}/bewerbung/{committee['applications'][0].pk}/",
        {"outcome": "reject", "reason": "x"},
    )
    assert response.status_code in {302, 404}
    assert (
        committee["applications"][0].decisions.filter(is_current=True).get().decided_by
        == committee["chair"]
    )


def test_chair_and_program_staff_reach_every_page(client, committee, decided, django_user_model):
    cohort = committee["cohort"]
    staff = django_user_model.objects.create_user("ps@example.org", "x", is_staff=True)
    Membership.objects.create(user=staff, role="staff", program=cohort.program)
    for user in (committee["chair"], staff):
        client.force_login(user)
        for url in _steer_urls(cohort, committee["applications"][0], decided):
            response = client.get(url)
            assert response.status_code == 200, (user, url)
    pdf_bytes = client.get(f"/verwaltung/auswahl/{cohort.pk}/bericht.pdf").content
    assert pdf_bytes.startswith(b"%PDF")


def test_only_the_chair_decides(client, committee, decided, django_user_model):
    cohort = committee["cohort"]
    staff = django_user_model.objects.create_user("ps@example.org", "x", is_staff=True)
    Membership.objects.create(user=staff, role="staff", program=cohort.program)
    client.force_login(staff)
    application = committee["applications"][0]
    url = f"/verwaltung/auswahl/{cohort.pk}/bewerbung/{application.pk}/"
    assert client.post(url, {"outcome": "reject", "reason": "x", "decide": ""}).status_code == 404
    client.force_login(committee["chair"])
    current = application.decisions.get(is_current=True)
    other = "reject" if current.outcome != "reject" else "admit"
    response = client.post(url, {"outcome": other, "reason": "", "decide": ""})
    assert response.status_code == 200
    assert "Bitte begründen Sie" in response.content.decode()  # at the field, translated
    response = client.post(url, {"outcome": other, "reason": "Zweitstudium", "decide": ""})
    assert response.status_code == 302
    assert application.decisions.get(is_current=True).reason == "Zweitstudium"


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["rangliste/", "entscheidungen/", "rangliste.csv"])
def test_list_pages_cost_the_same_queries_at_any_size(client, committee, page):
    cohort = committee["cohort"]
    services.assign_reviewers(cohort, actor=committee["chair"], seed=1)
    review_all(cohort)
    client.force_login(committee["chair"])
    url = f"/verwaltung/auswahl/{cohort.pk}/{page}"
    client.get(url)  # warm the numbers' cache
    small = _count(client, url)
    make_applications(cohort, 60, start=100)
    services.assign_reviewers(cohort, actor=committee["chair"], seed=1)
    review_all(cohort)
    client.get(url)
    assert _count(client, url) == small


def test_reviewer_declares_authorities_in_advance(client, committee):
    cohort = committee["cohort"]
    services.assign_reviewers(cohort, actor=committee["chair"], seed=2)
    reviewer = committee["reviewers"][4]  # works at "Ministerium Y": no conflict by rule
    client.force_login(reviewer)
    response = client.post(
        f"/kommission/{cohort.pk}/", {"authorities": "Stadt   Jena\nStaatskanzlei Sachsen"}
    )
    assert response.status_code == 302
    conflicted = {
        a.pk
        for a in committee["applications"]
        if a.authority in {"Stadt Jena", "Staatskanzlei Sachsen"}
    }
    assert conflicted <= set(
        Conflict.objects.filter(reviewer=reviewer).values_list("application_id", flat=True)
    )
    assert not Assignment.objects.filter(reviewer=reviewer, application_id__in=conflicted).exists()
    for application in committee["applications"]:
        assert application.assignments.count() == 3


def test_ranking_shows_rank_numbers_in_page_and_export():
    from kohorte.selection.ranking import Row, _rank, export_rows

    def row(pk, calibrated):
        return Row(
            pk,
            f"P{pk}",
            "",
            "",
            "",
            "",
            "",
            "",
            True,
            3,
            calibrated,
            calibrated,
            0.1,
            0.5,
            False,
            "",
            "",
            "",
            "in" if pk == 1 else "",
            False,
        )

    rows = [row(1, 4.0), row(2, 4.5), row(3, 4.0), row(4, None)]
    _rank(rows)
    assert [r.rank for r in rows] == [2, 1, 2, None]  # ties share a rank; no score, no rank
    columns, data = export_rows(rows)
    assert columns[0] == "Rang" and [d["Rang"] for d in data] == [2, 1, 2, ""]
    assert data[0]["Festlegung"] == "gesetzt" and data[1]["Festlegung"] == ""
