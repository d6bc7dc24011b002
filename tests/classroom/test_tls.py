"""``classroom serve --tls`` on loopback: a self-signed certificate made once and kept, its fingerprint in
the banner, and clients that connect only to the certificate pinned or first seen."""

from __future__ import annotations

import datetime as dt
import re
import ssl
import stat

import httpx
import pytest

from cramp_lessons.classroom import ClassroomError, Offline
from cramp_lessons.classroom import fingerprint as fp
from cramp_lessons.classroom.client.http import (
    KnownServers,
    StudentClient,
    TeacherClient,
    UntrustedServer,
    split_server,
)
from cramp_lessons.classroom.server import tls
from tests.classroom.conftest import ServerProcess

Q1 = "causes.cold.q1"


def tls_server(tmp_path, home: str = "server", port: int | None = None) -> ServerProcess:
    db = f"sqlite:///{tmp_path / 'classroom.sqlite'}"
    return ServerProcess(db, tmp_path / home, port=port, extra=("--tls",)).start()


def banner(server: ServerProcess) -> dict[str, str]:
    """The latest start's student address (fingerprint included) and long fingerprint."""
    out = server.output()
    return {
        "address": re.findall(r"Server:\s+(https://\S+)", out)[-1],
        "fingerprint": re.findall(r"Fingerprint:\s+(SHA256:\S+)", out)[-1],
        "certificate": re.findall(r"Certificate:\s+.*\((\w+)", out)[-1],
    }


def served_sha256(server: ServerProcess) -> str:
    pem = ssl.get_server_certificate(("127.0.0.1", server.port))
    return fp.sha256_hex(ssl.PEM_cert_to_DER_cert(pem))


def student(address: str, server: ServerProcess, name: str, tmp_path, **kw) -> StudentClient:
    kw.setdefault("known_servers", tmp_path / "known.json")
    return StudentClient(address, server.banner["code"], name, outbox=tmp_path / f"{name}.sqlite", **kw)


@pytest.fixture
def server(tmp_path):
    srv = tls_server(tmp_path)
    yield srv
    srv.stop()


def test_the_banner_prints_the_fingerprint_of_the_certificate_served(server):
    b = banner(server)
    seen = served_sha256(server)
    assert b["fingerprint"] == fp.long_form(seen)
    assert b["address"] == f"https://127.0.0.1:{server.port}#{fp.short_form(seen)}"
    assert f"Cramp Lessons classroom on https://127.0.0.1:{server.port}" in server.output()


def test_a_student_joins_and_answers_over_https_with_the_pinned_address(server, tmp_path):
    b = banner(server)
    teacher = TeacherClient(b["address"], server.banner["session"], server.banner["key"], known_servers=None)
    teacher.pose(Q1)
    s = student(b["address"], server, "Ana", tmp_path).join()
    try:
        assert s.server == f"https://127.0.0.1:{server.port}"  # the fingerprint is not part of the address
        s.record(Q1, "b")
        assert s.flush() == 1
        assert [a["name"] for a in teacher.answers()] == ["Ana"]
    finally:
        s.close()
        teacher.http.close()


def test_a_wrong_fingerprint_is_refused_before_any_request(server, tmp_path):
    seen = served_sha256(server)
    wrong = ("0" if seen[0] != "0" else "1") + seen[1:]
    s = student(f"https://127.0.0.1:{server.port}", server, "Eve", tmp_path, fingerprint=wrong)
    with pytest.raises(UntrustedServer, match="does not show the certificate you gave") as e:
        s.join()
    s.close()
    assert isinstance(e.value, ClassroomError)
    assert e.value.__cause__ is None and e.value.__suppress_context__  # no httpx traceback behind it
    teacher = TeacherClient(
        banner(server)["address"], server.banner["session"], server.banner["key"], known_servers=None
    )
    assert teacher.roster() == []  # the join never reached the server
    teacher.http.close()


def test_trust_on_first_use_remembers_and_refuses_a_changed_certificate(tmp_path):
    known = tmp_path / "known.json"
    first = tls_server(tmp_path, "home-1")
    port, address = first.port, f"https://127.0.0.1:{first.port}"  # no fingerprint: trust on first use
    try:
        s = student(address, first, "Ana", tmp_path).join()
        assert KnownServers(known).get(f"127.0.0.1:{port}") == served_sha256(first)
        teacher = TeacherClient(address, first.banner["session"], first.banner["key"], known_servers=known)
        teacher.pose(Q1)
        s.record(Q1, "a")
        assert s.flush() == 1
    finally:
        first.stop()
    # The same address and port, another certificate (another data directory): an impostor, for the client.
    second = tls_server(tmp_path, "home-2", port=port)
    try:
        assert banner(second)["fingerprint"] != banner(first)["fingerprint"]
        s.record(Q1, "b")
        with pytest.raises(UntrustedServer, match="different certificate"):
            s.flush()
        assert s.outbox.counts(s.key)["waiting"] == 1  # kept, not sent to the impostor
        with pytest.raises(UntrustedServer):
            student(address, second, "Bo", tmp_path).join()
        with pytest.raises(UntrustedServer):
            TeacherClient(address, second.banner["session"], second.banner["key"], known_servers=known).info()
        # The teacher's new address, fingerprint included, is trusted and remembered from then on.
        student(banner(second)["address"], second, "Bo", tmp_path).join().close()
        assert KnownServers(known).get(f"127.0.0.1:{port}") == served_sha256(second)
        student(address, second, "Cy", tmp_path).join().close()
    finally:
        s.close()
        second.stop()


def authority(tmp_path):
    """A certificate authority of our own, and a function that issues a server certificate into a folder."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test school CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))

    def issue(directory):
        import ipaddress

        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
            )
            .sign(ca_key, hashes.SHA256())
        )
        directory.mkdir(parents=True, exist_ok=True)
        (directory / tls.KEY_FILE).write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        (directory / tls.CERT_FILE).write_bytes(cert.public_bytes(serialization.Encoding.PEM))

    return ca_file, issue


def test_a_certificate_from_a_trusted_authority_needs_no_pin_and_may_be_renewed(tmp_path, monkeypatch):
    ca_file, issue = authority(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))  # this computer trusts the school's authority
    issue(tmp_path / "server" / tls.TLS_DIR)
    first = tls_server(tmp_path)
    address = f"https://127.0.0.1:{first.port}"
    try:
        assert banner(first)["certificate"] == "reused"  # served as given, not replaced
        before = banner(first)["fingerprint"]
        student(address, first, "Ana", tmp_path).join().close()
    finally:
        first.stop()
    assert not (tmp_path / "known.json").exists()  # checked by the authority: nothing pinned
    issue(tmp_path / "server" / tls.TLS_DIR)  # renewed: another key and certificate
    again = tls_server(tmp_path, port=first.port)
    try:
        assert banner(again)["fingerprint"] != before
        student(address, again, "Bo", tmp_path).join().close()
        with pytest.raises(UntrustedServer):  # a fingerprint given is still the only one accepted
            student(address, again, "Cy", tmp_path, fingerprint=before).join()
    finally:
        again.stop()


def test_the_join_form_takes_the_address_with_its_fingerprint(server, tmp_path, fixture_course):
    import cramp_lessons.classroom as classroom
    from cramp_lessons.classroom.client.widgets import JoinWidget

    address, seen = banner(server)["address"], served_sha256(server)
    other = ("0" if seen[0] != "0" else "1") + seen[1:]
    wrong = JoinWidget(
        f"https://127.0.0.1:{server.port}#{fp.short_form(other)}",
        server.banner["code"],
        "Eve",
        course=fixture_course,
        outbox=tmp_path / "eve.sqlite",
    )
    assert not wrong.join()
    assert "does not show the certificate you gave" in wrong.message.value
    form = JoinWidget(
        address, server.banner["code"], "Ana", course=fixture_course, outbox=tmp_path / "a.sqlite"
    )
    try:
        assert form.join(), form.message.value
    finally:
        classroom.leave()
        if form.client is not None:
            form.client.close()


def test_an_unreadable_list_of_known_servers_trusts_nothing(server, tmp_path):
    (tmp_path / "known.json").write_text("{not json")
    with pytest.raises(UntrustedServer, match="cannot be read"):
        student(f"https://127.0.0.1:{server.port}", server, "Ana", tmp_path).join()


def test_plain_http_to_the_tls_port_fails(server, tmp_path):
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{server.port}/api/health", timeout=5)
    s = student(f"http://127.0.0.1:{server.port}", server, "Ana", tmp_path)
    with pytest.raises(Offline):
        s.join()
    s.close()


def test_the_certificate_is_reused_across_restarts_and_its_key_is_private(tmp_path):
    first = tls_server(tmp_path)
    try:
        before = banner(first)  # the log is appended to: read before the restart adds its banner
        served_before = served_sha256(first)
    finally:
        first.stop()
    cert_dir = tmp_path / "server" / tls.TLS_DIR
    cert_bytes = (cert_dir / tls.CERT_FILE).read_bytes()
    assert stat.S_IMODE((cert_dir / tls.KEY_FILE).stat().st_mode) == 0o600
    assert before["certificate"] == "new"
    again = tls_server(tmp_path, port=first.port)
    try:
        assert banner(again)["certificate"] == "reused"
        assert banner(again)["fingerprint"] == before["fingerprint"] == fp.long_form(served_before)
        assert served_sha256(again) == served_before
        assert (cert_dir / tls.CERT_FILE).read_bytes() == cert_bytes
    finally:
        again.stop()


# --------------------------------------------------------------------------- the certificate, in process
def test_a_certificate_covers_loopback_and_the_host_and_is_made_anew_when_it_does_not(tmp_path):
    c = tls.certificate("127.0.0.1", tmp_path)
    assert c.created and {"127.0.0.1", "::1", "localhost"} <= set(c.names)
    assert stat.S_IMODE(c.key_path.stat().st_mode) == 0o600
    assert tls.certificate("localhost", tmp_path).sha256 == c.sha256  # covered: reused
    other = tls.certificate("10.9.8.7", tmp_path)
    assert other.created and other.sha256 != c.sha256 and "10.9.8.7" in other.names
    assert tls.certificate("classroom.example.org", tmp_path).names != other.names


def test_a_certificate_near_its_end_or_damaged_is_made_anew(tmp_path):
    c = tls.certificate("127.0.0.1", tmp_path)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=tls.VALID_DAYS - tls.RENEW_DAYS + 1)
    renewed = tls.certificate("127.0.0.1", tmp_path, now=later)
    assert renewed.created and renewed.sha256 != c.sha256
    c.cert_path.write_text("not a certificate")
    assert tls.certificate("127.0.0.1", tmp_path).created


def test_a_key_with_loose_permissions_is_made_private_again(tmp_path):
    c = tls.certificate("127.0.0.1", tmp_path)
    c.key_path.chmod(0o644)
    again = tls.certificate("127.0.0.1", tmp_path)
    assert not again.created and again.sha256 == c.sha256
    assert stat.S_IMODE(c.key_path.stat().st_mode) == 0o600


def test_an_unwritable_data_directory_is_the_packages_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ClassroomError, match="cannot keep the HTTPS certificate"):
        tls.certificate("127.0.0.1", blocker / "tls")


# --------------------------------------------------------------------------- the forms students type
H = "ab12cd34ef56ab78cd90" + "0" * 44


@pytest.mark.parametrize(
    "typed",
    [fp.long_form(H), fp.short_form(H), "AB12-CD34-EF56-AB78-CD90", "sha256:ab12cd34ef56ab78cd90", H.upper()],
)
def test_the_fingerprint_forms_printed_are_the_forms_read(typed):
    assert H.startswith(fp.parse(typed)) and fp.matches(fp.parse(typed), H)


@pytest.mark.parametrize("typed", ["sha256=AB12-CD34", "sha256=XYZ0-1234-5678-9ABC-DEF0", "top", H + "00"])
def test_a_fingerprint_too_short_or_not_hex_is_refused(typed):
    with pytest.raises(ClassroomError, match="not a certificate fingerprint"):
        fp.parse(typed)


def test_a_server_address_with_a_fingerprint():
    assert split_server(f"192.168.1.5:8765#{fp.short_form(H)}") == ("https://192.168.1.5:8765", H[:20])
    assert split_server(" http://192.168.1.5:8765/ ") == ("http://192.168.1.5:8765", None)
    with pytest.raises(ClassroomError, match="plain http://"):
        split_server(f"http://192.168.1.5:8765#{fp.short_form(H)}")
