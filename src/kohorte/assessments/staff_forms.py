"""Forms of the staff pages of assessments: they validate and never save (the services do)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from kohorte.assessments.forms import GradeField
from kohorte.assessments.models import Assessment
from kohorte.catalog.models import Module


def _when(label, required=True, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class AssessmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Art"), choices=Assessment.Kind.choices)
    task = forms.CharField(label=_("Aufgabenstellung"), widget=forms.Textarea(attrs={"rows": 5}))
    due_at = _when(
        _("Abgabe bis"),
        help_text=_("Bei Präsentation und mündlicher Prüfung: der Prüfungstermin."),
    )
    min_pages = forms.IntegerField(label=_("mindestens Seiten"), min_value=1, required=False)
    max_pages = forms.IntegerField(label=_("höchstens Seiten"), min_value=1, required=False)
    max_words = forms.IntegerField(label=_("höchstens Wörter"), min_value=1, required=False)
    grading = forms.ChoiceField(label=_("Bewertung"), choices=Module.Grading.choices)
    ects = forms.DecimalField(
        label=_("ECTS-Punkte"),
        min_value=0,
        max_value=99,
        max_digits=4,
        decimal_places=1,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    # no help texts at checkboxes: the label says it all
    ects_is_assumption = forms.BooleanField(
        label=_("ECTS-Punkte sind eine Annahme (die Broschüre nennt keine Zahl)"),
        required=False,
    )
    second_marker_required = forms.BooleanField(
        label=_("Zweitgutachten erforderlich"), required=False
    )
    disagreement_threshold = forms.DecimalField(
        label=_("Abweichung, ab der sich die Gutachter:innen einigen müssen"),
        min_value=Decimal("0.3"),
        max_value=Decimal("4.0"),
        max_digits=3,
        decimal_places=1,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("in Notenstufen, zum Beispiel 1,0"),
    )
    anonymous = forms.BooleanField(
        label=_("anonyme Bewertung: Dozent:innen sehen Kandidatennummern statt Namen"),
        required=False,
    )
    publish_at = _when(
        _("Noten veröffentlichen am"),
        required=False,
        help_text=_("leer lassen, um die Noten von Hand zu veröffentlichen"),
    )
    max_attempts = forms.IntegerField(
        label=_("Versuche insgesamt"), min_value=1, max_value=3, initial=2
    )

    def __init__(self, *args, locked=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name, reason in dict(locked).items():
            self.fields[name].disabled = True
            self.fields[name].help_text = reason

    def clean(self):
        data = super().clean()
        upload = data.get("kind") in Assessment.UPLOAD_KINDS
        if data.get("anonymous") and data.get("kind") and not upload:
            self.add_error(
                "anonymous",
                _("Anonym bewerten lassen sich nur Abgaben, keine Präsentationen oder Prüfungen."),
            )
        due, publish = data.get("due_at"), data.get("publish_at")
        if due and publish and publish < due:
            self.add_error(
                "publish_at", _("Die Noten können erst nach der Abgabefrist veröffentlicht werden.")
            )
        return data


class ResitForm(forms.Form):
    due_at = _when(_("Abgabe bis (Wiederholung)"))
    task = forms.CharField(
        label=_("Aufgabenstellung der Wiederholung"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("leer lassen, um die Aufgabenstellung des ersten Versuchs zu übernehmen"),
    )


class RecordForm(forms.Form):
    """The result of a presentation or oral exam for one participant (no upload)."""

    participation = forms.TypedChoiceField(label=_("Teilnehmer:in"), coerce=int)
    feedback = forms.CharField(
        label=_("Rückmeldung"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, people, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participation"].choices = [(p.pk, p.name) for p in people]
        self.fields = {
            "participation": self.fields["participation"],
            "grade": GradeField(scheme),
            "feedback": self.fields["feedback"],
        }
