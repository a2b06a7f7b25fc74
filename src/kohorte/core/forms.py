from django.forms.renderers import TemplatesSetting


class KohorteFormRenderer(TemplatesSetting):
    """Every form renders with KERN UX markup: label, hint, error (linked through
    aria-describedby by Django), then the input."""

    form_template_name = "kohorte/forms/form.html"
    field_template_name = "kohorte/forms/field.html"


def add_errors(form, error) -> None:
    """Put a service's ValidationError on the form: at its field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
