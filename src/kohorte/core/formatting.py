from django.utils import formats, timezone
from django.utils.translation import override


def in_language(value, language: str, fmt: str = "DATETIME_FORMAT") -> str:
    """A date and time as the recipient reads it: their language, Berlin time."""
    with override(language):
        return formats.date_format(timezone.localtime(value), fmt)
