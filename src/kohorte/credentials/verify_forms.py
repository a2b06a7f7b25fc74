"""The forms of the verification page (anyone) and of the staff certificate page."""

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # a certificate PDF is far smaller; the credential tiny


class VerifyUploadForm(forms.Form):
    document = forms.FileField(
        label=_("Zertifikat (PDF) oder digitaler Nachweis (.jwt, .json)"),
        help_text=_("Höchstens 10 MB. Die Datei wird nur geprüft und nicht gespeichert."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jwt,.json,application/pdf,application/json"}
        ),
    )

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Die Datei ist zu groß (höchstens 10 MB)."), code="too_large"
            )
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        if not data.strip():
            raise forms.ValidationError(_("Die Datei ist leer."), code="empty")
        name = (upload.name or "").lower()
        if data.startswith(b"%PDF-"):
            kind = "pdf"
        elif name.endswith((".jwt", ".json", ".txt")) or data.lstrip()[:1] in (b"{", b'"', b"e"):
            kind = "jwt"
        else:
            raise forms.ValidationError(
                _("Bitte laden Sie eine PDF-Datei oder einen Nachweis als .jwt oder .json hoch."),
                code="kind",
            )
        return kind, data


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Grund des Widerrufs"),
        help_text=_("Die Inhaber:in erhält den Grund per Mail; öffentlich steht nur „widerrufen“."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
