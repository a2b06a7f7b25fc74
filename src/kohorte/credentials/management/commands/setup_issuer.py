"""``kohorte setup-issuer``: the local CA, the issuer's signing key and the CRL."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kohorte.core import issuer


class Command(BaseCommand):
    help = (
        "Create the local CA, the issuer's signing key and certificate and the CRL in the data "
        "folder; keep existing keys unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="replace existing keys (old PDFs stay signed)"
        )

    def handle(self, *args, force=False, **options):
        from kohorte.credentials import keys

        key, made = keys.ensure_key()
        if made:
            self.stdout.write(f"Created the key that signs Open Badges credentials: {key.kid}")
        if settings.KOHORTE_ISSUER_PKCS12 or settings.KOHORTE_ISSUER_KEY:
            self.stderr.write(
                "The settings name an issuer key (KOHORTE_ISSUER_PKCS12 or KOHORTE_ISSUER_KEY): "
                "certificates are signed with it, so no local CA is made."
            )
            return
        if force and issuer.local_issuer_exists():
            self.stderr.write(
                self.style.WARNING(
                    "Warning: replacing the local CA and the issuer key. PDFs signed before "
                    "validate only against the old CA certificate; keep a copy of it."
                )
            )
        try:
            result = issuer.setup_issuer(force=force)
        except issuer.IssuerIncomplete as exc:
            raise CommandError(str(exc)) from exc
        if result.created:
            self.stdout.write(f"Created the local CA and the issuer key in {result.folder}.")
        else:
            self.stdout.write(
                f"Kept the existing issuer key in {result.folder} (--force replaces it); "
                "reissued the CRL."
            )
        self.stdout.write(f"CA certificate: {result.folder / issuer.CA_CERT}")
        self.stdout.write(f"CRL distribution point: {issuer.crl_url()}")
