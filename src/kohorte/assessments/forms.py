"""Forms of assessments: they validate and never save (the services do)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kohorte.assessments import grading


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Ihre Arbeit (PDF)"), widget=forms.ClearableFileInput(attrs={"accept": ".pdf"})
    )
    # Checked by the service, whose message is shown at this field.
    declaration = forms.BooleanField(
        label=_("Ich bestätige die Eigenständigkeitserklärung."), required=False
    )


class GradeField(forms.CharField):
    def __init__(self, scheme, **kwargs):
        self.scheme = scheme
        kwargs.setdefault("label", pgettext_lazy("Bewertung", "Note"))
        kwargs.setdefault(
            "help_text", _("Erlaubt: %(allowed)s") % {"allowed": grading.allowed_text(scheme)}
        )
        super().__init__(max_length=20, **kwargs)

    def clean(self, value):
        return grading.parse_grade(self.scheme, super().clean(value))


class MarkForm(forms.Form):
    feedback = forms.CharField(label=_("Rückmeldung"), widget=forms.Textarea, required=False)
    annotated = forms.FileField(
        label=_("Kommentierte Fassung (PDF, freiwillig)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
    )

    def __init__(self, *args, scheme, second=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"grade": GradeField(scheme), **self.fields}
        if second:
            del self.fields["feedback"], self.fields["annotated"]


class AgreeForm(forms.Form):
    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"] = GradeField(scheme, label=_("Vereinbarte Note"))


class ChangeForm(forms.Form):
    reason = forms.CharField(label=_("Grund der Änderung"), max_length=500)

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"grade": GradeField(scheme, label=_("Neue Note")), **self.fields}


class ExtensionForm(forms.Form):
    participation = forms.TypedChoiceField(label=_("Teilnehmer:in"), coerce=int)
    due_at = forms.DateTimeField(
        label=_("Neue Frist"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(
        label=_("Grund"),
        max_length=500,
        help_text=_("zum Beispiel Nachteilsausgleich"),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participation"].choices = [(p.pk, p.name) for p in people]
