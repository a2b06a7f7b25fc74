from django.urls import path

from kohorte.comms import views

app_name = "comms"

urlpatterns = [
    path("verwaltung/postausgang/", views.outbox_list, name="outbox"),
    path("verwaltung/postausgang/<uuid:uuid>/", views.outbox_detail, name="outbox_detail"),
    path(
        "verwaltung/postausgang/<uuid:uuid>/erneut-senden/",
        views.outbox_resend,
        name="outbox_resend",
    ),
    path("verwaltung/personen/<int:user_id>/mails/", views.person_log, name="person_log"),
    path("verwaltung/vorlagen/", views.template_list, name="templates"),
    path(
        "verwaltung/vorlagen/<str:event_key>/<str:language>/",
        views.template_edit,
        name="template_edit",
    ),
    path("verwaltung/sendungen/", views.batch_list, name="batches"),
    path("verwaltung/sendungen/neu/", views.batch_create, name="batch_create"),
    path("verwaltung/sendungen/<int:pk>/", views.batch_detail, name="batch_detail"),
    path(
        "verwaltung/sendungen/<int:pk>/freigeben/",
        views.batch_action,
        {"action": "release"},
        name="batch_release",
    ),
    path(
        "verwaltung/sendungen/<int:pk>/stornieren/",
        views.batch_action,
        {"action": "cancel"},
        name="batch_cancel",
    ),
    path("abmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
