import pytest


@pytest.fixture
def site(live_server, transactional_db):
    """The demo program served by a live server."""
    from kohorte.catalog.loader import load_catalog

    load_catalog()
    return live_server.url


def delivered_link(smtp_server, to: str, site: str, pattern: str = r"https?://\S+") -> str:
    """Send what is due to the test's SMTP server (aiosmtpd) and return the link of the newest
    mail to ``to``, on the live server. Secret links are only in the delivered mail: the
    outbox keeps them encrypted and shows them redacted."""
    import re

    from kohorte.comms.delivery import deliver_due

    deliver_due()
    mails = [m for m in smtp_server.messages if m["To"].addresses[0].addr_spec == to]
    body = mails[-1].get_body(preferencelist=("plain",)).get_content()
    match = re.search(pattern, body)
    url = match.group(1) if match.groups() else match.group(0)
    return re.sub(r"^https?://[^/]+", site, url)
