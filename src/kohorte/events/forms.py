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
