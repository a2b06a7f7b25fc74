"""Teaching follows selection: an accepted offer makes a participant."""

from django.dispatch import receiver

from kohorte.selection.signals import offer_accepted
from kohorte.teaching.services import enrol_participant


@receiver(offer_accepted)
def create_participation(sender, application, **kwargs):
    enrol_participant(
        application.cohort,
        application.applicant,
        application=application,
        actor=application.applicant,
    )
