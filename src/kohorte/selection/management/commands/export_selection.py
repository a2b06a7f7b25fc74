"""kohorte manage export_selection <cohort-slug> [--program SLUG] [--output FILE]

The newest proposal of a cohort with its inputs and outputs, as JSON (docs/selection.md)."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from kohorte.catalog.models import Cohort
from kohorte.selection import optimiser
from kohorte.selection.models import Proposal


class Command(BaseCommand):
    help = "Export a cohort's newest selection proposal (inputs and result) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("cohort")
        parser.add_argument("--program", help="program slug, if the cohort slug is not unique")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        cohorts = Cohort.objects.filter(slug=options["cohort"])
        if options.get("program"):
            cohorts = cohorts.filter(program__slug=options["program"])
        if cohorts.count() != 1:
            raise CommandError(
                f"{cohorts.count()} cohorts match {options['cohort']!r}; name one with --program."
            )
        proposal = Proposal.current(cohorts.get())
        if proposal is None:
            raise CommandError("This cohort has no proposal yet.")
        text = json.dumps(optimiser.export(proposal), ensure_ascii=False, indent=2)
        if options.get("output"):
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        else:
            sys.stdout.write(text + "\n")
