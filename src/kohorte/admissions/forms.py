from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kohorte.admissions.models import (
    Application,
    AuthorityKind,
    FederalLevel,
    LeadershipLevel,
    RefereeRequest,
)
from kohorte.core.validators import validate_single_line


class RefereeUploadForm(forms.Form):
    letter = forms.FileField(
        label=_("Empfehlungsschreiben (PDF, höchstens 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        error_messages={"required": _("Bitte wählen Sie die PDF-Datei mit Ihrem Schreiben aus.")},
    )
    confirm = forms.BooleanField(
        label=_(
            "Ich bestätige, dass dieses Schreiben von mir stammt und für diese Bewerbung "
            "bestimmt ist."
        ),
        error_messages={
            "required": _("Bitte bestätigen Sie, dass das Schreiben von Ihnen stammt.")
        },
    )


class DraftForm(forms.ModelForm):
    """A step of the application. Nothing is required while drafting: the review page lists
    what is still missing. What is entered must be valid."""

    def __init__(self, *args, **kwargs):
        from kohorte.admissions.services import REQUIRED_FIELDS

        super().__init__(*args, **kwargs)
        needed = {name for names in REQUIRED_FIELDS.values() for name in names}
        for name, field in self.fields.items():
            field.required = False
            # Not required to save a draft, but to submit: so not labelled "optional".
            field.needed_for_submit = name in needed
            if isinstance(field.widget, forms.RadioSelect):
                # A radio group has no empty pseudo-choice; nothing ticked is "no answer".
                field.choices = [c for c in field.choices if c[0] not in ("", None)]
            elif isinstance(field.widget, forms.Select) and hasattr(field, "choices"):
                field.choices = [
                    ("", _("– bitte wählen –")) if c[0] in ("", None) else c for c in field.choices
                ]


class PersonForm(DraftForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The name reaches mails (the referee's mail names the applicant).
        for name in ("academic_title", "first_name", "last_name"):
            self.fields[name].validators.append(validate_single_line)

    class Meta:
        model = Application
        fields = ["academic_title", "first_name", "last_name", "phone", "accessibility_needs"]
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "accessibility_needs": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "accessibility_needs": _(
                "Freiwillig. Zum Beispiel barrierefreie Räume, Unterlagen "
                "in großer Schrift oder Gebärdensprachdolmetschung."
            ),
        }

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not all(c.isdigit() or c in "+ ()/-" for c in phone):
            raise forms.ValidationError(
                _("Bitte nur Ziffern, Leerzeichen und + ( ) / - verwenden.")
            )
        return phone


class EmployerForm(DraftForm):
    class Meta:
        model = Application
        fields = ["authority", "federal_level", "authority_kind", "unit_kind", "unit_name"]
        widgets = {
            "federal_level": forms.RadioSelect,
            "authority_kind": forms.RadioSelect,
            "unit_kind": forms.RadioSelect,
        }


class PositionForm(DraftForm):
    class Meta:
        model = Application
        fields = ["job_title", "leadership_level", "team_size", "ai_involvement"]
        widgets = {"ai_involvement": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "ai_involvement": _(
                "Woran arbeiten Sie mit KI, direkt oder indirekt? Ein paar Sätze genügen."
            ),
        }

    def clean_team_size(self):
        size = self.cleaned_data["team_size"]
        if size is not None and size > 100000:
            raise forms.ValidationError(_("Bitte prüfen Sie die Zahl."))
        return size


class DemographicsForm(DraftForm):
    consent = forms.BooleanField(
        label=_(
            "Ich willige ein, dass diese freiwillige Angabe für eine ausgewogene "
            "Zusammensetzung des Jahrgangs und für anonyme Berichte verarbeitet wird. Ich kann "
            "die Einwilligung jederzeit widerrufen, indem ich die Angabe lösche."
        ),
        required=False,
    )

    class Meta:
        model = Application
        fields = ["gender"]
        widgets = {"gender": forms.RadioSelect}

    def clean(self):
        data = super().clean()
        if data.get("gender") and not data.get("consent"):
            self.add_error("consent", _("Ohne Einwilligung speichern wir diese Angabe nicht."))
        return data


class SubmitForm(forms.Form):
    """The binding submission: the declaration must be ticked."""

    declaration = forms.BooleanField(
        label=_(
            "Ich versichere, dass meine Angaben richtig und vollständig sind. Ich willige ein, "
            "dass meine Angaben und Unterlagen für das Auswahlverfahren verarbeitet werden, wie "
            "es die Datenschutzerklärung beschreibt."
        ),
        error_messages={
            "required": _(
                "Bitte bestätigen Sie die Richtigkeit Ihrer Angaben und Ihre Einwilligung, "
                "bevor Sie einreichen."
            )
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["declaration"].help_text = format_html(
            '<a class="kern-link" href="{}">{}</a>',
            reverse("privacy"),
            _("Datenschutzerklärung lesen"),
        )


class UploadForm(forms.Form):
    """One per document kind on the page; the kind is the form's prefix (unique ids). A kind
    the cohort does not ask for (``requested``) is refused at the file field."""

    file = forms.FileField(
        label=_("PDF-Datei auswählen"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        error_messages={"required": _("Bitte wählen Sie eine PDF-Datei aus.")},
    )

    def __init__(self, *args, requested=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.requested = requested

    def clean(self):
        from kohorte.admissions.services import unrequested_kind_message

        data = super().clean()
        if self.requested is not None and self.prefix not in self.requested:
            self.add_error("file", unrequested_kind_message(self.prefix))
        return data


class RefereeForm(forms.ModelForm):
    """Whom to ask for the letter. The name and address go into a mail header (To:), so line
    breaks and other control characters are refused."""

    class Meta:
        model = RefereeRequest
        fields = ["name", "role", "authority", "email"]
        labels = {"name": _("Name der Referenzgeberin / des Referenzgebers")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.validators.append(validate_single_line)


# --- staff ---------------------------------------------------------------------------------
YES_NO = [("", _("alle")), ("yes", _("ja")), ("no", _("nein"))]


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Suche"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("alle")), *Application.Status.choices],
    )
    is_complete = forms.ChoiceField(label=_("vollständig"), required=False, choices=YES_NO)
    is_eligible = forms.ChoiceField(
        label=_("Voraussetzungen erfüllt"), required=False, choices=YES_NO
    )
    federal_level = forms.ChoiceField(
        label=_("Ebene"),
        required=False,
        choices=[("", _("alle")), *FederalLevel.choices],
    )
    authority_kind = forms.ChoiceField(
        label=_("Art der Behörde"),
        required=False,
        choices=[("", _("alle")), *AuthorityKind.choices],
    )
    leadership_level = forms.TypedChoiceField(
        label=_("Führungsebene"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("alle")), *LeadershipLevel.choices],
    )
    referee = forms.ChoiceField(
        label=_("Empfehlung"),
        required=False,
        choices=[
            ("", _("alle")),
            ("none", _("nicht angefragt")),
            *[(s, label) for s, label in RefereeRequest.Status.choices if s != "replaced"],
        ],
    )
    sort = forms.ChoiceField(
        label=_("Sortierung"),
        required=False,
        choices=[
            ("-updated", _("zuletzt geändert")),
            ("name", _("Name")),
            ("-submitted", _("zuletzt eingereicht")),
            ("submitted", _("zuerst eingereicht")),
            ("-leadership", _("Führungsebene")),
        ],
    )


class ExtensionForm(forms.Form):
    until = forms.DateTimeField(
        label=_("Frist verlängern bis (Berliner Zeit)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Interne Notiz"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
