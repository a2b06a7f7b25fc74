"""Bulk-mail segments that teaching offers to comms: the participants of a cohort, and the
participants of a module run (a mandatory run: the whole cohort; an elective run: those with a
place in it). Registered in TeachingConfig.ready(); comms never imports teaching."""

from django.db.models import Count
from django.utils.translation import gettext as _

from kohorte.comms.segments import Recipient, Segment


def participant_segments():
    """One segment per cohort with participants, and one per module run of such a cohort.
    The counts come from two grouped queries, whatever the number of segments."""
    from kohorte.catalog.models import Cohort, Module, ModuleRun
    from kohorte.catalog.templatetags.catalog import date_range
    from kohorte.teaching.models import ElectivePlace, Participation

    per_cohort = dict(
        Participation.objects.filter(user__is_active=True)
        .values("cohort_id")
        .annotate(n=Count("pk"))
        .values_list("cohort_id", "n")
    )
    if not per_cohort:
        return
    per_run = dict(
        ElectivePlace.objects.filter(
            participation__user__is_active=True, run__cohort_id__in=per_cohort
        )
        .values("run_id")
        .annotate(n=Count("pk"))
        .values_list("run_id", "n")
    )
    runs: dict[int, list] = {}
    for run in (
        ModuleRun.objects.filter(cohort_id__in=per_cohort)
        .select_related("module")
        .order_by("starts_on", "pk")
    ):
        runs.setdefault(run.cohort_id, []).append(run)
    for cohort in Cohort.objects.filter(pk__in=per_cohort).order_by("-starts_on", "pk"):
        yield Segment(
            f"participants:cohort:{cohort.pk}",
            _("Teilnehmer:innen im %(cohort)s") % {"cohort": cohort.name},
            lambda cohort_id=cohort.pk: _recipients(
                Participation.objects.filter(cohort_id=cohort_id)
            ),
            count=lambda n=per_cohort[cohort.pk]: n,
        )
        for run in runs.get(cohort.pk, []):
            mandatory = run.module.kind == Module.Kind.MANDATORY
            size = per_cohort[cohort.pk] if mandatory else per_run.get(run.pk, 0)
            yield Segment(
                f"participants:run:{run.pk}",
                _("Teilnehmer:innen von Modul %(number)s „%(title)s“ (%(dates)s, %(cohort)s)")
                % {
                    "number": run.module.number,
                    "title": run.module.title,
                    "dates": date_range(run.starts_on, run.ends_on),
                    "cohort": cohort.name,
                },
                lambda run=run, mandatory=mandatory: _recipients(
                    Participation.objects.filter(cohort_id=run.cohort_id)
                    if mandatory
                    else Participation.objects.filter(elective_places__run_id=run.pk)
                ),
                count=lambda n=size: n,
            )


def _recipients(participations) -> list[Recipient]:
    return [
        Recipient(
            p.user.email,
            p.user.get_full_name() or p.user.email,
            p.user.preferred_language,
            p.user_id,
        )
        for p in participations.filter(user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    ]
