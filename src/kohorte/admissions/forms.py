from django import forms
from django.utils.translation import gettext_lazy as _


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
