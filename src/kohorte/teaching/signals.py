"""Teaching follows selection: an accepted offer makes a participant."""

from django.dispatch import receiver

from kohorte.selection.signals import offer_accepted
from kohorte.teaching.models import Participation


@receiver(offer_accepted)
def create_participation(sender, application, **kwargs):
    Participation.objects.get_or_create(
        cohort=application.cohort,
        user=application.applicant,
        defaults={"application": application},
    )
