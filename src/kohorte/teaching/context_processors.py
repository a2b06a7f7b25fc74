from django.utils.functional import SimpleLazyObject


def participant(request):
    """Whether the person takes part in a cohort, for the "Mein Programm" link in the header:
    one query, and only if a page asks."""
    return {"my_participation": SimpleLazyObject(lambda: _mine(request.user))}


def _mine(user):
    if not user.is_authenticated:
        return None
    from kohorte.teaching.models import Participation

    return Participation.objects.for_user(user).order_by("-cohort__starts_on", "-pk").first()


def lecturer(request):
    """Whether the person has a lecturer profile, for the "Meine Lehre" link in the header:
    one query, and only if a page asks."""
    return {"my_lecturing": SimpleLazyObject(lambda: _teaches(request.user))}


def _teaches(user) -> bool:
    if not user.is_authenticated:
        return False
    from kohorte.catalog.models import Person

    return Person.objects.filter(user=user).exists()
