"""The Open Badges 3.0 credential, checked with third-party code only: jsonschema against the
pinned 1EdTech schema, PyJWT (not joserfc, which signs) against the JWKS fetched from the site,
and the status list decoded here with gzip and base64."""

import base64
import gzip
import hashlib
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import jsonschema
import jwt
import pytest
from django.core.management import call_command
from django.utils import timezone

from kohorte.assessments.models import Assessment, Submission
from kohorte.catalog.models import CompletionRule, LearningOutcome, Organisation
from kohorte.credentials import keys
from kohorte.credentials.ob3 import attach_credential
from kohorte.credentials.services import revoke_certificate
from tests.factories import CertificateFactory, CohortFactory, ModuleRunFactory

pytestmark = pytest.mark.django_db
SCHEMA = Path(__file__).resolve().parent.parent / "data" / "ob3"
SCHEMA_FILE = SCHEMA / "ob_v3p0_achievementcredential_schema.json"


@pytest.fixture
def certificate(data_dir, django_user_model):
    cohort = CohortFactory(name_de="1. Jahrgang 2024")
    program = cohort.program
    program.description_de = "Ein Programm für Führungskräfte der Verwaltung."
    program.save()
    Organisation.objects.create(
        program=program,
        role="organiser",
        name="Hertie School",
        url="https://www.hertie-school.org/",
    )
    LearningOutcome.objects.create(program=program, text="Daten verstehen", position=1)
    graded = ModuleRunFactory(cohort=cohort, module__ects=Decimal("5"), with_sessions=False)
    ModuleRunFactory(cohort=cohort, module__ects=Decimal("7.5"), with_sessions=False)
    CompletionRule.objects.create(cohort=cohort, min_electives=1, attendance_threshold=80)
    user = django_user_model.objects.create_user(
        "Erika.Muster@Bund.example", "x", first_name="Erika", last_name="Muster"
    )
    cert = CertificateFactory(
        completion__participation__cohort=cohort,
        completion__participation__user=user,
        completion__ects=Decimal("12.5"),
    )
    # one module with a published grade (1,3): the credential names it as the module's result
    assessment = Assessment.objects.create(
        run=graded, kind="paper", due_at=timezone.now(), grading="grade_de", ects=Decimal("5")
    )
    Submission.objects.create(
        assessment=assessment,
        participation=cert.participation,
        candidate_number=1,
        status=Submission.Status.PUBLISHED,
        grade="1.3",
    )
    attach_credential(cert)
    cert.refresh_from_db()
    return cert


def _payload(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _verify_with_site_jwks(client, token: str) -> dict:
    """PyJWT verifies the signature with the key the JWKS fetched from the site names."""
    jwks = client.get("/zertifikate/jwks.json").json()
    header = jwt.get_unverified_header(token)
    (jwk,) = [k for k in jwks["keys"] if k["kid"] == header["kid"]]
    key = jwt.PyJWK.from_dict(jwk)
    return jwt.decode(token, key=key, algorithms=["ES256"], options={"verify_aud": False})


def test_attach_credential_fills_index_and_jwt(certificate):
    assert certificate.status_index is not None
    assert 0 <= certificate.status_index < 131_072
    assert certificate.credential_jwt.count(".") == 2


def test_credential_validates_against_the_pinned_ob3_schema(certificate):
    schema = json.loads(SCHEMA_FILE.read_text())
    credential = _payload(certificate.credential_jwt)["vc"]
    jsonschema.Draft201909Validator(schema).validate(credential)
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "AchievementCredential"]
    assert credential["id"].endswith(f"/zertifikate/pruefen/{certificate.verification_id}/")


def test_the_schema_copy_is_the_pinned_one():
    digest = hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest()
    assert digest == "5753fb3ecf7d024ed273dd364bd683f483eb47257e718e6618832cf89eb2083a"


def test_a_broken_credential_fails_the_schema(certificate):
    """The schema check bites: without the achievement's criteria it is refused."""
    schema = json.loads(SCHEMA_FILE.read_text())
    credential = _payload(certificate.credential_jwt)["vc"]
    del credential["credentialSubject"]["achievement"]["criteria"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft201909Validator(schema).validate(credential)


def test_achievement_describes_the_programme(certificate):
    credential = _payload(certificate.credential_jwt)["vc"]
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["name"] == certificate.participation.cohort.program.title
    assert achievement["creditsAvailable"] == 12.5
    assert achievement["achievementType"] == "Certificate"
    assert "- Daten verstehen" in achievement["description"]
    assert achievement["criteria"]["narrative"] == (
        "Abgeschlossen hat, wer Folgendes erreicht: alle Pflichtmodule bestanden; mindestens 1 "
        "Wahlmodul bestanden; Anwesenheit von mindestens 80 %."
    )
    (eqf,) = achievement["alignment"]
    assert eqf["targetUrl"] == "http://data.europa.eu/snb/eqf/7"  # the programme's level

    assert len(achievement["resultDescription"]) == 2
    assert credential["credentialSubject"]["creditsEarned"] == 12.5
    (result,) = credential["credentialSubject"]["result"]
    first = achievement["resultDescription"][0]
    graded = certificate.participation.cohort.runs.order_by("module__number").first().module
    assert first["name"] == f"Modul {graded.number}: {graded.title}"
    assert (result["resultDescription"], result["value"], result["status"]) == (
        first["id"],
        "1,3",
        "Completed",
    )
    assert credential["issuer"]["name"] == "Hertie School"
    assert credential["issuer"]["type"] == ["Profile"]


def test_holder_is_a_salted_hash_of_the_email_not_the_address(certificate):
    credential = _payload(certificate.credential_jwt)["vc"]
    email_id = credential["credentialSubject"]["identifier"][0]
    assert email_id["identityType"] == "emailAddress" and email_id["hashed"] is True
    expected = hashlib.sha256(("erika.muster@bund.example" + email_id["salt"]).encode())
    assert email_id["identityHash"] == "sha256$" + expected.hexdigest()
    assert "bund.example" not in certificate.credential_jwt
    assert "bund.example" not in json.dumps(credential)


def test_jwt_signature_checks_with_pyjwt_against_the_site_jwks(client, certificate):
    claims = _verify_with_site_jwks(client, certificate.credential_jwt)
    header = jwt.get_unverified_header(certificate.credential_jwt)
    assert header["alg"] == "ES256" and header["typ"] == "JWT"
    credential = claims["vc"]
    assert claims["iss"] == credential["issuer"]["id"]
    assert claims["jti"] == credential["id"]
    assert claims["nbf"] == int(certificate.issued_at.timestamp())
    assert "sub" not in claims  # the subject has no id (it is named by hashes)


def test_kid_is_a_url_of_the_site_returning_the_single_jwk(client, certificate, settings):
    kid = jwt.get_unverified_header(certificate.credential_jwt)["kid"]
    assert kid.startswith(settings.KOHORTE_BASE_URL + "/zertifikate/schluessel/")
    response = client.get(kid.removeprefix(settings.KOHORTE_BASE_URL))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/jwk+json")
    jwk = response.json()
    assert jwk["kty"] == "EC" and jwk["crv"] == "P-256" and jwk["kid"] == kid
    assert "d" not in jwk
    key = jwt.PyJWK.from_dict(jwk)
    jwt.decode(certificate.credential_jwt, key=key, algorithms=["ES256"])


def test_issuer_profile_is_served_at_issuer_id(client, certificate, settings):
    issuer_id = _payload(certificate.credential_jwt)["iss"]
    response = client.get(issuer_id.removeprefix(settings.KOHORTE_BASE_URL))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    profile = response.json()
    assert profile["id"] == issuer_id
    assert profile["type"] == ["Profile"] and profile["name"] == "Hertie School"


def _status_bit(client, settings, credential: dict) -> int:
    """Fetch the status list named in the credential, verify its JWT with PyJWT against the
    site's JWKS, and read the credential's bit (W3C: index 0 is the left-most bit)."""
    entry = credential["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry"
    assert entry["statusPurpose"] == "revocation"
    response = client.get(entry["statusListCredential"].removeprefix(settings.KOHORTE_BASE_URL))
    assert response["Content-Type"] == "application/vc+jwt"
    claims = _verify_with_site_jwks(client, response.content.decode())
    subject = claims["vc"]["credentialSubject"]
    assert claims["vc"]["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    encoded = subject["encodedList"]
    assert encoded.startswith("u")
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) * 8 >= 131_072
    index = int(entry["statusListIndex"])
    return (bits[index // 8] >> (7 - index % 8)) & 1


def test_status_list_reads_valid_then_revoked(client, certificate, settings, django_user_model):
    credential = _payload(certificate.credential_jwt)["vc"]
    assert _status_bit(client, settings, credential) == 0
    staff = django_user_model.objects.create_user("staff@example.org", "x", is_staff=True)
    revoke_certificate(certificate, actor=staff, reason="Falscher Name")
    # the cached list is dropped on revocation: the next fetch already says "revoked"
    assert _status_bit(client, settings, credential) == 1


def test_rotation_keeps_old_credentials_verifiable(client, certificate, settings):
    old_kid = jwt.get_unverified_header(certificate.credential_jwt)["kid"]
    out = StringIO()
    call_command("rotate_credential_key", stdout=out)
    assert f"Still published: {old_kid}" in out.getvalue()
    new = CertificateFactory(
        completion__participation__cohort=certificate.participation.cohort,
    )
    attach_credential(new)
    new_kid = jwt.get_unverified_header(new.credential_jwt)["kid"]
    assert new_kid != old_kid
    jwks = client.get("/zertifikate/jwks.json").json()
    assert {k["kid"] for k in jwks["keys"]} == {old_kid, new_kid}
    _verify_with_site_jwks(client, certificate.credential_jwt)
    _verify_with_site_jwks(client, new.credential_jwt)
    assert client.get(old_kid.removeprefix(settings.KOHORTE_BASE_URL)).status_code == 200


def test_key_files_are_private(certificate):
    folder = keys.keys_dir()
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    for file in folder.glob("*.key.pem"):
        assert oct(file.stat().st_mode & 0o777) == "0o600"


def test_status_indexes_are_random_and_unique(certificate):
    certs = [
        CertificateFactory(completion__participation__cohort=certificate.participation.cohort)
        for _ in range(5)
    ]
    for cert in certs:
        attach_credential(cert)
    indexes = [c.status_index for c in [certificate, *certs]]
    assert len(set(indexes)) == 6
    assert indexes != sorted(indexes) or max(indexes) - min(indexes) > 6


def test_no_eqf_alignment_where_the_programme_names_no_level(certificate):
    from kohorte.catalog.models import Program
    from kohorte.credentials.ob3 import build_credential

    Program.objects.filter(pk=certificate.participation.cohort.program_id).update(eqf_level=None)
    certificate.participation.cohort.program.refresh_from_db()
    achievement = build_credential(certificate)["credentialSubject"]["achievement"]
    assert "alignment" not in achievement
