from django.urls import path

from kohorte.assessments.views import transcripts

app_name = "transcripts"

urlpatterns = [
    path("verwaltung/zeugnisse/<int:cohort_id>/", transcripts.staff_list, name="staff_list"),
    path(
        "verwaltung/zeugnisse/<int:cohort_id>/ausstellen/<int:participation_id>/",
        transcripts.staff_issue,
        name="issue",
    ),
    path(
        "verwaltung/zeugnisse/<int:cohort_id>/dateien/<int:pk>.pdf",
        transcripts.staff_file,
        name="staff_file",
    ),
    path(
        "verwaltung/zeugnisse/<int:cohort_id>/anrechnung.xlsx",
        transcripts.export_xlsx,
        name="export_xlsx",
    ),
    path(
        "verwaltung/zeugnisse/<int:cohort_id>/anrechnung.csv",
        transcripts.export_csv,
        name="export_csv",
    ),
    path("mein-programm/leistungsuebersicht/", transcripts.my_transcripts, name="mine"),
    path(
        "mein-programm/leistungsuebersicht/<int:pk>.pdf",
        transcripts.my_transcript_file,
        name="my_file",
    ),
]
