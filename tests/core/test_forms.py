"""Every form renders with KERN markup and links its errors and hints to the input."""

import re

from django import forms


class _Form(forms.Form):
    name = forms.CharField(label="Name", help_text="Wie im Ausweis")
    news = forms.BooleanField(label="Newsletter", required=False)
    phone = forms.CharField(label="Telefon", required=False)
    level = forms.ChoiceField(label="Ebene", choices=[("bund", "Bund"), ("land", "Land")])
    upload = forms.FileField(widget=forms.ClearableFileInput(attrs={"class": "keep-me"}))


def test_form_field_error_and_hint_are_linked_to_the_input():
    html = str(_Form(data={}))
    name_input = re.search(r"<input[^>]*name=\"name\"[^>]*>", html).group(0)
    assert 'class="kern-form-input__input"' in name_input
    assert 'aria-invalid="true"' in name_input
    assert 'aria-describedby="id_name_helptext id_name_error"' in name_input
    assert '<div class="kern-hint" id="id_name_helptext">Wie im Ausweis</div>' in html
    assert 'id="id_name_error"' in html and "Dieses Feld ist zwingend erforderlich." in html
    assert 'class="kern-form-input kern-form-input--error"' in html


def test_form_widgets_get_kern_classes_and_keep_their_own():
    html = str(_Form())
    assert 'class="kern-form-check__checkbox"' in html
    assert 'class="kern-form-input__select"' in html
    assert 'class="keep-me"' in html  # widgets we do not restyle keep their classes
    # An optional field says so in its label; a checkbox needs no such note.
    assert re.search(r'for="id_phone">Telefon <span class="kern-label__optional">– optional', html)
    assert 'for="id_news">Newsletter</label>' in html


def test_csrf_failure_is_explained_in_the_site_layout(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/konto/login/", {"login": "a@example.org", "password": "x"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Bitte noch einmal senden" in body and "Zum Inhalt springen" in body
