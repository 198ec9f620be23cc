"""The cluster's certificate authority, node certificates and the join token.

Every agent holds a private key that never leaves its state directory; the
master signs a CSR for it at node add. The join token authenticates both
sides of that exchange without ever travelling itself: each side sends an
HMAC keyed with it.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from agent.errors import SecurityError

CA_CERT = "ca.pem"
CA_KEY = "ca.key"
NODE_CERT = "node.pem"
NODE_KEY = "node.key"
CLIENT_CERT = "client.pem"
CLIENT_KEY = "client.key"
ADMIN_CERT = "admin.pem"
ADMIN_KEY = "admin.key"
JOIN_TOKEN = "join-token"
BOOTSTRAP_CERT = "bootstrap.pem"

MASTER_IDENTITY = "ganeti-master"
ADMIN_PREFIX = "admin:"
_VALIDITY = datetime.timedelta(days=3650)


def write_private(path: Path, data: bytes) -> None:
    """Write a secret file readable by its owner only, atomically."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_key(pem: bytes) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise SecurityError("unsupported private key type")
    return key


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _san(common_name: str, *extra: str) -> x509.SubjectAlternativeName:
    names: list[x509.GeneralName] = []
    for name in (common_name, *extra):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            names.append(x509.DNSName(name))
    return x509.SubjectAlternativeName(names)


@dataclass(frozen=True)
class CertificateAuthority:
    """The cluster CA: signs node certificates and client certificates."""

    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @classmethod
    def create(cls, cluster_name: str) -> CertificateAuthority:
        key = new_key()
        name = _name(f"ganeti-shell CA {cluster_name}")
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(_now() - datetime.timedelta(minutes=5))
            .not_valid_after(_now() + _VALIDITY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(key, hashes.SHA256())
        )
        return cls(cert, key)

    @classmethod
    def load(cls, directory: Path) -> CertificateAuthority:
        try:
            cert = x509.load_pem_x509_certificate((directory / CA_CERT).read_bytes())
            key = load_key((directory / CA_KEY).read_bytes())
        except (OSError, ValueError) as exc:
            raise SecurityError(f"cannot load the cluster CA from {directory}: {exc}") from exc
        return cls(cert, key)

    def save(self, directory: Path) -> None:
        (directory / CA_CERT).write_bytes(self.cert_pem)
        write_private(directory / CA_KEY, key_pem(self.key))

    def sign(self, csr: x509.CertificateSigningRequest, common_name: str, *extra_names: str) -> bytes:
        """Sign a CSR, naming the certificate after ``common_name`` whatever the CSR asks."""
        if not csr.is_signature_valid:
            raise SecurityError("certificate request has an invalid signature")
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(self.cert.subject)
            .public_key(csr.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(_now() - datetime.timedelta(minutes=5))
            .not_valid_after(_now() + _VALIDITY)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_san(common_name, *extra_names), critical=False)
            .add_extension(
                x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
                ),
                critical=False,
            )
            .sign(self.key, hashes.SHA256())
        )
        return cert.public_bytes(serialization.Encoding.PEM)

    def issue(self, common_name: str, *extra_names: str) -> tuple[bytes, bytes]:
        """Create a key and a signed certificate here (for the master's own use)."""
        key = new_key()
        cert = self.sign(make_csr(key, common_name), common_name, *extra_names)
        return cert, key_pem(key)


def make_csr(key: ec.EllipticCurvePrivateKey, common_name: str) -> x509.CertificateSigningRequest:
    return (
        x509.CertificateSigningRequestBuilder()
        .subject_name(_name(common_name))
        .sign(key, hashes.SHA256())
    )


def load_csr(pem: bytes) -> x509.CertificateSigningRequest:
    try:
        return x509.load_pem_x509_csr(pem)
    except ValueError as exc:
        raise SecurityError(f"malformed certificate request: {exc}") from exc


def self_signed(key: ec.EllipticCurvePrivateKey, common_name: str) -> bytes:
    """A throw-away server certificate for the join exchange before the node has its own."""
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(_name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now() - datetime.timedelta(minutes=5))
        .not_valid_after(_now() + datetime.timedelta(days=30))
        .add_extension(_san(common_name), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


def common_name(cert_pem: bytes) -> str:
    cert = x509.load_pem_x509_certificate(cert_pem)
    attrs = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(attrs[0].value) if attrs else ""


def verify_signed_by(cert_pem: bytes, ca_pem: bytes) -> None:
    """Refuse a certificate that the given CA did not sign."""
    try:
        cert = x509.load_pem_x509_certificate(cert_pem)
        ca = x509.load_pem_x509_certificate(ca_pem)
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, Exception) as exc:  # cryptography raises several types
        raise SecurityError(f"certificate not signed by the cluster CA: {exc}") from exc


def new_token() -> str:
    return secrets.token_urlsafe(32)


def proof(token: str, *parts: bytes) -> bytes:
    """HMAC-SHA256 of the length-prefixed parts, keyed with the join token."""
    mac = hmac.new(token.encode(), digestmod=hashlib.sha256)
    for part in parts:
        mac.update(len(part).to_bytes(8, "big"))
        mac.update(part)
    return mac.digest()


def check_proof(token: str, expected: bytes, *parts: bytes) -> bool:
    return hmac.compare_digest(proof(token, *parts), expected)
