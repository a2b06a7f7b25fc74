"""kohorte manage solve_selection FILE.json [-o OUT.json] [--seed N] [--no-explanations]

Solves an instance given in the export format (docs/selection.md): its ``applicants``,
``seats`` and ``constraints``, with the seed from the file or ``--seed``. Writes the same
format with ``result`` filled in. A file holding a JSON list of instances gives a list of
results in the same order. Exit code 1: the file cannot be read or is not JSON; 2: an
instance is malformed. Rules that cannot all hold are a result (``"feasible": false`` and the
clashing rules), not an error.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from kohorte.selection import optimiser

CONSTRAINT_KEYS = {"level_min", "level_max", "max_per_authority", "gender_min", "gender_max"}
APPLICANT_DEFAULTS = {
    "level": "",
    "authority": "",
    "gender": None,
    "eligible": True,
    "lock": None,
    "lock_reason": "",
}


class Invalid(ValueError):
    pass


def _int(value, where: str, *, least: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise Invalid(f"{where} must be a whole number of at least {least}, not {value!r}")
    return value


def _bounds(value, where: str) -> dict[str, int]:
    if not isinstance(value, dict):
        raise Invalid(f'{where} must be an object like {{"bund": 2}}, not {value!r}')
    return {str(k): _int(v, f"{where}.{k}") for k, v in value.items()}


def validated(instance, where: str) -> dict:
    """The instance with defaults filled in, or Invalid naming the first problem."""
    if not isinstance(instance, dict):
        raise Invalid(f"{where}: an instance must be a JSON object")
    missing = [k for k in ("applicants", "seats") if k not in instance]
    if missing:
        raise Invalid(f"{where}: missing key {missing[0]!r}")
    seats = _int(instance["seats"], f"{where}: seats")
    raw = instance.get("constraints") or {}
    if not isinstance(raw, dict):
        raise Invalid(f"{where}: constraints must be a JSON object")
    unknown = sorted(set(raw) - CONSTRAINT_KEYS)
    if unknown:
        raise Invalid(f"{where}: unknown constraint {unknown[0]!r}")
    constraints = {
        "level_min": _bounds(raw.get("level_min") or {}, f"{where}: constraints.level_min"),
        "level_max": _bounds(raw.get("level_max") or {}, f"{where}: constraints.level_max"),
        "max_per_authority": (
            None
            if raw.get("max_per_authority") is None
            else _int(raw["max_per_authority"], f"{where}: max_per_authority", least=1)
        ),
        "gender_min": _bounds(raw.get("gender_min") or {}, f"{where}: constraints.gender_min"),
        "gender_max": _bounds(raw.get("gender_max") or {}, f"{where}: constraints.gender_max"),
    }
    if not isinstance(instance["applicants"], list):
        raise Invalid(f"{where}: applicants must be a JSON list")
    applicants, seen = [], set()
    for k, row in enumerate(instance["applicants"]):
        at = f"{where}: applicants[{k}]"
        if not isinstance(row, dict) or "id" not in row or "score" not in row:
            raise Invalid(f'{at} needs at least "id" and "score"')
        if not isinstance(row["id"], str) or not row["id"] or row["id"] in seen:
            raise Invalid(f"{at}: id must be a unique, non-empty string")
        seen.add(row["id"])
        score = row["score"]
        if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)):
            raise Invalid(f"{at}: score must be a number or null, not {score!r}")
        if row.get("lock") not in (None, "in", "out"):
            raise Invalid(f'{at}: lock must be "in", "out" or null')
        applicants.append({**APPLICANT_DEFAULTS, **row, "authority": row.get("authority") or ""})
    seed = instance.get("seed", 0)
    return {
        **instance,
        "seats": seats,
        "constraints": constraints,
        "applicants": applicants,
        "seed": seed,
    }


class Command(BaseCommand):
    help = "Solve a selection instance in the export format (or a list of them) and write it with its result."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON file: one instance, or a list of instances")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")
        parser.add_argument("--seed", type=int, help="lottery seed (default: the file's seed)")
        parser.add_argument(
            "--no-explanations",
            action="store_true",
            help="skip the explanations and replacements (one solve per applicant)",
        )

    def handle(self, *args, **options):
        try:
            with open(options["file"], encoding="utf-8") as handle:
                data = json.load(handle)
        except OSError as error:
            raise CommandError(
                f"cannot read {options['file']}: {error.strerror}", returncode=1
            ) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CommandError(
                f"{options['file']} is not valid JSON: {error}", returncode=1
            ) from None
        many = isinstance(data, list)
        instances = data if many else [data]
        try:
            checked = [validated(item, f"instance {k}") for k, item in enumerate(instances)]
            for item in checked:
                seed = options["seed"] if options.get("seed") is not None else item["seed"]
                _int(seed, "seed")
                item["seed"] = seed
        except Invalid as error:
            raise CommandError(str(error), returncode=2) from None
        results = [
            optimiser.solve_data(
                item, item["seed"], explanations=not options.get("no_explanations")
            )
            for item in checked
        ]
        text = json.dumps(results if many else results[0], ensure_ascii=False, indent=2)
        if options.get("output"):
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        else:
            sys.stdout.write(text + "\n")
