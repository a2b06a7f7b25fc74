"""German date formats: one style everywhere ("5. Januar 2027, 23:59 Uhr")."""

DATE_FORMAT = "j. F Y"
TIME_FORMAT = r"H:i \U\h\r"
DATETIME_FORMAT = r"j. F Y, H:i \U\h\r"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = r"d.m.Y, H:i \U\h\r"
