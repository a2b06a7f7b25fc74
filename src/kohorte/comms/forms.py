from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohorte.comms.events import Category
from kohorte.comms.models import MessageTemplate, OutboxMessage


class TemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["subject", "body_text", "body_html"]
        widgets = {
            "body_text": forms.Textarea(attrs={"rows": 12}),
            "body_html": forms.Textarea(attrs={"rows": 8}),
        }


class OutboxFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("alle")), *list(OutboxMessage.State.choices)],
    )
    q = forms.CharField(label=_("Empfänger:in oder Betreff"), required=False, max_length=200)


class BatchForm(forms.Form):
    ACTIONS = [
        ("hold", _("Zur Prüfung zurückhalten (Freigabe später)")),
        ("schedule", _("Für einen Zeitpunkt planen")),
        ("send", _("Sofort senden")),
    ]
    segment = forms.ChoiceField(label=_("Empfängerkreis"))
    category = forms.ChoiceField(
        label=_("Art der Nachricht"),
        choices=Category.CHOICES,
        initial=Category.NEWS,
        help_text=_("Programmnachrichten und Speaker Series enthalten einen Abmeldelink."),
    )
    subject = forms.CharField(label=_("Betreff"), max_length=300)
    body_text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Platzhalter: {{ recipient_name }}, {{ recipient_email }}"),
    )
    action = forms.ChoiceField(
        label=_("Versand"), choices=ACTIONS, initial="hold", widget=forms.RadioSelect
    )
    scheduled_for = forms.DateTimeField(
        label=_("Zeitpunkt (Berliner Zeit)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M"],
    )

    def __init__(self, *args, segments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = [
            (k, s.label if s.count is None else f"{s.label} ({s.count()})")
            for k, s in segments.items()
        ]

    def clean(self):
        data = super().clean()
        if data.get("action") == "schedule":
            when = data.get("scheduled_for")
            if not when:
                self.add_error("scheduled_for", _("Bitte einen Zeitpunkt angeben."))
            elif when <= timezone.now():
                self.add_error("scheduled_for", _("Bitte einen Zeitpunkt in der Zukunft wählen."))
        return data
