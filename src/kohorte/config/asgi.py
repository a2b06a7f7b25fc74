import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kohorte.config.settings")
application = get_asgi_application()

from kohorte.core.warmup import prepare_worker  # noqa: E402 (after the application)

prepare_worker()
