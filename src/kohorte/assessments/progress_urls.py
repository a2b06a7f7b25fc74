from django.urls import path

from kohorte.assessments.views import progress

app_name = "assessments_progress"

urlpatterns = [
    path("mein-programm/fortschritt/", progress.progress, name="progress"),
    path("verwaltung/abschluss/<int:cohort_id>/", progress.matrix, name="matrix"),
    path(
        "verwaltung/abschluss/<int:cohort_id>/<int:participation_id>/",
        progress.person,
        name="person",
    ),
]
