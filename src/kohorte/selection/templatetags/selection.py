from django import template
from django.utils import formats

register = template.Library()


@register.filter
def points(value, digits=2):
    """A score as the committee reads it: two decimals in the active language, or a dash."""
    if value is None or value == "":
        return "–"
    return formats.number_format(round(float(value), int(digits)), int(digits))


@register.filter
def level(value):
    from kohorte.admissions.models import FederalLevel

    return dict(FederalLevel.choices).get(value, value) or "–"


@register.filter
def get(mapping, key):
    return mapping.get(key, "") if mapping else ""


@register.filter
def index(sequence, position):
    return sequence[position]
