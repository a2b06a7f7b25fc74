from django.urls import path

from kohorte.admissions.views import staff

app_name = "admissions_staff"

urlpatterns = [
    path("verwaltung/bewerbungen/", staff.cohort_list, name="cohorts"),
    path("verwaltung/bewerbungen/<int:cohort_id>/", staff.application_list, name="list"),
    path(
        "verwaltung/bewerbungen/<int:cohort_id>/export.<str:fmt>",
        staff.application_export,
        name="export",
    ),
    path(
        "verwaltung/bewerbungen/<int:cohort_id>/<uuid:uuid>/",
        staff.application_detail,
        name="detail",
    ),
    path(
        "verwaltung/bewerbungen/<int:cohort_id>/<uuid:uuid>/notiz/",
        staff.application_action,
        {"action": "note"},
        name="note",
    ),
    path(
        "verwaltung/bewerbungen/<int:cohort_id>/<uuid:uuid>/verlaengern/",
        staff.application_action,
        {"action": "extension"},
        name="extension",
    ),
    path(
        "verwaltung/bewerbungen/<int:cohort_id>/<uuid:uuid>/dokumente/<int:pk>/",
        staff.document_view,
        name="document",
    ),
]
