"""The classroom's own HTTPS certificate for ``classroom serve --tls``: self-signed, made once, reused.

Students pin its fingerprint (see :mod:`cramp_lessons.classroom.fingerprint`), so no certificate
authority and no browser warning are involved, and the fingerprint must stay the same from one class
to the next: the certificate and key live in the data directory (``classroom-tls/`` beside the
classroom database) and are reused until they expire or no longer name the address asked for. The key
file is readable by its owner only (mode 0600).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from cramp_lessons.classroom import ClassroomError
from cramp_lessons.classroom.fingerprint import long_form, sha256_hex, short_form

TLS_DIR = "classroom-tls"
CERT_FILE, KEY_FILE = "cert.pem", "key.pem"
VALID_DAYS = 730
RENEW_DAYS = 7  # made anew this close to its end, so it cannot expire in the middle of a class
ANY_ADDRESS = {"", "0.0.0.0", "::"}
LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True)
class Certificate:
    cert_path: Path
    key_path: Path
    sha256: str  # hex digits of the certificate's SHA-256
    names: tuple[str, ...]  # the addresses and host names it covers (subjectAltName)
    created: bool  # made on this run (so students who pinned the old one must pin again)

    @property
    def fingerprint(self) -> str:
        """``SHA256:AB:CD:…``, as browsers show it."""
        return long_form(self.sha256)

    @property
    def short(self) -> str:
        """``sha256=1A2B-…``, what students type after ``#`` in the server address."""
        return short_form(self.sha256)


def default_dir() -> Path:
    from cramp_lessons.learner.progress import default_home

    return default_home() / TLS_DIR


def lan_addresses() -> list[str]:
    """This computer's addresses on its networks, as far as a look without any traffic finds them."""
    found: list[str] = []
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, proto=socket.IPPROTO_TCP):
            found.append(str(info[4][0]))
    except OSError:
        pass
    # The address the default route leaves from: a UDP "connect" only picks a route, it sends nothing.
    for family, probe in ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1")):
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as s:
                s.connect((probe, 9))
                found.append(str(s.getsockname()[0]))
        except OSError:
            pass
    out = []
    for a in found:
        ip = ipaddress.ip_address(a.split("%")[0])  # drop an IPv6 scope (fe80::1%eth0)
        if not (ip.is_loopback or ip.is_unspecified or ip.is_link_local) and str(ip) not in out:
            out.append(str(ip))
    return out


def _name(host: str) -> str:
    host = host.strip().strip("[]")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host.lower().rstrip(".")


def required_names(host: str) -> set[str]:
    """What a reused certificate must cover: loopback, and the address or name the server listens on.

    This computer's network addresses are not required, only added when a certificate is made: a
    laptop gets another address in another room, and a new certificate there would make every
    student's pinned fingerprint wrong, while pinning itself never looks at the names.
    """
    names = {"127.0.0.1", "localhost"}
    if host.strip() not in ANY_ADDRESS:
        names.add(_name(host))
    return names


def certificate(host: str, directory: Path | None = None, *, now: dt.datetime | None = None) -> Certificate:
    """The certificate to serve ``host`` with: the stored one if it still fits, else a new one."""
    directory = directory if directory is not None else default_dir()
    now = now or dt.datetime.now(dt.UTC)
    cert_path, key_path = directory / CERT_FILE, directory / KEY_FILE
    needed = required_names(host)
    try:
        stored = _load(cert_path, key_path, needed, now)
        if stored is not None:
            return stored
        extra = {*LOOPBACK, *lan_addresses(), _name(socket.gethostname())}
        names = sorted(needed | {n for n in extra if n.isascii() and n})
        return _make(cert_path, key_path, names, now)
    except OSError as e:
        raise ClassroomError(
            f"cannot keep the HTTPS certificate in {directory}: {e.strerror or e}. "
            "Set CRAMP_LESSONS_HOME to a folder you can write to."
        ) from None


def _load(cert_path: Path, key_path: Path, needed: set[str], now: dt.datetime) -> Certificate | None:
    """The stored certificate if it is whole, matches its key, covers ``needed`` and stays valid."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    if not (cert_path.exists() and key_path.exists()):
        return None
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (ValueError, TypeError, x509.ExtensionNotFound):
        return None  # damaged or foreign files: make a new pair
    raw = serialization.PublicFormat.SubjectPublicKeyInfo
    pem = serialization.Encoding.PEM
    if key.public_key().public_bytes(pem, raw) != cert.public_key().public_bytes(pem, raw):
        return None  # a key and certificate from two different runs
    names = {str(ip) for ip in san.get_values_for_type(x509.IPAddress)}
    names |= {d.lower() for d in san.get_values_for_type(x509.DNSName)}
    valid = cert.not_valid_before_utc <= now < cert.not_valid_after_utc - dt.timedelta(days=RENEW_DAYS)
    if not (valid and needed <= names):
        return None
    if os.name == "posix" and key_path.stat().st_mode & 0o077:
        key_path.chmod(0o600)  # copied or restored with looser permissions: the key stays private
    der = cert.public_bytes(serialization.Encoding.DER)
    return Certificate(cert_path, key_path, sha256_hex(der), tuple(sorted(names)), created=False)


def _make(cert_path: Path, key_path: Path, names: list[str], now: dt.datetime) -> Certificate:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())  # quick to make, and every TLS client takes it
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Cramp Lessons classroom (self-signed)")])
    alt: list[x509.GeneralName] = []
    for n in names:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(n)))
        except ValueError:
            alt.append(x509.DNSName(n))
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))  # a student's clock a little behind still accepts it
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # The key first, each file whole or not at all (written aside, then renamed): a run stopped
    # half-way leaves a pair that does not match, and the next run makes a new one.
    _write(key_path, key_pem, 0o600)
    _write(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    der = cert.public_bytes(serialization.Encoding.DER)
    return Certificate(cert_path, key_path, sha256_hex(der), tuple(names), created=True)


def _write(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    # Created with its mode, so the key is never readable by others, not even for a moment.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
