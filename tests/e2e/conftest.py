import pytest


@pytest.fixture
def site(live_server, transactional_db):
    """The demo program served by a live server."""
    from kohorte.catalog.loader import load_catalog

    load_catalog()
    return live_server.url
