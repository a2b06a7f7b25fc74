"""kohorte manage export_credits <cohort-slug> [--format xlsx|csv] [-o FILE]"""

import sys

from django.core.management.base import BaseCommand, CommandError

from kohorte.assessments.export import credits_csv, credits_xlsx, filename
from kohorte.catalog.models import Cohort


class Command(BaseCommand):
    help = (
        "Export a cohort's credit record for the EMPA examination office (German headers and "
        "grade format): XLSX, or CSV (UTF-8 with BOM, separated by semicolons)."
    )

    def add_arguments(self, parser):
        parser.add_argument("cohort", help="the cohort's short name (slug)")
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument(
            "-o",
            "--output",
            help="file to write (default: anrechnung-<slug>.<format>; '-' for standard output)",
        )

    def handle(self, *args, cohort, format, output, **options):
        found = Cohort.objects.select_related("program").filter(slug=cohort).first()
        if found is None:
            slugs = ", ".join(Cohort.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(f"No cohort with the slug {cohort!r}. Known: {slugs or 'none'}.")
        data = credits_xlsx(found) if format == "xlsx" else credits_csv(found)
        if output == "-":
            sys.stdout.buffer.write(data)
            return
        path = output or filename(found, format)
        with open(path, "wb") as handle:
            handle.write(data)
        self.stdout.write(f"Wrote {path} ({len(data)} bytes).")
