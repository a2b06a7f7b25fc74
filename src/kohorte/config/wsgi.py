import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kohorte.config.settings")
# The web request's matrices are small (calibration, reliability): OpenBLAS's extra threads
# only spin, doubling a request's CPU time without making it faster (bench/RESULTS.md).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
application = get_wsgi_application()

from kohorte.core.warmup import prepare_worker  # noqa: E402 (after the application)

prepare_worker()
