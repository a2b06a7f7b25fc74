from django.utils.functional import SimpleLazyObject


def portal(request):
    """The person's own application, for the "Meine Bewerbung" link in the header: one query,
    and only if a page asks (the header asks on every page for a logged-in person)."""
    return {"my_application": SimpleLazyObject(lambda: _mine(request.user))}


def _mine(user):
    from kohorte.admissions.queries import own_application

    return own_application(user) if user.is_authenticated else None
