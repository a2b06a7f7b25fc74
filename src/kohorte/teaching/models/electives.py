"""The elective choice: the round, capacities, ranked choices and allocated places."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kohorte.catalog.models import Cohort, ModuleRun
from kohorte.teaching.models.participation import Participation


class ElectiveRound(models.Model):
    """The elective choice of a cohort: until when participants choose, and the lottery's
    seed once the places are allocated."""

    class Status(models.TextChoices):
        OPEN = "open", _("Wahl offen")
        ALLOCATED = "allocated", _("Plätze vergeben")

    TRANSITIONS = {Status.OPEN: {Status.ALLOCATED}, Status.ALLOCATED: set()}

    cohort = models.OneToOneField(
        Cohort, verbose_name=_("Jahrgang"), on_delete=models.CASCADE, related_name="elective_round"
    )
    choices_close_at = models.DateTimeField(_("Wahl bis"))
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    seed = models.BigIntegerField(_("Startwert der Verlosung"), null=True, blank=True)
    allocated_at = models.DateTimeField(_("Plätze vergeben am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Wahlmodul-Wahl")
        verbose_name_plural = _("Wahlmodul-Wahlen")

    def __str__(self):
        return str(self.cohort)


class ElectiveCapacity(models.Model):
    """How many participants an elective module run takes."""

    run = models.OneToOneField(
        ModuleRun,
        verbose_name=_("Modultermin"),
        on_delete=models.CASCADE,
        related_name="elective_capacity",
    )
    capacity = models.PositiveSmallIntegerField(_("Plätze"))

    class Meta:
        verbose_name = _("Plätze im Wahlmodul")
        verbose_name_plural = _("Plätze in Wahlmodulen")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="electivecapacity_positive")
        ]

    def __str__(self):
        return f"{self.run}: {self.capacity}"


class ElectiveChoice(models.Model):
    """One elective a participant wants, with its rank (1 = most wanted)."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="elective_choices"
    )
    run = models.ForeignKey(ModuleRun, on_delete=models.CASCADE, related_name="elective_choices")
    rank = models.PositiveSmallIntegerField(_("Rang"))

    class Meta:
        verbose_name = _("Wahl")
        verbose_name_plural = _("Wahlen")
        ordering = ["participation", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["participation", "run"], name="choice_unique_run"),
            models.UniqueConstraint(fields=["participation", "rank"], name="choice_unique_rank"),
        ]

    def __str__(self):
        return f"{self.participation}: {self.rank}. {self.run}"


class ElectivePlace(models.Model):
    """A place in an elective: from the lottery, or given by staff with a reason."""

    class Source(models.TextChoices):
        LOTTERY = "lottery", _("Verlosung")
        STAFF = "staff", _("Programmteam")

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="elective_places"
    )
    run = models.ForeignKey(ModuleRun, on_delete=models.CASCADE, related_name="elective_places")
    source = models.CharField(_("Herkunft"), max_length=10, choices=Source.choices)
    reason = models.TextField(_("Begründung"), blank=True)
    created_at = models.DateTimeField(_("vergeben am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Platz im Wahlmodul")
        verbose_name_plural = _("Plätze in Wahlmodulen (vergeben)")
        ordering = ["participation", "run__starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["participation", "run"], name="place_unique_run"),
        ]

    def __str__(self):
        return f"{self.participation}: {self.run}"
