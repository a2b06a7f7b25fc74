"""Input validation of teaching; forms never save."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kohorte.core.validators import validate_single_line

YES_NO = [("yes", _("Ja, ich reise am Vorabend an")), ("no", _("Nein"))]


class ReleaseForm(forms.Form):
    name = forms.CharField(
        label=_("Name der vorgesetzten Person"), max_length=200, validators=[validate_single_line]
    )
    role = forms.CharField(
        label=_("Funktion"),
        max_length=200,
        validators=[validate_single_line],
        help_text=_("zum Beispiel Abteilungsleitung"),
    )
    email = forms.EmailField(
        label=_("Dienstliche E-Mail-Adresse"), max_length=254, validators=[validate_single_line]
    )


class DeclineForm(forms.Form):
    """The supervisor declines the release; the reason is optional (the participant reads it)."""

    reason = forms.CharField(
        label=_("Begründung (freiwillig)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Die Teilnehmerin oder der Teilnehmer erhält diese Begründung per Mail."),
    )


class DetailsForm(forms.Form):
    dietary_needs = forms.CharField(
        label=_("Ernährung (zum Beispiel vegetarisch, Allergien)"),
        max_length=500,
        required=False,
    )
    accessibility_needs = forms.CharField(
        label=_("Bedarf an Barrierefreiheit"), max_length=500, required=False
    )
    arrives = forms.ChoiceField(
        label=_("Reisen Sie am Vorabend der Modultage an?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Bitte wählen Sie eine Antwort.")},
    )

    def clean_arrives(self) -> bool:
        return self.cleaned_data["arrives"] == "yes"


def _run_facts(run) -> str:
    """ "26.–28. Juli 2027, online – 12 Plätze": when, where, how many places."""
    from kohorte.catalog.templatetags.catalog import date_range

    place = _("online") if run.is_online else f"{run.location.name}, {run.location.city}"
    facts = f"{date_range(run.starts_on, run.ends_on)}, {place}"
    capacity = getattr(run, "elective_capacity", None)
    if capacity is not None:
        facts += " – " + ngettext("%(count)d Platz", "%(count)d Plätze", capacity.capacity) % {
            "count": capacity.capacity
        }
    return facts


class ElectiveChoiceForm(forms.Form):
    """One rank field per elective run; the result is the run ids, most wanted first."""

    def __init__(self, *args, runs, **kwargs):
        super().__init__(*args, **kwargs)
        self.runs = list(runs)
        ranks = [("", _("nicht gewählt"))] + [
            (str(n), _("%(n)d. Wahl") % {"n": n}) for n in range(1, len(self.runs) + 1)
        ]
        for run in self.runs:
            self.fields[f"run_{run.pk}"] = forms.ChoiceField(
                label=f"{run.module.number}. {run.module.title}",
                choices=ranks,
                required=False,
                help_text=_run_facts(run),
            )

    def clean(self):
        data = super().clean()
        ranked = [
            (int(data[f"run_{run.pk}"]), run.pk) for run in self.runs if data.get(f"run_{run.pk}")
        ]
        ranks = sorted(rank for rank, _pk in ranked)
        if ranks != list(range(1, len(ranks) + 1)):
            raise forms.ValidationError(
                _("Bitte vergeben Sie jeden Rang nur einmal und ohne Lücke (1. Wahl, 2. Wahl …).")
            )
        data["run_ids"] = [pk for _rank, pk in sorted(ranked)]
        return data


class RoundForm(forms.Form):
    choices_close_at = forms.DateTimeField(
        label=_("Wahl bis (Berliner Zeit)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )

    def __init__(self, *args, runs, **kwargs):
        super().__init__(*args, **kwargs)
        self.runs = list(runs)
        for run in self.runs:
            self.fields[f"capacity_{run.pk}"] = forms.IntegerField(
                label=_("Plätze in „%(title)s“") % {"title": run.module.title},
                min_value=1,
                max_value=999,
            )

    def capacities(self) -> dict[int, int]:
        return {run.pk: self.cleaned_data[f"capacity_{run.pk}"] for run in self.runs}


class OverrideForm(forms.Form):
    participation = forms.TypedChoiceField(label=_("Teilnehmer:in"), coerce=int)
    run = forms.TypedChoiceField(label=_("Wahlmodul"), coerce=int)
    action = forms.ChoiceField(
        label=_("Änderung"),
        choices=[("grant", _("Platz geben")), ("remove", _("Platz wegnehmen"))],
    )
    reason = forms.CharField(
        label=_("Begründung"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, participations, runs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participation"].choices = [(p.pk, p.name) for p in participations]
        self.fields["run"].choices = [(r.pk, str(r.module)) for r in runs]


class CheckinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code aus dem Raum"),
        max_length=20,
        help_text=_("Sieben Zeichen, wie im Raum gezeigt; Groß- und Kleinschreibung egal."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={"required": _("Bitte geben Sie den Code aus dem Raum ein.")},
    )


class MaterialForm(forms.Form):
    """A material of a module run: a PDF or a link (exactly one), a title, an optional
    description and the moment from which participants see it."""

    title = forms.CharField(label=_("Titel"), max_length=200, validators=[validate_single_line])
    description = forms.CharField(
        label=_("Beschreibung"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    file = forms.FileField(
        label=_("Datei (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        help_text=_(
            "Nur PDF, höchstens %(mb)s MB. Folien speichern Sie bitte als PDF (zum Beispiel "
            "über „Exportieren als PDF“): andere Formate können wir nicht sicher prüfen."
        ),
    )
    url = forms.URLField(
        label=_("oder Link"),
        max_length=1000,
        required=False,
        assume_scheme="https",
        help_text=_("zum Beispiel ein Artikel oder ein Video im Netz"),
    )
    released_at = forms.DateTimeField(
        label=_("Sichtbar für Teilnehmer:innen ab (Berliner Zeit)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
        help_text=_("Leer: sofort sichtbar."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        mb = f"{settings.KOHORTE_MAX_UPLOAD_BYTES / 1_048_576:g}".replace(".", ",")
        self.fields["file"].help_text = self.fields["file"].help_text % {"mb": mb}

    def clean(self):
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("url")) and not self.errors:
            raise forms.ValidationError(
                _("Bitte laden Sie entweder eine PDF-Datei hoch oder geben Sie einen Link an.")
            )
        return data


class ReplaceFileForm(forms.Form):
    file = forms.FileField(
        label=_("Neue Datei (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        error_messages={"required": _("Bitte wählen Sie eine PDF-Datei aus.")},
    )
