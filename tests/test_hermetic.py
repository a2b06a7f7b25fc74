"""The test session works in a temporary data folder, never in the demo's ./var."""

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection

REPO_DIR = Path(__file__).resolve().parent.parent


def test_data_folder_database_and_uploads_are_in_a_temporary_folder():
    data_dir = Path(settings.DATA_DIR)
    assert data_dir != (REPO_DIR / "var").resolve()
    assert not data_dir.is_relative_to(REPO_DIR)
    assert data_dir.is_relative_to(Path(tempfile.gettempdir()).resolve())
    assert data_dir.name.startswith("kohorte-test-")
    assert os.environ["KOHORTE_DATA_DIR"] == str(data_dir)
    assert Path(default_storage.location).resolve() == data_dir / "private"
    assert Path(settings.STATIC_ROOT).is_relative_to(data_dir)
    if connection.vendor == "sqlite":
        assert Path(settings.DATABASES["default"]["TEST"]["NAME"]).parent == data_dir
