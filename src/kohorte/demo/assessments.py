"""Assessments demo data: the 2024 cohort completed. An assessment for every module, all work
submitted, marked and published (with a few resubmissions, one late paper and a second marker's
disagreement resolved); most participants completed (a staff decision each), the demo login
``teilnehmerin@example.org`` among them (she handed in the last mandatory paper within an
extension, Nachteilsausgleich). The exceptions: one failed her elective and has not resat it;
one is below the attendance threshold (see ``demo.attendance``); one failed a mandatory module
and passed it on the resit."""

import io
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from kohorte.demo.catalog import PAST_COHORT

KINDS = ["paper", "project", "presentation", "oral"]
TASKS = {
    "paper": "Beschreiben Sie einen KI-Anwendungsfall Ihrer Behörde und bewerten Sie Nutzen, "
    "Risiken und Voraussetzungen (10 bis 15 Seiten).",
    "project": "Entwerfen Sie mit Ihrer Projektgruppe ein Vorhaben für Ihre Behörde, vom "
    "Datenbestand bis zur Entscheidungsvorlage.",
    "presentation": "Stellen Sie Ihr Vorhaben in 15 Minuten vor; anschließend Fragen.",
    "oral": "Prüfungsgespräch von 20 Minuten über die Inhalte des Moduls.",
}
RESIT_INDEX = 2  # the third participant (by id) passes the first module on the resit
ELECTIVE_INDEX = 3  # the fourth fails her elective and has not resat it


def _blank_pdf() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def load_assessments_demo(program, staff, lecturer) -> None:
    """Idempotent: does nothing once the 2024 cohort has assessments."""
    from kohorte.assessments.models import Assessment

    past = program.cohorts.get(slug=PAST_COHORT)
    if Assessment.objects.filter(run__cohort=past).exists() or not past.participations.exists():
        return
    with transaction.atomic():
        _load(past, staff, lecturer)


def _link_lecturer(run, lecturer) -> None:
    """The demo's lecturer account teaches the first run (through a lecturer profile)."""
    from kohorte.catalog.models import Person

    if Person.objects.filter(user=lecturer).exists():
        person = Person.objects.get(user=lecturer)
    else:
        person = run.lecturers.filter(user__isnull=True).first()
        if person is None:
            return
        Person.objects.filter(pk=person.pk).update(user=lecturer)
    run.lecturers.add(person)


def _load(cohort, staff, lecturer) -> None:
    from kohorte.assessments.models import Assessment, Extension, Submission, SubmissionVersion
    from kohorte.assessments.services import DECLARATION, create_assessment, participants
    from kohorte.core.audit import log_action
    from kohorte.core.uploads import check_pdf, store_private

    runs = list(cohort.runs.select_related("module").order_by("starts_on"))
    _link_lecturer(runs[0], lecturer)
    last_mandatory = [r for r in runs if r.module.kind == "mandatory"][-1]
    stored = store_private(check_pdf(io.BytesIO(_blank_pdf()), max_bytes=10**6), "assessments/demo")
    everyone = list(cohort.participations.order_by("pk").values_list("pk", flat=True))
    tara = everyone[0]
    resit_pk = everyone[RESIT_INDEX] if len(everyone) > RESIT_INDEX else None
    elective_pk = everyone[ELECTIVE_INDEX] if len(everyone) > ELECTIVE_INDEX else None
    resits = []
    for index, run in enumerate(runs):
        kind = KINDS[index % len(KINDS)]
        open_one = run.pk == last_mandatory.pk
        due = timezone.make_aware(datetime.combine(run.ends_on + timedelta(days=28), time(23, 59)))
        assessment = create_assessment(
            run,
            actor=staff,
            kind="paper" if open_one else kind,
            task=TASKS["paper" if open_one else kind],
            due_at=due,
            min_pages=10 if kind == "paper" or open_one else None,
            max_pages=15 if kind == "paper" or open_one else None,
            second_marker_required=index == 0,
            anonymous=index == 0,
        )
        published = due + timedelta(days=21)
        people = list(participants(assessment).order_by("pk"))
        if open_one:  # the demo login handed this paper in within an extension
            Extension.objects.create(
                assessment=assessment,
                participation_id=tara,
                due_at=due + timedelta(days=14),
                reason="Nachteilsausgleich (ärztliches Attest liegt vor)",
                granted_by=staff,
            )
        submissions = []
        for number, participation in enumerate(people, start=1001):
            grade = "passed"
            if participation.pk == elective_pk and run.module.kind != "mandatory":
                grade = "failed"
            if participation.pk == resit_pk and index == 0:
                grade = "failed"
                resits.append((assessment, participation, published))
            first, second = grade, grade
            if index == 0 and number == 1002:  # a disagreement, resolved by agreement
                first, second, grade = "passed", "failed", "passed"
            submissions.append(
                Submission(
                    assessment=assessment,
                    participation=participation,
                    candidate_number=number,
                    status=Submission.Status.PUBLISHED,
                    first_grade=first,
                    first_marker=lecturer,
                    second_grade=second if index == 0 else "",
                    second_marker=staff if index == 0 else None,
                    grade=grade,
                    feedback="Nachvollziehbar aufgebaut; die Risiken könnten genauer "
                    "begründet sein.",
                    published_at=published,
                )
            )
        Submission.objects.bulk_create(submissions)
        if assessment.has_upload:
            versions = []
            for i, submission in enumerate(submissions):
                count = 2 if i % 5 == 0 else 1
                for n in range(1, count + 1):
                    at = due - timedelta(days=count - n + 1)
                    late = i == 3
                    versions.append(
                        SubmissionVersion(
                            submission=submission,
                            number=n,
                            storage_name=stored,
                            original_name=f"arbeit-{submission.candidate_number}-{n}.pdf",
                            sha256="0" * 64,
                            size=1000,
                            pages=12,
                            declaration=DECLARATION,
                            submitted_at=due + timedelta(hours=5) if late else at,
                            late=late,
                        )
                    )
            SubmissionVersion.objects.bulk_create(versions)
        if index == 0 and len(submissions) > 1:
            submissions[1].agreed_by.set([lecturer, staff])
        Assessment.objects.filter(pk=assessment.pk).update(
            status=Assessment.Status.PUBLISHED, publish_at=published, published_at=published
        )
        log_action(
            "assessments.published",
            actor=staff,
            target=assessment,
            data={"count": len(submissions), "demo": True},
        )
    for assessment, participation, published in resits:
        _resit(assessment, participation, published, staff, lecturer)
    _completions(cohort, staff, exclude={elective_pk})


def _resit(assessment, participation, published, staff, lecturer) -> None:
    """The second attempt of ``assessment`` for ``participation``: an oral, passed."""
    from kohorte.assessments.models import Assessment, Submission

    due = published + timedelta(days=30)
    resit = Assessment.objects.create(
        run=assessment.run,
        attempt=2,
        resit_of=assessment,
        kind="oral",
        task=TASKS["oral"],
        due_at=due,
        grading=assessment.grading,
        ects=assessment.ects,
        ects_is_assumption=assessment.ects_is_assumption,
        max_attempts=assessment.max_attempts,
        status=Assessment.Status.PUBLISHED,
        publish_at=due + timedelta(days=7),
        published_at=due + timedelta(days=7),
    )
    Submission.objects.create(
        assessment=resit,
        participation=participation,
        candidate_number=2001,
        status=Submission.Status.PUBLISHED,
        first_grade="passed",
        first_marker=lecturer,
        grade="passed",
        feedback="Im Gespräch sicher und gut begründet.",
        published_at=due + timedelta(days=7),
    )


def _completions(cohort, staff, *, exclude) -> None:
    """A staff decision "completed" for everyone who meets the rule (bulk, without mails: they
    went out long ago), one audit row each, as the bulk decision writes."""
    from kohorte.assessments.completion import Verdict, standings
    from kohorte.assessments.models import Completion
    from kohorte.core.audit import log_action

    done = [
        s
        for s in standings(cohort)
        if s.verdict == Verdict.MET and s.participation.pk not in exclude
    ]
    on = min(cohort.ends_on + timedelta(days=60), timezone.localdate())
    rows = Completion.objects.bulk_create(
        [
            Completion(
                participation=s.participation,
                rule_met=True,
                ects=s.judgement.result.ects,
                completed_on=on,
                decided_by=staff,
            )
            for s in done
        ]
    )
    for completion in rows:
        log_action(
            "assessments.completed",
            actor=staff,
            target=completion.participation,
            data={"completion": completion.pk, "rule_met": True, "reason": "", "bulk": True},
            after={"ects": str(completion.ects)},
        )
