"""Validators shared by several apps."""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

# Bidirectional overrides and isolates: they can make a name read differently than it is.
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def has_control_characters(value: str) -> bool:
    """True if ``value`` holds a line break, tab or other control character (Unicode Cc,
    the line and paragraph separators, bidirectional overrides)."""
    return any(unicodedata.category(c) in {"Cc", "Zl", "Zp"} or c in _BIDI_CONTROLS for c in value)


def validate_single_line(value: str) -> None:
    """Refuse control characters in a name or address that may reach a mail header."""
    if has_control_characters(value or ""):
        raise ValidationError(
            _("Bitte ohne Zeilenumbrüche, Tabulatoren oder andere Steuerzeichen eingeben."),
            code="control_characters",
        )


def header_safe(value: str) -> str:
    """``value`` on one line: every control character and run of white space becomes one
    space. For text that goes into a mail header although it was not checked at input."""
    cleaned = "".join(" " if has_control_characters(c) else c for c in value or "")
    return " ".join(cleaned.split())


def check_contact(*, email: str, required: tuple[str, ...] = (), **fields: str) -> None:
    """Refuse what a contact form would refuse, for services whose callers may skip the form:
    a line break or control character in any field (a mail header must never get one from a
    name or address), an invalid e-mail address, an empty ``required`` field. Raise one
    ``ValidationError`` with the messages by field."""
    errors: dict[str, list[str]] = {}
    for field, value in fields.items():
        try:
            validate_single_line(value)
            if field in required and not value.strip():
                raise ValidationError(_("Bitte ausfüllen."))
        except ValidationError as error:
            errors[field] = error.messages
    try:
        validate_single_line(email)
        validate_email(email)
    except ValidationError as error:
        errors["email"] = error.messages
    if errors:
        raise ValidationError(errors)
