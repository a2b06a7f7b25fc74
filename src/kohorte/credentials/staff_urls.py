from django.urls import path

from kohorte.credentials import staff_views

app_name = "credentials_staff"

urlpatterns = [
    path("verwaltung/zertifikate/<int:cohort_id>/", staff_views.cohort, name="cohort"),
    path(
        "verwaltung/zertifikate/<int:cohort_id>/fortschritt/",
        staff_views.progress,
        name="progress",
    ),
    path(
        "verwaltung/zertifikate/<int:cohort_id>/zip/<int:batch_id>/",
        staff_views.batch_zip,
        name="zip",
    ),
]
