"""The ranking's filter form is rendered once per process for each language, set of filters and
gender flag; the cached HTML must equal a fresh render, errors included."""

import pytest
from django.http import QueryDict
from django.utils import translation

from kohorte.selection.forms import RankingFilter, ranking_filter_html

QUERIES = ["", "seite=2", "level=bund&sort=name", "per_page=999", "q=M%C3%BCller&flagged=yes"]


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("gender", [True, False])
@pytest.mark.parametrize("raw", QUERIES)
def test_cached_filter_form_equals_a_fresh_render(language, gender, raw):
    query = QueryDict(raw)
    with translation.override(language):
        fresh = str(RankingFilter(query or None, gender=gender))
        assert ranking_filter_html(query, gender=gender) == fresh
        assert ranking_filter_html(query, gender=gender) == fresh  # from the cache


def test_the_cache_keeps_languages_and_errors_apart():
    with translation.override("de"):
        german = ranking_filter_html(QueryDict("per_page=999"), gender=False)
    with translation.override("en"):
        english = ranking_filter_html(QueryDict("per_page=999"), gender=False)
    assert "Zeilen je Seite" in german and "Rows per page" in english
    assert 'aria-invalid="true"' in german and 'aria-invalid="true"' in english
    assert ranking_filter_html(QueryDict(""), gender=False) != german
