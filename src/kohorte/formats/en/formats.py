"""English date formats: one style everywhere ("5 January 2027, 11:59 PM")."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, g:i A"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, g:i A"
TIME_FORMAT = "g:i A"
