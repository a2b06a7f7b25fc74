"""The demo's web application: ``kohorte demo`` starts the web server before the database and
the static files are ready, so that its imports (a few seconds) overlap with preparing them.
The server loads Django at once and builds the application (whose static file handler reads
the collected files) once ``kohorte demo`` marks the data folder as prepared."""

import os
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kohorte.config.settings")
django.setup(set_prefix=False)

from django.conf import settings  # noqa: E402 (after setup, as get_wsgi_application does)
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

PREPARED_FILE = "demo-prepared"
_deadline = time.monotonic() + 300
while not (Path(settings.DATA_DIR) / PREPARED_FILE).exists():
    if time.monotonic() > _deadline:
        raise SystemExit("kohorte demo: the data folder was not prepared within 300 s")
    time.sleep(0.05)

application = WSGIHandler()

from kohorte.core.warmup import prepare_worker  # noqa: E402 (after the application)

prepare_worker()
