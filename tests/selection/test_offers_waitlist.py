"""Issue 12, item 4: the offers page shows the waiting list with positions and each offer's
state; an offer to the next person is confirmed first and, before the decision date, waits
with the other decision mails; the person's unsent waiting-list mail is withdrawn."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from kohorte.admissions.models import Application
from kohorte.comms import delivery
from kohorte.comms import services as mail
from kohorte.comms.models import Batch, OutboxMessage
from kohorte.core.formatting import in_language
from kohorte.core.models import AuditLog
from kohorte.selection import optimiser, services
from kohorte.selection.models import Conflict, Decision, Offer
from tests.factories import review_all

pytestmark = pytest.mark.django_db


def _decided(committee):
    """Reviews, a proposal, decisions by the proposal and their mails, held in a batch that is
    scheduled for the decision date."""
    cohort, chair = committee["cohort"], committee["chair"]
    settings_ = cohort.selection_settings
    settings_.seats = 4
    settings_.level_min = {"kommune": 2}
    settings_.save()
    services.assign_reviewers(cohort, actor=chair, seed=1)
    review_all(cohort)
    proposal = services.propose(cohort, actor=chair, seed=3)
    services.explain(proposal.pk)
    services.follow_proposal(cohort, actor=chair)
    batch = services.prepare_decision_mails(cohort, actor=chair)
    return cohort, chair, batch


def _free_a_place(cohort, chair) -> Application:
    """An admitted person's decision changes before the decision date: a place is free."""
    admitted = (
        Decision.objects.filter(application__cohort=cohort, is_current=True, outcome="admit")
        .order_by("application_id")
        .first()
        .application
    )
    services.record_decision(
        admitted, "reject", "Nimmt an einem anderen Programm teil", actor=chair
    )
    return admitted


def _waitlist_mail(application) -> OutboxMessage:
    decision = Decision.objects.get(application=application, outcome="waitlist")
    return services.mail_about(decision).get(event_key="decision.waitlisted")


def test_offer_before_the_decision_date_is_confirmed_and_held_with_the_decision_mails(
    client, committee, smtp_server
):
    cohort, chair, batch = _decided(committee)
    assert batch.state == Batch.State.SCHEDULED
    _free_a_place(cohort, chair)
    candidate_pk, _dropped = optimiser.next_candidate(cohort)
    candidate = Application.objects.get(pk=candidate_pk)
    name = f"{candidate.first_name} {candidate.last_name}"
    assert _waitlist_mail(candidate).state == "held"
    client.force_login(chair)
    url = f"/verwaltung/auswahl/{cohort.pk}/angebote/"
    page = client.get(url).content.decode()
    assert f"Angebot an {name} vorbereiten …" in page
    # the first step writes nothing; it asks for confirmation and says when the mail goes out
    page = client.get(url, {"bestaetigen": candidate_pk}).content.decode()
    when = in_language(batch.scheduled_for, "de")
    assert f"Angebot an {name} bestätigen" in page
    assert (
        f"Die Mail mit dem Angebot wird zurückgehalten und geht am {when} mit den anderen "
        "Entscheidungsmails hinaus (Tag der Auswahlentscheidung)." in page
    )
    assert "Nicht bis zum Entscheidungstag warten: die Mail sofort senden" in page
    assert not Offer.objects.filter(application=candidate).exists()
    response = client.post(url, {"application": candidate_pk})
    assert response.status_code == 302
    offer = Offer.objects.get(application=candidate)
    message = services.offer_mail(offer)
    assert message.state == "held" and message.batch_id == batch.pk
    # the worker sends nothing before the batch is released on the decision date
    delivery.deliver_due()
    message.refresh_from_db()
    assert message.state == "held"
    assert candidate.applicant.email not in [
        m["To"].addresses[0].addr_spec for m in smtp_server.messages
    ]
    # the waiting-list mail is withdrawn, audited; the offer's row says how the mail goes
    waitlist = _waitlist_mail(candidate)
    assert waitlist.state == "cancelled"
    assert waitlist.last_error == "Die Person erhält stattdessen das Angebot eines Platzes."
    cancelled = AuditLog.objects.filter(action="comms.cancelled", object_id=str(waitlist.pk))
    assert cancelled.get().data["reason"] == (
        "Die Person erhält stattdessen das Angebot eines Platzes."
    )
    created = AuditLog.objects.get(action="selection.offer_created", object_id=str(candidate_pk))
    assert datetime.fromisoformat(created.data.pop("send_at")) == batch.scheduled_for
    assert created.data == {
        "offer": offer.pk,
        "mail": "held",
        "batch": batch.pk,
        "send_now_reason": "",
        "waitlist_mail": "cancelled",
    }
    assert offer.respond_by == services.offer_deadline(cohort, batch.scheduled_for)
    # the offers page shows the held state and the deadline in German
    page = client.get(url).content.decode()
    assert f"zurückgehalten bis {when}" in page
    assert in_language(offer.respond_by, "de") in page
    # the application page shows the withdrawn waiting-list mail
    page = client.get(f"/verwaltung/auswahl/{cohort.pk}/bewerbung/{candidate_pk}/").content
    assert (
        "Warteliste: storniert – Die Person erhält stattdessen das Angebot eines Platzes."
        in page.decode()
    )
    # released on the decision date, the offer mail goes out with the others
    mail.release_batch(batch, actor=chair)
    delivery.deliver_due()
    message.refresh_from_db()
    assert message.state == "sent"
    waitlist.refresh_from_db()
    assert waitlist.state == "cancelled"


def test_send_now_before_the_decision_date_needs_a_reason(client, committee):
    cohort, chair, _batch = _decided(committee)
    _free_a_place(cohort, chair)
    candidate_pk, _dropped = optimiser.next_candidate(cohort)
    client.force_login(chair)
    url = f"/verwaltung/auswahl/{cohort.pk}/angebote/"
    response = client.post(url, {"application": candidate_pk, "send_now": "on"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bitte begründen Sie, warum die Mail vor dem Entscheidungstag hinausgeht." in page
    assert 'aria-describedby="id_send_now_reason_error' in page or (
        'id="id_send_now_reason_error"' in page
    )
    assert not Offer.objects.filter(application_id=candidate_pk).exists()
    response = client.post(
        url,
        {
            "application": candidate_pk,
            "send_now": "on",
            "send_now_reason": "Der Kurs beginnt früher",
        },
    )
    assert response.status_code == 302
    offer = Offer.objects.get(application_id=candidate_pk)
    assert services.offer_mail(offer).state == "queued"
    created = AuditLog.objects.get(action="selection.offer_created", object_id=str(candidate_pk))
    assert created.data["mail"] == "now"
    assert created.data["send_now_reason"] == "Der Kurs beginnt früher"
    assert created.data["waitlist_mail"] == "cancelled"


def test_offer_after_a_sent_waiting_list_mail_follows_it(committee, smtp_server):
    cohort, chair, batch = _decided(committee)
    mail.release_batch(batch, actor=chair)
    delivery.deliver_due()
    first = Offer.objects.filter(application__cohort=cohort).order_by("application_id").first()
    services.respond_to_offer(first, accept=False)
    candidate_pk, _dropped = optimiser.next_candidate(cohort)
    candidate = Application.objects.get(pk=candidate_pk)
    assert _waitlist_mail(candidate).state == "sent"
    # the decision mails are out: the offer goes at once (no reason needed), after the other
    assert services.offer_send_plan(cohort) == services.SendPlan(hold=False)
    offer, _token = services.offer_replacement(candidate, actor=chair)
    assert services.offer_mail(offer).state == "queued"
    assert _waitlist_mail(candidate).state == "sent"
    created = AuditLog.objects.get(action="selection.offer_created", object_id=str(candidate_pk))
    assert created.data["waitlist_mail"] == "sent" and created.data["mail"] == "now"


def test_offer_after_the_decision_date_goes_out_at_once(client, committee):
    cohort = committee["cohort"]
    cohort.decision_on = timezone.localdate() - timedelta(days=2)
    cohort.save(update_fields=["decision_on"])
    cohort, chair, batch = _decided(committee)
    assert batch.state == Batch.State.HELD  # held for review, without a date
    _free_a_place(cohort, chair)
    candidate_pk, _dropped = optimiser.next_candidate(cohort)
    client.force_login(chair)
    url = f"/verwaltung/auswahl/{cohort.pk}/angebote/"
    page = client.get(url, {"bestaetigen": candidate_pk}).content.decode()
    assert "Die Mail mit dem Angebot geht sofort nach Ihrer Bestätigung hinaus." in page
    assert "die Mail sofort senden" not in page
    client.post(url, {"application": candidate_pk})
    offer = Offer.objects.get(application_id=candidate_pk)
    assert services.offer_mail(offer).state == "queued"
    assert _waitlist_mail(offer.application).state == "cancelled"


def test_waiting_list_shows_positions_in_the_replacement_order(client, committee):
    cohort, chair, _batch = _decided(committee)
    _free_a_place(cohort, chair)
    order = services.waiting_list(cohort)
    waitlisted = set(
        Decision.objects.filter(
            application__cohort=cohort, is_current=True, outcome="waitlist"
        ).values_list("application_id", flat=True)
    )
    assert set(order) == waitlisted and len(order) >= 2
    assert order[0] == optimiser.next_candidate(cohort)[0]
    client.force_login(chair)
    url = f"/verwaltung/auswahl/{cohort.pk}/angebote/"
    page = client.get(url).content.decode()
    people = Application.objects.in_bulk(order)
    rows = [
        f'<td class="kern-table__cell num">{n}</td>\n    <td class="kern-table__cell">'
        f'<a class="kern-link" href="/verwaltung/auswahl/{cohort.pk}/bewerbung/{pk}/">'
        f"{people[pk].first_name} {people[pk].last_name}</a>"
        for n, pk in enumerate(order, 1)
    ]
    positions = [page.index(row) for row in rows]
    assert positions == sorted(positions)
    # a conflicted chair sees neither the hidden person nor a gap in the positions
    Conflict.objects.create(
        application_id=order[0], reviewer=chair, source="declared", reason="Kollegin"
    )
    page = client.get(url).content.decode()
    first = people[order[1]]
    assert (
        f'<td class="kern-table__cell num">1</td>\n    <td class="kern-table__cell">'
        f'<a class="kern-link" href="/verwaltung/auswahl/{cohort.pk}/bewerbung/{order[1]}/">'
        f"{first.first_name} {first.last_name}</a>" in page
    )
    assert f"/bewerbung/{order[0]}/" not in page
    assert "Die Positionen zählen ohne ausgeblendete Bewerbungen." in page
