"""Issue 9, items 6, 8 and 10: what a conflicted chair sees, review revisions and freezing,
and the blind-mode oracle of declared authorities."""

import io
import json
import re

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from kohorte.core.models import AuditLog
from kohorte.selection import optimiser, services
from kohorte.selection.models import (
    Assignment,
    Conflict,
    Review,
    SelectionSettings,
)
from kohorte.selection.scoring import committee_numbers
from kohorte.selection.visibility import redact_proposal
from tests.factories import make_applications, review_all

pytestmark = pytest.mark.django_db


# --- item 6: the viewer's conflicts on every steering page -----------------------------------
@pytest.fixture
def conflicted(committee, django_user_model):
    """A decided cohort with offers out; the chair has a conflict with two applications: one in
    the proposed cohort, and the one that moves up in the replacement table (decided apart
    from the proposal, so it stands in the departures). A second chair has no conflict."""
    cohort = committee["cohort"]
    chair = committee["chair"]
    services.assign_reviewers(cohort, actor=chair, seed=1)
    review_all(cohort)
    settings_ = SelectionSettings.for_cohort(cohort)
    settings_.seats = 4
    settings_.save()
    proposal = services.propose(cohort, actor=chair, seed=1)
    proposal = services.explain(proposal.pk)
    services.follow_proposal(cohort, actor=chair)
    result = proposal.data["result"]
    numbers = committee_numbers(cohort)
    # a selected one and the one that replaces it, each with a score no other one shares
    rounded = [round(v, 2) for v in numbers.calibrated.values()]

    def unique(key):
        return rounded.count(round(numbers.calibrated[optimiser.application_pk(key)], 2)) == 1

    selected, moving_up = next(
        (optimiser.application_pk(k), optimiser.application_pk(r["next"]))
        for k, r in result["replacements"].items()
        if r["next"] and unique(k) and unique(r["next"])
    )
    by_pk = {a.pk: a for a in committee["applications"]}
    services.record_decision(by_pk[moving_up], "admit", "Sonderfall Haushalt", actor=chair)
    services.prepare_decision_mails(cohort, actor=chair)
    for pk in (selected, moving_up):
        Conflict.objects.create(
            application=by_pk[pk], reviewer=chair, source=Conflict.Source.STAFF, reason="Nachbar"
        )
    free = django_user_model.objects.create_user("chair2@example.org", "pw", first_name="Frida")
    services.add_committee_member(cohort, free, actor=None, is_chair=True, reviews=False)
    return {
        "cohort": cohort,
        "proposal": proposal,
        "hidden": [by_pk[selected], by_pk[moving_up]],
        "scores": {pk: numbers.calibrated[pk] for pk in (selected, moving_up)},
        "free_chair": free,
        "chair": chair,
    }


def _german(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


PAGES = {
    # url suffix: (kind, shows the score)
    "vorschlag/": ("html", True),
    "vorschlag/{proposal}.json": ("json", True),
    "rangliste/": ("html", True),
    "rangliste.csv": ("csv", True),
    "entscheidungen/": ("html", True),
    "angebote/": ("html", False),
    "bericht.pdf": ("pdf", False),
}


def _text(response, kind: str) -> str:
    if kind == "pdf":
        reader = PdfReader(io.BytesIO(response.content))
        return "\n".join(page.extract_text() for page in reader.pages)
    if kind == "json":
        return json.dumps(json.loads(response.content), ensure_ascii=False)
    return response.content.decode("utf-8-sig")


def _markers(application, score: float, kind: str, with_score: bool) -> dict[str, str]:
    n = application.last_name.removeprefix("Nachname")
    found = {}
    if kind == "json":
        found["id"] = rf'"a{application.pk}"'
        if with_score:
            found["score"] = rf'"score": {re.escape(json.dumps(round(score, 2)))}[,}}]'
    else:
        found["name"] = rf"Nachname{n}\b"
        if with_score:
            shown = _german(score) if kind == "html" else str(round(score, 2))
            found["score"] = rf"(?<![\d.,]){re.escape(shown)}(?![\d])"
    if kind == "html" and with_score:
        found["link"] = rf"/bewerbung/{application.pk}/"
    return found


@pytest.mark.parametrize("page", list(PAGES))
def test_conflicted_chair_sees_nothing_of_the_application(client, conflicted, page):
    cohort = conflicted["cohort"]
    kind, with_score = PAGES[page]
    url = f"/verwaltung/auswahl/{cohort.pk}/" + page.format(proposal=conflicted["proposal"].pk)
    codes = [a.code for a in Assignment.objects.filter(application__in=conflicted["hidden"])]
    assert codes
    texts = {}
    for who, user in (("free", conflicted["free_chair"]), ("conflicted", conflicted["chair"])):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, (who, url)
        texts[who] = _text(response, kind)
    for application in conflicted["hidden"]:
        markers = _markers(application, conflicted["scores"][application.pk], kind, with_score)
        for what, pattern in markers.items():
            if application == conflicted["hidden"][1] or kind != "pdf":
                # the report names only departures from the proposal
                assert re.search(pattern, texts["free"]), (page, what, "the free chair sees it")
            assert not re.search(pattern, texts["conflicted"]), (page, what, application.pk)
    for code in codes:
        assert code not in texts["conflicted"]
    neutral = {
        "html": "2 Bewerbungen ausgeblendet (Interessenkonflikt).",
        "pdf": "2 Bewerbungen ausgeblendet (Interessenkonflikt).",
        "json": '"redacted": {"applicants": 2, "reason": "conflict_of_interest"}',
        "csv": "",
    }[kind]
    assert neutral in texts["conflicted"]
    assert "ausgeblendet" not in texts["free"]


def test_proposal_sum_and_replacement_leave_out_the_hidden(client, conflicted):
    """The sum of scores cannot be used to subtract a hidden score; the replacement table
    names no one."""
    cohort = conflicted["cohort"]
    proposal = conflicted["proposal"]
    client.force_login(conflicted["free_chair"])
    full = client.get(f"/verwaltung/auswahl/{cohort.pk}/vorschlag/{proposal.pk}.json").json()
    client.force_login(conflicted["chair"])
    data = client.get(f"/verwaltung/auswahl/{cohort.pk}/vorschlag/{proposal.pk}.json").json()
    selected_hidden, moving_up = (f"a{a.pk}" for a in conflicted["hidden"])
    assert selected_hidden in full["result"]["selected"]
    assert data["result"]["selected"] == [
        k for k in full["result"]["selected"] if k != selected_hidden
    ]
    scores = {r["id"]: r["score"] for r in full["applicants"]}
    assert data["result"]["objective"] == round(
        full["result"]["objective"] - scores[selected_hidden], 2
    )
    pointing = [k for k, r in full["result"]["replacements"].items() if r["next"] == moving_up]
    assert pointing
    for k in pointing:
        if k != selected_hidden:
            assert data["result"]["replacements"][k]["next"] is None
            assert data["result"]["replacements"][k]["next_hidden"] is True
    page = client.get(f"/verwaltung/auswahl/{cohort.pk}/vorschlag/").content.decode()
    assert "eine ausgeblendete Bewerbung (Interessenkonflikt)" in page
    assert "(ohne ausgeblendete Bewerbungen)" in page


def test_redaction_rewrites_rule_keys_and_explanations():
    data = {
        "applicants": [
            {"id": "a1", "score": 4.0, "lock_reason": "Pflicht", "eligible": True},
            {"id": "a2", "score": 3.0, "lock_reason": "", "eligible": True},
        ],
        "result": {
            "selected": ["a1"],
            "objective": 4.0,
            "binding": ["seats", "lock_in:a1"],
            "conflicts": [],
            "lottery": {"a1": 1, "a2": 2},
            "details": {
                "a1": {
                    "selected": True,
                    "reason": "lock_in",
                    "margin": None,
                    "needed": None,
                    "blocked_by": [],
                },
                "a2": {
                    "selected": False,
                    "reason": "blocked",
                    "margin": None,
                    "needed": None,
                    "blocked_by": ["lock_in:a1"],
                },
            },
            "explanations": {"a1": "Gesetzt", "a2": "… (a1)"},
            "replacements": {"a1": {"next": "a2", "dropped": []}},
        },
    }
    out = redact_proposal(data, {1})
    assert out["applicants"] == [data["applicants"][1]]
    assert out["result"]["selected"] == [] and out["result"]["objective"] == 0
    assert out["result"]["binding"] == ["seats", "lock_in:hidden"]
    assert out["result"]["lottery"] == {"a2": 2}
    assert out["result"]["details"] == {
        "a2": {
            "selected": False,
            "reason": "blocked",
            "margin": None,
            "needed": None,
            "blocked_by": ["lock_in:hidden"],
        }
    }
    assert out["result"]["explanations"] == {
        "a2": "Nicht auswählbar, ohne die Festlegung „gesetzt“ (ausgeblendet) zu verletzen."
    }
    assert out["result"]["replacements"] == {}
    assert out["redacted"] == {"applicants": 1, "reason": "conflict_of_interest"}
    assert data["result"]["selected"] == ["a1"]  # the stored proposal is not touched
    assert redact_proposal(data, set()) == data


def test_conflicted_chair_cannot_offer_to_a_hidden_candidate(client, conflicted):
    cohort = conflicted["cohort"]
    client.force_login(conflicted["chair"])
    hidden = conflicted["hidden"][0]
    # the next candidate is computed by the optimiser; post the hidden one's id as if it were
    client.post(f"/verwaltung/auswahl/{cohort.pk}/angebote/", {"application": str(hidden.pk)})
    assert hidden.offers.count() == 1  # only the one from the decision mails


# --- item 8: review revisions and freezing ------------------------------------------------
def _submit(assignment, values, confidence=2):
    criteria = list(assignment.application.cohort.criteria.all())
    data = {f"score_{c.pk}": v for c, v in zip(criteria, values, strict=True)}
    data["confidence"] = confidence
    return services.save_review(assignment, data, submit=True, actor=assignment.reviewer)


@pytest.fixture
def three_reviews(committee):
    cohort = committee["cohort"]
    services.assign_reviewers(cohort, actor=committee["chair"], seed=3)
    application = committee["applications"][0]
    return list(application.assignments.order_by("pk"))


def test_first_submission_is_not_a_revision(three_reviews):
    mine = three_reviews[0]
    criteria = list(mine.application.cohort.criteria.all())
    services.save_review(mine, {f"score_{criteria[0].pk}": 3}, submit=False, actor=mine.reviewer)
    _submit(mine, [4, 4, 4, 4])
    actions = list(
        AuditLog.objects.filter(
            object_id=str(mine.pk), action__startswith="selection.review"
        ).values_list("action", flat=True)
    )
    assert actions == ["selection.review_submitted"]


def test_every_revision_is_audited_with_old_and_new_scores(three_reviews):
    mine = three_reviews[0]
    _submit(mine, [4, 4, 4, 4])  # total 4.00
    _submit(mine, [5, 3, 4, 2], confidence=3)  # (5 + 3 + 4 + 0.5 * 2) / 3.5 = 3.71
    _submit(mine, [5, 3, 4, 2], confidence=3)  # no change: still a revision, still audited
    rows = list(
        AuditLog.objects.filter(object_id=str(mine.pk), action="selection.review_revised").order_by(
            "pk"
        )
    )
    assert len(rows) == 2
    keys = [c.key for c in mine.application.cohort.criteria.all()]
    assert rows[0].actor == mine.reviewer
    assert rows[0].object_repr == str(mine)
    assert rows[0].data == {
        "reviewer": mine.reviewer_id,
        "application": mine.application_id,
        "total": {"old": "4.00", "new": "3.71"},
        "scores": {
            keys[0]: {"old": 4, "new": 5},
            keys[1]: {"old": 4, "new": 3},
            keys[2]: {"old": 4, "new": 4},
            keys[3]: {"old": 4, "new": 2},
        },
        "confidence": {"old": 2, "new": 3},
        "comment_changed": False,
    }
    assert rows[1].data["total"] == {"old": "3.71", "new": "3.71"}


def test_review_freezes_once_the_others_are_visible(client, three_reviews):
    mine, other, _third = three_reviews
    cohort = mine.application.cohort
    settings_ = SelectionSettings.for_cohort(cohort)
    settings_.freeze_after_seeing_others = True
    settings_.save()
    _submit(mine, [4, 4, 4, 4])
    _submit(mine, [3, 3, 3, 3])  # no other review yet: nothing seen, still open
    _submit(other, [2, 2, 2, 2])
    with pytest.raises(ValidationError) as error:
        _submit(mine, [5, 5, 5, 5])
    assert error.value.messages == [
        "Sie haben die anderen Gutachten zu dieser Bewerbung schon sehen können; nach den Regeln "
        "des Jahrgangs lässt sich Ihr Gutachten nicht mehr ändern."
    ]
    review = Review.objects.get(assignment=mine)
    assert str(review.total) == "3.00"
    assert [s.value for s in review.scores.order_by("criterion__position", "criterion_id")] == [
        3,
        3,
        3,
        3,
    ]
    client.force_login(mine.reviewer)
    page = client.get(f"/kommission/{cohort.pk}/{mine.pk}/").content.decode()
    assert "lässt sich Ihr Gutachten daher nicht mehr ändern" in page
    assert 'name="submit"' not in page
    criteria = list(cohort.criteria.all())
    response = client.post(
        f"/kommission/{cohort.pk}/{mine.pk}/",
        {f"score_{c.pk}": "5" for c in criteria} | {"confidence": "2", "submit": ""},
    )
    assert response.status_code == 200
    assert "schon sehen können" in response.content.decode()
    assert str(Review.objects.get(assignment=mine).total) == "3.00"


def test_review_stays_open_without_the_freeze(three_reviews):
    mine, other, _third = three_reviews
    assert SelectionSettings.for_cohort(mine.application.cohort).freeze_after_seeing_others is False
    _submit(mine, [4, 4, 4, 4])
    _submit(other, [2, 2, 2, 2])
    _submit(mine, [5, 5, 5, 5])
    assert str(Review.objects.get(assignment=mine).total) == "5.00"
    assert AuditLog.objects.filter(
        object_id=str(mine.pk), action="selection.review_revised"
    ).get().data["total"] == {"old": "4.00", "new": "5.00"}


# --- item 10: declaring authorities reports no count ----------------------------------------
def _normalised(content: bytes) -> str:
    return re.sub(r"[A-Za-z0-9]{64}", "<csrf>", content.decode())


def test_declaring_authorities_answers_the_same_whatever_matches(client, committee):
    cohort = committee["cohort"]
    reviewer = committee["reviewers"][4]
    client.force_login(reviewer)
    url = f"/kommission/{cohort.pk}/"

    def declare():
        client.post(url, {"authorities": ""})
        client.get(url)  # the message of the reset is read
        response = client.post(url, {"authorities": "Amt für Geheimnisse"}, follow=True)
        assert response.redirect_chain == [(url, 302)]
        return response

    none = declare()
    assert not Conflict.objects.filter(reviewer=reviewer).exists()
    three = make_applications(cohort, 3, start=50)
    for application in three:
        application.authority = "Amt für Geheimnisse"
        application.save(update_fields=["authority"])
    many = declare()
    assert Conflict.objects.filter(reviewer=reviewer).count() == 3
    assert _normalised(none.content) == _normalised(many.content)
    message = [str(m) for m in many.context["messages"]]
    assert message == [
        "Ihre Angaben sind gespeichert. Bewerbungen aus diesen Behörden werden Ihnen nicht "
        "zugeteilt."
    ]
    assert not re.search(r"\d", message[0])
