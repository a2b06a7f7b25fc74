from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """Who may sign up. The account mails are sent by comms' subclass (comms/allauth.py), which
    settings.ACCOUNT_ADAPTER names: accounts comes before comms and does not import it."""

    def is_open_for_signup(self, request):
        return settings.KOHORTE_SIGNUP_OPEN
