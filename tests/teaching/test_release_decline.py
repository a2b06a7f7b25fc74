"""The supervisor declines the release by the single-purpose link: a final state with an
optional reason, audited; the participant is told by mail and names a supervisor again; staff see
"abgelehnt"; the link cannot be used again."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kohorte.accounts.models import Membership
from kohorte.comms.delivery import deliver_due
from kohorte.comms.models import OutboxMessage
from kohorte.core.models import AuditLog
from kohorte.teaching import services
from kohorte.teaching.models import Release

pytestmark = pytest.mark.django_db


def _request(participant, email="vera@bund.example"):
    return services.request_release(
        participant,
        name="Dr. Vera Vorgesetzt",
        role="Abteilungsleitung",
        email=email,
        actor=participant.user,
    )


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_supervisor_declines_with_a_reason_and_the_link_is_used_up(
    participant, client, smtp_server
):
    release, token = _request(participant)
    page = _text(client.get(f"/freistellung/{token}/"))
    assert "Freistellung ablehnen" in page and "Begründung (freiwillig)" in page
    response = client.post(
        f"/freistellung/{token}/",
        {"answer": "decline", "reason": "Im März ist die Abteilung unterbesetzt."},
    )
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.status == "declined" and release.declined_at is not None
    assert release.decline_reason == "Im März ist die Abteilung unterbesetzt."
    assert release.confirmed_at is None
    row = AuditLog.objects.get(action="teaching.release_declined")
    assert row.actor is None and row.data == {
        "release": release.pk,
        "before": {"status": "requested"},
        "after": {"status": "declined"},
    }
    done = _text(client.get(f"/freistellung/{token}/"))
    assert "Sie haben die Freistellung von Tara Teil am" in done and "abgelehnt" in done
    assert "dieser Link gilt nicht mehr" in done
    # used up: neither a confirmation nor a second decline changes anything
    client.post(f"/freistellung/{token}/")
    client.post(f"/freistellung/{token}/", {"answer": "decline", "reason": "anders"})
    release.refresh_from_db()
    assert release.status == "declined"
    assert release.decline_reason == "Im März ist die Abteilung unterbesetzt."
    assert AuditLog.objects.filter(action__startswith="teaching.release_").count() == 2
    with pytest.raises(ValidationError):
        services.confirm_release(release)
    # the participant's mail, delivered through the real SMTP server
    mail = OutboxMessage.objects.get(event_key="teaching.release_declined")
    assert mail.recipient_email == "tara@bund.example"
    assert mail.subject == "Ihre Freistellung wurde abgelehnt"
    assert "Dr. Vera Vorgesetzt hat Ihre Freistellung für den" in mail.body_text
    assert "Begründung: Im März ist die Abteilung unterbesetzt." in mail.body_text
    assert "erneut eine vorgesetzte Person nennen, auch dieselbe" in mail.body_text
    deliver_due()
    delivered = [
        m for m in smtp_server.messages if m["To"].addresses[0].addr_spec == "tara@bund.example"
    ]
    assert [m["Subject"] for m in delivered] == ["Ihre Freistellung wurde abgelehnt"]


def test_the_decline_mail_without_a_reason_and_in_english(participant, client):
    participant.user.preferred_language = "en"
    participant.user.save(update_fields=["preferred_language"])
    release, token = _request(participant)
    client.post(f"/freistellung/{token}/", {"answer": "decline", "reason": "  "})
    release.refresh_from_db()
    assert release.status == "declined" and release.decline_reason == ""
    mail = OutboxMessage.objects.get(event_key="teaching.release_declined")
    assert mail.subject == "Your release from work was declined"
    assert "Dr. Vera Vorgesetzt has declined your release from work" in mail.body_text
    assert "Reason" not in mail.body_text and "Begründung" not in mail.body_text


def test_an_expired_link_cannot_decline(participant, client):
    release, token = _request(participant)
    Release.objects.filter(pk=release.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.post(f"/freistellung/{token}/", {"answer": "decline", "reason": ""})
    assert response.status_code == 410
    release.refresh_from_db()
    assert release.status == "requested"
    assert not OutboxMessage.objects.filter(event_key="teaching.release_declined").exists()


def test_a_too_long_reason_is_refused_on_the_page(participant, client):
    release, token = _request(participant)
    response = client.post(f"/freistellung/{token}/", {"answer": "decline", "reason": "x" * 2001})
    assert response.status_code == 400
    assert "höchstens 2000 Zeichen" in response.content.decode()
    release.refresh_from_db()
    assert release.status == "requested"


def test_my_programme_says_declined_and_names_the_same_supervisor_again(participant, client):
    release, token = _request(participant)
    services.decline_release(release, reason="Bitte erst mit mir sprechen.")
    client.force_login(participant.user)
    page = _text(client.get("/mein-programm/"))
    assert "Dr. Vera Vorgesetzt hat Ihre Freistellung am" in page
    assert "abgelehnt. Begründung: Bitte erst mit mir sprechen." in page
    assert "Vorgesetzte Person erneut nennen" in page
    html = client.get("/mein-programm/").content.decode()
    assert 'value="vera@bund.example"' in html  # offered again, after talking
    response = client.post(
        "/mein-programm/",
        {
            "action": "release",
            "name": "Dr. Vera Vorgesetzt",
            "role": "Abteilungsleitung",
            "email": "vera@bund.example",
        },
    )
    assert response.status_code == 302
    statuses = list(participant.releases.order_by("created_at", "id").values_list("status"))
    assert statuses == [("declined",), ("requested",)]
    page = _text(client.get("/mein-programm/"))
    assert "abgelehnt" not in page
    assert "Wir haben Dr. Vera Vorgesetzt (vera@bund.example) um die Bestätigung gebeten." in page
    assert services.find_release(token).status == "declined"  # the old link stays used up


def test_staff_see_declined_in_the_participant_list(participant, client, django_user_model):
    release, _token = _request(participant)
    services.decline_release(release, reason="Personalengpass")
    staff = django_user_model.objects.create_user("team@example.org", "x", is_staff=True)
    Membership.objects.create(user=staff, role="staff", program=participant.cohort.program)
    client.force_login(staff)
    url = f"/verwaltung/lehrbetrieb/{participant.cohort_id}/"
    page = _text(client.get(url))
    assert "1 Freistellung ist noch nicht bestätigt." in page
    assert "abgelehnt am" in page and "Begründung: Personalengpass" in page
    assert "declined" not in page
    assert "Tara Teil" in _text(client.get(url + "?freistellung=offen"))


def test_the_english_link_and_programme_page_read_in_english(participant, client):
    participant.user.preferred_language = "en"
    participant.user.save(update_fields=["preferred_language"])
    _release, token = services.request_release(
        participant,
        name="Dr. Vera Vorgesetzt",
        role="Head of division",
        email="vera@bund.example",
        actor=participant.user,
        language="en",
    )
    page = _text(client.get(f"/en/freistellung/{token}/"))
    assert "Decline the release from work" in page and "Reason (optional)" in page
    assert "ablehnen" not in page
    client.post(f"/en/freistellung/{token}/", {"answer": "decline", "reason": "Not in March."})
    done = _text(client.get(f"/en/freistellung/{token}/"))
    assert "You declined the release from work of Tara Teil on" in done
    client.force_login(participant.user)
    mine = _text(client.get("/en/mein-programm/"))
    assert "Dr. Vera Vorgesetzt declined your release from work on" in mine
    assert "Reason: Not in March." in mine and "Name a supervisor again" in mine
    assert "abgelehnt" not in mine and "Begründung" not in mine
