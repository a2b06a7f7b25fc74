from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kohorte.accounts.models import PrivacyConsent
from kohorte.core.validators import validate_single_line


def _privacy_help():
    return format_html(
        '<a class="kern-link" href="{}" target="_blank" rel="noopener">{}</a>',
        reverse_lazy("privacy"),
        _("Datenschutzerklärung lesen (öffnet in neuem Fenster)"),
    )


class SignupForm(forms.Form):
    """The fields Kohorte adds to allauth's sign-up (e-mail and password come from allauth)."""

    first_name = forms.CharField(
        label=_("Vorname"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        validators=[validate_single_line],  # the name goes into mail headers (To:)
    )
    last_name = forms.CharField(
        label=_("Nachname"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        validators=[validate_single_line],  # the name goes into mail headers (To:)
    )
    preferred_language = forms.ChoiceField(
        label=_("Sprache für Mails und Dokumente"),
        choices=[("de", _("Deutsch")), ("en", _("Englisch"))],
    )
    accept_privacy = forms.BooleanField(
        label=_(
            "Ich habe die Datenschutzerklärung gelesen und bin mit der Verarbeitung meiner "
            "Angaben für die Bewerbung einverstanden."
        ),
        help_text=lazy(_privacy_help, str)(),
        error_messages={"required": _("Bitte stimmen Sie der Datenschutzerklärung zu.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].initial = (get_language() or "de")[:2]

    def signup(self, request, user):
        """Called by allauth once the account exists: store the name, language and consent."""
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.preferred_language = self.cleaned_data["preferred_language"]
        user.save(update_fields=["first_name", "last_name", "preferred_language"])
        PrivacyConsent.objects.create(user=user, version=settings.KOHORTE_PRIVACY_VERSION)


class ResendConfirmationForm(forms.Form):
    """Ask for a new confirmation mail without being logged in."""

    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        validators=[validate_single_line],
    )
