"""``kohorte manage export_credential <verification-id> --format pdf|jwt|json [-o FILE]``."""

import json
import sys

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from kohorte.credentials.models import Certificate
from kohorte.credentials.ob3 import decode_credential


class Command(BaseCommand):
    help = (
        "Write a certificate's signed PDF, its Open Badges credential as a VC-JWT, or the "
        "decoded credential (JSON), to a file or to standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("verification_id")
        parser.add_argument("--format", choices=["pdf", "jwt", "json"], default="json")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, verification_id, format, output=None, **options):
        certificate = Certificate.objects.filter(verification_id=verification_id).first()
        if certificate is None:
            raise CommandError(f"No certificate has the verification id {verification_id!r}.")
        if format == "pdf":
            if not certificate.pdf_name:
                raise CommandError("This certificate has no stored PDF.")
            with default_storage.open(certificate.pdf_name, "rb") as handle:
                data = handle.read()
        else:
            if not certificate.credential_jwt:
                raise CommandError("This certificate has no Open Badges credential.")
            if format == "jwt":
                data = certificate.credential_jwt.encode("ascii") + b"\n"
            else:
                credential = decode_credential(certificate.credential_jwt)
                text = json.dumps(credential, ensure_ascii=False, indent=2) + "\n"
                data = text.encode("utf-8")
        if output:
            with open(output, "wb") as handle:
                handle.write(data)
            self.stderr.write(f"Wrote {len(data)} bytes to {output}.")
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
