from datetime import date

from django import template
from django.utils.dateformat import format as date_format
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def date_range(start: date, end: date) -> str:
    """ "25.–27. September 2024" in German, "25–27 September 2024" in English."""
    german = (get_language() or "de").startswith("de")
    full = "j. F Y" if german else "j F Y"
    if start == end:
        return date_format(start, full)
    if (start.year, start.month) == (end.year, end.month):
        head = "j." if german else "j"
    elif start.year == end.year:
        head = "j. F" if german else "j F"
    else:
        head = full
    return f"{date_format(start, head)}–{date_format(end, full)}"


@register.inclusion_tag("catalog/_assumption.html")
def assumption(obj, field):
    """Mark a value the brochure does not state; the note says what was assumed."""
    return {"assumption": obj.assumption_for(field) if obj is not None else None}


@register.filter
def long_date(value: date) -> str:
    """ "Mittwoch, 25. September 2024" / "Wednesday, 25 September 2024"."""
    german = (get_language() or "de").startswith("de")
    return date_format(value, "l, j. F Y" if german else "l, j F Y")
