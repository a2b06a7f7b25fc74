"""English date formats: one style everywhere ("5 January 2027, 11:59 pm").

Django writes "p.m." for ``a``; the English catalogue translates it to "pm" (the msgids are
marked here so that makemessages keeps them)."""

from django.utils.translation import gettext_noop

DATE_FORMAT = "j F Y"
TIME_FORMAT = "g:i a"
DATETIME_FORMAT = "j F Y, g:i a"
MERIDIEM = (gettext_noop("a.m."), gettext_noop("p.m."))
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, g:i a"
