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
