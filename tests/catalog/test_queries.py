"""List pages cost the same number of queries at 1 row as at 30."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kohorte.core.pagecache import forget_versions
from tests.factories import CohortFactory, ModuleFactory, ModuleRunFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _program_with(n: int):
    cohort = CohortFactory()
    for _ in range(n):
        run = ModuleRunFactory(cohort=cohort, module=ModuleFactory(program=cohort.program))
        run.lecturers.set([PersonFactory(), PersonFactory()])
    return cohort


def _count(client, url):
    cache.clear()  # measure a page-cache miss: the real rendering work
    forget_versions()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["curriculum/", "", "jahrgaenge/", "bewerbung/"])
def test_public_pages_constant_queries(client, page):
    small = _program_with(1)
    large = _program_with(30)
    _count(client, f"/{small.program.slug}/{page}")  # warm per-process caches (content types)
    assert _count(client, f"/{small.program.slug}/{page}") == _count(
        client, f"/{large.program.slug}/{page}"
    )


def test_cohort_calendar_constant_queries(client):
    small = _program_with(1)
    large = _program_with(30)
    _count(client, f"/{small.program.slug}/jahrgaenge/{small.slug}/kalender.ics")
    assert _count(client, f"/{small.program.slug}/jahrgaenge/{small.slug}/kalender.ics") == _count(
        client, f"/{large.program.slug}/jahrgaenge/{large.slug}/kalender.ics"
    )


def test_cached_page_costs_one_query(client):
    cohort = _program_with(3)
    url = f"/{cohort.program.slug}/curriculum/"
    assert _count(client, url) > 1
    rendered = client.get(url).content
    assert cohort.program.title_de.encode() in rendered
    forget_versions()
    with CaptureQueriesContext(connection) as ctx:
        cached = client.get(url)
    assert len(ctx.captured_queries) == 1  # the content-version check only
    assert (cached.status_code, cached.content) == (200, rendered)  # the same page, from cache
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(url)
    assert len(ctx.captured_queries) == 0  # version known for a second: no query at all
    assert (again.status_code, again.content) == (200, rendered)
