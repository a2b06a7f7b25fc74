"""A web worker imports its views and freezes what it loaded before serving (see
core/warmup.py: full garbage collections no longer walk Django's and Kohorte's own objects)."""

import os
import subprocess
import sys

import pytest

CHECK = """
import gc, sys
import {module}
import os
print(gc.get_freeze_count(), "kohorte.selection.views.staff" in sys.modules,
      os.environ.get("OPENBLAS_NUM_THREADS"))
"""


@pytest.mark.parametrize("module", ["kohorte.config.wsgi", "kohorte.config.asgi"])
def test_worker_imports_views_and_freezes_startup_objects(module, tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"},
        "KOHORTE_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "kohorte.config.settings",
    }
    out = subprocess.run(
        [sys.executable, "-c", CHECK.format(module=module)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    frozen, views_loaded, blas_threads = int(out[0]), out[1], out[2]
    assert frozen > 50_000
    assert views_loaded == "True"
    assert blas_threads == "1"
