"""Load a program, its modules and cohorts from a YAML data file (see data/ki-data-science.yaml).

Loading is idempotent: rows are matched by their slugs (and stable UUIDs for calendar events),
updated in place and never duplicated. It runs in one transaction: a broken file raises
DataFileError naming the file, the line and the reason, and changes nothing.

Modules: ``parsing`` (the YAML with line numbers, DataFileError, reading values), ``entities``
(writing each entity). Import the names from here.
"""

from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from kohorte.catalog.loader.entities import UID_NAMESPACE, _Loader
from kohorte.catalog.loader.parsing import LANGS, DataFileError, parse_data_file
from kohorte.core.audit import log_action

DEFAULT_DATA_FILE = Path(__file__).parent.parent / "data" / "ki-data-science.yaml"

__all__ = [
    "DEFAULT_DATA_FILE",
    "LANGS",
    "UID_NAMESPACE",
    "DataFileError",
    "load_catalog",
    "parse_data_file",
]


def load_catalog(path: Path | str = DEFAULT_DATA_FILE, *, today: date | None = None, actor=None):
    """Create or update the program in ``path`` with its modules, cohorts and events.

    Write one audit row. Raise DataFileError (file, line, reason) and change nothing if the
    file is broken.
    """
    path = Path(path)
    data = parse_data_file(path)
    loader = _Loader(path, today or timezone.localdate())
    with transaction.atomic():
        program = loader.program(data["program"])
        for node in data.get("locations") or []:
            loader.location(node)
        for node in data.get("people") or []:
            loader.person(node)
        for node in data.get("modules") or []:
            loader.module(program, node)
        for node in data.get("cohorts") or []:
            loader.cohort(program, node)
        log_action("catalog.loaded", actor=actor, target=program, data={"file": path.name})
    return program
