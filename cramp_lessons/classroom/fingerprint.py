"""SHA-256 fingerprints of the classroom server's certificate: the forms printed and the forms typed.

``serve --tls`` prints the long form browsers show (``SHA256:AB:CD:…``, 32 bytes) and a short one
to type (``sha256=1A2B-3C4D-5E6F-7A8B-9C0D``, the first 80 bits). The client accepts either, with
or without the prefix and separators, in any case. 80 bits are plenty here: an impostor must make a
certificate whose SHA-256 starts with them, about 2**80 tries, far beyond anyone on a school network.

Only :mod:`hashlib`: the student's kernel pins a fingerprint without the server's dependencies.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from cramp_lessons.classroom import ClassroomError

SHORT_DIGITS = 20  # hex digits of the short form (80 bits); fewer are refused
_EXAMPLE = "sha256=1A2B-3C4D-5E6F-7A8B-9C0D"


def sha256_hex(der: bytes) -> str:
    """The certificate's SHA-256 (of its DER bytes, as browsers compute it), 64 lowercase hex digits."""
    return hashlib.sha256(der).hexdigest()


def long_form(hex_digest: str) -> str:
    """``SHA256:AB:CD:…``: the colon-separated form browsers and ``openssl x509 -fingerprint`` show."""
    h = hex_digest.upper()
    return "SHA256:" + ":".join(h[i : i + 2] for i in range(0, len(h), 2))


def short_form(hex_digest: str) -> str:
    """``sha256=1A2B-3C4D-5E6F-7A8B-9C0D``: what a student types after ``#`` in the server address."""
    h = hex_digest[:SHORT_DIGITS].upper()
    return "sha256=" + "-".join(h[i : i + 4] for i in range(0, len(h), 4))


def parse(text: str) -> str:
    """A fingerprint as typed (long or short form, any case, any separators) -> lowercase hex digits."""
    s = re.sub(r"^\s*sha-?256\s*[:=]?", "", text.strip(), flags=re.I)
    digits = re.sub(r"[\s:\-]", "", s).lower()
    if not re.fullmatch(r"[0-9a-f]*", digits) or not SHORT_DIGITS <= len(digits) <= 64:
        raise ClassroomError(
            f"{text!r} is not a certificate fingerprint: after # the server address carries only the "
            f"fingerprint the teacher shows, e.g. #{_EXAMPLE} (at least {SHORT_DIGITS} hex digits)"
        )
    return digits


def matches(pinned: str, seen: str) -> bool:
    """Does the certificate with SHA-256 ``seen`` (hex) carry the pinned fingerprint (hex, maybe short)?"""
    return hmac.compare_digest(seen[: len(pinned)], pinned)
