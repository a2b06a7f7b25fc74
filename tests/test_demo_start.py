"""Issue 11.8: `kohorte demo` serves early. A fresh SQLite data folder starts from a migrated
template database and copies the collected static files; pages say "Die Demo wird geladen …"
to logged-in people while the applicants and the selection load."""

import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from kohorte import demo

NOTICE = (
    "Die Demo wird geladen … Bewerbungen, Gutachten und die Auswahl erscheinen in etwa einer "
    "Minute; laden Sie die Seite dann neu."
)


@pytest.mark.django_db
def test_pages_say_the_demo_is_loading_while_it_loads(
    client, settings, tmp_path, django_user_model
):
    settings.DATA_DIR = tmp_path
    settings.KOHORTE_ENV = "demo"
    user = django_user_model.objects.create_user(email="paula@example.org", password="x")
    demo.set_loading(True)
    assert NOTICE not in client.get("/").content.decode()  # public pages are complete
    client.force_login(user)
    page = client.get("/").content.decode()
    assert (
        f'<div class="kern-alert kern-alert--info" role="status"><div class="kern-alert__body"><p class="kern-body">{NOTICE}</p>'
        in page
    )
    with translation.override("en"):
        english = render_to_string("base.html", {"demo_loading": True})
    assert (
        "The demo is loading … Applications, reviews and the selection will appear in about a "
        "minute; please reload the page then." in english
    )
    demo.set_loading(False)
    assert NOTICE not in client.get("/").content.decode()
    demo.set_loading(True)
    settings.KOHORTE_ENV = "development"  # only the demo shows it
    assert NOTICE not in client.get("/").content.decode()


SCRIPT = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from kohorte import cli
    cli._setup("demo")
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    cli.migrate_from_template()
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    templates = sorted(p.name for p in Path(os.environ["KOHORTE_CACHE_DIR"]).glob("db-*.sqlite3"))
    tables = connection.introspection.table_names()
    print(len(plan), len(templates), "from_template" in tables)
    """
)


def test_a_fresh_data_folder_starts_from_the_migrated_template(tmp_path):
    cache = tmp_path / "cache"
    outputs = []
    for name in ("first", "second"):
        env = {
            **os.environ,
            "KOHORTE_DATA_DIR": str(tmp_path / name),
            "KOHORTE_CACHE_DIR": str(cache),
            "KOHORTE_ENV": "demo",
        }
        env.pop("DATABASE_URL", None)
        (tmp_path / name).mkdir()
        run = subprocess.run(
            [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True
        )
        outputs.append(run.stdout.split())
        if name == "first":  # mark the template, to see that the second run copies it
            (template,) = cache.glob("db-*.sqlite3")
            db = sqlite3.connect(template)
            db.execute("CREATE TABLE from_template (x)")
            db.commit()
            db.close()
    # the first run migrates and keeps the template; the second copies it: nothing to apply
    assert outputs == [["0", "1", "False"], ["0", "1", "True"]]
