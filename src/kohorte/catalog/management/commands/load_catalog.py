from django.core.management.base import BaseCommand, CommandError

from kohorte.catalog.loader import DEFAULT_DATA_FILE, DataFileError, load_catalog


class Command(BaseCommand):
    help = "Create or update a program from a YAML data file, idempotently, in one transaction."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_DATA_FILE))

    def handle(self, *args, path, **options):
        try:
            program = load_catalog(path)
        except DataFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Loaded {program} from {path}"))
