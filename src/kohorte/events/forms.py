from django import forms
from django.utils.translation import gettext_lazy as _

from kohorte.events.models import EventSettings


class PublicRegistrationForm(forms.Form):
    name = forms.CharField(label=_("Vor- und Nachname"), max_length=200)
    email = forms.EmailField(label=_("E-Mail-Adresse"))


class EventSettingsForm(forms.ModelForm):
    class Meta:
        model = EventSettings
        fields = [
            "registration_open",
            "capacity",
            "open_to_participants",
            "open_to_alumni",
            "open_to_public",
            "online_url",
            "slides_url",
            "recording_url",
        ]
        # The model's short names ("Alumni", "Folien") say too little on the form itself.
        labels = {
            "open_to_participants": _("Teilnehmer:innen können sich anmelden"),
            "open_to_alumni": _("Alumni können sich anmelden"),
            "open_to_public": _("Die Öffentlichkeit kann sich anmelden"),
            "slides_url": _("Link zu den Folien"),
            "recording_url": _("Link zur Aufzeichnung"),
        }
        help_texts = {
            "open_to_public": _("Externe bestätigen ihre E-Mail-Adresse, bevor ihr Platz gilt."),
            "slides_url": _("Erscheint nach der Veranstaltung auf ihrer Seite und im Archiv."),
            "recording_url": _("Erscheint nach der Veranstaltung auf ihrer Seite und im Archiv."),
        }
