from django.urls import path

from kohorte.teaching.views import staff

app_name = "teaching_staff"

urlpatterns = [
    path("verwaltung/lehrbetrieb/", staff.cohort_list, name="cohorts"),
    path("verwaltung/lehrbetrieb/<int:cohort_id>/", staff.participants, name="participants"),
    path("verwaltung/lehrbetrieb/<int:cohort_id>/wahlmodule/", staff.electives, name="electives"),
    path(
        "verwaltung/lehrbetrieb/<int:cohort_id>/materialien/<int:run_id>/",
        staff.materials,
        name="materials",
    ),
]
