"""The places where teaching happens and the people who teach or speak."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kohorte.catalog.models.common import AssumptionsMixin


class Location(AssumptionsMixin, models.Model):
    slug = models.SlugField(_("Kurzname (URL)"), unique=True)
    name = models.CharField(_("Name"), max_length=200)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postcode = models.CharField(_("Postleitzahl"), max_length=10, blank=True)
    city = models.CharField(_("Ort"), max_length=100)
    access_notes = models.TextField(_("Hinweise zur Barrierefreiheit"), blank=True)
    travel_notes = models.TextField(_("Anreise"), blank=True)

    class Meta:
        verbose_name = _("Veranstaltungsort")
        verbose_name_plural = _("Veranstaltungsorte")
        ordering = ["city", "name"]

    def __str__(self):
        return f"{self.name}, {self.city}"

    @property
    def address(self) -> str:
        parts = [self.name, self.street, " ".join(p for p in (self.postcode, self.city) if p)]
        return ", ".join(p for p in parts if p)


class Person(AssumptionsMixin, models.Model):
    """A lecturer or speaker, shown on the public pages."""

    slug = models.SlugField(_("Kurzname (URL)"), unique=True)
    academic_title = models.CharField(_("Titel"), max_length=50, blank=True)
    first_name = models.CharField(_("Vorname"), max_length=100)
    last_name = models.CharField(_("Nachname"), max_length=100)
    affiliation = models.CharField(_("Institution"), max_length=200, blank=True)
    bio = models.TextField(_("Kurzbiografie"), blank=True)
    website = models.URLField(_("Website"), blank=True)
    # The person's account, if they teach in Kohorte: a lecturer sees the runs they teach.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Konto"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.academic_title, self.first_name, self.last_name) if p)
