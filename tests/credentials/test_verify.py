"""The verification page, the upload check, revocation and the staff page, and the CLI export."""

import hashlib
import json
import time
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from weasyprint import HTML

from kohorte.accounts.models import Membership
from kohorte.comms.models import OutboxMessage
from kohorte.core.models import AuditLog
from kohorte.core.signing import sign_pdf
from kohorte.credentials.models import Certificate
from kohorte.credentials.ob3 import attach_credential, verification_url
from kohorte.credentials.services import revoke_certificate
from tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert(issuer_dir, django_user_model):
    user = django_user_model.objects.create_user(
        "hanna.holder@bund.example", "x", first_name="Hanna", last_name="Holder"
    )
    certificate = CertificateFactory(
        completion__participation__user=user, completion__participation__cohort__name_de="Jg. 9"
    )
    attach_credential(certificate)
    certificate.refresh_from_db()
    return certificate


@pytest.fixture
def staff(cert, django_user_model):
    user = django_user_model.objects.create_user("ps@example.org", "x", is_staff=True)
    Membership.objects.create(user=user, role="staff", program=cert.participation.cohort.program)
    return user


def _page(client, url) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response.content.decode()


def test_verify_page_shows_name_programme_cohort_date_and_state(client, cert):
    status, body = _page(client, f"/zertifikate/pruefen/{cert.verification_id}/")
    assert status == 200
    assert "Hanna Holder" in body
    assert cert.participation.cohort.program.title in body
    assert "Jg. 9" in body
    assert "Gültig." in body
    assert 'href="/zertifikate/ca.pem"' in body
    # nothing else about the person
    assert "hanna.holder@bund.example" not in body


def test_unknown_id_is_a_friendly_404(client, cert):
    status, body = _page(client, "/zertifikate/pruefen/nichtvorhanden123/")
    assert status == 404
    assert "Zertifikat nicht gefunden" in body
    assert "Hanna" not in body


def test_superseded_names_nothing_about_the_successor(client, cert, django_user_model):
    Certificate.objects.filter(pk=cert.pk).update(status="superseded")
    newer = CertificateFactory(
        participation=cert.participation,
        completion=cert.completion,
        version=2,
        supersedes=cert,
        holder_name="Hanna Neuname",
    )
    status, body = _page(client, f"/zertifikate/pruefen/{cert.verification_id}/")
    assert status == 200
    assert "Ersetzt." in body and "neuere Fassung" in body
    assert newer.verification_id not in body and "Neuname" not in body


def test_revoke_requires_a_reason_and_never_deletes(cert, staff):
    with pytest.raises(ValidationError):
        revoke_certificate(cert, actor=staff, reason="  ")
    cert.refresh_from_db()
    assert cert.status == "valid"
    revoke_certificate(cert, actor=staff, reason="Täuschung festgestellt")
    cert.refresh_from_db()
    assert (cert.status, cert.revoked_reason, cert.revoked_by) == (
        "revoked",
        "Täuschung festgestellt",
        staff,
    )
    assert Certificate.objects.filter(pk=cert.pk).exists()
    entry = AuditLog.objects.get(action="credentials.certificate_revoked")
    assert entry.actor == staff and entry.data["reason"] == "Täuschung festgestellt"
    mail = OutboxMessage.objects.get(recipient_email="hanna.holder@bund.example")
    assert "widerrufen" in mail.subject
    assert "Täuschung festgestellt" in mail.body_text
    with pytest.raises(ValidationError):
        revoke_certificate(cert, actor=staff, reason="noch einmal")


def test_staff_page_revokes_and_the_verify_page_says_so(client, cert, staff):
    client.force_login(staff)
    url = f"/verwaltung/zertifikate/nachweis/{cert.verification_id}/"
    status, body = _page(client, url)
    assert status == 200
    assert "Zertifikat von Hanna Holder" in body and "Fassungen" in body
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    response = client.post(url, {"reason": "Name falsch geschrieben"})
    assert response.status_code == 302
    status, body = _page(client, url)
    assert "Name falsch geschrieben" in body
    assert "Zertifikat widerrufen</span>" not in body  # no second revocation offered
    client.logout()
    status, body = _page(client, f"/zertifikate/pruefen/{cert.verification_id}/")
    assert "Widerrufen." in body and "Name falsch geschrieben" not in body


def _upload(client, name: str, data: bytes) -> str:
    upload = SimpleUploadedFile(name, data)
    response = client.post("/zertifikate/pruefen/", {"document": upload})
    assert response.status_code == 200
    return response.content.decode()


def test_upload_accepts_a_good_jwt_and_refuses_a_tampered_one(client, cert):
    body = _upload(client, "nachweis.jwt", cert.credential_jwt.encode())
    assert "Die Signatur des digitalen Nachweises ist gültig." in body
    assert "Hanna Holder" in body and "Gültig." in body
    header, payload, signature = cert.credential_jwt.split(".")
    import base64

    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["vc"]["credentialSubject"]["creditsEarned"] = 60
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    body = _upload(client, "nachweis.jwt", f"{header}.{forged}.{signature}".encode())
    assert "Nicht bestätigt." in body and "Die Signatur des Nachweises ist ungültig." in body
    assert "Hanna Holder" not in body


def test_upload_of_a_json_file_with_the_jwt(client, cert):
    data = json.dumps({"credential_jwt": cert.credential_jwt}).encode()
    body = _upload(client, "nachweis.json", data)
    assert "Die Signatur des digitalen Nachweises ist gültig." in body


def test_upload_after_revocation_says_revoked(client, cert, staff):
    revoke_certificate(cert, actor=staff, reason="Grund")
    body = _upload(client, "nachweis.jwt", cert.credential_jwt.encode())
    assert "Widerrufen." in body


def _signed_pdf(subject: str = "") -> bytes:
    meta = f'<meta name="description" content="{subject}">' if subject else ""
    html = (
        f'<html lang="de"><head><title>Zertifikat</title>{meta}</head><body><p>Z</p></body></html>'
    )
    return sign_pdf(HTML(string=html).write_pdf(), reason="Zertifikat", location="Berlin")


def test_upload_pdf_found_by_its_sha256(client, cert):
    data = _signed_pdf()
    Certificate.objects.filter(pk=cert.pk).update(pdf_sha256=hashlib.sha256(data).hexdigest())
    body = _upload(client, "zertifikat.pdf", data)
    assert "Die Signatur der PDF-Datei ist gültig und umfasst die ganze Datei." in body
    assert "Hanna Holder" in body and "Gültig." in body


def test_upload_pdf_is_never_found_by_an_address_in_its_metadata(client, cert):
    """Only the stored SHA-256 names a certificate: a PDF the issuer signed for something else
    (a transcript, whose metadata carries a name as typed) is not the certificate whose
    address it mentions."""
    body = _upload(client, "zertifikat.pdf", _signed_pdf(verification_url(cert.verification_id)))
    assert "Signatur gültig, Zertifikat unbekannt." in body
    assert "Hanna Holder" not in body and "Gültig." not in body


def test_upload_of_a_changed_pdf_is_refused(client, cert):
    data = bytearray(_signed_pdf(verification_url(cert.verification_id)))
    data[data.index(b"\n") + 2] ^= 0x01
    body = _upload(client, "zertifikat.pdf", bytes(data))
    assert "Nicht bestätigt." in body and "Hanna Holder" not in body


def test_upload_errors_at_the_field(client, cert):
    body = _upload(client, "bild.png", b"\x89PNG\r\n\x1a\n")
    assert "Bitte laden Sie eine PDF-Datei oder einen Nachweis als .jwt oder .json hoch." in body
    body = _upload(client, "leer.jwt", b"")
    assert "kern-error" in body


def test_upload_is_not_stored(client, cert, data_dir):
    before = sorted(p for p in data_dir.rglob("*") if p.is_file())
    _upload(client, "nachweis.jwt", cert.credential_jwt.encode())
    assert sorted(p for p in data_dir.rglob("*") if p.is_file()) == before


def test_export_credential_cli(cert, tmp_path):
    out = tmp_path / "c.jwt"
    call_command("export_credential", cert.verification_id, "--format", "jwt", "-o", str(out))
    assert out.read_text().strip() == cert.credential_jwt
    out = tmp_path / "c.json"
    call_command("export_credential", cert.verification_id, "--format", "json", "-o", str(out))
    credential = json.loads(out.read_text())
    assert credential["id"] == verification_url(cert.verification_id)
    name = default_storage.save("zertifikate/test.pdf", ContentFile(b"%PDF-1.7 signed"))
    Certificate.objects.filter(pk=cert.pk).update(pdf_name=name)
    out = tmp_path / "c.pdf"
    call_command("export_credential", cert.verification_id, "--format", "pdf", "-o", str(out))
    assert out.read_bytes() == b"%PDF-1.7 signed"
    with pytest.raises(CommandError):
        call_command("export_credential", "gibtesnicht", "--format", "jwt", stdout=StringIO())


def test_verify_page_p95_under_50_ms(client, cert):
    url = f"/zertifikate/pruefen/{cert.verification_id}/"
    client.get(url)
    times = []
    for _ in range(40):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    times.sort()
    assert times[int(len(times) * 0.95) - 1] < 0.05


def test_verify_page_in_english_under_en(client, cert):
    status, body = _page(client, f"/en/zertifikate/pruefen/{cert.verification_id}/")
    assert status == 200
    assert "Verify a certificate" in body and "Valid." in body and "Hanna Holder" in body
    status, body = _page(client, "/en/zertifikate/pruefen/")
    assert "Check a certificate file" in body


def test_signed_urls_carry_no_language_prefix_even_in_english(cert):
    from django.utils import translation

    from kohorte.credentials.ob3 import decode_credential

    other = CertificateFactory(completion__participation__cohort=cert.participation.cohort)
    with translation.override("en"):
        attach_credential(other)
    other.refresh_from_db()
    credential = decode_credential(other.credential_jwt)
    urls = [
        credential["id"],
        credential["issuer"]["id"],
        credential["credentialStatus"]["statusListCredential"],
    ]
    assert all("/en/" not in url for url in urls), urls
    assert credential["id"].endswith(f"/zertifikate/pruefen/{other.verification_id}/")


def test_cached_verify_page_shows_a_revocation_at_once(client, cert, staff):
    url = f"/zertifikate/pruefen/{cert.verification_id}/"
    assert "Gültig." in _page(client, url)[1]
    assert "Gültig." in _page(client, url)[1]  # now from the cache
    revoke_certificate(cert, actor=staff, reason="Grund")
    body = _page(client, url)[1]
    assert "Widerrufen." in body and "Gültig." not in body


def test_cached_verify_page_shows_superseded_at_once(client, cert):
    url = f"/zertifikate/pruefen/{cert.verification_id}/"
    assert "Gültig." in _page(client, url)[1]
    Certificate.objects.filter(pk=cert.pk).update(status="superseded")
    assert "Ersetzt." in _page(client, url)[1]


def test_a_padded_pdf_is_refused_without_parsing_the_padding(client, cert):
    """Anyone may upload 10 MB: pyHanko looks for the end marker byte by byte from the end
    (about 1 s per MB of padding), so a signed PDF with 9 MB of blanks appended kept a worker
    busy for seconds per request. A file whose signature covers all of it ends as it was
    signed (``startxref``, ``%%EOF``): anything else is refused before parsing."""
    data = _signed_pdf()
    Certificate.objects.filter(pk=cert.pk).update(pdf_sha256=hashlib.sha256(data).hexdigest())
    blanks = b" " * (9 * 1024 * 1024)
    for padded in (
        data + blanks,
        data + b"x" * len(blanks),
        data + blanks + b"startxref\n9\n%%EOF\n",
    ):
        started = time.perf_counter()
        body = _upload(client, "zertifikat.pdf", padded)
        assert time.perf_counter() - started < 1.0
        assert "Nicht bestätigt." in body and "Hanna Holder" not in body
    body = _upload(client, "zertifikat.pdf", data)
    assert "Gültig." in body and "Hanna Holder" in body
