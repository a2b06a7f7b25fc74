# ruff: noqa: F811  (pytest fixtures imported from transcript_fixtures, used as arguments)
"""The transcript of records: the PDF's content (every module and grade, the ECTS grading
table, EQF level, total), its form (tagged PDF/UA, fonts embedded, signed and valid against the
local CA), versioning (a correction supersedes), the staff and participant pages."""

import subprocess
from io import BytesIO

import pikepdf
import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import DocumentSecurityStore, validate_pdf_signature

from kohorte.assessments.models import Transcript
from kohorte.assessments.services.transcripts import issue_transcript
from kohorte.assessments.transcript import grading_table
from kohorte.comms.models import OutboxMessage
from kohorte.core import issuer
from kohorte.core.models import AuditLog
from kohorte.core.signing import outside_event_loop
from tests.assessments.transcript_fixtures import (  # noqa: F401 (fixtures)
    completed,
    graded,
    issuer_ready,
)

pytestmark = pytest.mark.django_db


def _text(data: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def _pdf(transcript) -> bytes:
    with default_storage.open(transcript.pdf_name, "rb") as handle:
        return handle.read()


@pytest.fixture
def issued(graded, completed, issuer_ready, team):
    return issue_transcript(graded["participants"][0], actor=team, language="de")


def test_grading_table_follows_the_ects_users_guide():
    rows = grading_table(["1.3", "1.0", "1.3", "1.7", "2.0", "2.0", "2.3", "2.7", "3.0", "3.3"])
    assert [(r.grade, r.count, str(r.percent), str(r.cumulative)) for r in rows] == [
        ("1,0", 1, "10.0", "10.0"),
        ("1,3", 2, "20.0", "30.0"),
        ("1,7", 1, "10.0", "40.0"),
        ("2,0", 2, "20.0", "60.0"),
        ("2,3", 1, "10.0", "70.0"),
        ("2,7", 1, "10.0", "80.0"),
        ("3,0", 1, "10.0", "90.0"),
        ("3,3", 1, "10.0", "100.0"),
    ]
    # fewer than ten passing grades (a fail does not count): no table
    assert grading_table(["1.0"] * 9 + ["5.0"]) == ()


def test_transcript_text_names_every_module_grade_and_the_grading_table(issued, graded):
    text = _text(_pdf(issued))
    graded_module = graded["graded_run"].module
    pf_module = graded["pf_run"].module
    assert "Leistungsübersicht" in text
    assert "Teilnehmer:in Tara Teil" in text
    assert "Jahrgang 2. Jahrgang 2027" in text
    assert f"1. {graded_module.title}" in text
    assert f"2. {pf_module.title}" in text
    assert "3* 1,3" in text  # ECTS (an assumption) and the German grade
    assert "3* bestanden" in text
    assert "Summe 6" in text
    assert "Niveau 7 des Europäischen Qualifikationsrahmens (Annahme)" in text
    assert "Programm abgeschlossen am 20. November 2026" in text
    # 11 passing grades of 12: 1,0 once, 1,3 twice …
    assert "ECTS-Einstufungstabelle des Jahrgangs (11 bestandene Prüfungen)" in text
    assert "1,3 2 18,2 27,3" in text
    assert "4,0 1 9,1 100,0" in text
    assert "Bewertet mit bestanden / nicht bestanden; keine ECTS-Einstufungstabelle." in text
    assert "Leistungsübersicht, Fassung 1 – Seite 1 / 2" in text


def test_transcript_in_english(graded, completed, issuer_ready, team):
    transcript = issue_transcript(graded["participants"][0], actor=team, language="en")
    text = _text(_pdf(transcript))
    assert "Transcript of records Leistungsübersicht Participant Tara Teil" in text
    assert "Participant Tara Teil" in text
    assert "Level 7 of the European Qualifications Framework (Assumption)" in text
    assert "Programme completed on 20 November 2026" in text
    assert "Transcript of records, version 1 – page 1 / 2" in text


def test_too_few_grades_say_so(graded, issuer_ready, team):
    from kohorte.assessments.models import Submission

    Submission.objects.filter(assessment=graded["graded"]).exclude(
        participation__in=[p.pk for p in graded["participants"][:5]]
    ).delete()
    transcript = issue_transcript(graded["participants"][0], actor=team, language="de")
    text = _text(_pdf(transcript))
    assert (
        "ECTS-Einstufungstabelle: nicht genügend Noten (weniger als 10 bestandene Prüfungen "
        "im Jahrgang)." in text
    )
    assert "Das Programm ist noch nicht abgeschlossen." in text


def test_transcript_pdf_is_tagged_with_fonts_embedded(issued):
    with pikepdf.open(BytesIO(_pdf(issued))) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert "/StructTreeRoot" in pdf.Root
        assert str(pdf.Root.Lang) == "de"
        fonts = []
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                fonts.append(font)
        assert fonts
        for font in fonts:
            descriptors = (
                [d.FontDescriptor for d in font.DescendantFonts]
                if "/DescendantFonts" in font
                else [font.FontDescriptor]
            )
            for descriptor in descriptors:
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys())
                assert "Fira" in str(descriptor.FontName)


def test_transcript_signature_validates_against_the_local_ca(issued, issuer_ready):
    data = _pdf(issued)
    reader = PdfFileReader(BytesIO(data))
    (signature,) = reader.embedded_signatures
    ca = load_cert_from_pemder(issuer_ready / issuer.CA_CERT)
    kwargs = {"trust_roots": [ca], "allow_fetching": False, "revocation_mode": "hard-fail"}
    context = DocumentSecurityStore.read_dss(reader).as_validation_context(kwargs)
    status = outside_event_loop(validate_pdf_signature, signature, context)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert signature.sig_object["/Reason"] == "Leistungsübersicht"
    import hashlib

    assert issued.pdf_sha256 == hashlib.sha256(data).hexdigest()


def test_issue_records_audit_and_mail(issued, team):
    log = AuditLog.objects.get(action="assessments.transcript_created")
    assert (log.actor, log.object_id, log.data["version"], log.data["language"]) == (
        team,
        str(issued.pk),
        1,
        "de",
    )
    mail = OutboxMessage.objects.get(event_key="assessments.transcript_issued")
    assert mail.recipient_email == "tara@bund.example"
    assert "steht in Fassung 1 bereit" in mail.body_text


def test_correction_supersedes_and_needs_a_reason(issued, graded, team):
    from django.core.exceptions import ValidationError

    participation = graded["participants"][0]
    with pytest.raises(ValidationError) as error:
        issue_transcript(participation, actor=team, language="de")
    assert error.value.message_dict == {"reason": ["Bitte geben Sie den Grund der Korrektur an."]}
    second = issue_transcript(participation, actor=team, language="de", reason="Note korrigiert")
    issued.refresh_from_db()
    assert (second.version, second.supersedes, issued.superseded_by) == (2, issued, second)
    assert default_storage.exists(issued.pdf_name)  # the old file stays
    assert list(Transcript.objects.current().filter(participation=participation)) == [second]
    assert "Grund der Korrektur Note korrigiert" in _text(_pdf(second))
    log = AuditLog.objects.get(action="assessments.transcript_corrected")
    assert (log.data["supersedes"], log.data["reason"]) == (1, "Note korrigiert")
    # another language starts at version 1 without a reason
    english = issue_transcript(participation, actor=team, language="en")
    assert (english.version, english.supersedes) == (1, None)


def test_failed_rendering_leaves_no_row_and_no_file(graded, settings, tmp_path, team):
    from kohorte.core.signing import IssuerNotConfigured

    settings.DATA_DIR = tmp_path  # no issuer here: signing fails after rendering
    before = set(_stored())
    with pytest.raises(IssuerNotConfigured):
        issue_transcript(graded["participants"][0], actor=team, language="de")
    assert Transcript.objects.count() == 0
    assert set(_stored()) == before


def _stored():
    try:
        _dirs, cohorts = default_storage.listdir("transcripts")
    except FileNotFoundError:
        return []
    return cohorts


# --- pages ---------------------------------------------------------------------------------


def test_staff_list_shows_versions_and_download_links(client, issued, graded, team):
    second = issue_transcript(
        graded["participants"][0], actor=team, language="de", reason="Tippfehler"
    )
    client.force_login(team)
    url = reverse("transcripts:staff_list", kwargs={"cohort_id": graded["cohort"].pk})
    html = client.get(url).content.decode()
    assert "Leistungsübersichten – 2. Jahrgang 2027" in html
    assert (
        reverse(
            "transcripts:staff_file", kwargs={"cohort_id": graded["cohort"].pk, "pk": second.pk}
        )
        in html
    )
    assert "Fassung 2 vom" in html
    assert "ersetzt durch Fassung 2 (Tippfehler)" in html
    assert "abgeschlossen am 20. November 2026" in html
    response = client.get(
        reverse(
            "transcripts:staff_file", kwargs={"cohort_id": graded["cohort"].pk, "pk": issued.pk}
        )
    )
    assert b"".join(response.streaming_content) == _pdf(issued)


def test_staff_list_queries_do_not_grow(client, graded, issuer_ready, team, django_user_model):
    client.force_login(team)
    url = reverse("transcripts:staff_list", kwargs={"cohort_id": graded["cohort"].pk})
    from kohorte.assessments.models import Submission
    from kohorte.teaching.models import Participation

    Submission.objects.all().delete()
    Participation.objects.filter(cohort=graded["cohort"]).exclude(
        pk=graded["participants"][0].pk
    ).delete()
    issue_transcript(graded["participants"][0], actor=team, language="de")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    from django.utils import timezone

    from kohorte.teaching.services import enrol_participant

    for i in range(8):
        user = django_user_model.objects.create_user(f"n{i}@bund.example", "x", last_name=f"N{i}")
        p = enrol_participant(graded["cohort"], user, actor=user)
        first = Transcript.objects.create(
            participation=p,
            language="en",
            version=1,
            pdf_name="x.pdf",
            pdf_sha256="0" * 64,
            issued_at=timezone.now(),
        )
        Transcript.objects.create(
            participation=p,
            language="en",
            version=2,
            supersedes=first,
            reason="Korrektur",
            pdf_name="y.pdf",
            pdf_sha256="0" * 64,
            issued_at=timezone.now(),
        )
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert html.count("Fassung 1 vom") == 1
    assert html.count("Fassung 2 vom") == 8
    assert html.count("ersetzt durch Fassung 2 (Korrektur)") == 8
    assert len(many) == len(one)


def test_staff_issue_confirms_then_issues(client, graded, completed, issuer_ready, team):
    client.force_login(team)
    participation = graded["participants"][0]
    url = reverse(
        "transcripts:issue",
        kwargs={"cohort_id": graded["cohort"].pk, "participation_id": participation.pk},
    )
    page = client.get(url + "?sprache=en").content.decode()
    assert "Leistungsübersicht ausstellen" in page
    assert "Englisch" in page
    assert f"1. {graded['graded_run'].module.title}: 1,3, 3 ECTS" in page
    assert Transcript.objects.count() == 0  # GET never writes
    response = client.post(url, {"sprache": "en"})
    assert response.status_code == 302
    (transcript,) = Transcript.objects.all()
    assert (transcript.language, transcript.version, transcript.issued_by) == ("en", 1, team)
    # a correction without a reason is refused with the message at the field
    page = client.post(url, {"sprache": "en", "reason": ""}).content.decode()
    assert "Korrigierte Leistungsübersicht ausstellen" in page
    assert "Bitte geben Sie den Grund der Korrektur an." in page
    assert Transcript.objects.count() == 1
    client.post(url, {"sprache": "en", "reason": "Modul 2 fehlte"})
    assert list(Transcript.objects.values_list("version", "reason")) == [
        (2, "Modul 2 fehlte"),
        (1, ""),
    ]


def test_participant_sees_own_transcripts_and_downloads(client, issued, graded, team):
    second = issue_transcript(
        graded["participants"][0], actor=team, language="de", reason="Tippfehler"
    )
    client.force_login(graded["participants"][0].user)
    html = client.get(reverse("transcripts:mine")).content.decode()
    assert "Fassung 1 (Deutsch)" in html
    assert "ersetzt durch Fassung 2" in html
    assert "<strong>aktuelle Fassung</strong>" in html
    assert html.count("<strong>aktuelle Fassung</strong>") == 1
    response = client.get(reverse("transcripts:my_file", kwargs={"pk": second.pk}))
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == _pdf(second)
    # another participant of the same cohort: none listed, the file is a 404
    client.force_login(graded["participants"][1].user)
    html = client.get(reverse("transcripts:mine")).content.decode()
    assert "noch keine Leistungsübersicht ausgestellt" in html
    assert client.get(reverse("transcripts:my_file", kwargs={"pk": second.pk})).status_code == 404


def test_demo_issues_transcripts_for_completers_once(demo_catalog, settings, tmp_path, team):
    from datetime import date

    from kohorte.assessments.models import Completion
    from kohorte.catalog.models import Cohort
    from kohorte.demo.transcripts import load_transcripts_demo
    from kohorte.teaching.services import enrol_participant

    settings.DATA_DIR = tmp_path  # no issuer yet: the demo makes the local one
    past = Cohort.objects.select_related("program").get(slug="jahrgang-1")
    people = []
    for name in ["Anna", "Bert"]:
        user = team.__class__.objects.create_user(f"{name}@bund.example", "x", first_name=name)
        people.append(enrol_participant(past, user, actor=user))
    Completion.objects.create(
        participation=people[0], rule_met=True, completed_on=date(2025, 6, 1), decided_by=team
    )
    assert load_transcripts_demo(past.program, team) == 1
    (transcript,) = Transcript.objects.all()
    assert (transcript.participation, transcript.language, transcript.version) == (
        people[0],
        "de",
        1,
    )
    assert "Programm abgeschlossen am 1. Juni 2025" in _text(_pdf(transcript))
    assert load_transcripts_demo(past.program, team) == 0


def test_a_transcript_naming_another_certificate_is_not_that_certificate(
    client, graded, completed, issuer_ready, team, django_user_model
):
    """A participant writes another holder's verification address into her own name; her
    transcript (signed by the same issuer, her name in its title and XMP metadata) must not
    be reported by the upload check as that holder's valid certificate."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import CertificateFactory

    victim = CertificateFactory(
        completion__participation__user=django_user_model.objects.create_user(
            "vera@bund.example", "x", first_name="Vera", last_name="Victim"
        )
    )
    tara = graded["participants"][0]
    tara.user.last_name = f"Teil /zertifikate/pruefen/{victim.verification_id}/"
    tara.user.save()
    transcript = issue_transcript(tara, actor=team, language="de")
    response = client.post(
        "/zertifikate/pruefen/",
        {"document": SimpleUploadedFile("zertifikat.pdf", _pdf(transcript))},
    )
    body = response.content.decode()
    assert "Signatur gültig, Zertifikat unbekannt." in body
    assert "Vera Victim" not in body and "Gültig." not in body
