"""The Open Badges 3.0 credential of a certificate: an ``AchievementCredential`` as a VC-JWT.

Public entry points:

- ``attach_credential(certificate)``: give a new certificate its status-list index (random,
  unique) and its signed credential (``credential_jwt``), and save these two fields;
- ``build_credential(certificate)`` (the credential as a dict) and ``sign_credential(dict)``;
- ``issuer_profile()``: the issuer's ``Profile`` served at ``/zertifikate/aussteller/``;
- ``decode_credential(jwt)``: the credential inside a JWT, without checking it (see verify.py).

The VC-JWT follows section 8.2 of Open Badges 3.0 ("JSON Web Token Proof Format"): JOSE header
``alg`` ES256, ``typ`` "JWT", ``kid`` the URL of the public JWK; claims ``iss`` = issuer.id,
``jti`` = id, ``nbf`` = validFrom, ``sub`` = credentialSubject.id where the subject has one
(ours has none: the holder is named by salted hashes), and ``vc`` = the credential.
"""

import datetime as dt
import hashlib
import json
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from joserfc import jws

from kohorte.credentials import keys, status

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
EQF_URL = "http://data.europa.eu/snb/eqf/{level}"


def base_url() -> str:
    return settings.KOHORTE_BASE_URL.rstrip("/")


def iso(moment: dt.datetime) -> str:
    """An ISO 8601 time in UTC with the trailing "Z" (DateTimeZ of the schema)."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def site_url(name: str, *, language: str | None = None, **kwargs) -> str:
    """An absolute URL of the site. Signed and printed URLs are German (no language prefix)
    unless a language is asked for, whatever language the current request speaks."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return base_url() + reverse(name, kwargs=kwargs or None)


def issuer_url() -> str:
    return site_url("credentials:issuer")


def verification_url(verification_id: str, *, language: str | None = None) -> str:
    """The public verification page of a certificate (the QR code's address)."""
    return site_url("credentials:verify", language=language, verification_id=verification_id)


def _organiser(program):
    if program is None:
        return None
    return program.organisations.filter(role="organiser").order_by("position", "pk").first()


def issuer_profile(program=None) -> dict:
    """The issuer's Profile: who signs (the programme's organiser), where the keys are."""
    from kohorte.core.site import site_program

    program = program or site_program()
    organiser = _organiser(program)
    profile = {
        "@context": CONTEXT,
        "id": issuer_url(),
        "type": ["Profile"],
        "name": organiser.name if organiser else (program.title if program else "Kohorte"),
        "url": (organiser.url if organiser and organiser.url else base_url() + "/"),
    }
    if program is not None and program.contact_email:
        profile["email"] = program.contact_email
    if program is not None:
        profile["description"] = program.title
    return profile


def criteria_text(cohort) -> str:
    """The cohort's completion rule in words (in the active language)."""
    rule = getattr(cohort, "completion_rule", None)
    if rule is None:
        return _("Abschluss nach Entscheidung der Programmleitung.")
    parts = []
    if rule.all_mandatory_required:
        parts.append(_("alle Pflichtmodule bestanden"))
    extra = [m.title for m in rule.required_modules.all()]
    if extra:
        parts.append(_("außerdem bestanden: %(modules)s") % {"modules": ", ".join(extra)})
    if rule.min_electives:
        parts.append(
            ngettext(
                "mindestens %(count)d Wahlmodul bestanden",
                "mindestens %(count)d Wahlmodule bestanden",
                rule.min_electives,
            )
            % {"count": rule.min_electives}
        )
    if rule.min_ects is not None:
        parts.append(
            _("mindestens %(ects)s ECTS-Punkte") % {"ects": floatformat(rule.min_ects, -1)}
        )
    parts.append(
        _("Anwesenheit von mindestens %(percent)d %%") % {"percent": rule.attendance_threshold}
    )
    return _("Abgeschlossen hat, wer Folgendes erreicht: %(parts)s.") % {"parts": "; ".join(parts)}


def _number(value: Decimal) -> float | int:
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _hash_identity(value: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((value + salt).encode("utf-8")).hexdigest()


def build_credential(certificate) -> dict:
    """The AchievementCredential of a certificate (to be signed by ``sign_credential``)."""
    from kohorte.assessments.results import module_results

    participation = certificate.participation
    cohort = participation.cohort
    program = cohort.program
    runs = list(cohort.runs.select_related("module").order_by("module__number", "pk"))
    results = module_results([participation.pk]).get(participation.pk, {})
    achievement_id = issuer_url() + f"#{program.slug}-{cohort.slug}"
    with translation.override(certificate.language or "de"):
        outcomes = [o.text for o in program.learning_outcomes.all()]
        description = program.description or program.tagline or program.title
        if outcomes:
            description += "\n\n" + _("Lernziele:") + "\n" + "\n".join(f"- {o}" for o in outcomes)
        achievement = {
            "id": achievement_id,
            "type": ["Achievement"],
            "achievementType": "Certificate",
            "name": program.title,
            "description": description,
            "criteria": {"narrative": criteria_text(cohort)},
            "creditsAvailable": _number(sum((r.module.ects for r in runs), Decimal("0"))),
            "inLanguage": certificate.language or "de",
            "humanCode": cohort.name,
            "resultDescription": [
                {
                    "id": f"{achievement_id}/modul-{run.module.number}",
                    "type": ["ResultDescription"],
                    "name": _("Modul %(number)s: %(title)s")
                    % {"number": run.module.number, "title": run.module.title},
                    "resultType": "Result",
                }
                for run in runs
            ],
            "tag": [_("ECTS"), _("Weiterbildung")],
        }
        eqf = cohort.program.eqf_level  # catalogue data (an Annahme where the brochure is silent)
        if eqf:
            achievement["alignment"] = [
                {
                    "type": ["Alignment"],
                    "targetName": _("EQR-Niveau %(level)s") % {"level": eqf},
                    "targetCode": str(eqf),
                    "targetFramework": _("Europäischer Qualifikationsrahmen (EQR)"),
                    "targetUrl": EQF_URL.format(level=eqf),
                }
            ]
        module_result = []
        for run in runs:
            result = results.get(run.module_id)
            if result is None or not result.passed:
                continue
            module_result.append(
                {
                    "type": ["Result"],
                    "resultDescription": f"{achievement_id}/modul-{run.module.number}",
                    "value": result.grade_display,
                    "status": "Completed",
                }
            )
        salt = secrets.token_hex(16)
        subject = {
            "type": ["AchievementSubject"],
            "achievement": achievement,
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                    "identityHash": _hash_identity(participation.user.email.lower(), salt),
                },
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": certificate.holder_name,
                },
            ],
            "creditsEarned": _number(certificate.completion.ects),
        }
        if module_result:
            subject["result"] = module_result
        name = _("Zertifikat: %(program)s") % {"program": program.title}
    return {
        "@context": CONTEXT,
        "id": verification_url(certificate.verification_id),
        "type": ["VerifiableCredential", "AchievementCredential"],
        "name": name,
        "issuer": issuer_profile(program),
        "validFrom": iso(certificate.issued_at),
        "awardedDate": iso(certificate.issued_at),
        "credentialSubject": subject,
        "credentialStatus": status.status_entry(certificate.status_index),
    }


def _issuer_id(credential: dict) -> str:
    issuer = credential["issuer"]
    return issuer if isinstance(issuer, str) else issuer["id"]


def sign_credential(credential: dict) -> str:
    """The credential as a compact JWS (VC-JWT), signed with the current credential key."""
    key = keys.current_key()
    valid_from = dt.datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00"))
    claims = {
        "iss": _issuer_id(credential),
        "jti": credential["id"],
        "nbf": int(valid_from.timestamp()),
        "vc": credential,
    }
    subject_id = credential.get("credentialSubject", {}).get("id")
    if subject_id:
        claims["sub"] = subject_id
    if credential.get("validUntil"):
        until = dt.datetime.fromisoformat(credential["validUntil"].replace("Z", "+00:00"))
        claims["exp"] = int(until.timestamp())
    header = {"alg": keys.ALG, "typ": "JWT", "kid": key.kid}
    payload = json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return jws.serialize_compact(header, payload, key.key, algorithms=[keys.ALG])


def decode_credential(token: str) -> dict:
    """The credential (the ``vc`` claim) of a VC-JWT, unverified."""
    compact = jws.extract_compact(token.strip().encode("ascii"))
    return json.loads(compact.payload)["vc"]


def attach_credential(certificate) -> None:
    """Give ``certificate`` its status-list index (if it has none) and its signed
    credential, and save both fields. Called right after the Certificate row is created."""
    keys.ensure_key()
    with transaction.atomic():
        if certificate.status_index is None:
            certificate.status_index = status.allocate_index()
        certificate.credential_jwt = sign_credential(build_credential(certificate))
        certificate.save(update_fields=["status_index", "credential_jwt"])
