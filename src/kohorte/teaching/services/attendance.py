"""Attendance per teaching day: the check-in list of staff and lecturers, the participant's
self check-in with the day's code, and the attendance rate against the completion rule.

How a day counts: present, late and left early count as attended; an excused day (always with
a reason) is left out of the count; an absent day counts against. Days nobody recorded yet
are not counted. The rate is attended days / (recorded days − excused days)."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from kohorte.catalog.models import Module, ModuleRun, Session
from kohorte.core.audit import log_action
from kohorte.core.transitions import move
from kohorte.teaching.models import Attendance, ElectiveRound, Participation
from kohorte.teaching.services.calendar import personal_runs

# Unambiguous when read from a projector and typed on a phone: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 7


def run_participations(run: ModuleRun):
    """Who takes part in ``run``: the whole cohort in a mandatory module; in an elective those
    with a place (before the lottery: those who chose it), as ``personal_runs`` decides."""
    cohort_participations = Participation.objects.filter(cohort_id=run.cohort_id)
    if run.module.kind == Module.Kind.MANDATORY:
        return cohort_participations
    allocated = ElectiveRound.objects.filter(
        cohort_id=run.cohort_id, status=ElectiveRound.Status.ALLOCATED
    ).exists()
    if allocated:
        return cohort_participations.filter(elective_places__run=run)
    return cohort_participations.filter(elective_choices__run=run)


def checkin_code(session: Session) -> str:
    """The day's code of a teaching day: an HMAC over (session, date) keyed by SECRET_KEY, so
    nothing secret is stored; 7 characters of an unambiguous alphabet."""
    digest = salted_hmac(
        "kohorte.teaching.checkin", f"{session.pk}:{session.date.isoformat()}", algorithm="sha256"
    ).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _i in range(CODE_LENGTH):
        number, rest = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[rest])
    return "".join(chars)


def normalise_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def _long_date(day: date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def record_attendance(
    session: Session,
    participation: Participation,
    *,
    status: str,
    actor,
    source: str,
    reason: str = "",
    now=None,
) -> Attendance:
    """Record (or correct) one participant's attendance on one teaching day. An excused day
    needs a reason; a day that has not begun cannot be recorded. One audit row per change."""
    now = now or timezone.now()
    reason = reason.strip() if status == Attendance.Status.EXCUSED else ""
    if status not in Attendance.Status.values:
        raise ValidationError({"status": _("Bitte wählen Sie einen Status.")})
    if status == Attendance.Status.EXCUSED and not reason:
        raise ValidationError(
            {"reason": _("Bitte geben Sie einen Grund für die Entschuldigung an.")}
        )
    if session.date > timezone.localdate(now):
        raise ValidationError(_("Dieser Tag hat noch nicht begonnen."))
    if not run_participations(session.run).filter(pk=participation.pk).exists():
        raise ValidationError(_("Diese Person nimmt an diesem Modul nicht teil."))
    fields = {"reason": reason, "source": source, "recorded_by": actor, "recorded_at": now}
    with transaction.atomic():
        attendance, created = Attendance.objects.get_or_create(
            session=session, participation=participation, defaults={"status": status, **fields}
        )
        if created:
            log_action(
                "teaching.attendance_recorded",
                actor=actor,
                target=participation,
                data={"session": session.pk, "source": source},
                after={"status": status},
            )
            return attendance
        if attendance.status == status and attendance.reason == reason:
            return attendance
        old = move(
            attendance,
            "status",
            status,
            Attendance.TRANSITIONS,
            _("Jemand anderes hat diesen Eintrag gerade geändert. Bitte laden Sie die Seite neu."),
            **fields,
        )
        log_action(
            "teaching.attendance_changed",
            actor=actor,
            target=participation,
            data={"session": session.pk, "source": source},
            before={"status": old},
            after={"status": status},
        )
    return attendance


def _code_refusal(match: Session, participation: Participation, today: date) -> str | None:
    if not personal_runs(participation).filter(pk=match.run_id).exists():
        return _(
            "Dieser Code gehört zu einem Modul, an dem Sie nicht teilnehmen "
            "(%(module)s). Bitte prüfen Sie den Code im Raum."
        ) % {"module": match.run.module}
    if match.date < today:
        return _(
            "Dieser Code ist abgelaufen: Er galt nur am %(date)s. Bitte verwenden Sie den Code "
            "von heute."
        ) % {"date": _long_date(match.date)}
    if match.date > today:
        return _("Dieser Code gilt erst am %(date)s, nicht heute.") % {
            "date": _long_date(match.date)
        }
    return None


def self_check_in(
    participation: Participation, code: str, *, actor, now=None
) -> tuple[Attendance, bool]:
    """Mark the participant present on today's teaching day whose code they entered. Return the
    row and whether this call marked them (False: they were already recorded). A code of another
    day, of a module they do not take, or an unknown code is refused (ValidationError on
    ``code``). Concurrent scans make one row: the unique constraint and get_or_create."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    typed = normalise_code(code)
    if not typed:
        raise ValidationError({"code": _("Bitte geben Sie den Code aus dem Raum ein.")})
    candidates = Session.objects.filter(
        Q(run__cohort_id=participation.cohort_id) | Q(date=today)
    ).select_related("run__module")
    match = next((s for s in candidates if constant_time_compare(checkin_code(s), typed)), None)
    if match is None:
        raise ValidationError(
            {"code": _("Diesen Code kennen wir nicht. Bitte prüfen Sie die Eingabe.")}
        )
    refusal = _code_refusal(match, participation, today)
    if refusal:
        raise ValidationError({"code": refusal})
    fields = {
        "reason": "",
        "source": Attendance.Source.SELF,
        "recorded_by": actor,
        "recorded_at": now,
    }
    with transaction.atomic():
        attendance, created = Attendance.objects.get_or_create(
            session=match,
            participation=participation,
            defaults={"status": Attendance.Status.PRESENT, **fields},
        )
        if created:
            log_action(
                "teaching.attendance_recorded",
                actor=actor,
                target=participation,
                data={"session": match.pk, "source": Attendance.Source.SELF},
                after={"status": Attendance.Status.PRESENT},
            )
            return attendance, True
        if attendance.status != Attendance.Status.ABSENT:
            return attendance, False
        # marked absent before they arrived: the code proves they are here now
        old = move(
            attendance,
            "status",
            Attendance.Status.PRESENT,
            Attendance.TRANSITIONS,
            _("Sie sind bereits eingetragen."),
            **fields,
        )
        log_action(
            "teaching.attendance_changed",
            actor=actor,
            target=participation,
            data={"session": match.pk, "source": Attendance.Source.SELF},
            before={"status": old},
            after={"status": Attendance.Status.PRESENT},
        )
    return attendance, True


@dataclass
class Rate:
    """Attended, excused and absent days; ``rate`` in percent (None: no day counts yet)."""

    attended: int = 0
    excused: int = 0
    absent: int = 0
    threshold: int | None = None

    @property
    def counted(self) -> int:
        return self.attended + self.absent

    @property
    def rate(self) -> float | None:
        return None if not self.counted else 100 * self.attended / self.counted

    @property
    def below(self) -> bool:
        return self.threshold is not None and self.rate is not None and self.rate < self.threshold

    def add(self, status: str) -> None:
        if status in Attendance.ATTENDED:
            self.attended += 1
        elif status == Attendance.Status.EXCUSED:
            self.excused += 1
        else:
            self.absent += 1

    def add_counts(self, attended: int, excused: int, absent: int) -> None:
        self.attended += attended
        self.excused += excused
        self.absent += absent


@dataclass
class Summary:
    overall: Rate
    by_run: dict[int, Rate] = field(default_factory=dict)


def attendance_summaries(
    cohort, threshold: int | None, *, participation=None, run=None, by_run=True
) -> dict[int, Summary]:
    """Per participation of ``cohort`` (or only ``participation``): the rate per module run
    and overall (one query). With ``run``, only that run's days are read (``overall`` is then
    that run's rate too). ``by_run=False``: only ``overall`` (``by_run`` stays empty; a
    cohort's standings need no more)."""
    summaries: dict[int, Summary] = {}
    marks = Attendance.objects.filter(participation__cohort=cohort)
    if participation is not None:
        marks = marks.filter(participation=participation)
    if run is not None:
        marks = marks.filter(session__run=run)
    # counted in the database: one row per person and run, not one per day
    attended, excused = Q(status__in=Attendance.ATTENDED), Q(status=Attendance.Status.EXCUSED)
    per = ("participation_id", "session__run_id") if by_run else ("participation_id",)
    rows = (
        marks.order_by()
        .values(*per)
        .annotate(
            attended=Count("pk", filter=attended),
            excused=Count("pk", filter=excused),
            absent=Count("pk", filter=~(attended | excused)),
        )
        .values_list(*per, "attended", "excused", "absent")
    )
    for participation_id, *rest in rows:
        summary = summaries.get(participation_id)
        if summary is None:
            summary = summaries[participation_id] = Summary(Rate(threshold=threshold))
        counts = rest[-3:]
        summary.overall.add_counts(*counts)
        if by_run:
            summary.by_run.setdefault(rest[0], Rate(threshold=threshold)).add_counts(*counts)
    return summaries


def attendance_threshold(cohort):
    """The completion rule's threshold (percent) and its assumption, if the value is one."""
    from kohorte.catalog.models import CompletionRule

    rule = CompletionRule.objects.filter(cohort=cohort).prefetch_related("assumptions").first()
    if rule is None:
        return None, None
    return rule.attendance_threshold, rule.assumption_for("attendance_threshold")
