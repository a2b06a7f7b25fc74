"""Run the periodic jobs that are due, once: for cron or a systemd timer instead of a worker."""

from django.core.management.base import BaseCommand, CommandError

from kohorte.core import schedule


class Command(BaseCommand):
    help = (
        "Run every periodic job that is due (or the job --job NAME, due or not), once, "
        "with the same lease as the workers' scheduler; --list shows the schedule."
    )

    def add_arguments(self, parser):
        parser.add_argument("--job", help="run this job now, even if it is not due yet")
        parser.add_argument(
            "--list", dest="show_list", action="store_true", help="show the schedule and exit"
        )

    def handle(self, *args, job=None, show_list=False, **options):
        from kohorte.core.models import ScheduledJob

        schedule.sync_jobs()
        known = schedule.jobs()
        if show_list:
            for row in ScheduledJob.objects.filter(name__in=known):
                lease = f", leased by {row.leased_by}" if row.leased_by else ""
                self.stdout.write(
                    f"{row.name}: {row.period}, next {row.next_run_at:%Y-%m-%d %H:%M:%S%z}, "
                    f"runs {row.run_count}{lease}"
                )
            return
        if job is not None and job not in known:
            raise CommandError(f"unknown job {job!r}; known: {', '.join(sorted(known))}")
        results = schedule.run_due(schedule.worker_id(), only=job, force=job is not None)
        for name, ok in results.items():
            self.stdout.write(f"{name}: {'ok' if ok else 'failed (see last_error)'}")
        if job is not None and job not in results:
            raise CommandError(f"{job} is running elsewhere right now (its lease is held).")
        if not all(results.values()):
            raise CommandError("a job failed")
