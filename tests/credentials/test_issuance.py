"""Issuing certificates: one, a re-issue that supersedes, the bulk issue through the worker
(ZIP for printing), the mail with the PDF attached, the staff page and the holder's files."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse

from kohorte.core.models import AuditLog
from kohorte.credentials import issuance
from kohorte.credentials.models import Certificate, IssuanceBatch
from tests.credentials.conftest import make_completed

pytestmark = pytest.mark.django_db


def test_issue_needs_a_current_completion(issuer_dir, past_cohort, team, django_user_model):
    from kohorte.teaching.services import enrol_participant

    user = django_user_model.objects.create_user(
        "o@bund.example", "x", first_name="O", last_name="P"
    )
    participation = enrol_participant(past_cohort, user, actor=team)
    with pytest.raises(ValidationError, match="keine Abschlussentscheidung"):
        issuance.issue_certificate(participation, actor=team)
    assert not Certificate.objects.exists()


def test_reissue_supersedes_and_keeps_the_history(completed, team):
    first = issuance.issue_certificate(completed, actor=team)
    with pytest.raises(ValidationError, match="Grund"):
        issuance.issue_certificate(completed, actor=team)
    completed.user.last_name = "Neuname"
    completed.user.save()
    second = issuance.issue_certificate(completed, actor=team, reason="Namensänderung")
    first.refresh_from_db()
    assert (first.status, second.status) == ("superseded", "valid")
    assert (second.version, second.supersedes, second.holder_name) == (2, first, "Erika Neuname")
    assert first.verification_id != second.verification_id
    actions = list(AuditLog.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-3:] == ["credentials.issued", "credentials.superseded", "credentials.reissued"]
    assert AuditLog.objects.get(action="credentials.reissued").data["reason"] == "Namensänderung"


def test_a_failed_signature_leaves_nothing_and_can_be_retried(completed, team, settings):
    settings.DATA_DIR = settings.DATA_DIR / "leer"  # no issuer key there
    from kohorte.core.signing import IssuerNotConfigured

    with pytest.raises(IssuerNotConfigured):
        issuance.issue_certificate(completed, actor=team)
    assert not Certificate.objects.exists()


def test_mail_carries_the_signed_pdf(
    completed, team, smtp_server, django_capture_on_commit_callbacks
):
    from kohorte.comms import delivery

    with django_capture_on_commit_callbacks(execute=False):
        certificate = issuance.issue_certificate(completed, actor=team)
    assert delivery.deliver_due().sent == 1
    (message,) = smtp_server.messages
    assert message["To"].endswith("<erika@bund.example>")
    pdfs = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
    assert [p.get_filename() for p in pdfs] == ["zertifikat-erika-musterfrau-v1.pdf"]
    with default_storage.open(certificate.pdf_name, "rb") as stored:
        assert pdfs[0].get_payload(decode=True) == stored.read()
    body = message.get_body(("plain",)).get_content()
    assert f"/zertifikate/pruefen/{certificate.verification_id}/" in body


def test_batch_issues_everyone_through_the_worker_and_writes_the_zip(
    completed, past_cohort, team, django_capture_on_commit_callbacks
):
    make_completed(past_cohort, "zora@bund.example", "Zora", "Zeta", staff=team)
    with django_capture_on_commit_callbacks(execute=True):
        batch = issuance.start_issuance(past_cohort, actor=team)
    assert batch.total == 2 and batch.status == "queued"
    with pytest.raises(ValidationError, match="läuft schon"):
        issuance.start_issuance(past_cohort, actor=team)
    from django_tasks_db.models import DBTaskResult

    from kohorte.credentials.tasks import issue_batch

    queued = DBTaskResult.objects.get(task_path__endswith="issue_batch")
    assert queued.args_kwargs["args"] == [batch.pk]
    # what the worker does with it (db_worker closes the test's database connection)
    assert issue_batch.call(*queued.args_kwargs["args"]) == {
        "status": "done",
        "done": 2,
        "total": 2,
    }
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.error) == ("done", 2, "")
    assert Certificate.objects.filter(batch=batch, status="valid").count() == 2
    with default_storage.open(batch.zip_name, "rb") as stored:
        names = zipfile.ZipFile(io.BytesIO(stored.read())).namelist()
    assert names == ["zertifikat-erika-musterfrau-v1.pdf", "zertifikat-zora-zeta-v1.pdf"]
    with pytest.raises(ValidationError, match="Niemand wartet"):
        issuance.start_issuance(past_cohort, actor=team)


def test_staff_page_and_progress(completed, past_cohort, team, client, django_assert_num_queries):
    client.force_login(team)
    url = reverse("credentials_staff:cohort", kwargs={"cohort_id": past_cohort.pk})
    page = client.get(url).content.decode()
    assert "Für alle mit Abschluss ausstellen (1)" in page
    confirm = client.post(url, {"action": "start"}).content.decode()
    assert "Jetzt 1 Zertifikat ausstellen" in confirm
    assert not IssuanceBatch.objects.exists()
    client.post(url, {"action": "start", "confirmed": "1"})
    batch = IssuanceBatch.objects.get()
    progress = client.get(
        reverse("credentials_staff:progress", kwargs={"cohort_id": past_cohort.pk})
    ).content.decode()
    assert 'hx-trigger="every 2s"' in progress and "0 von 1" in progress
    assert "<progress" in progress and "aktualisieren" in progress
    progress_url = reverse("credentials_staff:progress", kwargs={"cohort_id": past_cohort.pk})
    assert "HX-Refresh" not in client.get(progress_url, headers={"HX-Request": "true"})
    issuance.run_batch(batch.pk)
    # The poll that sees the end reloads the page, so that the table shows the certificates.
    ended = client.get(progress_url, headers={"HX-Request": "true"})
    assert (
        ended["HX-Refresh"] == "true"
        and "Fertig: 1 Zertifikat ausgestellt am" in ended.content.decode()
    )
    assert "HX-Refresh" not in client.get(progress_url)
    page = client.get(url).content.decode()
    assert "Fassung 1: gültig" in page and "(ZIP)" in page
    zip_response = client.get(
        reverse("credentials_staff:zip", kwargs={"cohort_id": past_cohort.pk, "batch_id": batch.pk})
    )
    assert zip_response["Content-Type"] == "application/zip"


def test_staff_page_queries_do_not_grow(
    completed, past_cohort, team, client, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(team)
    url = reverse("credentials_staff:cohort", kwargs={"cohort_id": past_cohort.pk})
    issuance.issue_certificate(completed, actor=team)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(3):
        p = make_completed(past_cohort, f"m{i}@bund.example", f"M{i}", "Muster", staff=team)
        issuance.issue_certificate(p, actor=team)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(one) == len(many)


def test_holder_downloads_her_own_files_only(completed, past_cohort, team, client):
    mine = issuance.issue_certificate(completed, actor=team)
    other = issuance.issue_certificate(
        make_completed(past_cohort, "x@bund.example", "Xaver", "Y", staff=team), actor=team
    )
    client.force_login(completed.user)
    page = client.get(reverse("teaching:programme")).content.decode()
    assert "Zertifikat herunterladen (PDF, elektronisch signiert)" in page
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&amp;name=" in page
    assert f"certId={mine.verification_id}" in page
    response = client.get(
        reverse("credentials_holder:pdf", kwargs={"verification_id": mine.verification_id})
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    for name in ("pdf", "jwt"):
        url = reverse(
            f"credentials_holder:{name}", kwargs={"verification_id": other.verification_id}
        )
        assert client.get(url).status_code == 404


def test_a_decision_with_a_valid_certificate_is_withdrawn_only_after_revocation(completed, team):
    from kohorte.assessments.models import Completion
    from kohorte.assessments.services import withdraw_completion
    from kohorte.credentials.services import revoke_certificate

    certificate = issuance.issue_certificate(completed, actor=team)
    completion = Completion.objects.current().get(participation=completed)
    with pytest.raises(ValidationError, match="Bitte widerrufen Sie zuerst das Zertifikat"):
        withdraw_completion(completion, actor=team, reason="Täuschung festgestellt")
    assert Completion.objects.current().filter(participation=completed).exists()
    revoke_certificate(certificate, actor=team, reason="Täuschung festgestellt")
    withdraw_completion(completion, actor=team, reason="Täuschung festgestellt")
    assert not Completion.objects.current().filter(participation=completed).exists()


def test_no_certificate_without_a_name_the_address_is_never_printed(
    issuer_dir, past_cohort, team, client
):
    """The holder's name is printed, signed into the credential and shown on the public
    verification page. An account without a name (staff can blank it in the admin) used to get
    its e-mail address there instead: the issue is refused until the name is filled in."""
    nameless = make_completed(past_cohort, "ohne.namen@bund.example", "", " ", staff=team)
    with pytest.raises(ValidationError) as error:
        issuance.issue_certificate(nameless, actor=team)
    assert error.value.messages == [
        "Das Konto ohne.namen@bund.example hat keinen Namen: ein Zertifikat trägt den Namen "
        "der Inhaberin / des Inhabers. Bitte tragen Sie zuerst den Namen ein."
    ]
    assert not Certificate.objects.exists()
    batch = issuance.run_batch(issuance.start_issuance(past_cohort, actor=team).pk)
    assert batch.status == "failed" and "hat keinen Namen" in batch.error
    assert not Certificate.objects.filter(holder_name__contains="@").exists()
