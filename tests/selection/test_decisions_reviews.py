"""Issue 12, item 5: a decision with fewer reviews than required needs a reason and counts as
a departure; the proposal page says whether its numbers are still current."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from kohorte.selection import services
from kohorte.selection.models import Assignment, Decision, Proposal
from tests.factories import review_all

pytestmark = pytest.mark.django_db

TOO_FEW = (
    "Für diese Bewerbung liegen erst 0 von 3 verlangten Gutachten vor. Bitte begründen Sie, "
    "warum Sie trotzdem entscheiden; die Entscheidung zählt als Abweichung vom Vorschlag."
)


def test_decision_with_too_few_reviews_needs_a_reason_and_is_a_departure(client, committee):
    cohort, chair = committee["cohort"], committee["chair"]
    application = committee["applications"][0]
    with pytest.raises(ValidationError) as error:
        services.record_decision(application, "reject", "", actor=chair, proposed="reject")
    assert error.value.message_dict == {"reason": [TOO_FEW]}
    client.force_login(chair)
    url = f"/verwaltung/auswahl/{cohort.pk}/bewerbung/{application.pk}/"
    page = client.get(url).content.decode()
    assert TOO_FEW in page  # the warning before deciding
    response = client.post(url, {"outcome": "reject", "reason": "", "decide": ""})
    page = response.content.decode()
    assert response.status_code == 200 and page.count(TOO_FEW) == 2  # warning and field error
    assert 'id="id_reason_error"' in page or 'aria-describedby="id_reason_error' in page
    response = client.post(
        url, {"outcome": "reject", "reason": "Formal nicht zulässig", "decide": ""}
    )
    assert response.status_code == 302
    decision = Decision.objects.get(application=application, is_current=True)
    assert decision.too_few_reviews and decision.review_count == 0 and decision.departs
    # it counts as a departure even when it agrees with the proposal
    decision.proposed = "reject"
    decision.save(update_fields=["proposed"])
    assert list(Decision.objects.departures(cohort)) == [decision]
    page = client.get(f"/verwaltung/auswahl/{cohort.pk}/entscheidungen/").content.decode()
    assert (
        f"{application.first_name} {application.last_name}: Absage → Absage "
        "(entschieden mit nur 0 Gutachten)" in page
    )
    # the decisions table marks it as a departure as well, and only it
    row = page.split(f"/bewerbung/{application.pk}/")[1].split("</tr>")[0]
    assert 'Absage <strong class="tag tag--warn">Abweichung</strong>' in row
    assert page.count('class="tag tag--warn">Abweichung<') == 1


def test_follow_proposal_leaves_out_applications_short_of_reviews(client, committee):
    cohort, chair = committee["cohort"], committee["chair"]
    services.assign_reviewers(cohort, actor=chair, seed=1)
    short = committee["applications"][0]
    review_all(cohort)
    # one application loses a reviewer's review: take it back to fewer than required
    Assignment.objects.filter(application=short).first().review.delete()
    services.propose(cohort, actor=chair, seed=3)
    client.force_login(chair)
    response = client.post(f"/verwaltung/auswahl/{cohort.pk}/entscheidungen/", {"follow": ""})
    page = client.get(response["Location"]).content.decode()
    assert "11 Entscheidungen nach dem Vorschlag gespeichert." in page
    assert (
        "1 Bewerbung hat weniger Gutachten als verlangt; über sie entscheiden Sie einzeln, "
        "mit Begründung." in page
    )
    assert not Decision.objects.filter(application=short).exists()
    assert Decision.objects.filter(application__cohort=cohort, too_few_reviews=True).count() == 0


def _when(proposal) -> str:
    return date_format(timezone.localtime(proposal.created_at), "DATETIME_FORMAT")


def test_proposal_page_says_fresh_then_stale_and_recomputes(client, committee):
    cohort, chair = committee["cohort"], committee["chair"]
    services.assign_reviewers(cohort, actor=chair, seed=1)
    late = committee["reviewers"][0]
    review_all(cohort, skip={late.pk})
    proposal = services.propose(cohort, actor=chair, seed=3)
    client.force_login(chair)
    url = f"/verwaltung/auswahl/{cohort.pk}/vorschlag/"
    page = client.get(url).content.decode()
    assert (
        f"Der Vorschlag ist aktuell: Seit seiner Berechnung am {_when(proposal)} haben sich "
        "weder Gutachten noch Festlegungen oder Regeln geändert." in page
    )
    assert "Vorschlag neu berechnen" not in page
    # the late reviewer submits: the numbers change
    review_all(cohort)
    reviewed_late = set(
        Assignment.objects.filter(reviewer=late).values_list("application_id", flat=True)
    )
    staleness = services.proposal_staleness(proposal)
    assert reviewed_late <= staleness.changed and not staleness.rules_changed
    changed = len(staleness.changed)  # calibration moves other scores too
    page = client.get(url).content.decode()
    assert (
        f"Die Zahlen haben sich geändert, seit dieser Vorschlag am {_when(proposal)} berechnet "
        "wurde (neue oder überarbeitete Gutachten, Festlegungen oder Bewerbungen). Der "
        f"Vorschlag ist nicht mehr aktuell. Betroffen sind {changed} Bewerbungen." in page
    )
    assert 'name="recompute"' in page and f'name="seed" value="{proposal.seed}"' in page
    # the button recomputes with the same rules and seed: fresh again
    client.post(url, {"seats": cohort.seats, "seed": proposal.seed, "recompute": ""})
    new = Proposal.current(cohort)
    assert new.pk != proposal.pk and new.seed == proposal.seed
    page = client.get(url).content.decode()
    assert f"Der Vorschlag ist aktuell: Seit seiner Berechnung am {_when(new)}" in page
    # a lock changes the inputs of one application
    services.set_lock(committee["applications"][1], "in", "Sonderfall", actor=chair)
    page = client.get(url).content.decode()
    assert "Betroffen ist 1 Bewerbung." in page
