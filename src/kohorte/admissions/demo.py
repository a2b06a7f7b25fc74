"""Synthetic applicants for the demo: about 60 people in every state, with generated PDFs."""

import io
import random
from datetime import timedelta
from pathlib import Path

import pikepdf
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kohorte.admissions import services
from kohorte.admissions.models import Application, EligibilityRule, LeadershipLevel

AUTHORITIES = [
    ("Bundesministerium des Innern und für Heimat", "bund", "oberste"),
    ("Bundesministerium für Digitales und Verkehr", "bund", "oberste"),
    ("Bundesamt für Migration und Flüchtlinge", "bund", "obere"),
    ("Statistisches Bundesamt", "bund", "obere"),
    ("Informationstechnikzentrum Bund", "bund", "nachgeordnete"),
    ("Bayerisches Staatsministerium für Digitales", "land", "oberste"),
    ("Senatsverwaltung für Finanzen Berlin", "land", "oberste"),
    ("Landesamt für Steuern Niedersachsen", "land", "obere"),
    ("Landesamt für Statistik Sachsen", "land", "obere"),
    ("Regierungspräsidium Stuttgart", "land", "obere"),
    ("Stadt Köln", "kommune", "untere"),
    ("Landeshauptstadt München", "kommune", "untere"),
    ("Kreisverwaltung Mainz-Bingen", "kommune", "untere"),
    ("Bürgeramt Leipzig", "kommune", "amt"),
    ("Jobcenter Hamburg", "kommune", "amt"),
]
# state: how many applicants the demo puts in it
PLAN = [
    ("draft_partial", 10),
    ("complete", 8),
    ("submitted", 40),
    ("letter_pending", 8),
    ("ineligible", 6),
    ("withdrawn", 6),
]
LINK_FILE = "demo-referee-link.txt"


def text_pdf(lines: list[str], pages: int = 1) -> bytes:
    """A small PDF with real text on each page (Helvetica, no embedded fonts)."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name.Helvetica,
            Encoding=pikepdf.Name.WinAnsiEncoding,
        )
    )
    for number in range(pages):
        ops = ["BT", "/F1 12 Tf", "72 770 Td", "16 TL"]
        for line in [*lines, f"Seite {number + 1} von {pages}"]:
            safe = (
                line.encode("cp1252", "replace")
                .replace(b"\\", b"\\\\")
                .replace(b"(", b"\\(")
                .replace(b")", b"\\)")
            )
            ops.append("(" + safe.decode("cp1252") + ") Tj T*")
        ops.append("ET")
        page = pdf.add_blank_page(page_size=(595, 842))
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.Contents = pdf.make_stream("\n".join(ops).encode("cp1252"))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _upload(application, kind, title, person, pages=1):
    content = text_pdf([title, person, "Synthetische Demo-Datei von Kohorte."], pages)
    services.upload_document(
        application,
        kind,
        SimpleUploadedFile(f"{kind}.pdf", content, "application/pdf"),
        actor=application.applicant,
    )


def load_demo_applications(cohort, staff) -> str:
    """Create the demo applicants once; return the unanswered referee link (kept in a file,
    because only the token's hash is stored)."""
    from faker import Faker

    from kohorte.accounts.models import User

    link_file = Path(settings.DATA_DIR) / LINK_FILE
    for condition, level in (("public_administration", None), ("min_leadership", 2)):
        EligibilityRule.objects.get_or_create(
            cohort=cohort, condition=condition, defaults={"min_leadership": level}
        )
    if Application.objects.filter(cohort=cohort).exists():
        return link_file.read_text().strip() if link_file.exists() else ""
    fake = Faker("de_DE")
    Faker.seed(2026)
    rng = random.Random(2026)  # noqa: S311 (reproducible demo data, not security)
    now = timezone.now()
    link = ""
    index = 0
    for state, count in PLAN:
        for _ in range(count):
            index += 1
            first, last = fake.first_name(), fake.last_name()
            email = f"bewerbung{index:02d}@verwaltung.example"
            user = User(
                email=email,
                first_name=first,
                last_name=last,
                preferred_language="en" if index % 7 == 0 else "de",
            )
            user.set_unusable_password()
            user.save()
            application = services.start_application(cohort, user)
            authority, level, kind = rng.choice(AUTHORITIES)
            fields = {
                "authority": authority,
                "federal_level": level,
                "authority_kind": kind,
                "phone": fake.phone_number(),
            }
            if state != "draft_partial":
                fields.update(
                    {
                        "unit_kind": rng.choice(["fachreferat", "z_abteilung", "other"]),
                        "job_title": rng.choice(
                            [
                                "Referatsleitung",
                                "Stellv. Referatsleitung",
                                "Abteilungsleitung",
                                "Amtsleitung",
                            ]
                        ),
                        "leadership_level": rng.choice([2, 3, 3, 4, 5]),
                        "team_size": rng.randint(3, 60),
                        "ai_involvement": fake.paragraph(nb_sentences=3),
                    }
                )
            if state == "ineligible":
                fields.update(
                    rng.choice(
                        [
                            {"leadership_level": LeadershipLevel.TEAM},
                            {"federal_level": "other", "authority": fake.company()},
                        ]
                    )
                )
            services.save_draft(application, fields, actor=user)
            person = f"{first} {last}"
            _upload(application, "cv", "Lebenslauf", person)
            if state == "draft_partial":
                continue
            _upload(
                application,
                "motivation_letter",
                "Motivationsschreiben",
                person,
                pages=rng.choice([1, 2]),
            )
            request, token = services.request_referee(
                application,
                name=fake.name(),
                role="Abteilungsleitung",
                authority=authority,
                email=f"referenz{index:02d}@verwaltung.example",
                actor=user,
            )
            if state == "letter_pending":
                if not link:
                    link = services.referee_link(token)
                continue
            services.referee_upload(
                request,
                SimpleUploadedFile(
                    "empfehlung.pdf",
                    text_pdf(["Empfehlungsschreiben", f"für {person}"]),
                    "application/pdf",
                ),
            )
            if state in {"submitted", "ineligible", "withdrawn"}:
                when = now - timedelta(hours=rng.randint(1, 24 * 10))
                services.submit_application(
                    application, actor=user, now=max(when, cohort.applications_open_at)
                )
            if state == "withdrawn":
                services.withdraw_application(application, actor=user)
    link_file.write_text(link)
    return link
