import sys

from django.core.management.base import BaseCommand, CommandError

from kohorte.admissions import exports
from kohorte.catalog.models import Cohort


class Command(BaseCommand):
    help = "Export a cohort's applications, one row each, as CSV, XLSX or JSON (to stdout or -o)."

    def add_arguments(self, parser):
        parser.add_argument("cohort", help="the cohort's slug")
        parser.add_argument("--format", choices=["csv", "xlsx", "json"], default="csv")
        parser.add_argument("--program", help="the program's slug, if several have the cohort")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, cohort, format, program, output, **options):
        cohorts = Cohort.objects.filter(slug=cohort)
        if program:
            cohorts = cohorts.filter(program__slug=program)
        if cohorts.count() != 1:
            raise CommandError(f"No single cohort {cohort!r}; name the program with --program.")
        data = exports.rows(cohorts.get())
        content = {"csv": exports.as_csv, "xlsx": exports.as_xlsx, "json": exports.as_json}[format](
            data
        )
        if output:
            with open(output, "wb") as handle:
                handle.write(content)
        else:
            sys.stdout.buffer.write(content)
