from django.urls import path

from kohorte.assessments.views import staff

app_name = "assessments_staff"

urlpatterns = [
    path("verwaltung/pruefungen/", staff.cohort_list, name="cohorts"),
    path("verwaltung/pruefungen/<int:cohort_id>/", staff.cohort, name="cohort"),
    path(
        "verwaltung/pruefungen/<int:cohort_id>/modul/<int:run_id>/neu/",
        staff.create,
        name="create",
    ),
    path("verwaltung/pruefungen/<int:cohort_id>/<int:pk>/", staff.detail, name="detail"),
    path("verwaltung/pruefungen/<int:cohort_id>/<int:pk>/bearbeiten/", staff.edit, name="edit"),
]
