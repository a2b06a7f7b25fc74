"""The grading schemes as data: the German scale (1,0 … 4,0, 5,0) and passed/failed.

Grades are stored as codes ("1.3", "5.0", "passed", "failed"); people read and type them with a
decimal comma ("1,3") or as words ("bestanden")."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

GRADE_DE = "grade_de"
PASS_FAIL = "pass_fail"  # noqa: S105 (a grading scheme, not a secret)

GERMAN_SCALE = ("1.0", "1.3", "1.7", "2.0", "2.3", "2.7", "3.0", "3.3", "3.7", "4.0", "5.0")
PASS_WORDS = {
    "passed": gettext_lazy("bestanden"),
    "failed": gettext_lazy("nicht bestanden"),
}


def codes(scheme: str) -> tuple[str, ...]:
    return GERMAN_SCALE if scheme == GRADE_DE else tuple(PASS_WORDS)


def display(code: str) -> str:
    """A grade code as people read it: "1,3", "bestanden"."""
    if not code:
        return ""
    if code in PASS_WORDS:
        return str(PASS_WORDS[code])
    return code.replace(".", ",")


def allowed_text(scheme: str) -> str:
    return ", ".join(display(code) for code in codes(scheme))


def parse_grade(scheme: str, text: str) -> str:
    """The code of a grade typed as "1,3" (or "1.3", "1"), "bestanden" / "nicht bestanden";
    ValidationError naming the allowed values for anything else."""
    value = (text or "").strip().lower()
    if scheme == PASS_FAIL:
        for code, word in PASS_WORDS.items():
            if value in {code, str(word).lower()}:
                return code
    else:
        try:
            number = Decimal(value.replace(",", "."))
        except ArithmeticError:
            number = None
        if number is not None and number.is_finite():
            code = f"{number.quantize(Decimal('0.1'))}"
            if code in GERMAN_SCALE and number == Decimal(code):
                return code
    raise ValidationError(
        _("Diese Note gibt es nicht. Erlaubt sind: %(allowed)s.")
        % {"allowed": allowed_text(scheme)},
        code="grade",
    )


def is_pass(code: str) -> bool:
    return code == "passed" or (code in GERMAN_SCALE and Decimal(code) <= Decimal("4.0"))


def difference(scheme: str, first: str, second: str) -> Decimal:
    """How far two marks lie apart: grade points, or 1 when passed/failed differ."""
    if scheme == PASS_FAIL:
        return Decimal(0) if first == second else Decimal(1)
    return abs(Decimal(first) - Decimal(second))


def mean_grade(first: str, second: str) -> str:
    """The two marks' mean on the scale: the nearest step, the better one on a tie."""
    if first in PASS_WORDS:
        return first if first == second else "failed"
    mean = (Decimal(first) + Decimal(second)) / 2
    return min(GERMAN_SCALE, key=lambda c: (abs(Decimal(c) - mean), Decimal(c)))
