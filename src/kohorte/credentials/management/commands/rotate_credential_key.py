"""``kohorte manage rotate_credential_key``: a new key signs credentials from now on."""

from django.core.management.base import BaseCommand

from kohorte.credentials import keys, status


class Command(BaseCommand):
    help = (
        "Add a new ES256 key that signs Open Badges credentials from now on. The old keys stay "
        "published (JWKS and their kid URLs), so credentials signed before stay verifiable."
    )

    def handle(self, *args, **options):
        old = [k.kid for k in keys.all_keys().values()]
        key = keys.add_key()
        status.invalidate()  # the status list is signed with the new key from now on
        self.stdout.write(f"New credential key: {key.kid}")
        for kid in old:
            self.stdout.write(f"Still published: {kid}")
