"""allauth's sign-up form, made to take as long for a known address as for a new one.

Kept apart from ``accounts.forms``: allauth builds its form on top of that module's
``SignupForm`` (ACCOUNT_SIGNUP_FORM_CLASS), so importing allauth's forms there would be circular.
"""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password


class SignupForm(AllauthSignupForm):
    def try_save(self, request):
        """For a known address allauth creates nothing and mails the owner instead; hash the
        password all the same, so that the answer comes as late as for a new account (the
        hash is most of the work) and its timing does not tell whether the address is known.
        """
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)
