from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def step_url(application, step):
    kwargs = {"program": application.cohort.program.slug, "cohort": application.cohort.slug}
    if step == "documents":
        return reverse("admissions:documents", kwargs=kwargs)
    return reverse("admissions:step", kwargs={**kwargs, "step": step})


@register.simple_tag
def app_url(application, name):
    return reverse(
        f"admissions:{name}",
        kwargs={"program": application.cohort.program.slug, "cohort": application.cohort.slug},
    )


@register.filter
def referee_status_label(code: str | None) -> str:
    """A referee request's stored status as words ("eingegangen"); "–" when there is none."""
    from kohorte.admissions.models import RefereeRequest

    if not code:
        return "–"
    try:
        return str(RefereeRequest.Status(code).label)
    except ValueError:
        return code
