"""The Django admin, which the programme team still uses for the programme, cohorts, the rubric
and the committee, reads German throughout (issue 12, item 7): the index, every change list,
every add form and a change form per model, with data present."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

# English words that give away an untranslated admin page (whole words, case-sensitive)
ENGLISH = re.compile(
    r"(?<![\w-])(Select|Submit|Cancel|Save|Delete|Search|Add|Change|History|Action|"
    r"View|Home|Yes|No|None|True|False|Unknown|Today|Now|the|and|of|to|by|Log out|"
    r"Documentation|password|Password|selected|results|Clear)(?![\w-])"
)
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# Programme data, not admin texts: proper names that contain English words (as in test_crawl.py)
PROPER_NAMES = re.compile(r"AI and Data Science - International Experiences")


class Visible(HTMLParser):
    HIDDEN = {"script", "style", "template", "textarea", "option"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.HIDDEN:
            self.hidden += 1
        for name in ("title", "aria-label", "placeholder"):
            if attrs.get(name):
                self.parts.append("\n" + attrs[name] + "\n")
        if tag == "input" and attrs.get("type") == "submit" and attrs.get("value"):
            self.parts.append("\n" + attrs["value"] + "\n")
        self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1
        self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def _text(html: str) -> list[str]:
    parser = Visible()
    parser.feed(html)
    return [line.strip() for line in "".join(parser.parts).splitlines() if line.strip()]


def test_admin_reads_german_throughout(client, committee, django_user_model):
    from kohorte.selection import services
    from tests.factories import review_all

    services.assign_reviewers(committee["cohort"], actor=committee["chair"], seed=1)
    review_all(committee["cohort"])
    user = django_user_model.objects.create_superuser("admin@example.org", "pw")
    client.force_login(user)
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(type("R", (), {"user": user})()):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    found = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        for line in _text(response.content.decode()):
            for m in ENGLISH.finditer(PROPER_NAMES.sub("", line)):
                found.append(f"{url}: {m.group(0)!r} in {line[:120]!r}")
            if ISO_DATE.search(line):
                found.append(f"{url}: ISO date in {line[:120]!r}")
    assert not found, "\n".join(dict.fromkeys(found))
