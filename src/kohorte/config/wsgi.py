import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kohorte.config.settings")
application = get_wsgi_application()

from kohorte.core.warmup import prepare_worker  # noqa: E402 (after the application)

prepare_worker()
