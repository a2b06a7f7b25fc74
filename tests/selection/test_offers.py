"""Offers (issue 9, items 2 and 5): an offer is answered only while it is current and after its
mail went out; a changed decision withdraws an unsent offer, a sent one only explicitly."""

import re

import pytest
from django.core.exceptions import ValidationError

from kohorte.comms import delivery
from kohorte.comms import services as mail
from kohorte.comms.models import OutboxMessage
from kohorte.core.models import AuditLog
from kohorte.selection import services
from kohorte.selection.models import Decision, Offer
from kohorte.teaching.models import Participation

pytestmark = pytest.mark.django_db
OFFER_LABEL = "[Link zur Zu- oder Absage, nur für die Empfängerin / den Empfänger]"


@pytest.fixture
def held_offer(committee):
    """An admitted application whose offer mail waits, held, in the decision batch."""
    chair = committee["chair"]
    application = committee["applications"][0]
    services.record_decision(application, "admit", "Ohne Gutachten entschieden", actor=chair)
    batch = mail.open_event_batch(label="Entscheidungen", description="", actor=chair)
    offer, token = services.create_offer(application, actor=chair, batch=batch)
    mail.close_event_batch(batch)
    return {"offer": offer, "token": token, "batch": batch, "chair": chair, "app": application}


def _offer_message(offer) -> OutboxMessage:
    return OutboxMessage.objects.get(event_key="decision.admitted", object_id=str(offer.pk))


def _accept(client, token):
    return client.post(f"/angebot/{token}/", {"answer": "accept"}).content.decode()


def _delivered_link(smtp_server, to, kind="ja"):
    mails = [m for m in smtp_server.messages if m["To"].addresses[0].addr_spec == to]
    body = mails[-1].get_body(preferencelist=("plain",)).get_content()
    url = re.search(rf"(https?://\S+\?antwort={kind})", body).group(1)
    return re.sub(r"^https?://[^/]+", "", url)


def test_held_offer_cannot_be_answered_until_its_mail_is_sent(
    client, held_offer, smtp_server, staff
):
    offer, token = held_offer["offer"], held_offer["token"]
    message = _offer_message(offer)
    assert message.state == "held" and token not in message.body_text
    # staff read the held mail: no working link, the label instead
    client.force_login(staff)
    detail = client.get(f"/verwaltung/postausgang/{message.uuid}/").content.decode()
    assert OFFER_LABEL in detail and token not in detail
    batch_page = client.get(f"/verwaltung/sendungen/{held_offer['batch'].pk}/").content.decode()
    assert token not in batch_page
    client.logout()
    # even with the token (e.g. read from a database copy) the offer cannot be answered yet
    page = _accept(client, token)
    assert "Dieses Angebot gilt noch nicht" in page
    with pytest.raises(ValidationError) as error:
        services.respond_to_offer(offer, accept=True)
    assert error.value.messages == [
        "Dieses Angebot gilt noch nicht: Die Mail mit dem Angebot ist noch nicht verschickt."
    ]
    offer.refresh_from_db()
    assert offer.status == "pending" and not Participation.objects.exists()
    # released and delivered: the link in the delivered mail accepts the offer
    mail.release_batch(held_offer["batch"], actor=held_offer["chair"])
    delivery.deliver_due()
    path = _delivered_link(smtp_server, held_offer["app"].applicant.email)
    assert token in path
    page = client.get(path).content.decode()
    assert "Ich nehme den Platz an." in page
    assert "Sie haben den Platz angenommen." in _accept(client, token)
    assert Participation.objects.filter(application=held_offer["app"]).exists()
    message.refresh_from_db()
    assert message.state == "sent" and message.secrets == ""


def test_decline_link_from_the_delivered_mail_declines(client, held_offer, smtp_server):
    mail.release_batch(held_offer["batch"], actor=held_offer["chair"])
    delivery.deliver_due()
    path = _delivered_link(smtp_server, held_offer["app"].applicant.email, "nein")
    assert 'value="decline" id="answer-decline" checked' in client.get(path).content.decode()
    client.post(path, {"answer": "decline"})
    held_offer["offer"].refresh_from_db()
    assert held_offer["offer"].status == "declined"


def test_changed_decision_withdraws_a_held_offer_and_cancels_its_mail(client, held_offer):
    offer, token, chair = held_offer["offer"], held_offer["token"], held_offer["chair"]
    services.record_decision(held_offer["app"], "reject", "Doch nicht", actor=chair)
    offer.refresh_from_db()
    message = _offer_message(offer)
    assert offer.status == "withdrawn"
    assert message.state == "cancelled" and message.secrets == ""
    assert AuditLog.objects.filter(action="selection.offer_withdrawn").get().data["mail"] == (
        "cancelled"
    )
    # releasing the batch later sends nothing for this offer
    mail.release_batch(held_offer["batch"], actor=chair)
    message.refresh_from_db()
    assert message.state == "cancelled"
    page = _accept(client, token)
    assert "Dieses Angebot ist zurückgenommen und gilt nicht mehr." in page
    with pytest.raises(ValidationError):
        services.respond_to_offer(offer, accept=True)
    assert not Participation.objects.exists()


def test_changed_decision_after_the_mail_went_out_needs_an_explicit_withdrawal(
    client, held_offer, smtp_server
):
    offer, token, chair, application = (
        held_offer["offer"],
        held_offer["token"],
        held_offer["chair"],
        held_offer["app"],
    )
    mail.release_batch(held_offer["batch"], actor=chair)
    delivery.deliver_due()
    with pytest.raises(ValidationError) as error:
        services.record_decision(application, "reject", "Doch nicht", actor=chair)
    assert "Nehmen Sie es zuerst ausdrücklich zurück" in error.value.messages[0]
    assert Decision.objects.get(application=application, is_current=True).outcome == "admit"
    # the chair's page offers the withdrawal and says what happens
    client.force_login(chair)
    url = f"/verwaltung/auswahl/{application.cohort_id}/bewerbung/{application.pk}/"
    page = client.get(url)
    body = page.content.decode()
    assert "die Person erhält eine Mail, dass das Angebot zurückgenommen ist" in body
    assert 'name="withdraw_reason"' in body
    response = client.post(url, {"withdraw_offer": "1", "withdraw_reason": "Platzzahl gesenkt"})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == "withdrawn"
    log = AuditLog.objects.get(action="selection.offer_withdrawn")
    assert log.actor == chair and log.data["reason"] == "Platzzahl gesenkt"
    assert log.data["mail"] == "sent"
    delivery.deliver_due()
    withdrawal = smtp_server.messages[-1]
    assert withdrawal["Subject"].startswith("Ihr Platzangebot ist zurückgenommen")
    assert "Die Links in jener Mail gelten nicht mehr." in withdrawal.get_content()
    client.logout()
    # the link from the first mail no longer accepts
    assert "Dieses Angebot ist zurückgenommen" in _accept(client, token)
    assert not Participation.objects.exists()
    # now the decision can change
    services.record_decision(application, "reject", "Doch nicht", actor=chair)
    assert Decision.objects.get(application=application, is_current=True).outcome == "reject"


def test_withdrawal_needs_a_reason(held_offer):
    with pytest.raises(ValidationError) as error:
        services.withdraw_offer(held_offer["offer"], actor=held_offer["chair"], reason=" ")
    assert error.value.message_dict == {"reason": ["Bitte begründen Sie die Rücknahme."]}


def test_offer_transitions_refuse_illegal_moves(held_offer):
    offer = held_offer["offer"]
    services.set_offer_status(offer, Offer.Status.WITHDRAWN)
    with pytest.raises(ValidationError):
        services.set_offer_status(offer, Offer.Status.ACCEPTED)
    offer.refresh_from_db()
    assert offer.status == "withdrawn"


def test_an_older_offer_of_the_application_is_not_current(held_offer, smtp_server):
    chair, application = held_offer["chair"], held_offer["app"]
    mail.release_batch(held_offer["batch"], actor=chair)
    delivery.deliver_due()
    # the decision goes to the waiting list and back: a later offer replaces the first
    services.withdraw_offer(held_offer["offer"], actor=chair, reason="neu")
    services.record_decision(application, "waitlist", "Warteliste", actor=chair)
    services.record_decision(application, "admit", "doch", actor=chair)
    new_offer, _new_token = services.create_offer(application, actor=chair)
    held_offer["offer"].refresh_from_db()
    assert services.offer_problem(held_offer["offer"]) == "Dieses Angebot ist nicht mehr offen."
    assert services.offer_problem(new_offer).startswith("Dieses Angebot gilt noch nicht")
    delivery.deliver_due()
    assert services.offer_problem(new_offer) is None
