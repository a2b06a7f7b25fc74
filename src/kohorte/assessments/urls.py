from django.urls import path

from kohorte.assessments.views import marking, participant

app_name = "assessments"

urlpatterns = [
    path("mein-programm/pruefungen/", participant.assessment_list, name="list"),
    path("mein-programm/pruefungen/<int:pk>/", participant.assessment_detail, name="detail"),
    path(
        "mein-programm/pruefungen/<int:pk>/fassungen/<int:number>.pdf",
        participant.version_file,
        name="version_file",
    ),
    path(
        "mein-programm/pruefungen/<int:pk>/rueckmeldung.pdf",
        participant.feedback_file,
        name="feedback_file",
    ),
    path("bewertung/", marking.marking_list, name="marking_list"),
    path("bewertung/<int:pk>/", marking.assessment_marking, name="marking"),
    path(
        "bewertung/<int:pk>/abgaben/<int:candidate>/",
        marking.submission_marking,
        name="submission",
    ),
    path(
        "bewertung/<int:pk>/abgaben/<int:candidate>/fassungen/<int:number>.pdf",
        marking.submission_file,
        name="submission_file",
    ),
]
