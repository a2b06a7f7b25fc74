"""Attendance demo data: every past teaching day of the 2024 cohort is recorded. Most were there
(some late, some left early, many by self check-in), a few days are excused with a reason, a
few absent; exactly one participant is below the completion rule's threshold."""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

EXCUSES = [
    "Krankheit (Attest liegt vor)",
    "Dienstlicher Termin, mit der Programmleitung abgestimmt",
    "Kind krank",
    "Bahnstreik, Anreise nicht möglich",
]
BELOW_INDEX = 5  # the sixth participant (by id) misses too many days


def load_attendance_demo(cohort, staff) -> None:
    """Record attendance for every session of ``cohort`` that lies in the past (bulk)."""
    from kohorte.catalog.models import Session
    from kohorte.teaching.models import Attendance
    from kohorte.teaching.services import run_participations

    rng = random.Random(2025)  # noqa: S311 (reproducible demo data)
    today = timezone.localdate()
    participations = list(cohort.participations.order_by("pk"))
    below = participations[BELOW_INDEX].pk if len(participations) > BELOW_INDEX else None
    absences: dict[int, int] = {}
    rows = []
    sessions = Session.objects.filter(run__cohort=cohort, date__lt=today).select_related(
        "run__module"
    )
    members = {}
    for session in sessions:
        if session.run_id not in members:
            members[session.run_id] = list(
                run_participations(session.run).values_list("pk", flat=True)
            )
        for pk in members[session.run_id]:
            status, reason = _status(rng, pk, below, absences)
            source = rng.choice(["self", "self", "lecturer", "staff"])
            if status != "present":
                source = rng.choice(["lecturer", "staff"])
            rows.append(
                Attendance(
                    session=session,
                    participation_id=pk,
                    status=status,
                    reason=reason,
                    source=source,
                    recorded_by=staff if source == "staff" else None,
                    recorded_at=timezone.make_aware(
                        datetime.combine(session.date, time(9))
                        + timedelta(minutes=rng.randint(0, 40))
                    ),
                )
            )
    Attendance.objects.bulk_create(rows, ignore_conflicts=True)


def _status(rng, pk, below, absences) -> tuple[str, str]:
    roll = rng.random()
    if pk == below:
        if roll < 0.4:
            return "absent", ""
        return "present", ""
    if roll < 0.05 and absences.get(pk, 0) < 1:
        absences[pk] = absences.get(pk, 0) + 1
        return "absent", ""
    if roll < 0.10:
        return "excused", rng.choice(EXCUSES)
    if roll < 0.16:
        return "late", ""
    if roll < 0.20:
        return "left_early", ""
    return "present", ""
