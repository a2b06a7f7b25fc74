from django.urls import path

from kohorte.teaching.views import attendance, lecturer, materials, participant, public

app_name = "teaching"

urlpatterns = [
    path("mein-programm/", participant.programme, name="programme"),
    path("mein-programm/wahlmodule/", participant.electives, name="electives"),
    path("mein-programm/kalender/", participant.calendar, name="calendar"),
    path("mein-programm/anwesenheit/", attendance.self_checkin, name="self_checkin"),
    path("anwesenheit/", attendance.checkin_index, name="checkin_index"),
    path(
        "anwesenheit/<int:run_id>/<int:session_id>/",
        attendance.checkin_list,
        name="checkin_list",
    ),
    path(
        "anwesenheit/<int:run_id>/<int:session_id>/code/",
        attendance.checkin_code,
        name="checkin_code",
    ),
    path("freistellung/<str:token>/", public.release, name="release"),
    path("kalender/<str:token>.ics", public.calendar_feed, name="calendar_feed"),
    path("materialien/<int:pk>/", materials.download, name="material"),
    path("lehre/", lecturer.runs, name="lecturer_runs"),
    path("lehre/kalender/", lecturer.calendar, name="lecturer_calendar"),
    path("lehre/<int:run_id>/", lecturer.run, name="lecturer_run"),
]
