"""One event as an .ics file (the reminder's attachment). The UID is the event's own, the same
as in the public and the personal feeds, so calendar programs update instead of duplicating."""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

from kohorte.catalog.models import Event


def event_ics(event: Event, *, url: str, online_url: str = "") -> str:
    cal = Calendar()
    cal.add("prodid", "-//Kohorte//Kohorte//DE")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    tz = timezone.get_default_timezone()
    item = VEvent()
    item.add("uid", f"event-{event.uid}@kohorte")
    item.add("summary", event.title)
    item.add("dtstart", timezone.localtime(event.starts_at, tz))
    item.add("dtend", timezone.localtime(event.ends_at, tz))
    item.add("dtstamp", timezone.now())
    item.add("location", online_url or (event.location.address if event.location else "online"))
    item.add("description", "\n\n".join(p for p in [event.description, online_url, url] if p))
    item.add("url", url)
    cal.add_component(item)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add_missing_timezones()
    return cal.to_ical().decode()
