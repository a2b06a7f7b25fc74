"""Benchmark: bulk issue of certificates for a cohort (issue 15).

    uv run python bench/issuance.py [--people 25] [--inprocess] [--profile]
    DATABASE_URL=postgres://... uv run python bench/issuance.py --people 250

In a temporary data folder (SQLite, or DATABASE_URL if set; the tables are emptied by
``migrate`` on a fresh SQLite file only, so give PostgreSQL an empty database): the catalogue,
the local issuer (``setup-issuer``), and N participants of the 2024 cohort with published
passing grades in two mandatory modules and a completion decision. Then, as staff would:
``issuance.start_issuance(cohort)`` queues the batch (django-tasks' database backend), and

- by default a real worker process runs it: ``kohorte worker --batch`` (``db_worker`` that
  processes what is queued and exits); the figure is that process's wall time, start-up
  (Django, WeasyPrint import) included, and the batch's own time from start to finish;
- ``--inprocess``: the task's ``.call()`` in this process (``--profile`` adds cProfile's top).

Each certificate is rendered (WeasyPrint, PDF/UA-1, Fira Sans), signed (PAdES B-LT, chain and
CRL embedded), stored privately, audited and queued as a mail with both attachments; the ZIP
of all PDFs is written at the end. Targets: 25 in < 30 s, 250 in < 5 min.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path


def setup_django(data_dir: Path) -> None:
    os.environ["KOHORTE_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kohorte.config.settings")
    for command in (["manage", "migrate", "-v", "0"], ["manage", "load_catalog"]):
        subprocess.run([sys.executable, "-m", "kohorte", *command], check=True, capture_output=True)
    import django

    django.setup()


def make_completers(cohort, staff, n: int) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from kohorte.assessments.models import Assessment, Completion, Submission
    from kohorte.catalog.models import Module, ModuleRun
    from kohorte.teaching.models import Participation

    User = get_user_model()
    users = User.objects.bulk_create(
        [
            User(
                email=f"absolvent{i}@bench.example",
                first_name="Alex",
                last_name=f"Absolvent {i:03d}",
                preferred_language="en" if i % 5 == 0 else "de",
            )
            for i in range(n)
        ]
    )
    users = list(User.objects.filter(email__endswith="@bench.example").order_by("pk"))
    Participation.objects.bulk_create([Participation(cohort=cohort, user=u) for u in users])
    participations = list(Participation.objects.filter(cohort=cohort, user__in=users))
    runs = ModuleRun.objects.filter(cohort=cohort, module__kind=Module.Kind.MANDATORY).order_by(
        "starts_on"
    )[:2]
    now = timezone.now()
    for index, run in enumerate(runs):
        assessment = Assessment.objects.filter(run=run, attempt=1).first() or (
            Assessment.objects.create(
                run=run,
                kind="paper",
                task="Analysieren Sie einen Anwendungsfall.",
                due_at=now - timedelta(days=30),
                ects=run.module.ects or 3,
                grading=Module.Grading.GRADE_DE,
            )
        )
        Submission.objects.bulk_create(
            [
                Submission(
                    assessment=assessment,
                    participation=p,
                    candidate_number=p.pk * 10 + index,
                    status=Submission.Status.PUBLISHED,
                    grade="1.7",
                    published_at=now,
                )
                for p in participations
            ]
        )
    Completion.objects.bulk_create(
        [
            Completion(
                participation=p,
                rule_met=True,
                ects=6,
                completed_on=date(2025, 6, 27),
                decided_by=staff,
            )
            for p in participations
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=25)
    parser.add_argument("--inprocess", action="store_true", help="run the task's .call() here")
    parser.add_argument("--profile", action="store_true", help="cProfile (implies --inprocess)")
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="kohorte-issuance-"))
    setup_django(data)

    from kohorte.accounts.models import Membership, User
    from kohorte.catalog.models import Cohort
    from kohorte.core import issuer
    from kohorte.credentials import issuance
    from kohorte.credentials.models import Certificate, IssuanceBatch
    from kohorte.credentials.tasks import issue_batch

    issuer.setup_issuer()
    cohort = Cohort.objects.select_related("program").get(slug="jahrgang-1")
    staff = User.objects.create_user("bench-team@example.org", "x", is_staff=True)
    Membership.objects.create(user=staff, role="staff", program=cohort.program)
    make_completers(cohort, staff, args.people)

    inprocess = args.inprocess or args.profile
    if inprocess:
        import django.tasks

        django.tasks.task_backends["default"].enqueue = lambda *a, **k: None  # run below
    batch = issuance.start_issuance(cohort, actor=staff)
    assert batch.total == args.people, batch.total

    start = time.perf_counter()
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(issue_batch.call, batch.pk)
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(os.environ.get("BENCH_PROFILE_FILTER", ""), 45)
    elif inprocess:
        issue_batch.call(batch.pk)
    else:
        subprocess.run(
            [sys.executable, "-m", "kohorte", "worker", "--batch"], check=True, capture_output=True
        )
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN if not inprocess else resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime

    batch = IssuanceBatch.objects.get(pk=batch.pk)
    issued = Certificate.objects.filter(batch=batch).count()
    assert batch.status == IssuanceBatch.Status.DONE, (batch.status, batch.error)
    assert issued == args.people, issued
    batch_s = (batch.finished_at - batch.created_at).total_seconds()
    db = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    how = "task .call() in this process" if inprocess else "`kohorte worker --batch` subprocess"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\nDatabase: {db}; {how}; load average {load}\n")
    print("| figure | result | target |")
    print("|---|---:|---:|")
    target = "< 30 s" if args.people <= 25 else "< 300 s" if args.people <= 250 else ""
    print(f"| {args.people} certificates, wall time | {wall:.1f} s | {target} |")
    print(f"| batch queued → done | {batch_s:.1f} s | |")
    print(f"| per certificate (wall) | {wall / args.people * 1000:.0f} ms | |")
    who = "the worker process" if not inprocess else "this process (set-up included)"
    print(f"| CPU time of {who} | {cpu:.1f} s | |")


if __name__ == "__main__":
    main()
