"""factory_boy factories for the catalogue, with German fake data, and the helpers that test
modules share (PDFs, complete applications, reviewed committees, a recording SMTP handler)."""

import io
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import factory
import pikepdf
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from kohorte.catalog import models as m

BERLIN = ZoneInfo("Europe/Berlin")
factory.Faker._DEFAULT_LOCALE = "de_DE"


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = m.Program

    slug = factory.Sequence(lambda n: f"programm-{n}")
    title_de = factory.Sequence(lambda n: f"Programm {n}")
    title_en = factory.Sequence(lambda n: f"Programme {n}")
    teaching_languages_de = "Deutsch"
    structure_de = "4 Pflichtmodule + 2 Wahlmodule"
    eqf_level = 7


class CohortFactory(DjangoModelFactory):
    class Meta:
        model = m.Cohort

    program = factory.SubFactory(ProgramFactory)
    slug = factory.Sequence(lambda n: f"jahrgang-{n}")
    name_de = factory.Sequence(lambda n: f"{n}. Jahrgang")
    starts_on = date(2030, 1, 7)
    ends_on = date(2031, 12, 19)
    seats = 25
    status = m.Cohort.Status.PUBLISHED
    applications_open_at = datetime(2029, 9, 1, 0, 0, tzinfo=BERLIN)
    applications_close_at = datetime(2029, 10, 15, 23, 59, tzinfo=BERLIN)
    decision_on = date(2029, 11, 15)


class LocationFactory(DjangoModelFactory):
    class Meta:
        model = m.Location

    slug = factory.Sequence(lambda n: f"ort-{n}")
    name_de = factory.Faker("company")
    city = factory.Faker("city")


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = m.Person

    slug = factory.Sequence(lambda n: f"person-{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")


class ModuleFactory(DjangoModelFactory):
    class Meta:
        model = m.Module

    program = factory.SubFactory(ProgramFactory)
    number = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"modul-{n}")
    title_de = factory.Sequence(lambda n: f"Modul {n}")
    short_description_de = factory.Faker("paragraph")
    ects = 3
    kind = m.Module.Kind.MANDATORY
    language = "de"


class ModuleRunFactory(DjangoModelFactory):
    class Meta:
        model = m.ModuleRun
        skip_postgeneration_save = True

    cohort = factory.SubFactory(CohortFactory)
    module = factory.SubFactory(ModuleFactory, program=factory.SelfAttribute("..cohort.program"))
    starts_on = factory.LazyAttribute(lambda o: o.cohort.starts_on)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=2))
    location = factory.SubFactory(LocationFactory)

    @factory.post_generation
    def with_sessions(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        day = self.starts_on
        while day <= self.ends_on:
            m.Session.objects.create(run=self, date=day, starts_at=time(9), ends_at=time(17))
            day += timedelta(days=1)


class UserAccountFactory(DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@bund.example")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")


class ParticipationFactory(DjangoModelFactory):
    class Meta:
        model = "teaching.Participation"

    cohort = factory.SubFactory(CohortFactory)
    user = factory.SubFactory(UserAccountFactory)


class CompletionFactory(DjangoModelFactory):
    """The staff decision "completed" (rule met) for a participation."""

    class Meta:
        model = "assessments.Completion"

    participation = factory.SubFactory(ParticipationFactory)
    rule_met = True
    ects = 12
    completed_on = date(2031, 12, 19)


class CertificateFactory(DjangoModelFactory):
    """A certificate row (version 1, valid) without PDF or credential: call
    ``kohorte.credentials.ob3.attach_credential`` for the credential."""

    class Meta:
        model = "credentials.Certificate"

    completion = factory.SubFactory(CompletionFactory)
    participation = factory.SelfAttribute("completion.participation")
    holder_name = factory.LazyAttribute(lambda o: o.participation.user.get_full_name())
    issued_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0))


# --- Shared helpers ---------------------------------------------------------------------------
DATA_FILES = Path(__file__).resolve().parent / "data"


def make_pdf(pages=1, *, js=False, launch=False, attachment=False, encrypt=False, pad=0) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    if js:
        action = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert(1)"))
        pdf.Root.OpenAction = action
    if launch:
        pdf.Root.OpenAction = pdf.make_indirect(
            pikepdf.Dictionary(S=pikepdf.Name.Launch, F="cmd.exe")
        )
    if attachment:
        pdf.attachments["notes.txt"] = pikepdf.AttachedFileSpec(pdf, b"hidden")
    if pad:
        pdf.Root.Padding = pdf.make_stream(b"0" * pad)
    out = io.BytesIO()
    kwargs = {"encryption": pikepdf.Encryption(owner="owner", user="")} if encrypt else {}
    pdf.save(out, **kwargs)
    return out.getvalue()


def pdf(name="dok.pdf", pages=1):
    return SimpleUploadedFile(name, make_pdf(pages=pages), content_type="application/pdf")


def complete(application, applicant):
    from kohorte.admissions import services

    services.save_draft(
        application,
        {
            "authority": "Bundesministerium des Innern",
            "federal_level": "bund",
            "authority_kind": "oberste",
            "unit_kind": "fachreferat",
            "job_title": "Referatsleiterin",
            "leadership_level": 3,
            "ai_involvement": "Leitung eines KI-Pilotprojekts",
        },
        actor=applicant,
    )
    services.upload_document(application, "cv", pdf("cv.pdf"), actor=applicant)
    services.upload_document(application, "motivation_letter", pdf("m.pdf", 2), actor=applicant)


AUTHORITIES = [
    ("Bundesministerium der Finanzen", "bund"),
    ("Bundesamt für Statistik", "bund"),
    ("Staatskanzlei Sachsen", "land"),
    ("Landesamt für Steuern", "land"),
    ("Stadt Bonn", "kommune"),
    ("Stadt Jena", "kommune"),
]


def make_applications(cohort, n, *, start=0, rng=None):
    from kohorte.accounts.models import User
    from kohorte.admissions.models import Application

    rng = rng or random.Random(1)
    out = []
    for i in range(start, start + n):
        user = User.objects.create_user(
            f"applicant{i}@bund.example", None, first_name=f"Vorname{i}", last_name=f"Nachname{i}"
        )
        authority, level = AUTHORITIES[i % len(AUTHORITIES)]
        out.append(
            Application.objects.create(
                cohort=cohort,
                applicant=user,
                status=Application.Status.SUBMITTED,
                first_name=f"Vorname{i}",
                last_name=f"Nachname{i}",
                authority=authority,
                federal_level=level,
                authority_kind="obere",
                leadership_level=rng.choice([2, 3, 4]),
                gender=rng.choice(["female", "male"]),
                submitted_at=timezone.now() - timedelta(days=1),
                is_complete=True,
                is_eligible=True,
            )
        )
    return out


def review_all(cohort, rng=None, skip=()):
    """Every open assignment gets a submitted review (scores from a seeded generator)."""
    from kohorte.selection import services
    from kohorte.selection.models import Assignment

    rng = rng or random.Random(5)
    criteria = list(cohort.criteria.all())
    for a in Assignment.objects.filter(application__cohort=cohort, review__isnull=True):
        if a.reviewer_id in skip:
            continue
        data = {f"score_{c.pk}": rng.randint(1, 5) for c in criteria}
        data["confidence"] = 2
        services.save_review(a, data, submit=True, actor=a.reviewer)


class RecordingHandler:
    """Stores every accepted message; ``reply`` lets a test play a failing server."""

    def __init__(self):
        self.messages = []
        self.reply = "250 Message accepted for delivery"

    async def handle_DATA(self, server, session, envelope):
        if not self.reply.startswith("250"):
            return self.reply
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return self.reply

    def message_ids(self):
        return [m["Message-ID"] for m in self.messages]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def delivered_link(smtp_server, to: str, site: str, pattern: str = r"https?://\S+") -> str:
    """Send what is due to the test's SMTP server (aiosmtpd) and return the link of the newest
    mail to ``to``, on the live server. Secret links are only in the delivered mail: the
    outbox keeps them encrypted and shows them redacted."""
    import re

    from kohorte.comms.delivery import deliver_due

    deliver_due()
    mails = [m for m in smtp_server.messages if m["To"].addresses[0].addr_spec == to]
    body = mails[-1].get_body(preferencelist=("plain",)).get_content()
    match = re.search(pattern, body)
    url = match.group(1) if match.groups() else match.group(0)
    return re.sub(r"^https?://[^/]+", site, url)
