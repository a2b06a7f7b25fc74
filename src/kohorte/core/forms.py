from django.forms.renderers import TemplatesSetting


class KohorteFormRenderer(TemplatesSetting):
    """Every form renders with KERN UX markup: label, hint, error (linked through
    aria-describedby by Django), then the input."""

    form_template_name = "kohorte/forms/form.html"
    field_template_name = "kohorte/forms/field.html"
