"""Onboarding: enrolment on an accepted offer, the employer's release by a single-purpose link
(hash only, expiry, one reminder), the practical details only staff see."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kohorte.accounts.models import Membership
from kohorte.comms.delivery import deliver_due
from kohorte.comms.models import OutboxMessage
from kohorte.core.models import AuditLog
from kohorte.core.tokens import hash_token
from kohorte.teaching import services
from kohorte.teaching.models import Participation, Release

pytestmark = pytest.mark.django_db


def _link(smtp_server, to):
    deliver_due()
    mails = [m for m in smtp_server.messages if m["To"].addresses[0].addr_spec == to]
    body = mails[-1].get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+/freistellung/\S+/", body).group(0)


def test_accepted_offer_enrols_once_with_an_audit_row(cohort, django_user_model):
    from kohorte.admissions.services import start_application
    from kohorte.selection.signals import offer_accepted

    user = django_user_model.objects.create_user("new@bund.example", "x")
    application = start_application(cohort, user)
    offer_accepted.send(sender=None, application=application, offer=None)
    offer_accepted.send(sender=None, application=application, offer=None)
    participation = Participation.objects.get(user=user)
    assert participation.cohort == cohort and participation.application == application
    rows = AuditLog.objects.filter(action="teaching.enrolled")
    assert rows.count() == 1 and rows.get().actor == user


def test_release_request_stores_only_the_hash_and_mails_the_link(participant, smtp_server, client):
    release, token = services.request_release(
        participant,
        name="Dr. Vera Vorgesetzt",
        role="Abteilungsleitung",
        email="vera@bund.example",
        actor=participant.user,
    )
    assert release.token_hash == hash_token(token) and token not in release.token_hash
    message = OutboxMessage.objects.get(event_key="teaching.release_requested")
    assert token not in message.body_text and token not in message.secrets
    assert "[[kohorte-secret:confirm_url]]" in message.body_text
    link = _link(smtp_server, "vera@bund.example")
    assert link.endswith(f"/freistellung/{token}/")
    page = client.get(f"/freistellung/{token}/")
    assert page.status_code == 200 and page["Referrer-Policy"] == "same-origin"
    body = page.content.decode()
    assert "Guten Tag Dr. Vera Vorgesetzt, Tara Teil nimmt am Programm" in body
    response = client.post(f"/freistellung/{token}/")
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.status == "confirmed" and release.confirmed_at is not None
    done = client.get(f"/freistellung/{token}/").content.decode()
    assert "Vielen Dank" in done and "Sie haben die Freistellung von Tara Teil" in done
    assert AuditLog.objects.filter(action="teaching.release_confirmed", actor=None).count() == 1
    confirmation = OutboxMessage.objects.get(event_key="teaching.release_confirmed")
    assert confirmation.recipient_email == "tara@bund.example"
    assert "Dr. Vera Vorgesetzt hat Ihre Freistellung" in confirmation.body_text
    with pytest.raises(ValidationError):
        services.request_release(
            participant, name="X", role="Y", email="x@bund.example", actor=participant.user
        )


def test_unknown_replaced_and_expired_links_are_refused(participant, client):
    first, old = services.request_release(
        participant, name="A", role="AL", email="a@bund.example", actor=participant.user
    )
    second, new = services.request_release(
        participant, name="B", role="AL", email="b@bund.example", actor=participant.user
    )
    first.refresh_from_db()
    assert first.status == "replaced"
    assert client.get("/freistellung/gibtesnicht/").status_code == 404
    replaced = client.get(f"/freistellung/{old}/")
    assert replaced.status_code == 410 and "gilt nicht mehr" in replaced.content.decode()
    assert client.post(f"/freistellung/{old}/").status_code == 410
    Release.objects.filter(pk=second.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = client.get(f"/freistellung/{new}/")
    assert expired.status_code == 410 and "abgelaufen" in expired.content.decode()
    client.post(f"/freistellung/{new}/")
    second.refresh_from_db()
    assert second.status == "requested"


def test_the_scheduler_reminds_once_with_a_new_link(participant, smtp_server):
    release, token = services.request_release(
        participant, name="A", role="AL", email="a@bund.example", actor=participant.user
    )
    assert services.send_release_reminders() == 0  # not due yet
    later = timezone.now() + timedelta(days=8)
    assert services.send_release_reminders(now=later) == 1
    assert services.send_release_reminders(now=later + timedelta(days=8)) == 0  # once only
    release.refresh_from_db()
    assert release.status == "reminded" and release.token_hash != hash_token(token)
    assert services.find_release(token) is None
    reminder = OutboxMessage.objects.get(event_key="teaching.release_reminder")
    assert reminder.subject.startswith("Erinnerung: Bitte bestätigen Sie die Freistellung")
    link = _link(smtp_server, "a@bund.example")
    assert services.find_release(link.rstrip("/").rsplit("/", 1)[1]) == release


def test_the_reminder_is_a_scheduled_job():
    from kohorte.core.schedule import DailyAt, jobs

    job = jobs()["teaching.remind_supervisors"]
    assert isinstance(job.period, DailyAt) and job.period.describe() == "daily 07:30 Europe/Berlin"


def test_practical_details_are_audited_without_their_values(participant, client):
    client.force_login(participant.user)
    response = client.post(
        "/mein-programm/",
        {
            "action": "details",
            "dietary_needs": "vegetarisch, Nussallergie",
            "accessibility_needs": "Rollstuhl",
            "arrives": "yes",
        },
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.dietary_needs == "vegetarisch, Nussallergie"
    assert participant.arrives_evening_before is True
    row = AuditLog.objects.get(action="teaching.details_saved")
    assert row.data == {
        "fields": ["dietary_needs", "accessibility_needs", "arrives_evening_before"]
    }
    assert "Nuss" not in str(row.data)


def test_only_staff_see_the_details_and_the_release_state(participant, client, django_user_model):
    services.save_practical_details(
        participant,
        actor=participant.user,
        dietary_needs="vegan",
        accessibility_needs="",
        arrives=False,
    )
    services.request_release(
        participant,
        name="Dr. Vera Vorgesetzt",
        role="AL",
        email="v@bund.example",
        actor=participant.user,
    )
    staff = django_user_model.objects.create_user("team@example.org", "x", is_staff=True)
    Membership.objects.create(user=staff, role="staff", program=participant.cohort.program)
    client.force_login(staff)
    url = f"/verwaltung/lehrbetrieb/{participant.cohort_id}/"
    page = client.get(url).content.decode()
    assert "Tara Teil" in page and "vegan" in page
    assert "1 Freistellung ist noch nicht bestätigt." in page
    assert "angefragt" in page and "Dr. Vera Vorgesetzt, AL" in page
    open_only = client.get(url + "?freistellung=offen").content.decode()
    assert "Tara Teil" in open_only
    lecturer = django_user_model.objects.create_user("lec@example.org", "x")
    Membership.objects.create(user=lecturer, role="lecturer", cohort=participant.cohort)
    client.force_login(lecturer)
    assert client.get(url).status_code == 404


def test_my_programme_lists_the_modules_with_dates_and_places(participant, client):
    client.force_login(participant.user)
    page = client.get("/mein-programm/").content.decode()
    assert "Willkommen, Tara Teil! Sie sind Teilnehmer:in im" in page
    assert 'href="/mein-programm/"' in page and "Mein Programm" in page
    for run in participant.cohort.runs.select_related("module"):
        assert run.module.title in page
    assert "GovTech Campus" in page and "online" in page
    assert "Meine Bewerbung" not in page


def test_a_participant_lands_in_her_programme_not_her_application(cohort, client):
    from kohorte.teaching.services import enrol_participant
    from tests.factories import make_applications

    (application,) = make_applications(cohort, 1)
    client.force_login(application.applicant)
    assert (
        client.get("/meine-bewerbung/")["Location"]
        == "/ki-data-science/jahrgaenge/jahrgang-2/bewerben/"
    )
    enrol_participant(cohort, application.applicant, application=application, actor=None)
    assert client.get("/meine-bewerbung/")["Location"] == "/mein-programm/"
