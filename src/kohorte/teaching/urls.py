from django.urls import path

from kohorte.teaching.views import participant, public

app_name = "teaching"

urlpatterns = [
    path("mein-programm/", participant.programme, name="programme"),
    path("mein-programm/wahlmodule/", participant.electives, name="electives"),
    path("mein-programm/kalender/", participant.calendar, name="calendar"),
    path("freistellung/<str:token>/", public.release, name="release"),
    path("kalender/<str:token>.ics", public.calendar_feed, name="calendar_feed"),
]
