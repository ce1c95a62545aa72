"""Where an agency's private key signs: the one seam a province replaces.

A backend turns a registered ``AgencyCertificate`` into a pyHanko ``Signer``. pyHanko then
builds the PAdES signature around whatever the signer returns for the digest, so the key may sit
in a file (the demo), on a USB token or HSM (pyHanko's ``pkcs11.PKCS11Signer``) or behind a remote
signing service (a ``Signer`` subclass whose ``async_sign_raw`` posts the digest and returns the
raw signature). ``MOTCUA_ESIGN_BACKEND`` names the class; docs/esign.md shows both shapes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from motcua.core.errors import ValidationFailed
from motcua.esign.pki import esign_dir

if TYPE_CHECKING:
    from pyhanko.sign.signers import Signer

    from motcua.esign.models import AgencyCertificate


class SigningBackend(Protocol):
    def signer_for(self, certificate: AgencyCertificate) -> Signer:
        """A pyHanko signer holding ``certificate`` and able to sign with its private key."""
        ...


def _chain(certificate: AgencyCertificate) -> list:
    """The certificates to embed beside the signer's: the demo CA (others come from the roots)."""
    from pyhanko.keys import load_certs_from_pemder_data

    from motcua.esign.pki import ca_paths

    _, ca_cert = ca_paths()
    return list(load_certs_from_pemder_data(ca_cert.read_bytes())) if ca_cert.is_file() else []


class LocalKeyBackend:
    """The key is a PEM file under ``MOTCUA_ESIGN_DIR`` (``key_ref`` relative to it)."""

    def signer_for(self, certificate: AgencyCertificate) -> Signer:
        from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
        from pyhanko.sign.signers import SimpleSigner
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        base = esign_dir().resolve()
        path = (base / certificate.key_ref).resolve()
        if not certificate.key_ref or base not in path.parents or not path.is_file():
            raise ValidationFailed(
                "Không tìm thấy khóa bí mật của chứng thư số này trên máy chủ; hãy ký bằng "
                "thiết bị ký số của cơ quan rồi đính kèm tệp đã ký",
                code="signing_key_missing",
            )
        cert = next(iter(load_certs_from_pemder_data(certificate.pem.encode("ascii"))))
        key = load_private_key_from_pemder_data(path.read_bytes(), passphrase=None)
        return SimpleSigner(
            signing_cert=cert,
            signing_key=key,
            cert_registry=SimpleCertificateStore.from_certs([cert, *_chain(certificate)]),
        )


def backend() -> SigningBackend:
    return import_string(settings.MOTCUA_ESIGN_BACKEND)()
