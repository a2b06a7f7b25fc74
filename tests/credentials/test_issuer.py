"""``kohorte setup-issuer``: the local CA, the issuer key, the CRL, file permissions."""

import stat
import subprocess
import sys

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtensionOID
from django.core.management import call_command
from django.core.management.base import CommandError

from kohorte.core import issuer


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_setup_issuer_writes_keys_0600_in_a_0700_folder(issuer_dir):
    assert _mode(issuer_dir) == 0o700
    assert _mode(issuer_dir / issuer.CA_KEY) == 0o600
    assert _mode(issuer_dir / issuer.ISSUER_KEY) == 0o600
    assert sorted(p.name for p in issuer_dir.iterdir()) == [
        "ca.crl", "ca.key.pem", "ca.pem", "issuer.key.pem", "issuer.pem",
    ]  # fmt: skip


def test_the_issuer_certificate_is_issued_by_the_ca_for_signing(issuer_dir):
    ca = x509.load_pem_x509_certificate((issuer_dir / issuer.CA_CERT).read_bytes())
    cert = x509.load_pem_x509_certificate((issuer_dir / issuer.ISSUER_CERT).read_bytes())
    cert.verify_directly_issued_by(ca)
    ca.verify_directly_issued_by(ca)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    assert not usage.key_cert_sign
    points = cert.extensions.get_extension_for_oid(ExtensionOID.CRL_DISTRIBUTION_POINTS).value
    assert [name.value for point in points for name in point.full_name] == [
        "http://127.0.0.1:9/zertifikate/ca.crl"
    ]


def test_the_crl_is_signed_by_the_ca_empty_and_has_a_next_update(issuer_dir):
    ca = x509.load_pem_x509_certificate((issuer_dir / issuer.CA_CERT).read_bytes())
    crl = x509.load_der_x509_crl((issuer_dir / issuer.CRL).read_bytes())
    assert crl.is_signature_valid(ca.public_key())
    assert crl.issuer == ca.subject
    assert len(crl) == 0
    assert crl.next_update_utc is not None
    assert (crl.next_update_utc - crl.last_update_utc).days == issuer.CRL_DAYS


def test_reissue_crl_counts_up_and_keeps_revoked_serials(issuer_dir):
    issuer.reissue_crl(revoke=(1234,))
    crl = issuer.reissue_crl()
    assert [entry.serial_number for entry in crl] == [1234]
    assert crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == 3


def test_a_second_setup_keeps_the_keys(issuer_dir):
    keys = {name: (issuer_dir / name).read_bytes() for name in (issuer.CA_KEY, issuer.ISSUER_KEY)}
    result = issuer.setup_issuer()
    assert not result.created
    assert {name: (issuer_dir / name).read_bytes() for name in keys} == keys


def test_force_replaces_the_keys_with_a_warning(issuer_dir, capsys):
    old = (issuer_dir / issuer.ISSUER_KEY).read_bytes()
    call_command("setup_issuer", force=True)
    captured = capsys.readouterr()
    assert "Warning: replacing the local CA and the issuer key." in captured.err
    assert "Created the local CA and the issuer key" in captured.out
    assert (issuer_dir / issuer.ISSUER_KEY).read_bytes() != old
    assert _mode(issuer_dir / issuer.ISSUER_KEY) == 0o600


def test_an_incomplete_issuer_folder_asks_for_force(issuer_dir):
    (issuer_dir / issuer.ISSUER_KEY).unlink()
    with pytest.raises(CommandError, match=r"kohorte setup-issuer --force"):
        call_command("setup_issuer")


def test_setup_issuer_is_skipped_when_production_names_a_key(data_dir, settings, capsys):
    settings.KOHORTE_ISSUER_KEY = "/etc/kohorte/issuer.key.pem"
    call_command("setup_issuer")
    assert "no local CA is made" in capsys.readouterr().err
    assert not (data_dir / "issuer").exists()


def test_the_kohorte_command_runs_setup_issuer(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "KOHORTE_DATA_DIR": str(tmp_path), "HOME": str(tmp_path)}
    command = [sys.executable, "-m", "kohorte", "setup-issuer"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    second = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert f"Created the local CA and the issuer key in {tmp_path / 'issuer'}." in first.stdout
    assert "Kept the existing issuer key" in second.stdout
    assert _mode(tmp_path / "issuer" / issuer.ISSUER_KEY) == 0o600


def test_the_first_demo_sets_up_the_issuer_and_later_ones_keep_it(data_dir):
    from kohorte.cli import _setup_demo_issuer

    _setup_demo_issuer()
    key = (data_dir / "issuer" / issuer.ISSUER_KEY).read_bytes()
    _setup_demo_issuer()
    assert (data_dir / "issuer" / issuer.ISSUER_KEY).read_bytes() == key
    assert _mode(data_dir / "issuer" / issuer.ISSUER_KEY) == 0o600
