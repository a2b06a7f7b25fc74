"""Reading a catalogue data file: the YAML with the line of every mapping and key, and the
values read from it, each failure a DataFileError naming the file, the line and the reason."""

import zoneinfo
from datetime import date, datetime, time
from pathlib import Path

import yaml
from django.utils import timezone

LANGS = ("de", "en")


class DataFileError(Exception):
    def __init__(self, path: Path | str, line: int | None, reason: str):
        self.path, self.line, self.reason = str(path), line, reason
        super().__init__(f"{self.path}:{line or '?'}: {reason}")


class _Map(dict):
    """A YAML mapping that remembers the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    mapping = _Map(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {k.value: k.start_mark.line + 1 for k, _ in node.value}
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_data_file(path: Path) -> _Map:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(path, None, f"cannot read the file: {exc}") from exc
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise DataFileError(path, mark.line + 1 if mark else None, str(exc.problem)) from exc
    if not isinstance(data, _Map) or "program" not in data:
        raise DataFileError(path, 1, "the file must be a mapping with a 'program' key")
    return data


class _Reader:
    """Reads values from the parsed file; a wrong value fails with the line of its entry."""

    path: Path
    tz: zoneinfo.ZoneInfo

    def fail(self, node, reason: str, key: str | None = None):
        line = None
        if isinstance(node, _Map):
            line = node.key_lines.get(key, node.line) if key else node.line
        raise DataFileError(self.path, line, reason)

    def req(self, node, key):
        if not isinstance(node, dict) or key not in node or node[key] in (None, ""):
            self.fail(node, f"'{key}' is missing")
        return node[key]

    def tr(self, node, key, required=True) -> dict[str, str]:
        value = node.get(key) if isinstance(node, dict) else None
        if isinstance(value, dict) and not any(value.values()):
            value = None
        if value in (None, ""):
            if required:
                self.fail(node, f"'{key}' is missing")
            return dict.fromkeys(LANGS, "")
        if isinstance(value, str):
            return dict.fromkeys(LANGS, value)
        if not isinstance(value, dict) or not value.get("de"):
            self.fail(node, f"'{key}' needs a German text under 'de'", key)
        return {lang: str(value.get(lang) or "") for lang in LANGS}

    def as_date(self, node, key) -> date:
        value = self.req(node, key)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(node, f"'{key}' is not a date (YYYY-MM-DD): {value!r}", key)

    def as_datetime(self, node, key) -> datetime:
        value = self.req(node, key)
        try:
            parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        except ValueError:
            self.fail(node, f"'{key}' is not a date and time (YYYY-MM-DDTHH:MM): {value!r}", key)
        return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=self.tz)

    def as_time(self, node, key, value) -> time:
        try:
            return time.fromisoformat(str(value))
        except ValueError:
            self.fail(node, f"'{key}' is not a time (HH:MM): {value!r}", key)

    def as_int(self, node, key, default=None) -> int:
        value = node.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(node, f"'{key}' must be a whole number, not {value!r}", key)
        return value

    def lookup(self, table: dict, node, key, value):
        if value not in table:
            self.fail(node, f"'{key}' names an unknown entry {value!r}", key)
        return table[value]
