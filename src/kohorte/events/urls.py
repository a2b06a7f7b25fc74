from django.urls import path

from kohorte.events.views import public, staff

app_name = "events"

urlpatterns = [
    path("veranstaltungen/<uuid:uid>/", public.detail, name="detail"),
    path("veranstaltungen/<uuid:uid>/anmelden/", public.register, name="register"),
    path("veranstaltungen/<uuid:uid>/abmelden/", public.cancel, name="cancel"),
    path("veranstaltungen/bestaetigen/<str:token>/", public.confirm, name="confirm"),
    path("veranstaltungen/abmeldung/<str:token>/", public.cancel_link, name="cancel_link"),
    path("<slug:program>/vortragsarchiv/", public.archive, name="archive"),
    path("verwaltung/veranstaltungen/", staff.event_list, name="staff_events"),
    path("verwaltung/veranstaltungen/<int:event_id>/", staff.event_detail, name="staff_event"),
    path(
        "verwaltung/veranstaltungen/<int:event_id>/anmeldungen.<str:fmt>",
        staff.export,
        name="staff_export",
    ),
]
