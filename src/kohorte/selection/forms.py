from functools import lru_cache

from django import forms
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kohorte.admissions.models import FederalLevel, Gender
from kohorte.selection.models import Decision, Lock, Review

LEVELS = [(k, v) for k, v in FederalLevel.choices if k != "other"]
GENDERS = [(k, v) for k, v in Gender.choices if k != "not_say"]
BOUNDS = [("level", LEVELS), ("gender", GENDERS)]


class ReviewForm(forms.Form):
    """One field per criterion (1–5, the anchors as the choices' labels), plus a comment each."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"score_{c.pk}"] = forms.TypedChoiceField(
                label=c.label,
                help_text=c.description,
                choices=[(p, f"{p} – {text}") for p, text in c.anchors()],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                label=_("Begründung zu „%(criterion)s“ (optional)") % {"criterion": c.label},
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["comment"] = forms.CharField(
            label=_("Gesamteindruck (optional)"),
            required=False,
            max_length=8000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        self.fields["confidence"] = forms.TypedChoiceField(
            label=_("Wie sicher sind Sie sich in Ihrem Urteil?"),
            choices=Review.Confidence.choices,
            coerce=int,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
        )

    def pairs(self):
        return [(self[f"score_{c.pk}"], self[f"comment_{c.pk}"], c) for c in self.criteria]


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Warum sind Sie befangen?"),
        max_length=300,
        help_text=_("Zum Beispiel: Ich kenne die Person aus der eigenen Behörde."),
    )


class DeclareForm(forms.Form):
    authorities = forms.CharField(
        label=_("Behörden, bei denen Sie befangen sind"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Eine je Zeile, zum Beispiel eine frühere Dienststelle. Bewerbungen aus diesen "
            "Behörden werden Ihnen nicht zugeteilt."
        ),
    )


class AssignForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Was soll geschehen?"),
        choices=[
            ("fill", _("Lücken füllen und ausgleichen; bestehende Zuteilungen bleiben")),
            ("reset", _("Alle Zuteilungen ohne Gutachten neu berechnen")),
        ],
        widget=forms.RadioSelect,
        initial="fill",
    )
    seed = forms.IntegerField(
        label=_("Startwert für das Los (optional)"),
        required=False,
        min_value=0,
        max_value=999999,
        help_text=_("Leer: ein neuer Zufallswert. Er wird festgehalten."),
    )


class MoveForm(forms.Form):
    reviewer = forms.ChoiceField(label=_("neue Gutachterin / neuer Gutachter"))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = [(m.user_id, str(m.user)) for m in members]


class RankingFilter(forms.Form):
    """The ranking's filters; ``gender=False`` drops the gender filter (no gender bound set)."""

    q = forms.CharField(label=_("Suche"), required=False, max_length=200)
    level = forms.ChoiceField(
        label=_("Ebene"), required=False, choices=[("", _("alle")), *FederalLevel.choices]
    )
    gender = forms.ChoiceField(
        label=_("Geschlecht"), required=False, choices=[("", _("alle")), *Gender.choices]
    )
    eligible = forms.ChoiceField(
        label=_("Voraussetzungen"),
        required=False,
        choices=[("", _("alle")), ("yes", _("erfüllt")), ("no", _("nicht erfüllt"))],
    )
    flagged = forms.ChoiceField(
        label=_("zur Diskussion"),
        required=False,
        choices=[("", _("alle")), ("yes", _("nur starke Uneinigkeit"))],
    )
    decision = forms.ChoiceField(
        label=_("Entscheidung"),
        required=False,
        choices=[("", _("alle")), ("none", _("noch offen")), *Decision.Outcome.choices],
    )
    per_page = forms.TypedChoiceField(
        label=_("Zeilen je Seite"),
        required=False,
        coerce=int,
        empty_value=50,
        choices=[(50, "50"), (100, "100"), (250, "250")],
    )
    sort = forms.ChoiceField(
        label=_("Sortierung"),
        required=False,
        choices=[
            ("-calibrated", _("kalibrierte Note")),
            ("-raw", _("Note (roh)")),
            ("-spread", _("Uneinigkeit")),
            ("name", _("Name")),
            ("level", _("Ebene")),
        ],
    )

    def __init__(self, *args, gender: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not gender:
            del self.fields["gender"]


@lru_cache(maxsize=256)
def _ranking_filter_html(language: str, bound: bool, data: tuple, gender: bool) -> str:
    query = QueryDict(mutable=True)
    for key, values in data:
        query.setlist(key, list(values))
    return str(RankingFilter(query if bound else None, gender=gender))


def ranking_filter_html(query: QueryDict, *, gender: bool) -> str:
    """The ranking's filter form as the view renders it (``RankingFilter(request.GET or None)``),
    rendered once per process for each language, set of filters and gender flag, since it is a
    pure function of them: Django's form templates took about a tenth of a warm ranking request.
    """
    fields = set(RankingFilter.base_fields)
    data = tuple(sorted((k, tuple(query.getlist(k))) for k in query if k in fields))
    return _ranking_filter_html(get_language(), bool(query), data, gender)


class ConstraintsForm(forms.Form):
    """The optimiser's rules. Empty fields mean: no bound."""

    seats = forms.IntegerField(label=_("Plätze"), min_value=1, max_value=1000)
    max_per_authority = forms.IntegerField(
        label=_("höchstens je Behörde"), required=False, min_value=1, max_value=100
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for prefix, keys in BOUNDS:
            for key, label in keys:
                for bound, text in (
                    ("min", _("mindestens: %(what)s")),
                    ("max", _("höchstens: %(what)s")),
                ):
                    self.fields[f"{prefix}_{bound}_{key}"] = forms.IntegerField(
                        label=text % {"what": label}, required=False, min_value=0, max_value=1000
                    )
        self.fields["seed"] = forms.IntegerField(
            label=_("Startwert für das Los (optional)"),
            required=False,
            min_value=0,
            max_value=999999,
            help_text=_("Entscheidet nur bei gleicher Note. Leer: ein neuer Zufallswert."),
        )

    def clean(self):
        data = super().clean()
        for prefix, keys in BOUNDS:
            for key, _label in keys:
                low, high = data.get(f"{prefix}_min_{key}"), data.get(f"{prefix}_max_{key}")
                if low is not None and high is not None and low > high:
                    self.add_error(
                        f"{prefix}_max_{key}",
                        _("Die Höchstzahl darf nicht unter der Mindestzahl liegen."),
                    )
        return data

    @staticmethod
    def initial_from(settings_, cohort) -> dict:
        initial = {
            "seats": settings_.seats or cohort.seats,
            "max_per_authority": settings_.max_per_authority,
        }
        for prefix in ("level", "gender"):
            for bound in ("min", "max"):
                for key, value in getattr(settings_, f"{prefix}_{bound}").items():
                    initial[f"{prefix}_{bound}_{key}"] = value
        return initial

    def constraints(self) -> dict:
        """The validated rules as ``services.set_constraints`` takes them (the form saves
        nothing)."""
        data = self.cleaned_data
        values = {"seats": data["seats"], "max_per_authority": data.get("max_per_authority")}
        for prefix, keys in BOUNDS:
            for bound in ("min", "max"):
                values[f"{prefix}_{bound}"] = {
                    key: data[f"{prefix}_{bound}_{key}"]
                    for key, _label in keys
                    if data.get(f"{prefix}_{bound}_{key}") is not None
                }
        return values


class LockForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Festlegung für den Vorschlag"),
        required=False,
        choices=[("", _("keine")), *Lock.Kind.choices],
    )
    reason = forms.CharField(label=_("Begründung"), required=False, max_length=500)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Entscheidung"), choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Begründung"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Pflicht, wenn Sie vom Vorschlag abweichen."),
    )


class WithdrawOfferForm(forms.Form):
    withdraw_reason = forms.CharField(
        label=_("Begründung der Rücknahme"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wird festgehalten; die Person erhält sie nicht."),
    )


class OfferAnswerForm(forms.Form):
    """The applicant's answer on the offer page (the link in the mail)."""

    answer = forms.ChoiceField(choices=[("accept", _("annehmen")), ("decline", _("ablehnen"))])

    def accepts(self) -> bool:
        return self.cleaned_data["answer"] == "accept"


class OfferConfirmForm(forms.Form):
    """Staff confirm the offer to the next candidate (the second step): the application the
    confirmation showed, and whether the mail goes out now instead of on the decision date."""

    application = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    send_now = forms.BooleanField(
        label=_("Nicht bis zum Entscheidungstag warten: die Mail sofort senden"),
        required=False,
    )
    send_now_reason = forms.CharField(
        label=_("Begründung für den sofortigen Versand"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Pflicht, wenn die Mail vor dem Entscheidungstag hinausgehen soll."),
    )
