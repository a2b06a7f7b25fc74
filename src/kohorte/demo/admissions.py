"""Synthetic applicants for the demo: about 80 people in every state, with generated PDFs."""

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
# The function a person states follows from their leadership level (and the level of government).
JOB_TITLES = {
    "kommune": {
        LeadershipLevel.TEAM: "Sachgebietsleitung",
        LeadershipLevel.DEPUTY_HEAD_OF_UNIT: "Stellvertretende Amtsleitung",
        LeadershipLevel.HEAD_OF_UNIT: "Amtsleitung",
        LeadershipLevel.SUBDIVISION: "Fachbereichsleitung",
        LeadershipLevel.DIVISION: "Dezernatsleitung",
    },
    "other": {
        LeadershipLevel.TEAM: "Teamleitung",
        LeadershipLevel.DEPUTY_HEAD_OF_UNIT: "Stellvertretende Bereichsleitung",
        LeadershipLevel.HEAD_OF_UNIT: "Bereichsleitung",
        LeadershipLevel.SUBDIVISION: "Geschäftsbereichsleitung",
        LeadershipLevel.DIVISION: "Geschäftsführung",
    },
}
JOB_TITLES_STATE = {
    LeadershipLevel.TEAM: "Sachgebietsleitung",
    LeadershipLevel.DEPUTY_HEAD_OF_UNIT: "Stellvertretende Referatsleitung",
    LeadershipLevel.HEAD_OF_UNIT: "Referatsleitung",
    LeadershipLevel.SUBDIVISION: "Unterabteilungsleitung",
    LeadershipLevel.DIVISION: "Abteilungsleitung",
}

# Written examples of what applicants say about AI in their authority; the demo combines one
# sentence of each list, so that answers read like people and still differ.
AI_PROJECTS = [
    "In meinem Bereich erproben wir seit einem Jahr ein KI-gestütztes System, das eingehende "
    "Bürgeranfragen vorsortiert und an die zuständigen Stellen weiterleitet.",
    "Wir bereiten gerade die Ausschreibung für eine Texterkennung vor, die Papieranträge "
    "automatisch erfasst und Tippfehler bei der Übernahme in das Fachverfahren vermeidet.",
    "Unsere Statistikabteilung nutzt erste Modelle, um Prognosen für die Personalplanung zu "
    "erstellen; ich verantworte die fachliche Abnahme dieser Auswertungen.",
    "Gemeinsam mit dem IT-Dienstleister pilotieren wir einen internen Sprachassistenten, der "
    "Kolleg:innen beim Entwurf von Vermerken und Antwortschreiben unterstützt.",
    "Bei uns wird geprüft, ob sich Förderanträge mit Hilfe von maschinellem Lernen schneller auf "
    "Vollständigkeit prüfen lassen; mein Referat liefert die fachlichen Kriterien.",
    "Im Rahmen der Registermodernisierung arbeiten wir an einer besseren Datenqualität, die "
    "Voraussetzung für spätere KI-Anwendungen ist.",
    "Wir haben ein Projekt zur automatischen Auswertung von Satellitenbildern für die "
    "Flächenplanung begonnen und stehen vor der Frage, wie wir es in den Regelbetrieb bringen.",
    "Meine Einheit ist für die Beschaffung zuständig und muss zunehmend Angebote für KI-Lösungen "
    "bewerten, ohne dafür bisher eigene Kriterien zu haben.",
]
AI_ROLES = [
    "Als Führungskraft muss ich entscheiden, welche Vorhaben wir weiterverfolgen und welche nicht.",
    "Dabei vermittle ich zwischen der Fachseite, dem Datenschutz und dem Personalrat.",
    "Ich leite die Projektgruppe und berichte regelmäßig an die Hausleitung.",
    "Meine Aufgabe ist es, die Beschäftigten auf dem Weg mitzunehmen und Ängste ernst zu nehmen.",
    "Ich bin für die Anforderungen aus fachlicher Sicht verantwortlich und begleite die Tests.",
    "Ich koordiniere die Zusammenarbeit mit anderen Behörden, die ähnliche Vorhaben planen.",
]
AI_EXPECTATIONS = [
    "Vom Programm erhoffe ich mir, Chancen und Grenzen von KI besser einschätzen zu können.",
    "Besonders interessieren mich die Anforderungen der KI-Verordnung an den Einsatz in der "
    "Verwaltung.",
    "Ich möchte lernen, wie man solche Projekte so aufsetzt, dass sie nicht im Pilotstadium "
    "stecken bleiben.",
    "Der Austausch mit Führungskräften aus Bund, Ländern und Kommunen ist für mich besonders "
    "wertvoll.",
    "Ich möchte Angebote von Dienstleistern künftig kritischer und kompetenter prüfen können.",
]


def ai_involvement(rng: random.Random) -> str:
    """A plausible answer about AI projects in an authority, from the written examples."""
    return " ".join([rng.choice(AI_PROJECTS), rng.choice(AI_ROLES), rng.choice(AI_EXPECTATIONS)])


def job_title(federal_level: str, leadership_level: int) -> str:
    return JOB_TITLES.get(federal_level, JOB_TITLES_STATE)[LeadershipLevel(leadership_level)]


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
                leadership = rng.choice([2, 3, 3, 4, 5])
                fields.update(
                    {
                        "unit_kind": rng.choice(["fachreferat", "z_abteilung", "other"]),
                        "leadership_level": leadership,
                        "team_size": rng.randint(3, 12) * leadership,
                        "ai_involvement": ai_involvement(rng),
                    }
                )
            if state == "ineligible":
                fields.update(
                    rng.choice(
                        [
                            {"leadership_level": LeadershipLevel.TEAM, "team_size": 6},
                            {"federal_level": "other", "authority": fake.company()},
                        ]
                    )
                )
            if "leadership_level" in fields:
                level = fields["leadership_level"]
                assert isinstance(level, int)
                fields["job_title"] = job_title(str(fields["federal_level"]), level)
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
